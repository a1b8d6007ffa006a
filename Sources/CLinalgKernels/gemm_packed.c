#include "kernel_table.h"
#include <pthread.h>
#include <stdlib.h>

// The packed GEMM (gemm_packed_body.h) for doubles (6 x 8 tiles) and floats (6 x 16), and the
// per-thread buffer its packed blocks live in. For products big enough that packing pays (small
// ones stay with the loops of gemm_small.c) on one core: on the AVX2 cores measured (Zen) it runs
// 8-20 % faster than OpenBLAS 0.3.21's Haswell-derived kernels at the net's shapes (512 x 512 x 256
// and its transposes), and avoids their pass that scales C by beta before the product.

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

/// Copies one packed row of `width` doubles (GEMM_MR or GEMM_NR_F64: 6 or 8) from `in` to `out`.
TARGET_AVX2_INLINE static inline void copy_row_f64(const double *restrict in, size_t width, double *restrict out) {
    _mm256_storeu_pd(out, _mm256_loadu_pd(in));
    if (width == 8) {
        _mm256_storeu_pd(out + 4, _mm256_loadu_pd(in + 4));
    } else {
        _mm_storeu_pd(out + 4, _mm_loadu_pd(in + 4));
    }
}

/// Copies one packed row of `width` floats (GEMM_MR or GEMM_NR_F32: 6 or 16) from `in` to `out`.
TARGET_AVX2_INLINE static inline void copy_row_f32(const float *restrict in, size_t width, float *restrict out) {
    if (width == 16) {
        _mm256_storeu_ps(out, _mm256_loadu_ps(in));
        _mm256_storeu_ps(out + 8, _mm256_loadu_ps(in + 8));
    } else {
        _mm_storeu_ps(out, _mm_loadu_ps(in));
        _mm_storel_pi((__m64 *)(out + 4), _mm_castpd_ps(_mm_load_sd((const double *)(in + 4))));
    }
}

/// out[q * width + c] = in[c * stride + q] for q < 4 and c < width (0 for c >= cols; width is 6 or 8):
/// four values of each of the panel's columns, transposed 4 x 4 at a time.
TARGET_AVX2_INLINE static inline void gather_block_f64(const double *restrict in, size_t stride, size_t cols,
                                                       size_t width, double *restrict out) {
    for (size_t c0 = 0; c0 < width; c0 += 4) {
        __m256d r[4];
        for (size_t i = 0; i < 4; ++i)
            r[i] = c0 + i < cols ? _mm256_loadu_pd(in + (c0 + i) * stride) : _mm256_setzero_pd();
        const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
        const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
        const __m256d q[4] = {_mm256_permute2f128_pd(t0, t2, 0x20), _mm256_permute2f128_pd(t1, t3, 0x20),
                              _mm256_permute2f128_pd(t0, t2, 0x31), _mm256_permute2f128_pd(t1, t3, 0x31)};
        for (size_t i = 0; i < 4; ++i) {
            if (width - c0 >= 4) {
                _mm256_storeu_pd(out + i * width + c0, q[i]);
            } else {
                _mm_storeu_pd(out + i * width + c0, _mm256_castpd256_pd128(q[i]));
            }
        }
    }
}

/// out[q * width + c] = in[c * stride + q] for q < 8 and c < width (0 for c >= cols; width is 6 or 16):
/// eight values of each of the panel's columns, transposed 8 x 8 at a time (unpack, shuffle, swap of
/// 128-bit halves).
TARGET_AVX2_INLINE static inline void gather_block_f32(const float *restrict in, size_t stride, size_t cols,
                                                       size_t width, float *restrict out) {
    for (size_t c0 = 0; c0 < width; c0 += 8) {
        __m256 r[8];
        for (size_t i = 0; i < 8; ++i)
            r[i] = c0 + i < cols ? _mm256_loadu_ps(in + (c0 + i) * stride) : _mm256_setzero_ps();
        __m256 t[8], s[8];
        for (int i = 0; i < 4; ++i) {
            t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
            t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
        }
        for (int h = 0; h < 2; ++h) {
            s[4 * h] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
            s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
            s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
            s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
        }
        __m256 q[8];
        for (int i = 0; i < 4; ++i) {
            q[i] = _mm256_permute2f128_ps(s[i], s[4 + i], 0x20);
            q[4 + i] = _mm256_permute2f128_ps(s[i], s[4 + i], 0x31);
        }
        for (int i = 0; i < 8; ++i) {
            float *restrict o = out + i * width + c0;
            if (width - c0 >= 8) {
                _mm256_storeu_ps(o, q[i]);
            } else {
                _mm_storeu_ps(o, _mm256_castps256_ps128(q[i]));
                _mm_storel_pi((__m64 *)(o + 4), _mm256_extractf128_ps(q[i], 1));
            }
        }
    }
}

