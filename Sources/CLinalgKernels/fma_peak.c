#include "kernel_table.h"

// The machine's FMA throughput: independent chains of fused multiply-adds, started from different
// values (identical chains could be merged by the compiler), long enough to hide the FMA latency
// (12 chains of 4 or 8 lanes; the latency times the two FMA pipes of current x86 cores is 8-10).
// Each call runs `iterations` steps of every chain and returns the flops done (2 per lane per FMA);
// `sink` receives the chains' sum so that none of the work can be dropped.

#define PEAK_CHAINS 12

size_t linalg_fma_peak_f64_ref(size_t iterations, double *sink) {
    double acc[PEAK_CHAINS];
    for (int c = 0; c < PEAK_CHAINS; ++c) acc[c] = 1.0 + 1e-3 * c;
    for (size_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < PEAK_CHAINS; ++c) acc[c] = __builtin_fma(acc[c], 0.999999, 1e-7);
    }
    double total = 0;
    for (int c = 0; c < PEAK_CHAINS; ++c) total += acc[c];
    *sink = total;
    return iterations * PEAK_CHAINS * 2;
}

size_t linalg_fma_peak_f32_ref(size_t iterations, double *sink) {
    float acc[PEAK_CHAINS];
    for (int c = 0; c < PEAK_CHAINS; ++c) acc[c] = 1.0f + 1e-3f * (float)c;
    for (size_t i = 0; i < iterations; ++i) {
        for (int c = 0; c < PEAK_CHAINS; ++c) acc[c] = __builtin_fmaf(acc[c], 0.999999f, 1e-7f);
    }
    float total = 0;
    for (int c = 0; c < PEAK_CHAINS; ++c) total += acc[c];
    *sink = total;
    return iterations * PEAK_CHAINS * 2;
}

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

// The chains in registers; the empty asm keeps the compiler from seeing through the loop.
#define PEAK_LOOP(VEC, SET1, FMADD, LANES)                                                        \
    VEC acc[PEAK_CHAINS];                                                                         \
    for (int c = 0; c < PEAK_CHAINS; ++c) acc[c] = SET1(1.0 + 1e-3 * c);                          \
    const VEC b = SET1(0.999999), a = SET1(1e-7);                                                 \
    for (size_t i = 0; i < iterations; ++i) {                                                     \
        for (int c = 0; c < PEAK_CHAINS; ++c) acc[c] = FMADD(acc[c], b, a);                       \
        __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]), "+x"(acc[4]),  \
                         "+x"(acc[5]), "+x"(acc[6]), "+x"(acc[7]), "+x"(acc[8]), "+x"(acc[9]),       \
                         "+x"(acc[10]), "+x"(acc[11]));                                           \
    }                                                                                             \
    double total = 0;                                                                             \
    for (int c = 0; c < PEAK_CHAINS; ++c) {                                                       \
        total += (double)((float *)&acc[c])[0];                                                   \
    }                                                                                             \
    *sink = total; /* depends on every chain (lanes read as floats) */                          \
    return iterations * PEAK_CHAINS * LANES * 2;

TARGET_AVX2
size_t linalg_fma_peak_f64_avx2_4x12(size_t iterations, double *sink) {
    PEAK_LOOP(__m256d, _mm256_set1_pd, _mm256_fmadd_pd, 4)
}

TARGET_AVX2
size_t linalg_fma_peak_f32_avx2_8x12(size_t iterations, double *sink) {
    PEAK_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, 8)
}
#endif
