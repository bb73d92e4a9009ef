#pragma once

#include <QString>

namespace listinglens {

// OpenBLAS picks its kernels for the processor when it loads, and a processor
// newer than the library (Debian's 0.3.21 and Sapphire Rapids, say) gets the
// generic Prescott kernels: plain TorchScript inference, whose 1x1
// convolutions go through sgemm, runs at half its speed or less. Nothing can
// change the choice once the library is loaded, so a process that needs the
// BLAS and finds it on a processor with AVX2 or AVX-512 starts itself again,
// once, with OPENBLAS_CORETYPE naming the core that fits.

// The core OpenBLAS runs ("SkylakeX", "Haswell", "Prescott"), or empty when the
// BLAS in this process is not OpenBLAS.
QString blasCoreName();

// The OPENBLAS_CORETYPE this processor should have when OpenBLAS chose a
// generic core for it; empty when its choice stands, when OPENBLAS_CORETYPE
// was set by the user, or when this process was already started again for it.
QString betterBlasCore();

// When betterBlasCore() names one: sets OPENBLAS_CORETYPE (and a marker, so
// it happens once), logs the change, and replaces this process with the same
// program and arguments. Returns only when nothing needs doing or exec fails.
// Starting again costs about 0.4 s of library loading, so only the commands
// that need the BLAS call it (cli::wantsBlasCore).
void restartWithBetterBlasCore(char **argv);

// One line for --version, bench and the About box: the core, and why.
QString blasCoreReport();

} // namespace listinglens
