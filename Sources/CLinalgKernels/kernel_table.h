#ifndef LINALG_KERNEL_TABLE_H
#define LINALG_KERNEL_TABLE_H
// Internal to CLinalgKernels: the kernels of each ISA, named operation_isa_tile as in BLIS
// (linalg_dgemm_avx2_1x16 keeps a 1 x 16 tile of C in registers), and the table that
// kernel_table.c fills once from the CPU's features. Callers use the public functions of
// CLinalgKernels.h, which look kernels up in the table; nothing else tests CPU flags.

#include <stddef.h>
#include <stdint.h>
#include "CLinalgKernels.h"
#include "block_sizes.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define LINALG_HAVE_AVX2_KERNELS 1
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TARGET_AVX2_INLINE __attribute__((target("avx2,fma"), always_inline))
#define LINALG_HAVE_AVX512_KERNELS 1
#define TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define LINALG_HAVE_AVX2_KERNELS 0
#define LINALG_HAVE_AVX512_KERNELS 0
#endif

#define LINALG_GEMM_ARGS(T)                                                                       \
    int trans_a, int trans_b, size_t m, size_t n, size_t k, T alpha, const T *restrict a,         \
        size_t lda, const T *restrict b, size_t ldb, T beta, T *restrict c, size_t ldc

/// One kernel per operation, chosen for this CPU.
typedef struct {
    int vectorised;  ///< 1 when the AVX2+FMA kernels are in use
    int avx512;      ///< 1 when the AVX-512F kernels are in use (a few, where 16 lanes pay)
    void (*exp)(double *x, size_t n);
    void (*sigmoid)(double *x, size_t n);
    void (*sigmoid_slope)(double *restrict v, const double *restrict x, size_t n);
    void (*tanh_slope)(double *restrict v, const double *restrict x, size_t n);
    void (*sigmoid_f32)(float *x, size_t n);
    void (*tanh_f32)(float *x, size_t n);
    void (*sigmoid_slope_f32)(float *restrict v, const float *restrict x, size_t n);
    void (*tanh_slope_f32)(float *restrict v, const float *restrict x, size_t n);
    void (*scale_columns)(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                          const double *restrict v);
    void (*scale_rows)(double *restrict dst, size_t dst_stride, const double *restrict src,
                       const double *restrict w, size_t rows, size_t cols);
    /// The general small-product loops; with AVX2, the shape kernels below take the shapes they fit.
    void (*dgemm)(LINALG_GEMM_ARGS(double));
    void (*sgemm)(LINALG_GEMM_ARGS(float));
    /// Shape kernels of small products: NULL without AVX2.
    void (*dger)(int trans_a, size_t m, size_t n, double alpha, const double *a, size_t lda, const double *b,
                 double beta, double *c, size_t ldc);
    void (*dgemv_rows)(size_t m, size_t k, double alpha, const double *a, size_t lda, const double *b, double beta,
                       double *c);
    void (*dgemm_narrow)(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                         const double *b, size_t ldb, double beta, double *c, size_t ldc);
    void (*dgemm_panels)(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                         const double *b, size_t ldb, double beta, double *c, size_t ldc);
    /// Z = X V^T and S += U^T X for few classes (class_products.c).
    void (*class_scores)(size_t rows, size_t d, size_t m, const double *restrict x, size_t ldx,
                         const double *restrict packed, double *restrict z, size_t ldz);
    void (*class_sums)(size_t rows, size_t d, size_t m, const double *restrict u, size_t ldu,
                       const double *restrict x, size_t ldx, double *restrict s, size_t lds);
    /// The FMA throughput probes (fma_peak.c): steps of independent chains; the flops done.
    size_t (*fma_peak_f64)(size_t iterations, double *sink);
    size_t (*fma_peak_f32)(size_t iterations, double *sink);
    /// Adam's step (optimizer_steps.c).
    void (*adam_f32)(float *restrict theta, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                     float b1, float b2, float step, float root, float eps);
    void (*adam_f64)(double *restrict theta, const double *restrict g, double *restrict m, double *restrict v,
                     size_t n, double b1, double b2, double step, double root, double eps);
    /// CSR products over a range of rows (sparse_products.c).
    void (*csr_dmv)(LINALG_CSR_MV_ARGS(double));
    void (*csr_dmtv)(LINALG_CSR_MTV_ARGS(double));
    double (*csr_gram_dmv)(LINALG_CSR_GRAM_ARGS(double));
    void (*csr_gradient_diagonal)(LINALG_CSR_GRADIENT_ARGS(double));
    /// The same four for float values (vectors and sums double).
    void (*csr_smv)(LINALG_CSR_MV_ARGS(float));
    void (*csr_smtv)(LINALG_CSR_MTV_ARGS(float));
    double (*csr_gram_smv)(LINALG_CSR_GRAM_ARGS(float));
    void (*csr_gradient_sdiagonal)(LINALG_CSR_GRADIENT_ARGS(float));
    /// The packed GEMM (gemm_packed.c); 0 when its buffer is not there. NULL without AVX2 and
    /// with AVX-512 (OpenBLAS's 512-bit kernels are faster there).
    int (*dgemm_packed)(LINALG_GEMM_ARGS(double));
    int (*sgemm_packed)(LINALG_GEMM_ARGS(float));
    /// NULL without AVX2 (the Swift layer then calls BLAS dsyrk).
    void (*dsyrk_lower)(size_t k, size_t dp, size_t rows, const double *restrict a, double *restrict c,
                        const char *prefetch, size_t prefetch_lines);
} linalg_kernel_table;

