#include "kernel_table.h"
#include <pthread.h>
#include <stdatomic.h>

// The one CPU-feature probe and the one registration point: the reference kernels are
// registered first, so every operation has a kernel; the AVX2+FMA ones replace them where the
// CPU has both features.

static linalg_kernel_table table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
/// &table once it is filled: after the first call a lookup is one load and one branch.
static const linalg_kernel_table *_Atomic filled_table;

static int cpu_has_avx2_fma(void) {
#if LINALG_HAVE_AVX2_KERNELS
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

static int cpu_has_avx512f(void) {
#if LINALG_HAVE_AVX512_KERNELS
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

// The AVX2+FMA kernels in place of the reference ones.
static void register_avx2(void) {
#if LINALG_HAVE_AVX2_KERNELS
    table.vectorised = 1;
    table.exp = linalg_exp_avx2_4;
    table.sigmoid = linalg_sigmoid_avx2_4;
    table.sigmoid_slope = linalg_sigmoid_slope_avx2;
    table.tanh_slope = linalg_tanh_slope_avx2;
    table.sigmoid_f32 = linalg_sigmoid_f32_avx2_8;
    table.tanh_f32 = linalg_tanh_f32_avx2_8;
    table.sigmoid_slope_f32 = linalg_sigmoid_slope_f32_avx2;
    table.tanh_slope_f32 = linalg_tanh_slope_f32_avx2;
    table.scale_columns = linalg_scale_columns_avx2;
    table.scale_rows = linalg_scale_rows_avx2;
    table.dgemm = linalg_dgemm_avx2;
    table.sgemm = linalg_sgemm_avx2;
    table.dsyrk_lower = linalg_dsyrk_lower_avx2_6x8;
    table.dgemm_packed = linalg_dgemm_packed_avx2;
    table.sgemm_packed = linalg_sgemm_packed_avx2;
    table.dger = linalg_dger_avx2;
    table.dgemv_rows = linalg_dgemv_avx2_4x1;
    table.dgemm_narrow = linalg_dgemm_avx2_1x16;
    table.dgemm_panels = linalg_dgemm_avx2_2x16;
    table.class_scores = linalg_class_scores_avx2_6x8;
    table.class_sums = linalg_class_sums_avx2_6x8;
    table.fma_peak_f64 = linalg_fma_peak_f64_avx2_4x12;
    table.fma_peak_f32 = linalg_fma_peak_f32_avx2_8x12;
    table.adam_f32 = linalg_adam_f32_avx2_8;
    table.adam_f64 = linalg_adam_f64_avx2_4;
#endif
}

static void fill_table(void) {
    table = (linalg_kernel_table){
        .vectorised = 0,
        .exp = linalg_exp_ref,
        .sigmoid = linalg_sigmoid_ref,
        .sigmoid_slope = linalg_sigmoid_slope_ref,
        .tanh_slope = linalg_tanh_slope_ref,
        .sigmoid_f32 = linalg_sigmoid_f32_ref,
        .tanh_f32 = linalg_tanh_f32_ref,
        .sigmoid_slope_f32 = linalg_sigmoid_slope_f32_ref,
        .tanh_slope_f32 = linalg_tanh_slope_f32_ref,
        .scale_columns = linalg_scale_columns_ref,
        .scale_rows = linalg_scale_rows_ref,
        .dgemm = linalg_dgemm_ref,
        .sgemm = linalg_sgemm_ref,
        .dsyrk_lower = NULL,
        .dgemm_packed = NULL,
        .sgemm_packed = NULL,
        .dger = NULL,
        .dgemv_rows = NULL,
        .dgemm_narrow = NULL,
        .dgemm_panels = NULL,
        .class_scores = linalg_class_scores_ref,
        .class_sums = linalg_class_sums_ref,
        .fma_peak_f64 = linalg_fma_peak_f64_ref,
        .fma_peak_f32 = linalg_fma_peak_f32_ref,
        .adam_f32 = linalg_adam_f32_ref,
        .adam_f64 = linalg_adam_f64_ref,
        .csr_dmv = linalg_csr_dmv_ref,
        .csr_dmtv = linalg_csr_dmtv_ref,
        .csr_gram_dmv = linalg_csr_gram_dmv_ref,
        .csr_gradient_diagonal = linalg_csr_gradient_diagonal_ref,
        .csr_smv = linalg_csr_smv_ref,
        .csr_smtv = linalg_csr_smtv_ref,
        .csr_gram_smv = linalg_csr_gram_smv_ref,
        .csr_gradient_sdiagonal = linalg_csr_gradient_sdiagonal_ref,
    };
    if (cpu_has_avx2_fma()) register_avx2();
#if LINALG_HAVE_AVX512_KERNELS
    if (cpu_has_avx512f()) {
        table.avx512 = 1;
        table.sigmoid_f32 = linalg_sigmoid_f32_avx512_16;
        table.dgemm_packed = NULL;
        table.sgemm_packed = NULL;
    }
#endif
}

const linalg_kernel_table *linalg_kernel_table_get(void) {
    pthread_once(&table_once, fill_table);
    atomic_store_explicit(&filled_table, &table, memory_order_release);
    return &table;
}

static inline const linalg_kernel_table *kernels(void) {
    const linalg_kernel_table *filled = atomic_load_explicit(&filled_table, memory_order_acquire);
    return __builtin_expect(filled != NULL, 1) ? filled : linalg_kernel_table_get();
}

// The public entry points (CLinalgKernels.h): one table lookup each.

int linalg_kernels_vectorised(void) { return kernels()->vectorised; }
int linalg_kernels_avx512(void) { return kernels()->avx512; }
void linalg_exp_inplace(double *x, size_t n) { kernels()->exp(x, n); }
void linalg_sigmoid_inplace(double *x, size_t n) { kernels()->sigmoid(x, n); }
void linalg_scale_by_sigmoid_slope(double *v, const double *x, size_t n) {
    kernels()->sigmoid_slope(v, x, n);
}
void linalg_scale_by_tanh_slope(double *v, const double *x, size_t n) { kernels()->tanh_slope(v, x, n); }
void linalg_sigmoid_inplace_f32(float *x, size_t n) { kernels()->sigmoid_f32(x, n); }
void linalg_tanh_inplace_f32(float *x, size_t n) { kernels()->tanh_f32(x, n); }
void linalg_scale_by_sigmoid_slope_f32(float *v, const float *x, size_t n) { kernels()->sigmoid_slope_f32(v, x, n); }
void linalg_scale_by_tanh_slope_f32(float *v, const float *x, size_t n) { kernels()->tanh_slope_f32(v, x, n); }
void linalg_scale_column_blocks(double *m, size_t blocks, size_t rows_per_block, size_t width, const double *v) {
    kernels()->scale_columns(m, blocks, rows_per_block, width, v);
}
void linalg_scale_rows_by_sqrt(double *dst, size_t dst_stride, const double *src, const double *w, size_t rows,
                               size_t cols) {
    kernels()->scale_rows(dst, dst_stride, src, w, rows, cols);
}
// Picks the kernel by shape: outer products (k = 1), one-sample products (n = 1), narrow rows
// (n <= 16) and wider rows of op(B) = B (panels) have kernels of their own (gemm_shapes.c);
// op(B) = B^T and k = 0 take the general loops (gemm_small.c).
void linalg_dgemm_small(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
                        size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc) {
    const linalg_kernel_table *t = kernels();
    if (!t->vectorised) {
        t->dgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else if (k == 1 && n >= 1 && (!trans_b || ldb == 1)) {
        t->dger(trans_a, m, n, alpha, a, lda, b, beta, c, ldc);
    } else if (n == 1 && m >= 1 && (trans_b || ldb == 1) && ldc == 1 && (!trans_a || m <= 16)) {
        // c = alpha A b + beta c by rows; c^T = alpha b^T A + beta c^T (op(A) = A^T) as one narrow row.
        if (!trans_a) t->dgemv_rows(m, k, alpha, a, lda, b, beta, c);
        else t->dgemm_narrow(0, 1, m, k, alpha, b, k, a, lda, beta, c, m);
    } else if (!trans_b && n >= 1 && n <= 16) {
        t->dgemm_narrow(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else if (!trans_b && k >= 1) {
        t->dgemm_panels(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else {
        t->dgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
void linalg_sgemm_small(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                        size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    kernels()->sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
int linalg_dgemm_packed(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha, const double *a,
                        size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc) {
    const linalg_kernel_table *t = kernels();
    return t->dgemm_packed && t->dgemm_packed(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
int linalg_sgemm_packed(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                        size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc) {
    const linalg_kernel_table *t = kernels();
    return t->sgemm_packed && t->sgemm_packed(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void linalg_class_scores(size_t rows, size_t d, size_t m, const double *x, size_t ldx, const double *packed,
                         double *z, size_t ldz) {
    kernels()->class_scores(rows, d, m, x, ldx, packed, z, ldz);
}
void linalg_class_sums(size_t rows, size_t d, size_t m, const double *u, size_t ldu, const double *x, size_t ldx,
                       double *s, size_t lds) {
    kernels()->class_sums(rows, d, m, u, ldu, x, ldx, s, lds);
}
void linalg_adam_step_f32(float *theta, const float *g, float *m, float *v, size_t n, float b1, float b2, float step,
                          float root, float eps) {
    kernels()->adam_f32(theta, g, m, v, n, b1, b2, step, root, eps);
}
void linalg_adam_step_f64(double *theta, const double *g, double *m, double *v, size_t n, double b1, double b2,
                          double step, double root, double eps) {
    kernels()->adam_f64(theta, g, m, v, n, b1, b2, step, root, eps);
}
void linalg_csr_dmv(LINALG_CSR_MV_ARGS(double)) { kernels()->csr_dmv(r0, r1, offsets, indices, values, v, y); }
void linalg_csr_dmtv(LINALG_CSR_MTV_ARGS(double)) { kernels()->csr_dmtv(r0, r1, offsets, indices, values, u, out); }
double linalg_csr_gram_dmv(LINALG_CSR_GRAM_ARGS(double)) {
    return kernels()->csr_gram_dmv(r0, r1, offsets, indices, values, d, v, shift, out);
}
void linalg_csr_gradient_diagonal(LINALG_CSR_GRADIENT_ARGS(double)) {
    kernels()->csr_gradient_diagonal(r0, r1, offsets, indices, values, r, d, g, h);
}
void linalg_csr_smv(LINALG_CSR_MV_ARGS(float)) { kernels()->csr_smv(r0, r1, offsets, indices, values, v, y); }
void linalg_csr_smtv(LINALG_CSR_MTV_ARGS(float)) { kernels()->csr_smtv(r0, r1, offsets, indices, values, u, out); }
double linalg_csr_gram_smv(LINALG_CSR_GRAM_ARGS(float)) {
    return kernels()->csr_gram_smv(r0, r1, offsets, indices, values, d, v, shift, out);
}
void linalg_csr_gradient_sdiagonal(LINALG_CSR_GRADIENT_ARGS(float)) {
    kernels()->csr_gradient_sdiagonal(r0, r1, offsets, indices, values, r, d, g, h);
}
size_t linalg_fma_peak_f64(size_t iterations, double *sink) { return kernels()->fma_peak_f64(iterations, sink); }
size_t linalg_fma_peak_f32(size_t iterations, double *sink) { return kernels()->fma_peak_f32(iterations, sink); }
int linalg_syrk_lower_padded(size_t k, size_t dp, size_t rows, const double *a, double *c, const void *prefetch,
                             size_t prefetch_bytes) {
    const linalg_kernel_table *chosen = kernels();
    if (!chosen->dsyrk_lower || dp % LINALG_SYRK_TILE != 0 || rows > dp) return 0;
    // Groups of four rows: a group may reach past `rows`, never past dp (dp is a multiple of 8).
    chosen->dsyrk_lower(k, dp, rows, a, c, prefetch, prefetch ? (prefetch_bytes + CACHE_LINE - 1) / CACHE_LINE : 0);
    return 1;
}
