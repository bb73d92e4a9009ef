#pragma once

#include <cstddef>
#include <cstdint>

namespace listinglens {

// Which instructions a scan uses: the widest this processor has (AVX2 where
// it has it), or the x86-64 baseline (SSE2; tests compare the two).
enum class Int8Isa { Best, Baseline };

// The most values a dot product of quantise's codes (-127..127) may have:
// each product is at most 127^2 = 16,129 in size, so n of them sum within
// int32 while n <= (2^31 - 1) / 16,129. (Codes of -128 would allow only
// 131,071: 131,072 products of 2^14 are 2^31.)
inline constexpr int kInt8DotMaxValues = 133144;

// Which instructions Int8Isa::Best uses on this processor: "avx2", "sse2", or
// "portable" (not x86-64).
const char *int8BestInstructions();

// The dot product of int8 vectors of n values (n <= kInt8DotMaxValues, codes
// -127..127); exact in int32.
std::int32_t int8Dot(const std::int8_t *a, const std::int8_t *b, int n, Int8Isa isa = Int8Isa::Best);

// Every row's similarity to the query in one pass over the rows' codes
// (rows x dim, row-major): out[i] = dot(query, row i) * queryScale * scales[i].
// The products are summed pairwise in 32 bits (pmaddwd) 16 or 32 codes a
// step, where the compiler's own vectorising multiplies in 16 bits and widens
// each product: 0.41 instructions a code against 1.97 (docs/performance.md),
// which leaves a scan of 100,000 listings bound by reading its 128 MB of codes.
void int8Scores(const std::int8_t *codes, const float *scales, std::size_t rows, int dim, const std::int8_t *query,
                float queryScale, float *out, Int8Isa isa = Int8Isa::Best);

} // namespace listinglens
