#include "kernel_table.h"
#include <stdint.h>
#include <string.h>

// exp(t) = 2^n e^r with n = round(t / ln 2), r = t - n ln2 (Cody-Waite: ln 2 = LN2_HI + LN2_LO),
// |r| <= ln2 / 2, and e^r by a degree-11 polynomial evaluated by Estrin's scheme: the Chebyshev
// interpolant of e^r on |r| <= ln2 / 2 (mpmath chebyfit, 50 digits, rounded to double), relative
// error 4.2e-18; the result is within 1.8 ulp of exp over [-708, 709].
// 2^n is assembled in the exponent bits; t is clamped to [-708, 709] so n + 1023 stays in 1..2046.


static const double LOG2E = 1.4426950408889634;
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double SHIFTER = 6755399441055744.0; /* 1.5 * 2^52 */
static const double C[12] = {
    1.0, 1.0, 0.5000000000000019, 0.1666666666666668, 0.04166666666648809, 0.008333333333319601,
    0.0013888888952315155, 0.00019841269890047406, 2.480148548192088e-05, 2.7557240918265525e-06,
    2.7632639789868395e-07, 2.5110037721946562e-08,
};

static inline double exp_scalar(double t) {
    t = t < EXP_LO ? EXP_LO : (t > EXP_HI ? EXP_HI : t);
    double k = t * LOG2E + SHIFTER;
    double n = k - SHIFTER;
    double r = (t - n * LN2_HI) - n * LN2_LO;
    double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    double q0 = (C[0] + C[1] * r) + (C[2] + C[3] * r) * r2, q1 = (C[4] + C[5] * r) + (C[6] + C[7] * r) * r2;
    double q2 = (C[8] + C[9] * r) + (C[10] + C[11] * r) * r2;
    double p = (q0 + q1 * r4) + q2 * r8;
    uint64_t kb, sb;
    memcpy(&kb, &k, 8);
    memcpy(&sb, &SHIFTER, 8);
    uint64_t bits = (kb - sb + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, 8);
    return p * scale;
}

void linalg_exp_ref(double *x, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = exp_scalar(x[i]);
}

void linalg_sigmoid_ref(double *x, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = 1.0 / (1.0 + exp_scalar(-x[i]));
}

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

// e^r by Estrin's scheme (dependency depth 5 instead of Horner's 11, the same terms).
TARGET_AVX2 static inline __m256d exp_avx2(__m256d t) {
    t = _mm256_max_pd(_mm256_min_pd(t, _mm256_set1_pd(EXP_HI)), _mm256_set1_pd(EXP_LO));
    const __m256d shifter = _mm256_set1_pd(SHIFTER);
    __m256d k = _mm256_fmadd_pd(t, _mm256_set1_pd(LOG2E), shifter);
    __m256d n = _mm256_sub_pd(k, shifter);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_HI), t);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_LO), r);
    __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2), r8 = _mm256_mul_pd(r4, r4);
#define PAIR(i) _mm256_fmadd_pd(_mm256_set1_pd(C[i + 1]), r, _mm256_set1_pd(C[i]))
    __m256d p01 = PAIR(0), p23 = PAIR(2), p45 = PAIR(4), p67 = PAIR(6), p89 = PAIR(8), p1011 = PAIR(10);
#undef PAIR
    __m256d q0 = _mm256_fmadd_pd(p23, r2, p01), q1 = _mm256_fmadd_pd(p67, r2, p45);
    __m256d q2 = _mm256_fmadd_pd(p1011, r2, p89);
    __m256d s0 = _mm256_fmadd_pd(q1, r4, q0);
    __m256d p = _mm256_fmadd_pd(q2, r8, s0);
    __m256i bits = _mm256_sub_epi64(_mm256_castpd_si256(k), _mm256_castpd_si256(shifter));
    bits = _mm256_slli_epi64(_mm256_add_epi64(bits, _mm256_set1_epi64x(1023)), 52);
    return _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
}

TARGET_AVX2 static inline __m256d sigmoid_avx2(__m256d z) {
    const __m256d one = _mm256_set1_pd(1.0);
    return _mm256_div_pd(one, _mm256_add_pd(one, exp_avx2(_mm256_sub_pd(_mm256_setzero_pd(), z))));
}

// Two vectors per iteration for instruction-level parallelism; the last 1-3 entries go through
// a padded vector so that every entry gets the same arithmetic.
#define VECTOR_LOOP(FN)                                                                      \
    size_t i = 0;                                                                            \
    for (; i + 8 <= n; i += 8) {                                                             \
        __m256d u = FN(_mm256_loadu_pd(x + i)), v = FN(_mm256_loadu_pd(x + i + 4));          \
        _mm256_storeu_pd(x + i, u);                                                          \
        _mm256_storeu_pd(x + i + 4, v);                                                      \
    }                                                                                        \
    for (; i + 4 <= n; i += 4) _mm256_storeu_pd(x + i, FN(_mm256_loadu_pd(x + i)));          \
    if (i < n) {                                                                             \
        double tail[4] = {0, 0, 0, 0};                                                       \
        for (size_t j = i; j < n; ++j) tail[j - i] = x[j];                                   \
        _mm256_storeu_pd(tail, FN(_mm256_loadu_pd(tail)));                                   \
        for (size_t j = i; j < n; ++j) x[j] = tail[j - i];                                   \
    }

TARGET_AVX2 void linalg_exp_avx2_4(double *x, size_t n) { VECTOR_LOOP(exp_avx2) }

TARGET_AVX2 void linalg_sigmoid_avx2_4(double *x, size_t n) { VECTOR_LOOP(sigmoid_avx2) }

#endif
