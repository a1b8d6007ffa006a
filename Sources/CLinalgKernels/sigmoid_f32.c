#include "kernel_table.h"
#include <stdint.h>
#include <string.h>

// Single precision: exp(t) = 2^n e^r with n = round(t / ln 2), r = t - n ln 2 (Cody-Waite,
// ln 2 = LN2F_HI + LN2F_LO), |r| <= ln2 / 2, and e^r by the degree-6 polynomial minimising the
// relative error on that interval (about 2e-9 in exact arithmetic, a thirtieth of float's
// half-ulp 6e-8; evaluated by Horner in float, 1.25 half-ulps at worst). t is clamped to
// [EXPF_LO, EXPF_HI] so that n + 127 stays in 1..254 and 2^n is a normal float.

#define EXPF_LO (-87.0f)
#define EXPF_HI (88.0f)

static const float LOG2EF = 1.44269504f;
static const float LN2F_HI = 0.693359375f;     /* 8 significant bits: n * LN2F_HI is exact */
static const float LN2F_LO = -2.12194440e-4f;
static const float SHIFTERF = 12582912.0f;     /* 1.5 * 2^23 */
static const float EF[7] = {1.0f, 1.0f, 0.49999991f, 0.1666642f, 0.041668225f, 0.0083748158f, 0.0013836846f};

static inline float expf_scalar(float t) {
    t = t < EXPF_LO ? EXPF_LO : (t > EXPF_HI ? EXPF_HI : t);
    float k = t * LOG2EF + SHIFTERF;
    float n = k - SHIFTERF;
    float r = (t - n * LN2F_HI) - n * LN2F_LO;
    float p = EF[6];
    for (int i = 5; i >= 0; --i) p = p * r + EF[i];
    uint32_t kb, sb;
    memcpy(&kb, &k, 4);
    memcpy(&sb, &SHIFTERF, 4);
    uint32_t bits = (kb - sb + 127) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    return p * scale;
}

void linalg_sigmoid_f32_ref(float *x, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = 1.0f / (1.0f + expf_scalar(-x[i]));
}

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

TARGET_AVX2 static inline __m256 expf_avx2(__m256 t) {
    t = _mm256_max_ps(_mm256_min_ps(t, _mm256_set1_ps(EXPF_HI)), _mm256_set1_ps(EXPF_LO));
    const __m256 shifter = _mm256_set1_ps(SHIFTERF);
    __m256 k = _mm256_fmadd_ps(t, _mm256_set1_ps(LOG2EF), shifter);
    __m256 n = _mm256_sub_ps(k, shifter);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2F_HI), t);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2F_LO), r);
    __m256 p = _mm256_set1_ps(EF[6]);
    for (int i = 5; i >= 0; --i) p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EF[i]));
    __m256i bits = _mm256_sub_epi32(_mm256_castps_si256(k), _mm256_castps_si256(shifter));
    bits = _mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

TARGET_AVX2 static inline __m256 sigmoidf_avx2(__m256 z) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, expf_avx2(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}