/// The table for this CPU, filled at the first call (thread-safe).
const linalg_kernel_table *linalg_kernel_table_get(void);

// Reference kernels: portable C, every CPU.
void linalg_exp_ref(double *x, size_t n);
void linalg_sigmoid_ref(double *x, size_t n);
void linalg_sigmoid_slope_ref(double *restrict v, const double *restrict x, size_t n);
void linalg_tanh_slope_ref(double *restrict v, const double *restrict x, size_t n);
void linalg_sigmoid_f32_ref(float *x, size_t n);
void linalg_tanh_f32_ref(float *x, size_t n);
void linalg_sigmoid_slope_f32_ref(float *restrict v, const float *restrict x, size_t n);
void linalg_tanh_slope_f32_ref(float *restrict v, const float *restrict x, size_t n);
void linalg_scale_columns_ref(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                              const double *restrict v);
void linalg_scale_rows_ref(double *restrict dst, size_t dst_stride, const double *restrict src,
                           const double *restrict w, size_t rows, size_t cols);
void linalg_dgemm_ref(LINALG_GEMM_ARGS(double));
size_t linalg_fma_peak_f64_ref(size_t iterations, double *sink);
size_t linalg_fma_peak_f32_ref(size_t iterations, double *sink);
void linalg_csr_dmv_ref(LINALG_CSR_MV_ARGS(double));
void linalg_csr_dmtv_ref(LINALG_CSR_MTV_ARGS(double));
double linalg_csr_gram_dmv_ref(LINALG_CSR_GRAM_ARGS(double));
void linalg_csr_gradient_diagonal_ref(LINALG_CSR_GRADIENT_ARGS(double));
void linalg_csr_smv_ref(LINALG_CSR_MV_ARGS(float));
void linalg_csr_smtv_ref(LINALG_CSR_MTV_ARGS(float));
double linalg_csr_gram_smv_ref(LINALG_CSR_GRAM_ARGS(float));
void linalg_csr_gradient_sdiagonal_ref(LINALG_CSR_GRADIENT_ARGS(float));
// linalg_adam_f32_ref, linalg_adam_f64_ref, linalg_class_scores_ref and linalg_class_sums_ref are
// public (CLinalgKernels.h): tests call them.
void linalg_sgemm_ref(LINALG_GEMM_ARGS(float));

