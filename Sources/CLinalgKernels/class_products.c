#include "kernel_table.h"
#include "avx2_stores.h"
#include <math.h>

// The two products of a multinomial model's pass over a chunk of rows X (rows x d), with few
// classes m: the scores Z = X V^T (V m x d) and the sums S += U^T X (U rows x m). BLAS runs
// them as GEMMs with one side 10 wide, packing the whole chunk of X for ten FMAs per entry; here
// X is read in place. Every output entry is one chain of FMAs in the order of p (scores) or of
// the rows (sums), in the reference and the AVX2 kernels alike, so the two agree to the bit.

/// Columns of the packed panel: m rounded up to a whole vector of 4 (the tiles' loads stay inside).
size_t linalg_class_panel_width(size_t m) { return (m + 3) / 4 * 4; }

void linalg_pack_class_rows(size_t m, size_t d, const double *restrict v, size_t ldv, double *restrict packed) {
    const size_t width = linalg_class_panel_width(m);
    for (size_t p = 0; p < d; ++p) {
        for (size_t c = 0; c < width; ++c) packed[p * width + c] = c < m ? v[c * ldv + p] : 0;
    }
}

void linalg_class_scores_ref(size_t rows, size_t d, size_t m, const double *restrict x, size_t ldx,
                             const double *restrict packed, double *restrict z, size_t ldz) {
    const size_t width = linalg_class_panel_width(m);
    for (size_t i = 0; i < rows; ++i) {
        for (size_t c = 0; c < m; ++c) {
            double sum = 0;
            for (size_t p = 0; p < d; ++p) sum = fma(x[i * ldx + p], packed[p * width + c], sum);
            z[i * ldz + c] = sum;
        }
    }
}

void linalg_class_sums_ref(size_t rows, size_t d, size_t m, const double *restrict u, size_t ldu,
                           const double *restrict x, size_t ldx, double *restrict s, size_t lds) {
    for (size_t c = 0; c < m; ++c) {
        for (size_t j = 0; j < d; ++j) {
            double sum = s[c * lds + j];
            for (size_t i = 0; i < rows; ++i) sum = fma(u[i * ldu + c], x[i * ldx + j], sum);
            s[c * lds + j] = sum;
        }
    }
}

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>

/// The mask of the first `count` (1...4) lanes.
TARGET_AVX2_INLINE
static inline __m256i first_lanes(size_t count) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)count), _mm256_setr_epi64x(0, 1, 2, 3));
}

// Scores: R (1...6) rows of Z by V (1, 2) vectors of the packed panel's columns, over p in
// [p0, p1), starting from zero (p0 = 0) or from Z's partial sums. Per p: V loads of the panel
// (L1), R broadcasts of X, R x V FMAs; 12 accumulators, 2 pieces and a broadcast fill 15 of the
// 16 registers (a 4 x 12 tile needs all 16 and gets spilled).
TARGET_AVX2_INLINE
static inline void scores_tile(const int R, const int V, const int masked, size_t p0, size_t p1,
                               const double *restrict x, size_t ldx, const double *restrict panel, size_t width,
                               double *restrict z, size_t ldz, size_t columns) {
    __m256d acc[6][2];
    const __m256i tail = first_lanes(columns - 4 * (V - 1));
    for (int r = 0; r < R; ++r) {
        for (int q = 0; q < V; ++q) {
            const double *zr = z + r * ldz + 4 * q;
            acc[r][q] = p0 == 0 ? _mm256_setzero_pd()
                      : masked && q == V - 1 ? _mm256_maskload_pd(zr, tail)
                                             : _mm256_loadu_pd(zr);
        }
    }
    for (size_t p = p0; p < p1; ++p) {
        __m256d piece[2];
        for (int q = 0; q < V; ++q) piece[q] = _mm256_loadu_pd(panel + p * width + 4 * q);
        for (int r = 0; r < R; ++r) {
            const __m256d xr = _mm256_broadcast_sd(x + r * ldx + p);
            for (int q = 0; q < V; ++q) acc[r][q] = _mm256_fmadd_pd(xr, piece[q], acc[r][q]);
        }
    }
    for (int r = 0; r < R; ++r) {
        if (V == 2) _mm256_storeu_pd(z + r * ldz, acc[r][0]);
        store_first(z + r * ldz + 4 * (V - 1), acc[r][V - 1], columns - 4 * (V - 1));
    }
}

#define SCORES_TILE_ROWS(R)                                                                       \
    if (columns == 8) scores_tile(R, 2, 0, p0, p1, xi, ldx, panel, width, zi, ldz, columns);      \
    else if (columns > 4) scores_tile(R, 2, 1, p0, p1, xi, ldx, panel, width, zi, ldz, columns);  \
    else scores_tile(R, 1, 1, p0, p1, xi, ldx, panel, width, zi, ldz, columns);

