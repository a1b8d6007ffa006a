#include "kernel_table.h"

// C = alpha op(A) op(B) + beta C, row-major, as loops whose inner dimension is contiguous:
//  - op(B) = B:  c_i. += (alpha a_ip) b_p.   (an axpy along a row of B and C)
//  - op(B) = B^T: c_ij += alpha <a_i., b_j.>  (a dot product of two rows when op(A) = A)
// The same body is compiled twice: the reference kernels and the AVX2+FMA ones.
// Dot products may be reassociated (clang's fp reassociate pragma) so they vectorise too.

#if defined(__clang__)
#define REASSOCIATE _Pragma("clang fp reassociate(on)")
#else
#define REASSOCIATE
#endif

#define GEMM_BODY(T)                                                                              \
    for (size_t i = 0; i < m; ++i) {                                                              \
        T *restrict crow = c + i * ldc;                                                           \
        if (n == 1) {                                                                             \
            const size_t bstride = trans_b ? 1 : ldb;                                             \
            T sum = 0;                                                                            \
            if (trans_a) {                                                                        \
                for (size_t p = 0; p < k; ++p) sum += a[p * lda + i] * b[p * bstride];            \
            } else {                                                                              \
                const T *restrict arow = a + i * lda;                                             \
                for (size_t p = 0; p < k; ++p) sum += arow[p] * b[p * bstride];               \
            }                                                                                     \
            crow[0] = beta == 0 ? alpha * sum : alpha * sum + beta * crow[0];                     \
            continue;                                                                             \
        }                                                                                         \
        if (beta == 0) {                                                                          \
            for (size_t j = 0; j < n; ++j) crow[j] = 0;                                           \
        } else if (beta != 1) {                                                                   \
            for (size_t j = 0; j < n; ++j) crow[j] *= beta;                                       \
        }                                                                                         \
        if (!trans_b) {                                                                           \
            for (size_t p = 0; p < k; ++p) {                                                      \
                const T aip = alpha * (trans_a ? a[p * lda + i] : a[i * lda + p]);               \
                const T *restrict brow = b + p * ldb;                                             \
                for (size_t j = 0; j < n; ++j) crow[j] += aip * brow[j];                          \
            }                                                                                     \
        } else if (!trans_a) {                                                                    \
            const T *restrict arow = a + i * lda;                                                 \
            for (size_t j = 0; j < n; ++j) {                                                      \
                const T *restrict brow = b + j * ldb;                                             \
                T sum = 0;                                                                        \
                { REASSOCIATE for (size_t p = 0; p < k; ++p) sum += arow[p] * brow[p]; }       \
                crow[j] += alpha * sum;                                                           \
            }                                                                                     \
        } else {                                                                                  \
            for (size_t j = 0; j < n; ++j) {                                                      \
                const T *restrict brow = b + j * ldb;                                             \
                T sum = 0;                                                                        \
                for (size_t p = 0; p < k; ++p) sum += a[p * lda + i] * brow[p];                   \
                crow[j] += alpha * sum;                                                           \
            }                                                                                     \
        }                                                                                         \
    }

#define GEMM_SIGNATURE(NAME, T)                                                                   \
    NAME(int trans_a, int trans_b, size_t m, size_t n, size_t k, T alpha, const T *restrict a,    \
         size_t lda, const T *restrict b, size_t ldb, T beta, T *restrict c, size_t ldc)

void GEMM_SIGNATURE(linalg_dgemm_ref, double) { GEMM_BODY(double) }
void GEMM_SIGNATURE(linalg_sgemm_ref, float) { GEMM_BODY(float) }

#if LINALG_HAVE_AVX2_KERNELS
TARGET_AVX2 void GEMM_SIGNATURE(linalg_dgemm_avx2, double) { GEMM_BODY(double) }
TARGET_AVX2 void GEMM_SIGNATURE(linalg_sgemm_avx2, float) { GEMM_BODY(float) }

#endif