#if LINALG_HAVE_AVX2_KERNELS
// AVX2+FMA kernels: call only when the table says vectorised.
void linalg_exp_avx2_4(double *x, size_t n);
void linalg_sigmoid_avx2_4(double *x, size_t n);
void linalg_sigmoid_slope_avx2(double *restrict v, const double *restrict x, size_t n);
void linalg_tanh_slope_avx2(double *restrict v, const double *restrict x, size_t n);
void linalg_sigmoid_f32_avx2_8(float *x, size_t n);
void linalg_tanh_f32_avx2_8(float *x, size_t n);
void linalg_sigmoid_slope_f32_avx2(float *restrict v, const float *restrict x, size_t n);
void linalg_tanh_slope_f32_avx2(float *restrict v, const float *restrict x, size_t n);
void linalg_scale_columns_avx2(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                               const double *restrict v);
void linalg_scale_rows_avx2(double *restrict dst, size_t dst_stride, const double *restrict src,
                            const double *restrict w, size_t rows, size_t cols);
/// The general small-product loops, compiled for AVX2+FMA.
void linalg_dgemm_avx2(LINALG_GEMM_ARGS(double));
void linalg_sgemm_avx2(LINALG_GEMM_ARGS(float));
/// C = alpha op(A) B + beta C for n in 1...16 (a row of C in registers).
void linalg_dgemm_avx2_1x16(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                            const double *b, size_t ldb, double beta, double *c, size_t ldc);
/// C = alpha op(A) B + beta C for n > 16 (panels of 16 columns, two rows at a time).
void linalg_dgemm_avx2_2x16(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                            const double *b, size_t ldb, double beta, double *c, size_t ldc);
/// c_i = alpha <a_i, b> + beta c_i for the m rows of A (four rows share each piece of b).
void linalg_dgemv_avx2_4x1(size_t m, size_t k, double alpha, const double *a, size_t lda, const double *b,
                           double beta, double *c);
/// c_ij = alpha a_i b_j + beta c_ij (a_i = a[i] when trans_a, else a[i * lda]; b contiguous).
void linalg_dger_avx2(int trans_a, size_t m, size_t n, double alpha, const double *a, size_t lda, const double *b,
                      double beta, double *c, size_t ldc);
/// Z = X V^T, 6 rows x 8 classes per tile (V packed by linalg_pack_class_rows).
void linalg_class_scores_avx2_6x8(size_t rows, size_t d, size_t m, const double *restrict x, size_t ldx,
                                   const double *restrict packed, double *restrict z, size_t ldz);
/// S += U^T X, 6 classes x 8 columns per tile.
void linalg_class_sums_avx2_6x8(size_t rows, size_t d, size_t m, const double *restrict u, size_t ldu,
                                 const double *restrict x, size_t ldx, double *restrict s, size_t lds);
/// FMA throughput: 12 chains of 4 doubles or 8 floats.
size_t linalg_fma_peak_f64_avx2_4x12(size_t iterations, double *sink);
size_t linalg_fma_peak_f32_avx2_8x12(size_t iterations, double *sink);
/// Adam's step, 8 floats or 4 doubles at a time.
void linalg_adam_f32_avx2_8(float *restrict theta, const float *restrict g, float *restrict m, float *restrict v,
                            size_t n, float b1, float b2, float step, float root, float eps);
void linalg_adam_f64_avx2_4(double *restrict theta, const double *restrict g, double *restrict m,
                            double *restrict v, size_t n, double b1, double b2, double step, double root,
                            double eps);
/// The packed GEMM: 6 x 8 (double) and 6 x 16 (float) register tiles in BLIS's loops.
int linalg_dgemm_packed_avx2(LINALG_GEMM_ARGS(double));
int linalg_sgemm_packed_avx2(LINALG_GEMM_ARGS(float));
/// C += A^T A on the lower triangle (6 x 8 tiles off the diagonal, 4 x 8 and 4 x 4 on it).
void linalg_dsyrk_lower_avx2_6x8(size_t k, size_t dp, size_t rows, const double *restrict a, double *restrict c,
                                 const char *prefetch, size_t prefetch_lines);
#endif

#if LINALG_HAVE_AVX512_KERNELS
// AVX-512F kernels: call only when the table says avx512.
void linalg_sigmoid_f32_avx512_16(float *x, size_t n);
#endif

#endif
