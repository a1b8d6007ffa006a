#include "kernel_table.h"
#include <pthread.h>
#include <stdlib.h>

// The packed GEMM (gemm_packed_body.h) for doubles (6 x 8 tiles) and floats (6 x 16), and the
// per-thread buffer its packed blocks live in. For products big enough that packing pays (small
// ones stay with the loops of gemm_small.c) on one core: on the AVX2 cores measured (Zen) it runs
// 7-15 % faster than OpenBLAS 0.3.21's Haswell-derived kernels at the net's shapes (512 x 512 x 256
// and its transposes), and avoids their pass that scales C by beta before the product.

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

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
