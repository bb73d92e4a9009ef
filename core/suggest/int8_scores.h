#pragma once

#include <cstddef>
#include <cstdint>

namespace listinglens {

// Which instructions a scan uses: the widest this processor has (AVX2 where
// it has it), or the x86-64 baseline (SSE2; tests compare the two).
enum class Int8Isa { Best, Baseline };

// The dot product of int8 vectors of n values; exact (int32 sums: n up to
// 2^31 / 2^14 = 131,072 values cannot overflow).
std::int32_t int8Dot(const std::int8_t *a, const std::int8_t *b, int n, Int8Isa isa = Int8Isa::Best);

// Every row's similarity to the query in one pass over the rows' codes
// (rows x dim, row-major): out[i] = dot(query, row i) * queryScale * scales[i].
// A similarity scan of 100,000 listings reads 128 MB of codes a query; the
// products are summed pairwise in 32 bits (pmaddwd) 16 or 32 codes a step,
// where the compiler's own vectorising multiplies in 16 bits and widens each
// product, several instructions a code.
void int8Scores(const std::int8_t *codes, const float *scales, std::size_t rows, int dim, const std::int8_t *query,
                float queryScale, float *out, Int8Isa isa = Int8Isa::Best);

} // namespace listinglens
