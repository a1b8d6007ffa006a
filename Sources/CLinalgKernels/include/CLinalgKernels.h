#ifndef CLINALG_KERNELS_H
#define CLINALG_KERNELS_H
// Element-wise kernels that Swift cannot vectorise well on baseline x86-64: an AVX2+FMA version
// is chosen at run time where the CPU has it (no special compiler flags needed), with a portable
// scalar fallback computing the same formulas.

#include <stddef.h>
#include <stdint.h>

/// x[i] <- exp(x[i]) for i < n; arguments are clamped to [-708, 709] (no overflow, no NaN
/// from finite input). Relative error a few ulp.
void linalg_exp_inplace(double *x, size_t n);

/// x[i] <- 1 / (1 + exp(-x[i])) for i < n, saturating to 0 and 1 for large |x|.
void linalg_sigmoid_inplace(double *x, size_t n);

/// Single precision: x[i] <- 1 / (1 + exp(-x[i])), exp with relative error below 1e-7 (arguments
/// clamped to [-87, 88]).
void linalg_sigmoid_inplace_f32(float *x, size_t n);

/// Single precision: x[i] <- tanh(x[i]) within a few ulp (Taylor polynomial below |x| = 1/4,
/// (1 - e)/(1 + e) with e = exp(-2|x|) above).
void linalg_tanh_inplace_f32(float *x, size_t n);

/// Asks for the 64-byte lines of [p, p + bytes) to be brought into the cache ahead of use (a
/// hint: it never faults, whatever p is). A pass over rows a few KiB apart gets no help from the
/// hardware prefetcher, which stops at each 4 KiB page: fetching the next row's piece while the
/// current one is computed makes such a pass as fast as one over contiguous memory.
static inline void linalg_prefetch_lines(const void *p, size_t bytes) {
    const char *c = (const char *)p;
    for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(c + b, 0, 3);
}

/// Row-major C <- alpha op(A) op(B) + beta C for small products (below the size where a BLAS
/// call pays off): plain loops the compiler vectorises, no threads, no allocation. op(A) is
/// m x k, op(B) is k x n; trans_a / trans_b select the transposes. With beta = 0, C is not read.
void linalg_dgemm_small(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                        const double *a, size_t lda, const double *b, size_t ldb,
                        double beta, double *c, size_t ldc);
void linalg_sgemm_small(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                        const float *a, size_t lda, const float *b, size_t ldb,
                        float beta, float *c, size_t ldc);

/// Row-major C <- alpha op(A) op(B) + beta C, single-threaded, packed as BLIS does (6 x 8 register
/// tiles for doubles, 6 x 16 for floats; AVX2+FMA): for products big enough that packing pays.
/// Returns 1 when done, 0 when this CPU has no such kernel (none without AVX2, none with AVX-512,
/// where OpenBLAS's 512-bit kernels are faster) or the thread's 2 MiB packing buffer could not be
/// allocated; C is then untouched and the caller uses BLAS. With beta = 0, C is not read.
int linalg_dgemm_packed(int trans_a, int trans_b, size_t m, size_t n, size_t k, double alpha,
                        const double *a, size_t lda, const double *b, size_t ldb,
                        double beta, double *c, size_t ldc);
int linalg_sgemm_packed(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha,
                        const float *a, size_t lda, const float *b, size_t ldb,
                        float beta, float *c, size_t ldc);

/// v[i] <- v[i] * x[i] * (1 - x[i]) for i < n: multiplies by the sigmoid's slope written through
/// its output x = sigmoid(z).
void linalg_scale_by_sigmoid_slope(double *v, const double *x, size_t n);

/// v[i] <- v[i] * (1 - x[i]^2) for i < n: the slope of tanh through its output x = tanh(z).
void linalg_scale_by_tanh_slope(double *v, const double *x, size_t n);

/// The single-precision forms of the two slope products above.
void linalg_scale_by_sigmoid_slope_f32(float *v, const float *x, size_t n);
void linalg_scale_by_tanh_slope_f32(float *v, const float *x, size_t n);

/// dst[r*dst_stride + j] <- sqrt(w[r]) * src[r*cols + j] for r < rows, j < cols, and zero for
/// cols <= j < dst_stride (row-major; a zero-padded, scaled copy of a block of rows).
void linalg_scale_rows_by_sqrt(double *dst, size_t dst_stride, const double *src, const double *w, size_t rows,
                               size_t cols);

/// Tile width of linalg_syrk_lower_padded: the padded dimension must be a multiple of it.
#define LINALG_SYRK_TILE 8

/// C <- C + A^T A on the lower triangle of C's first `rows` rows (rows <= dp; tiles on the
/// diagonal also touch a few entries just above it, and rows are done in groups of four, so rows
/// up to the next multiple of 4 (at most dp) may be written), for A k x dp and C dp x dp, both
/// row-major with leading dimension dp, dp a multiple of LINALG_SYRK_TILE. Register-tiled for
/// AVX2+FMA (6 x 8 tiles of C off the diagonal, 4 x 8 on it, kept in registers while a block of
/// A's rows streams from L1/L2).
/// While it computes, it asks for the `prefetch_bytes` bytes at `prefetch` (may be NULL when 0)
/// to be brought into L2, a few cache lines per tile, so that the caller's next rows arrive from
/// memory while this block is being multiplied. Returns 0 without doing anything when the CPU
/// lacks AVX2+FMA (use BLAS syrk then), 1 otherwise.
int linalg_syrk_lower_padded(size_t k, size_t dp, size_t rows, const double *a, double *c, const void *prefetch,
                             size_t prefetch_bytes);

