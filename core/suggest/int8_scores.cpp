#include "int8_scores.h"

#include <QtGlobal>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LISTINGLENS_X86 1
#include <immintrin.h>
#endif

namespace listinglens {

namespace {

std::int32_t portableDot(const std::int8_t *a, const std::int8_t *b, int n)
{
    std::int32_t sum = 0;
    for (int i = 0; i < n; ++i)
        sum += std::int32_t(a[i]) * std::int32_t(b[i]);
    return sum;
}

// Every row scored with one dot product; always inlined into its caller, so that
// AVX2's is compiled inside avx2Scores, whose target allows those instructions.
template <std::int32_t (*Dot)(const std::int8_t *, const std::int8_t *, int)>
[[gnu::always_inline]] inline void scoreRows(const std::int8_t *codes, const float *scales, std::size_t rows, int dim,
                      const std::int8_t *query, float queryScale, float *out)
{
    for (std::size_t i = 0; i < rows; ++i)
        out[i] = float(Dot(query, codes + i * std::size_t(dim), dim)) * queryScale * scales[i];
}

#ifdef LISTINGLENS_X86

std::int32_t sum4(__m128i v)
{
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(v);
}

// SSE2 (every x86-64): 16 codes a step, sign-extended to 16 bits by pairing
// each byte with itself and shifting right.
inline std::int32_t sse2Dot(const std::int8_t *a, const std::int8_t *b, int n)
{
    __m128i acc = _mm_setzero_si128();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(a + i));
        const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i *>(b + i));
        const __m128i xl = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8), xh = _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8);
        const __m128i yl = _mm_srai_epi16(_mm_unpacklo_epi8(y, y), 8), yh = _mm_srai_epi16(_mm_unpackhi_epi8(y, y), 8);
        acc = _mm_add_epi32(acc, _mm_add_epi32(_mm_madd_epi16(xl, yl), _mm_madd_epi16(xh, yh)));
    }
    return sum4(acc) + portableDot(a + i, b + i, n - i);
}

// 16 codes sign-extended to 16 bits.
[[gnu::target("avx2")]] inline __m256i widen(const std::int8_t *p)
{
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
}

// AVX2: 32 codes a step.
[[gnu::target("avx2")]] inline std::int32_t avx2Dot(const std::int8_t *a, const std::int8_t *b, int n)
{
    __m256i acc = _mm256_setzero_si256();
    int i = 0;
    for (; i + 32 <= n; i += 32)
        acc = _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(widen(a + i), widen(b + i)),
                                                     _mm256_madd_epi16(widen(a + i + 16), widen(b + i + 16))));
    if (i + 16 <= n) {
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(widen(a + i), widen(b + i)));
        i += 16;
    }
    const __m128i half = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    return sum4(half) + portableDot(a + i, b + i, n - i);
}

[[gnu::target("avx2")]] void avx2Scores(const std::int8_t *codes, const float *scales, std::size_t rows, int dim,
                                        const std::int8_t *query, float queryScale, float *out)
{
    scoreRows<avx2Dot>(codes, scales, rows, dim, query, queryScale, out);
}

bool hasAvx2()
{
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
}

#endif

} // namespace

const char *int8BestInstructions()
{
#ifdef LISTINGLENS_X86
    return hasAvx2() ? "avx2" : "sse2";
#else
    return "portable";
#endif
}

std::int32_t int8Dot(const std::int8_t *a, const std::int8_t *b, int n, Int8Isa isa)
{
    Q_ASSERT(n >= 0 && n <= kInt8DotMaxValues);
#ifdef LISTINGLENS_X86
    if (isa == Int8Isa::Best && hasAvx2())
        return avx2Dot(a, b, n);
    return sse2Dot(a, b, n);
#else
    (void)isa;
    return portableDot(a, b, n);
#endif
}

void int8Scores(const std::int8_t *codes, const float *scales, std::size_t rows, int dim, const std::int8_t *query,
                float queryScale, float *out, Int8Isa isa)
{
    Q_ASSERT(dim >= 0 && dim <= kInt8DotMaxValues);
#ifdef LISTINGLENS_X86
    if (isa == Int8Isa::Best && hasAvx2()) {
        avx2Scores(codes, scales, rows, dim, query, queryScale, out);
        return;
    }
    scoreRows<sse2Dot>(codes, scales, rows, dim, query, queryScale, out);
#else
    (void)isa;
    scoreRows<portableDot>(codes, scales, rows, dim, query, queryScale, out);
#endif
}

} // namespace listinglens