// Two vectors of 8 per iteration; the last 1-7 entries go through a padded vector so that every
// entry gets the same arithmetic.
#define VECTOR_LOOP_F32(FN)                                                                  \
    size_t i = 0;                                                                            \
    for (; i + 16 <= n; i += 16) {                                                           \
        __m256 u = FN(_mm256_loadu_ps(x + i)), v = FN(_mm256_loadu_ps(x + i + 8));           \
        _mm256_storeu_ps(x + i, u);                                                          \
        _mm256_storeu_ps(x + i + 8, v);                                                      \
    }                                                                                        \
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, FN(_mm256_loadu_ps(x + i)));          \
    if (i < n) {                                                                             \
        float tail[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                            \
        for (size_t j = i; j < n; ++j) tail[j - i] = x[j];                                   \
        _mm256_storeu_ps(tail, FN(_mm256_loadu_ps(tail)));                                   \
        for (size_t j = i; j < n; ++j) x[j] = tail[j - i];                                   \
    }

TARGET_AVX2 void linalg_sigmoid_f32_avx2_8(float *x, size_t n) { VECTOR_LOOP_F32(sigmoidf_avx2) }
#endif

#if LINALG_HAVE_AVX512_KERNELS
#include <immintrin.h>

// σ(z) = 1 / (1 + e^{-z}) with the same e^{-z} in 16 lanes: n = round(-z log2 e) by the shifter,
// r = -z - n ln 2 with the negation folded into fnmsub, the same polynomial, 2^n applied by scalef;
// z is clamped to [-88, 87] as t = -z is above. 1 / (1 + e^{-z}) is the 14-bit reciprocal estimate
// refined by one Newton step q <- q (2 - d q), whose relative error (about 2^-28) is below float's
// rounding.

TARGET_AVX512 static inline __m512 sigmoidf_avx512(__m512 z) {
    z = _mm512_max_ps(_mm512_min_ps(z, _mm512_set1_ps(-EXPF_LO)), _mm512_set1_ps(-EXPF_HI));
    const __m512 shifter = _mm512_set1_ps(SHIFTERF), one = _mm512_set1_ps(1.0f);
    __m512 k = _mm512_fmadd_ps(z, _mm512_set1_ps(-LOG2EF), shifter);
    __m512 n = _mm512_sub_ps(k, shifter);
    __m512 r = _mm512_fnmsub_ps(n, _mm512_set1_ps(LN2F_HI), z);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2F_LO), r);
    __m512 p = _mm512_set1_ps(EF[6]);
    for (int i = 5; i >= 0; --i) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EF[i]));
    __m512 d = _mm512_add_ps(one, _mm512_scalef_ps(p, n));
    __m512 q = _mm512_rcp14_ps(d);
    return _mm512_mul_ps(q, _mm512_fnmadd_ps(d, q, _mm512_set1_ps(2.0f)));
}

TARGET_AVX512 void linalg_sigmoid_f32_avx512_16(float *x, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 u = sigmoidf_avx512(_mm512_loadu_ps(x + i)), v = sigmoidf_avx512(_mm512_loadu_ps(x + i + 16));
        _mm512_storeu_ps(x + i, u);
        _mm512_storeu_ps(x + i + 16, v);
    }
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, sigmoidf_avx512(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 mask = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(x + i, mask, sigmoidf_avx512(_mm512_maskz_loadu_ps(mask, x + i)));
    }
}
#endif

// tanh in single precision: for |z| < 1/4 the Taylor polynomial to z^11 (the next term is below
// 2e-10 relative), otherwise tanh|z| = (1 - e) / (1 + e) with e = exp(-2|z|) <= e^{-1/2}, where
// 1 - e loses at most a factor 1.6 of relative accuracy; the sign restored last.
static const float TF[6] = {1.0f, -0.33333333f, 0.13333334f, -0.053968254f, 0.021869488f, -0.0088632358f};

static inline float tanhf_scalar(float z) {
    float a = z < 0 ? -z : z, r;
    if (a < 0.25f) {
        float a2 = a * a;
        r = a * (TF[0] + a2 * (TF[1] + a2 * (TF[2] + a2 * (TF[3] + a2 * (TF[4] + a2 * TF[5])))));
    } else {
        float e = expf_scalar(-2.0f * a);
        r = (1.0f - e) / (1.0f + e);
    }
    return z < 0 ? -r : r;
}

void linalg_tanh_f32_ref(float *x, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = tanhf_scalar(x[i]);
}

#if LINALG_HAVE_AVX2_KERNELS
TARGET_AVX2 static inline __m256 tanhf_avx2(__m256 z) {
    const __m256 signs = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    __m256 a = _mm256_andnot_ps(signs, z), a2 = _mm256_mul_ps(a, a);
    __m256 p = _mm256_fmadd_ps(a2, _mm256_set1_ps(TF[5]), _mm256_set1_ps(TF[4]));
    p = _mm256_fmadd_ps(a2, p, _mm256_set1_ps(TF[3]));
    p = _mm256_fmadd_ps(a2, p, _mm256_set1_ps(TF[2]));
    p = _mm256_fmadd_ps(a2, p, _mm256_set1_ps(TF[1]));
    p = _mm256_mul_ps(a, _mm256_fmadd_ps(a2, p, one));
    __m256 e = expf_avx2(_mm256_mul_ps(_mm256_set1_ps(-2.0f), a));
    __m256 q = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));
    __m256 r = _mm256_blendv_ps(q, p, _mm256_cmp_ps(a, _mm256_set1_ps(0.25f), _CMP_LT_OQ));
    return _mm256_or_ps(r, _mm256_and_ps(signs, z));
}

TARGET_AVX2 void linalg_tanh_f32_avx2_8(float *x, size_t n) { VECTOR_LOOP_F32(tanhf_avx2) }
#endif
