#include "CLinalgKernels.h"
#include <math.h>

// Element-wise products the compiler vectorises; compiled for the baseline and for AVX2+FMA,
// chosen at run time like the other kernels.

#define SIGMOID_SLOPE_BODY for (size_t i = 0; i < n; ++i) v[i] *= x[i] * (1.0 - x[i]);
#define TANH_SLOPE_BODY for (size_t i = 0; i < n; ++i) v[i] *= 1.0 - x[i] * x[i];
#define SCALE_COLUMNS_BODY                                                                     \
    for (size_t b = 0; b < blocks; ++b) {                                                      \
        const double *restrict scale = v + b * width;                                          \
        for (size_t r = 0; r < rows_per_block; ++r) {                                          \
            double *restrict row = m + (b * rows_per_block + r) * width;                       \
            for (size_t k = 0; k < width; ++k) row[k] *= scale[k];                             \
        }                                                                                      \
    }
#define SCALE_ROWS_BODY                                                                        \
    for (size_t r = 0; r < rows; ++r) {                                                        \
        const double s = sqrt(w[r]);                                                           \
        const double *restrict from = src + r * cols;                                          \
        double *restrict to = dst + r * dst_stride;                                            \
        for (size_t j = 0; j < cols; ++j) to[j] = s * from[j];                                 \
        for (size_t j = cols; j < dst_stride; ++j) to[j] = 0;                                  \
    }

static void sigmoid_slope_portable(double *restrict v, const double *restrict x, size_t n) { SIGMOID_SLOPE_BODY }
static void tanh_slope_portable(double *restrict v, const double *restrict x, size_t n) { TANH_SLOPE_BODY }
static void scale_columns_portable(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                                   const double *restrict v) {
    SCALE_COLUMNS_BODY
}
static void scale_rows_portable(double *restrict dst, size_t dst_stride, const double *restrict src,
                                const double *restrict w, size_t rows, size_t cols) { SCALE_ROWS_BODY }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
TARGET_AVX2 static void sigmoid_slope_avx2(double *restrict v, const double *restrict x, size_t n) {
    SIGMOID_SLOPE_BODY
}
TARGET_AVX2 static void tanh_slope_avx2(double *restrict v, const double *restrict x, size_t n) { TANH_SLOPE_BODY }
TARGET_AVX2 static void scale_columns_avx2(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                                           const double *restrict v) {
    SCALE_COLUMNS_BODY
}
TARGET_AVX2 static void scale_rows_avx2(double *restrict dst, size_t dst_stride, const double *restrict src,
                                        const double *restrict w, size_t rows, size_t cols) { SCALE_ROWS_BODY }
#define DISPATCH(name, ...) (linalg_kernels_vectorised() ? name##_avx2(__VA_ARGS__) : name##_portable(__VA_ARGS__))
#else
#define DISPATCH(name, ...) name##_portable(__VA_ARGS__)
#endif

void linalg_scale_by_sigmoid_slope(double *v, const double *x, size_t n) { DISPATCH(sigmoid_slope, v, x, n); }
void linalg_scale_by_tanh_slope(double *v, const double *x, size_t n) { DISPATCH(tanh_slope, v, x, n); }
void linalg_scale_column_blocks(double *m, size_t blocks, size_t rows_per_block, size_t width, const double *v) {
    DISPATCH(scale_columns, m, blocks, rows_per_block, width, v);
}
void linalg_scale_rows_by_sqrt(double *dst, size_t dst_stride, const double *src, const double *w, size_t rows,
                               size_t cols) {
    DISPATCH(scale_rows, dst, dst_stride, src, w, rows, cols);
}