#define T double
#define VEC __m256d
#define NR GEMM_NR_F64
#define MC GEMM_MC_F64
#define NC GEMM_NC_F64
#define VZERO _mm256_setzero_pd
#define VLOAD _mm256_load_pd
#define VLOADU _mm256_loadu_pd
#define VSTORE _mm256_store_pd
#define VSTOREU _mm256_storeu_pd
#define VBROADCAST _mm256_broadcast_sd
#define VFMA _mm256_fmadd_pd
#define VMUL _mm256_mul_pd
#define VSET1 _mm256_set1_pd
#define PACK pack_f64
#define COPY_ROW copy_row_f64
#define GATHER 4
#define GATHER_BLOCK gather_block_f64
#define KERNEL kernel_f64_avx2_6x8
#define GEMM gemm_packed_f64
#include "gemm_packed_body.h"
#undef T
#undef VEC
#undef NR
#undef MC
#undef NC
#undef VZERO
#undef VLOAD
#undef VLOADU
#undef VSTORE
#undef VSTOREU
#undef VBROADCAST
#undef VFMA
#undef VMUL
#undef VSET1
#undef PACK
#undef COPY_ROW
#undef GATHER
#undef GATHER_BLOCK
#undef KERNEL
#undef GEMM

#define T float
#define VEC __m256
#define NR GEMM_NR_F32
#define MC GEMM_MC_F32
#define NC GEMM_NC_F32
#define VZERO _mm256_setzero_ps
#define VLOAD _mm256_load_ps
#define VLOADU _mm256_loadu_ps
#define VSTORE _mm256_store_ps
#define VSTOREU _mm256_storeu_ps
#define VBROADCAST _mm256_broadcast_ss
#define VFMA _mm256_fmadd_ps
#define VMUL _mm256_mul_ps
#define VSET1 _mm256_set1_ps
#define PACK pack_f32
#define COPY_ROW copy_row_f32
#define GATHER 8
#define GATHER_BLOCK gather_block_f32
#define KERNEL kernel_f32_avx2_6x16
#define GEMM gemm_packed_f32
#include "gemm_packed_body.h"

/// Bytes of one thread's packing buffer: the larger of the two types' A and B blocks.
#define F64_BYTES (sizeof(double) * GEMM_KC * (GEMM_MC_F64 + GEMM_NC_F64))
#define F32_BYTES (sizeof(float) * GEMM_KC * (GEMM_MC_F32 + GEMM_NC_F32))
#define WORK_BYTES (F64_BYTES > F32_BYTES ? F64_BYTES : F32_BYTES)

static pthread_key_t work_key;
static pthread_once_t work_once = PTHREAD_ONCE_INIT;
static int work_key_made;

static void make_work_key(void) { work_key_made = pthread_key_create(&work_key, free) == 0; }

/// This thread's packing buffer, allocated at its first product and freed when it exits; NULL when
/// the memory is not there.
static void *thread_work(void) {
    pthread_once(&work_once, make_work_key);
    if (!work_key_made) return NULL;
    void *work = pthread_getspecific(work_key);
    if (work) return work;
    work = aligned_alloc(64, WORK_BYTES);
    if (work && pthread_setspecific(work_key, work) != 0) {
        free(work);
        return NULL;
    }
    return work;
}

/// The entry point of one type: alpha = 0 or k = 0 give C = beta C without reading A and B (nor C
/// when beta = 0), as BLAS does; 0 when the thread's buffer could not be allocated.
#define PACKED_ENTRY(NAME, T, GEMM)                                                               \
    int NAME(LINALG_GEMM_ARGS(T)) {                                                               \
        if (alpha == 0 || k == 0) {                                                               \
            for (size_t i = 0; i < m; ++i)                                                        \
                for (size_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0 ? (T)0 : beta * c[i * ldc + j]; \
            return 1;                                                                             \
        }                                                                                         \
        T *work = thread_work();                                                                  \
        if (!work) return 0;                                                                      \
        GEMM(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);               \
        return 1;                                                                                 \
    }

PACKED_ENTRY(linalg_dgemm_packed_avx2, double, gemm_packed_f64)
PACKED_ENTRY(linalg_sgemm_packed_avx2, float, gemm_packed_f32)
#endif
