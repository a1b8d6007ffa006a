#include "kernel_table.h"
#include "avx2_stores.h"

// AVX2+FMA kernels for the small products a small net makes, one sample or a few outputs at a
// time, picked by linalg_dgemm_small (gemm_small.c); all with masked tails instead of scalar loops.

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

// op(B) = B with n <= 16 (the stacked Jacobian products of a small net): a row of C stays in V
// 256-bit accumulators, the last one masked to the n - 4(V - 1) columns that exist, while the
// k rows of B stream past; the auto-vectorised axpy loop above would run these short rows as
// scalar remainders.
#define NARROW_ROWS(V)                                                                            \
    for (size_t i = 0; i < m; ++i) {                                                              \
        double *restrict crow = c + i * ldc;                                                      \
        __m256d acc[V];                                                                           \
        for (int q = 0; q < V; ++q) {                                                             \
            acc[q] = beta == 0 ? _mm256_setzero_pd()                                              \
                   : _mm256_mul_pd(_mm256_set1_pd(beta), q < V - 1 ? _mm256_loadu_pd(crow + 4 * q) \
                                                                   : _mm256_maskload_pd(crow + 4 * q, tail)); \
        }                                                                                         \
        for (size_t p = 0; p < k; ++p) {                                                          \
            const __m256d x = _mm256_set1_pd(alpha * (trans_a ? a[p * lda + i] : a[i * lda + p])); \
            const double *restrict brow = b + p * ldb;                                            \
            for (int q = 0; q < V - 1; ++q) acc[q] = _mm256_fmadd_pd(x, _mm256_loadu_pd(brow + 4 * q), acc[q]); \
            acc[V - 1] = _mm256_fmadd_pd(x, _mm256_maskload_pd(brow + 4 * (V - 1), tail), acc[V - 1]); \
        }                                                                                         \
        for (int q = 0; q < V - 1; ++q) _mm256_storeu_pd(crow + 4 * q, acc[q]);                  \
        store_first(crow + 4 * (V - 1), acc[V - 1], n - 4 * (V - 1));                            \
    }

TARGET_AVX2
void linalg_dgemm_avx2_1x16(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *restrict a,
                              size_t lda, const double *restrict b, size_t ldb, double beta, double *restrict c,
                              size_t ldc) {
    const size_t vectors = (n + 3) / 4, last = n - 4 * (vectors - 1);
    const __m256i tail = _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)last), _mm256_setr_epi64x(0, 1, 2, 3));
    switch (vectors) {
    case 1: NARROW_ROWS(1) break;
    case 2: NARROW_ROWS(2) break;
    case 3: NARROW_ROWS(3) break;
    default: NARROW_ROWS(4) break;
    }
}

// op(B) = B with n > 16 (a small net's layer on a batch): two rows of C at a time, in panels of
// 16 columns held in 8 accumulators (8 independent FMA chains; per step of p one broadcast of a
// per row and four loads of B), so that C is written once instead of read and written k times
// as by the axpy loop.
TARGET_AVX2_INLINE
static inline void panel_two_rows(const double *restrict a0, const double *restrict a1, size_t p_step, size_t k,
                                  const double *restrict panel, size_t panel_ld, double alpha, double beta,
                                  double *restrict c0, double *restrict c1) {
    __m256d u[4], v[4];
    for (int q = 0; q < 4; ++q) u[q] = v[q] = _mm256_setzero_pd();
    for (size_t p = 0; p < k; ++p) {
        // Broadcasts straight from memory (a load, no shuffle); alpha is applied at the end.
        const __m256d x0 = _mm256_broadcast_sd(a0 + p * p_step), x1 = _mm256_broadcast_sd(a1 + p * p_step);
        const double *restrict brow = panel + p * panel_ld;
        for (int q = 0; q < 4; ++q) {
            const __m256d piece = _mm256_loadu_pd(brow + 4 * q);
            u[q] = _mm256_fmadd_pd(x0, piece, u[q]);
            v[q] = _mm256_fmadd_pd(x1, piece, v[q]);
        }
    }
    const __m256d scale = _mm256_set1_pd(alpha), keep = _mm256_set1_pd(beta);
    for (int q = 0; q < 4; ++q) {
        __m256d out0 = _mm256_mul_pd(scale, u[q]), out1 = _mm256_mul_pd(scale, v[q]);
        if (beta != 0) {
            out0 = _mm256_fmadd_pd(keep, _mm256_loadu_pd(c0 + 4 * q), out0);
            out1 = _mm256_fmadd_pd(keep, _mm256_loadu_pd(c1 + 4 * q), out1);
        }
        _mm256_storeu_pd(c0 + 4 * q, out0);
        _mm256_storeu_pd(c1 + 4 * q, out1);
    }
}