// Blocks of CLASS_SCORES_KC values of p keep the panel's slice in L1 while every row tile passes;
// panels of CLASS_TILE_COLUMNS columns, rows CLASS_TILE_ROWS at a time.
TARGET_AVX2
void linalg_class_scores_avx2_6x8(size_t rows, size_t d, size_t m, const double *restrict x, size_t ldx,
                                  const double *restrict packed, double *restrict z, size_t ldz) {
    const size_t width = linalg_class_panel_width(m);
    for (size_t p0 = 0; p0 < d; p0 += CLASS_SCORES_KC) {
        const size_t p1 = p0 + CLASS_SCORES_KC < d ? p0 + CLASS_SCORES_KC : d;
        for (size_t c0 = 0; c0 < m; c0 += CLASS_TILE_COLUMNS) {
            const size_t columns = m - c0 < CLASS_TILE_COLUMNS ? m - c0 : CLASS_TILE_COLUMNS;
            const double *panel = packed + c0;
            for (size_t i = 0; i < rows; i += CLASS_TILE_ROWS) {
                const double *xi = x + i * ldx;
                double *zi = z + i * ldz + c0;
                switch (rows - i < CLASS_TILE_ROWS ? rows - i : CLASS_TILE_ROWS) {
                case 1: SCORES_TILE_ROWS(1) break;
                case 2: SCORES_TILE_ROWS(2) break;
                case 3: SCORES_TILE_ROWS(3) break;
                case 4: SCORES_TILE_ROWS(4) break;
                case 5: SCORES_TILE_ROWS(5) break;
                default: SCORES_TILE_ROWS(6) break;
                }
            }
        }
    }
}

// Sums: C (1...6) class rows of S by V (1, 2) vectors of columns, over all the rows of the chunk.
// Per row: V loads of X, C broadcasts of U, C x V FMAs; S is read and written once.
TARGET_AVX2_INLINE
static inline void sums_tile(const int C, const int V, const int masked, size_t rows, const double *restrict u,
                             size_t ldu, const double *restrict x, size_t ldx, double *restrict s, size_t lds,
                             size_t columns) {
    __m256d acc[6][2];
    const __m256i tail = first_lanes(columns - 4 * (V - 1));
    for (int c = 0; c < C; ++c) {
        for (int q = 0; q < V; ++q) {
            const double *sc = s + c * lds + 4 * q;
            acc[c][q] = masked && q == V - 1 ? _mm256_maskload_pd(sc, tail) : _mm256_loadu_pd(sc);
        }
    }
    for (size_t i = 0; i < rows; ++i) {
        __m256d piece[2];
        for (int q = 0; q < V; ++q) {
            const double *xi = x + i * ldx + 4 * q;
            piece[q] = masked && q == V - 1 ? _mm256_maskload_pd(xi, tail) : _mm256_loadu_pd(xi);
        }
        for (int c = 0; c < C; ++c) {
            const __m256d uc = _mm256_broadcast_sd(u + i * ldu + c);
            for (int q = 0; q < V; ++q) acc[c][q] = _mm256_fmadd_pd(uc, piece[q], acc[c][q]);
        }
    }
    for (int c = 0; c < C; ++c) {
        if (V == 2) _mm256_storeu_pd(s + c * lds, acc[c][0]);
        store_first(s + c * lds + 4 * (V - 1), acc[c][V - 1], columns - 4 * (V - 1));
    }
}

#define SUMS_TILE_CLASSES(C)                                                                      \
    if (columns == 8) sums_tile(C, 2, 0, rows, uc, ldu, xj, ldx, sc, lds, columns);               \
    else if (columns > 4) sums_tile(C, 2, 1, rows, uc, ldu, xj, ldx, sc, lds, columns);           \
    else sums_tile(C, 1, 1, rows, uc, ldu, xj, ldx, sc, lds, columns);

// The classes go in ceil(m / 6) groups as even as possible (10 = 5 + 5), so the last group is not
// a thin one; the chunk of X is read once per group (from L2, where the scores left it).
TARGET_AVX2
void linalg_class_sums_avx2_6x8(size_t rows, size_t d, size_t m, const double *restrict u, size_t ldu,
                                const double *restrict x, size_t ldx, double *restrict s, size_t lds) {
    const size_t groups = (m + CLASS_TILE_ROWS - 1) / CLASS_TILE_ROWS;
    size_t c0 = 0;
    for (size_t g = 0; g < groups; ++g) {
        const size_t classes = m / groups + (g < m % groups);
        for (size_t j = 0; j < d; j += CLASS_TILE_COLUMNS) {
            const size_t columns = d - j < CLASS_TILE_COLUMNS ? d - j : CLASS_TILE_COLUMNS;
            const double *uc = u + c0, *xj = x + j;
            double *sc = s + c0 * lds + j;
            switch (classes) {
            case 1: SUMS_TILE_CLASSES(1) break;
            case 2: SUMS_TILE_CLASSES(2) break;
            case 3: SUMS_TILE_CLASSES(3) break;
            case 4: SUMS_TILE_CLASSES(4) break;
            case 5: SUMS_TILE_CLASSES(5) break;
            default: SUMS_TILE_CLASSES(6) break;
            }
        }
        c0 += classes;
    }
}
#endif