/// For each of `blocks` consecutive row-major blocks of `rows_per_block` rows of `width`
/// entries: m[(b*rows_per_block + r)*width + k] *= v[b*width + k] (block b's columns scaled by
/// row b of v).
void linalg_scale_column_blocks(double *m, size_t blocks, size_t rows_per_block, size_t width, const double *v);

/// The products of a multinomial pass with few classes m, X read in place (row-major, rows x d,
/// leading dimension ldx). Each output entry is one chain of FMAs in order (of p for the scores,
/// of the rows for the sums), so the AVX2 kernels and the reference ones agree to the bit.
///
/// Columns of the panel linalg_pack_class_rows writes: m rounded up to a multiple of 4.
size_t linalg_class_panel_width(size_t m);
/// packed (d x linalg_class_panel_width(m), row-major) <- V^T for V m x d (leading dimension
/// ldv), zero in the columns past m.
void linalg_pack_class_rows(size_t m, size_t d, const double *v, size_t ldv, double *packed);
/// Z (rows x m, leading dimension ldz) <- X V^T, V given packed.
void linalg_class_scores(size_t rows, size_t d, size_t m, const double *x, size_t ldx, const double *packed,
                         double *z, size_t ldz);
/// S (m x d, leading dimension lds) <- S + U^T X for U rows x m (leading dimension ldu).
void linalg_class_sums(size_t rows, size_t d, size_t m, const double *u, size_t ldu, const double *x, size_t ldx,
                       double *s, size_t lds);
/// The portable kernels of the two products, whatever the CPU (tests compare the two paths).
void linalg_class_scores_ref(size_t rows, size_t d, size_t m, const double *x, size_t ldx, const double *packed,
                             double *z, size_t ldz);
void linalg_class_sums_ref(size_t rows, size_t d, size_t m, const double *u, size_t ldu, const double *x,
                           size_t ldx, double *s, size_t lds);

/// Adam's step over n parameters: m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
/// theta <- theta - step m / (sqrt(v) / root + eps), each operation rounded on its own (no fused
/// multiply-add), so every kernel gives the same bits. The arrays must not overlap.
void linalg_adam_step_f32(float *theta, const float *g, float *m, float *v, size_t n, float b1, float b2, float step,
                          float root, float eps);
void linalg_adam_step_f64(double *theta, const double *g, double *m, double *v, size_t n, double b1, double b2,
                          double step, double root, double eps);
/// The portable Adam kernels, whatever the CPU (tests compare the two paths).
void linalg_adam_f32_ref(float *theta, const float *g, float *m, float *v, size_t n, float b1, float b2, float step,
                         float root, float eps);
void linalg_adam_f64_ref(double *theta, const double *g, double *m, double *v, size_t n, double b1, double b2,
                         double step, double root, double eps);

/// Products of a CSR matrix (n + 1 row offsets, 32-bit column indices, values) over the rows
/// [r0, r1): y_i = <x_i, v> (y indexed by row); out += sum_i u_i x_i; the fused
/// t_i = d_i (<x_i, v> + shift), out += sum_i t_i x_i (each row read once), returning sum_i t_i;
/// and g += sum_i r_i x_i with h += sum_i d_i x_i^2 in one pass. The dot products sum entries
/// k mod 4 apart in four partial sums, then (s0 + s1) + (s2 + s3).
// The kernels' arguments for values of type V: the rows, then the operation's (double) vectors.
#define LINALG_CSR_ROWS(V) size_t r0, size_t r1, const int64_t *offsets, const int32_t *indices, const V *values
#define LINALG_CSR_MV_ARGS(V) LINALG_CSR_ROWS(V), const double *v, double *y
#define LINALG_CSR_MTV_ARGS(V) LINALG_CSR_ROWS(V), const double *u, double *out
#define LINALG_CSR_GRAM_ARGS(V) LINALG_CSR_ROWS(V), const double *d, const double *v, double shift, double *out
#define LINALG_CSR_GRADIENT_ARGS(V) LINALG_CSR_ROWS(V), const double *r, const double *d, double *g, double *h
void linalg_csr_dmv(LINALG_CSR_MV_ARGS(double));
void linalg_csr_dmtv(LINALG_CSR_MTV_ARGS(double));
double linalg_csr_gram_dmv(LINALG_CSR_GRAM_ARGS(double));
void linalg_csr_gradient_diagonal(LINALG_CSR_GRADIENT_ARGS(double));
/// The same products of a CSR matrix with float values; vectors, products and sums in double (a
/// float widens exactly, so the results are those of the same values stored as doubles).
void linalg_csr_smv(LINALG_CSR_MV_ARGS(float));
void linalg_csr_smtv(LINALG_CSR_MTV_ARGS(float));
double linalg_csr_gram_smv(LINALG_CSR_GRAM_ARGS(float));
void linalg_csr_gradient_sdiagonal(LINALG_CSR_GRADIENT_ARGS(float));

/// The FMA throughput of one core: `iterations` steps of 12 independent chains of fused
/// multiply-adds at the widest width the table has for this CPU (AVX2: 4 doubles or 8 floats;
/// scalar without it); returns the flops done (2 per lane per FMA) and stores the chains' sum in
/// `sink`. Run on every core at once it measures the machine's peak.
size_t linalg_fma_peak_f64(size_t iterations, double *sink);
size_t linalg_fma_peak_f32(size_t iterations, double *sink);

/// 1 if the vectorised AVX2+FMA path is in use on this CPU, else 0.
int linalg_kernels_vectorised(void);

/// 1 when the AVX-512F kernels (single-precision sigmoid) are in use on this CPU, else 0.
int linalg_kernels_avx512(void);

#endif