// B larger than this (bytes) does not stay in L1 (48 KiB) while one pair of rows sweeps it; for
// k up to PANEL_PACK_MAX_K the panels then go outermost, each copied contiguous first (rows of B
// a power of two apart share one L1 set and would evict each other between row pairs); B that
// fits stays with rows outermost, which needs no copy.

TARGET_AVX2
void linalg_dgemm_avx2_2x16(int trans_a, size_t m, size_t n, size_t k, double alpha, const double *restrict a,
                              size_t lda, const double *restrict b, size_t ldb, double beta, double *restrict c,
                              size_t ldc) {
    const size_t full = n / 16 * 16;
    const size_t row_step = trans_a ? 1 : lda, p_step = trans_a ? lda : 1;
    const size_t pairs = m / 2 * 2;
    if (m >= 4 && k <= PANEL_PACK_MAX_K && k * n * sizeof(double) > PANEL_L1_BYTES) {
        double packed[PANEL_PACK_MAX_K * 16] __attribute__((aligned(32)));
        for (size_t j = 0; j < full; j += 16) {
            for (size_t p = 0; p < k; ++p) {
                for (int q = 0; q < 4; ++q)
                    _mm256_store_pd(packed + 16 * p + 4 * q, _mm256_loadu_pd(b + p * ldb + j + 4 * q));
            }
            for (size_t i = 0; i < pairs; i += 2) {
                panel_two_rows(a + i * row_step, a + (i + 1) * row_step, p_step, k, packed, 16, alpha, beta,
                               c + i * ldc + j, c + (i + 1) * ldc + j);
            }
            if (pairs < m)
                linalg_dgemm_avx2_1x16(trans_a, 1, 16, k, alpha, a + pairs * row_step, lda, packed, 16, beta,
                                         c + pairs * ldc + j, ldc);
        }
    } else {
        for (size_t i = 0; i < pairs; i += 2) {
            for (size_t j = 0; j < full; j += 16) {
                panel_two_rows(a + i * row_step, a + (i + 1) * row_step, p_step, k, b + j, ldb, alpha, beta,
                               c + i * ldc + j, c + (i + 1) * ldc + j);
            }
        }
        for (size_t j = 0; pairs < m && j < full; j += 16) {
            linalg_dgemm_avx2_1x16(trans_a, 1, 16, k, alpha, a + pairs * row_step, lda, b + j, ldb, beta,
                                     c + pairs * ldc + j, ldc);
        }
    }
    if (full < n) linalg_dgemm_avx2_1x16(trans_a, m, n - full, k, alpha, a, lda, b + full, ldb, beta, c + full, ldc);
}

// One sample (n = 1, b and c contiguous), op(A) = A: c_i = alpha <a_i, b> + beta c_i. Four rows
// at a time share each 256-bit piece of b (the last piece masked) and are reduced together into
// one vector of four dot products; leftover rows one by one.
TARGET_AVX2
static inline __m256d dot_pieces(const double *restrict arow, const double *restrict b, size_t full, size_t last,
                                 __m256i tail) {
    __m256d sum = _mm256_setzero_pd();
    for (size_t q = 0; q < full; ++q)
        sum = _mm256_fmadd_pd(_mm256_loadu_pd(arow + 4 * q), _mm256_loadu_pd(b + 4 * q), sum);
    if (last)
        sum = _mm256_fmadd_pd(_mm256_maskload_pd(arow + 4 * full, tail), _mm256_maskload_pd(b + 4 * full, tail), sum);
    return sum;
}

