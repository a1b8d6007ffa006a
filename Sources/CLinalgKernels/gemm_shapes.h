#ifndef LINALG_GEMM_SHAPES_H
#define LINALG_GEMM_SHAPES_H

#include <stddef.h>

// Internal to CLinalgKernels (not in the module's umbrella header): the AVX2+FMA small-product
// kernels of gemm_shapes.c, row-major, callable only when linalg_kernels_vectorised() is 1.

/// C = alpha op(A) B + beta C for n in 1...16 (a row of C in registers).
void linalg_dgemm_narrow_avx2(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                              const double *b, size_t ldb, double beta, double *c, size_t ldc);

/// C = alpha op(A) B + beta C for n > 16 (panels of 16 columns, two rows at a time).
void linalg_dgemm_panels_avx2(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                              const double *b, size_t ldb, double beta, double *c, size_t ldc);

/// c_i = alpha <a_i, b> + beta c_i for the m rows of A (b, c contiguous).
void linalg_dgemv_rows_avx2(size_t m, size_t k, double alpha, const double *a, size_t lda, const double *b,
                            double beta, double *c);

/// c_ij = alpha a_i b_j + beta c_ij (a_i = a[i] when trans_a, else a[i * lda]; b contiguous).
void linalg_dger_avx2(int trans_a, size_t m, size_t n, double alpha, const double *a, size_t lda, const double *b,
                      double beta, double *c, size_t ldc);

#endif
