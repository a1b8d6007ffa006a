#ifndef LINALG_AVX2_STORES_H
#define LINALG_AVX2_STORES_H
// Internal to CLinalgKernels: partial stores of a 256-bit vector for the AVX2 kernels' tails.

#include "kernel_table.h"

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

/// The first `count` (1...4) lanes of v to dst, by 128- and 64-bit stores: masked stores
/// (vmaskmovpd) are microcoded and slow on AMD cores.
TARGET_AVX2_INLINE
static inline void store_first(double *dst, __m256d v, size_t count) {
    const __m128d low = _mm256_castpd256_pd128(v);
    if (count == 1) {
        _mm_store_sd(dst, low);
        return;
    }
    _mm_storeu_pd(dst, low);
    if (count == 3) _mm_store_sd(dst + 2, _mm256_extractf128_pd(v, 1));
    else if (count == 4) _mm_storeu_pd(dst + 2, _mm256_extractf128_pd(v, 1));
}
#endif

#endif