TARGET_AVX2
void linalg_dgemv_avx2_4x1(size_t m, size_t k, double alpha, const double *restrict a, size_t lda,
                            const double *restrict b, double beta, double *restrict c) {
    const size_t full = k / 4, last = k - 4 * full;
    const __m256i tail = _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)last), _mm256_setr_epi64x(0, 1, 2, 3));
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
        const double *restrict a0 = a + i * lda, *restrict a1 = a0 + lda;
        const double *restrict a2 = a1 + lda, *restrict a3 = a2 + lda;
        for (size_t q = 0; q < full; ++q) {
            const __m256d x = _mm256_loadu_pd(b + 4 * q);
            s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a0 + 4 * q), x, s0);
            s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a1 + 4 * q), x, s1);
            s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a2 + 4 * q), x, s2);
            s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a3 + 4 * q), x, s3);
        }
        if (last) {
            const __m256d x = _mm256_maskload_pd(b + 4 * full, tail);
            s0 = _mm256_fmadd_pd(_mm256_maskload_pd(a0 + 4 * full, tail), x, s0);
            s1 = _mm256_fmadd_pd(_mm256_maskload_pd(a1 + 4 * full, tail), x, s1);
            s2 = _mm256_fmadd_pd(_mm256_maskload_pd(a2 + 4 * full, tail), x, s2);
            s3 = _mm256_fmadd_pd(_mm256_maskload_pd(a3 + 4 * full, tail), x, s3);
        }
        // (s0₀+s0₁, s1₀+s1₁, s0₂+s0₃, s1₂+s1₃) and the same for s2, s3; then the halves crossed.
        const __m256d h01 = _mm256_hadd_pd(s0, s1), h23 = _mm256_hadd_pd(s2, s3);
        const __m256d dots =
            _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
        __m256d out = _mm256_mul_pd(_mm256_set1_pd(alpha), dots);
        if (beta != 0) out = _mm256_fmadd_pd(_mm256_set1_pd(beta), _mm256_loadu_pd(c + i), out);
        _mm256_storeu_pd(c + i, out);
    }
    for (; i < m; ++i) {
        const __m256d sum = dot_pieces(a + i * lda, b, full, last, tail);
        const __m128d pair = _mm_add_pd(_mm256_castpd256_pd128(sum), _mm256_extractf128_pd(sum, 1));
        const double dot = _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
        c[i] = beta == 0 ? alpha * dot : alpha * dot + beta * c[i];
    }
}

// One term (k = 1, the rows of b contiguous): the outer product c_ij = alpha a_i b_j + beta c_ij,
// a row of C in 256-bit pieces, the last one masked. Rows of up to 16 (one sample's weight
// gradient in a small net) keep all of b in registers: per row one broadcast, V products, V stores.
#define OUTER_ROWS(V)                                                                             \
    {                                                                                             \
        __m256d piece[V];                                                                         \
        for (int q = 0; q < V; ++q) {                                                             \
            piece[q] = q < V - 1 ? _mm256_loadu_pd(b + 4 * q) : _mm256_maskload_pd(b + 4 * q, tail); \
        }                                                                                         \
        for (size_t i = 0; i < m; ++i) {                                                          \
            const __m256d x = _mm256_set1_pd(alpha * (trans_a ? a[i] : a[i * lda]));              \
            double *restrict crow = c + i * ldc;                                                  \
            for (int q = 0; q < V - 1; ++q) _mm256_storeu_pd(crow + 4 * q, _mm256_mul_pd(x, piece[q])); \
            store_first(crow + 4 * (V - 1), _mm256_mul_pd(x, piece[V - 1]), n - 4 * (V - 1));     \
        }                                                                                         \
    }

TARGET_AVX2
void linalg_dger_avx2(int trans_a, size_t m, size_t n, double alpha, const double *restrict a, size_t lda,
                      const double *restrict b, double beta, double *restrict c, size_t ldc) {
    const size_t full = n / 4, last = n - 4 * full;
    const __m256i tail =
        _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(last ? last : 4)), _mm256_setr_epi64x(0, 1, 2, 3));
    if (beta == 0 && n <= 16) {
        switch ((n + 3) / 4) {
        case 1: OUTER_ROWS(1) return;
        case 2: OUTER_ROWS(2) return;
        case 3: OUTER_ROWS(3) return;
        default: OUTER_ROWS(4) return;
        }
    }
    const __m256d scale = _mm256_set1_pd(beta);
    for (size_t i = 0; i < m; ++i) {
        const __m256d x = _mm256_set1_pd(alpha * (trans_a ? a[i] : a[i * lda]));
        double *restrict crow = c + i * ldc;
        if (beta == 0) {
            for (size_t q = 0; q < full; ++q)
                _mm256_storeu_pd(crow + 4 * q, _mm256_mul_pd(x, _mm256_loadu_pd(b + 4 * q)));
            if (last) store_first(crow + 4 * full, _mm256_mul_pd(x, _mm256_maskload_pd(b + 4 * full, tail)), last);
        } else {
            for (size_t q = 0; q < full; ++q) {
                const __m256d v = _mm256_mul_pd(x, _mm256_loadu_pd(b + 4 * q));
                _mm256_storeu_pd(crow + 4 * q, _mm256_fmadd_pd(scale, _mm256_loadu_pd(crow + 4 * q), v));
            }
            if (last) {
                const __m256d v = _mm256_mul_pd(x, _mm256_maskload_pd(b + 4 * full, tail));
                store_first(crow + 4 * full, _mm256_fmadd_pd(scale, _mm256_maskload_pd(crow + 4 * full, tail), v),
                                last);
            }
        }
    }
}

#endif
