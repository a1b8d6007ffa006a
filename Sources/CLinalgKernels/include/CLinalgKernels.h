#ifndef CLINALG_KERNELS_H
#define CLINALG_KERNELS_H
// Element-wise kernels that Swift cannot vectorise well on baseline x86-64: an AVX2+FMA version
// is chosen at run time where the CPU has it (no special compiler flags needed), with a portable
// scalar fallback computing the same formulas.

#include <stddef.h>

/// x[i] <- exp(x[i]) for i < n; arguments are clamped to [-708, 709] (no overflow, no NaN
/// from finite input). Relative error a few ulp.
void linalg_exp_inplace(double *x, size_t n);

/// x[i] <- 1 / (1 + exp(-x[i])) for i < n, saturating to 0 and 1 for large |x|.
void linalg_sigmoid_inplace(double *x, size_t n);

/// Row-major C <- alpha op(A) op(B) + beta C for small products (below the size where a BLAS
/// call pays off): plain loops the compiler vectorises, no threads, no allocation. op(A) is
/// m x k, op(B) is k x n; trans_a / trans_b select the transposes. With beta = 0, C is not read.
void linalg_dgemm_small(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                        const double *a, size_t lda, const double *b, size_t ldb,
                        double beta, double *c, size_t ldc);
void linalg_sgemm_small(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                        const float *a, size_t lda, const float *b, size_t ldb,
                        float beta, float *c, size_t ldc);

/// 1 if the vectorised AVX2+FMA path is in use on this CPU, else 0.
int linalg_kernels_vectorised(void);

#endif
