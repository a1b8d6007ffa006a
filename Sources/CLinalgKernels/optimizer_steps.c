#include "kernel_table.h"
#include <math.h>

// Adam's step over a parameter vector (Kingma & Ba), element by element:
//   m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,  theta <- theta - s m / (sqrt(v) / r + eps)
// with s = alpha / (1 - b1^t) and r = sqrt(1 - b2^t) from the caller. Every product and sum is
// rounded on its own (no fused multiply-adds, in the reference and the AVX2 kernels alike), so
// the two agree to the bit with each other and with the same loop in Swift. The square root and
// the division are what keep a scalar loop slow: 8 (float) or 4 (double) lanes at a time here.

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define ADAM_BODY(T, SQRT)                                                                        \
    for (size_t i = 0; i < n; ++i) {                                                              \
        const T gi = g[i];                                                                        \
        m[i] = b1 * m[i] + ((T)1 - b1) * gi;                                                      \
        v[i] = b2 * v[i] + ((T)1 - b2) * gi * gi;                                                 \
        theta[i] -= step * m[i] / (SQRT(v[i]) / root + eps);                                      \
    }

void linalg_adam_f32_ref(float *restrict theta, const float *restrict g, float *restrict m, float *restrict v,
                         size_t n, float b1, float b2, float step, float root, float eps) {
    ADAM_BODY(float, sqrtf)
}

void linalg_adam_f64_ref(double *restrict theta, const double *restrict g, double *restrict m, double *restrict v,
                         size_t n, double b1, double b2, double step, double root, double eps) {
    ADAM_BODY(double, sqrt)
}

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

// V lanes of type T at a time with the vector ops named by P (ps, pd), then the tail by the body.
#define ADAM_VECTORS(T, VEC, P, LANES, SQRT)                                                      \
    const VEC vb1 = _mm256_set1_##P(b1), vb2 = _mm256_set1_##P(b2), vstep = _mm256_set1_##P(step); \
    const VEC vroot = _mm256_set1_##P(root), veps = _mm256_set1_##P(eps);                         \
    const VEC c1 = _mm256_set1_##P((T)1 - b1), c2 = _mm256_set1_##P((T)1 - b2);                   \
    size_t i = 0;                                                                                 \
    for (; i + LANES <= n; i += LANES) {                                                          \
        const VEC gi = _mm256_loadu_##P(g + i);                                                   \
        const VEC mi = _mm256_add_##P(_mm256_mul_##P(vb1, _mm256_loadu_##P(m + i)), _mm256_mul_##P(c1, gi)); \
        const VEC vi = _mm256_add_##P(_mm256_mul_##P(vb2, _mm256_loadu_##P(v + i)),                \
                                      _mm256_mul_##P(_mm256_mul_##P(c2, gi), gi));                \
        const VEC denominator = _mm256_add_##P(_mm256_div_##P(_mm256_sqrt_##P(vi), vroot), veps); \
        const VEC change = _mm256_div_##P(_mm256_mul_##P(vstep, mi), denominator);               \
        _mm256_storeu_##P(m + i, mi);                                                             \
        _mm256_storeu_##P(v + i, vi);                                                             \
        _mm256_storeu_##P(theta + i, _mm256_sub_##P(_mm256_loadu_##P(theta + i), change));       \
    }                                                                                             \
    theta += i, g += i, m += i, v += i, n -= i;                                                   \
    ADAM_BODY(T, SQRT)

TARGET_AVX2
void linalg_adam_f32_avx2_8(float *restrict theta, const float *restrict g, float *restrict m, float *restrict v,
                            size_t n, float b1, float b2, float step, float root, float eps) {
    ADAM_VECTORS(float, __m256, ps, 8, sqrtf)
}

TARGET_AVX2
void linalg_adam_f64_avx2_4(double *restrict theta, const double *restrict g, double *restrict m,
                            double *restrict v, size_t n, double b1, double b2, double step, double root,
                            double eps) {
    ADAM_VECTORS(double, __m256d, pd, 4, sqrt)
}
#endif
