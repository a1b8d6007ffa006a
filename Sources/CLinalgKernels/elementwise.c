#include "kernel_table.h"
#include <math.h>

// Element-wise products the compiler vectorises, compiled twice: the reference kernels for the
// baseline and the AVX2+FMA ones (kernel_table.c picks one of each at first use).

#define SIGMOID_SLOPE_BODY for (size_t i = 0; i < n; ++i) v[i] *= x[i] * (1.0 - x[i]);
#define TANH_SLOPE_BODY for (size_t i = 0; i < n; ++i) v[i] *= 1.0 - x[i] * x[i];
#define SIGMOID_SLOPE_F32_BODY for (size_t i = 0; i < n; ++i) v[i] *= x[i] * (1.0f - x[i]);
#define TANH_SLOPE_F32_BODY for (size_t i = 0; i < n; ++i) v[i] *= 1.0f - x[i] * x[i];
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

void linalg_sigmoid_slope_ref(double *restrict v, const double *restrict x, size_t n) { SIGMOID_SLOPE_BODY }
void linalg_tanh_slope_ref(double *restrict v, const double *restrict x, size_t n) { TANH_SLOPE_BODY }
void linalg_sigmoid_slope_f32_ref(float *restrict v, const float *restrict x, size_t n) { SIGMOID_SLOPE_F32_BODY }
void linalg_tanh_slope_f32_ref(float *restrict v, const float *restrict x, size_t n) { TANH_SLOPE_F32_BODY }
void linalg_scale_columns_ref(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                                   const double *restrict v) {
    SCALE_COLUMNS_BODY
}
void linalg_scale_rows_ref(double *restrict dst, size_t dst_stride, const double *restrict src,
                                const double *restrict w, size_t rows, size_t cols) { SCALE_ROWS_BODY }

#if LINALG_HAVE_AVX2_KERNELS
TARGET_AVX2 void linalg_sigmoid_slope_avx2(double *restrict v, const double *restrict x, size_t n) {
    SIGMOID_SLOPE_BODY
}
TARGET_AVX2 void linalg_tanh_slope_avx2(double *restrict v, const double *restrict x, size_t n) { TANH_SLOPE_BODY }
TARGET_AVX2 void linalg_sigmoid_slope_f32_avx2(float *restrict v, const float *restrict x, size_t n) {
    SIGMOID_SLOPE_F32_BODY
}
TARGET_AVX2 void linalg_tanh_slope_f32_avx2(float *restrict v, const float *restrict x, size_t n) {
    TANH_SLOPE_F32_BODY
}
TARGET_AVX2 void linalg_scale_columns_avx2(double *restrict m, size_t blocks, size_t rows_per_block, size_t width,
                                           const double *restrict v) {
    SCALE_COLUMNS_BODY
}
TARGET_AVX2 void linalg_scale_rows_avx2(double *restrict dst, size_t dst_stride, const double *restrict src,
                                        const double *restrict w, size_t rows, size_t cols) { SCALE_ROWS_BODY }
#endif
