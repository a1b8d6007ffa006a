#include "kernel_table.h"

// C += A^T A, lower triangle, register-tiled: a ROWS x 8 tile of C (ROWS = 6 or 4) lives in
// 2·ROWS 256-bit accumulators while the rows r of the (L1/L2-resident) block of A stream past:
//   c[i0+p][j0..j0+7] += A[r][i0+p] * A[r][j0..j0+7],  p < ROWS
// per row: two vector loads, ROWS broadcasts, 2·ROWS FMAs. Six rows keep twelve independent FMA
// chains in flight (four rows only eight, just the FMA latency times the two pipes); four rows
// waste less above the diagonal. Unlike BLAS dsyrk it packs nothing: the caller's block of A is
// already contiguous and cache-resident.
//
// Reading the caller's data from memory would otherwise stall between blocks (the hardware
// prefetcher only runs ahead of loads that are already streaming), so each tile also issues a
// share of prefetches for the caller's next rows.

#if LINALG_HAVE_AVX2_KERNELS
#include <immintrin.h>


// One register tile: c[i0+p][j0..j0+7] += Σ_r a[r][i0+p] a[r][j0..j0+7] for p < ROWS (4 or 6).
#define SYRK_TILE_BODY(ROWS)                                                                       \
    do {                                                                                           \
        __m256d acc[ROWS][2];                                                                      \
        for (int p = 0; p < ROWS; ++p) {                                                           \
            acc[p][0] = _mm256_loadu_pd(c + (i0 + p) * dp + j0);                                   \
            acc[p][1] = _mm256_loadu_pd(c + (i0 + p) * dp + j0 + 4);                               \
        }                                                                                          \
        const double *row = a;                                                                     \
        for (size_t r = 0; r < k; ++r, row += dp) {                                                \
            const __m256d b0 = _mm256_loadu_pd(row + j0), b1 = _mm256_loadu_pd(row + j0 + 4);     \
            for (int p = 0; p < ROWS; ++p) {                                                       \
                const __m256d x = _mm256_broadcast_sd(row + i0 + p);                               \
                acc[p][0] = _mm256_fmadd_pd(x, b0, acc[p][0]);                                     \
                acc[p][1] = _mm256_fmadd_pd(x, b1, acc[p][1]);                                     \
            }                                                                                      \
        }                                                                                          \
        for (int p = 0; p < ROWS; ++p) {                                                           \
            _mm256_storeu_pd(c + (i0 + p) * dp + j0, acc[p][0]);                                   \
            _mm256_storeu_pd(c + (i0 + p) * dp + j0 + 4, acc[p][1]);                               \
        }                                                                                          \
    } while (0)

TARGET_AVX2_INLINE
static inline void tile4(size_t k, size_t dp, size_t i0, size_t j0, const double *restrict a, double *restrict c) {
    SYRK_TILE_BODY(4);
}

TARGET_AVX2_INLINE
static inline void tile6(size_t k, size_t dp, size_t i0, size_t j0, const double *restrict a, double *restrict c) {
    SYRK_TILE_BODY(6);
}

// The 4 x 4 tile on the diagonal where a 4 x 8 tile would compute 22 entries above it for 10
// below: four accumulators only, so two rows at a time into two sets (eight FMA chains in
// flight), added at the end.
TARGET_AVX2_INLINE
static inline void tile4x4(size_t k, size_t dp, size_t i0, size_t j0, const double *restrict a, double *restrict c) {
    __m256d even[4], odd[4];
    for (int p = 0; p < 4; ++p) {
        even[p] = _mm256_loadu_pd(c + (i0 + p) * dp + j0);
        odd[p] = _mm256_setzero_pd();
    }
    const double *row = a;
    size_t r = 0;
    for (; r + 2 <= k; r += 2, row += 2 * dp) {
        const __m256d b0 = _mm256_loadu_pd(row + j0), b1 = _mm256_loadu_pd(row + dp + j0);
        for (int p = 0; p < 4; ++p) {
            even[p] = _mm256_fmadd_pd(_mm256_broadcast_sd(row + i0 + p), b0, even[p]);
            odd[p] = _mm256_fmadd_pd(_mm256_broadcast_sd(row + dp + i0 + p), b1, odd[p]);
        }
    }
    if (r < k) {
        const __m256d b0 = _mm256_loadu_pd(row + j0);
        for (int p = 0; p < 4; ++p) even[p] = _mm256_fmadd_pd(_mm256_broadcast_sd(row + i0 + p), b0, even[p]);
    }
    for (int p = 0; p < 4; ++p) _mm256_storeu_pd(c + (i0 + p) * dp + j0, _mm256_add_pd(even[p], odd[p]));
}

typedef struct { const char *base; size_t lines, per_tile, done; } prefetcher;

__attribute__((always_inline))
static inline void prefetch_share(prefetcher *p) {
    for (size_t q = 0; q < p->per_tile && p->done < p->lines; ++q, ++p->done) {
        _mm_prefetch(p->base + CACHE_LINE * p->done, _MM_HINT_T1);
    }
}

// Of a block of `height` rows (a multiple of 4, at most 24), how many go in 6-row tiles, so that
// the rest is whole groups of four.
static inline size_t six_tile_rows(size_t height) {
    size_t sixes = height / 6;
    if ((height - 6 * sixes) % 4 != 0) sixes -= 1;
    return 6 * sixes;
}

// Rows of C in blocks of 24 (= lcm(6, 8)): left of the block's diagonal square, 6 x 8 tiles
// (twelve accumulators: more independent FMAs in flight); the square itself in 4 x 8 and 4 x 4
// tiles, which compute fewer entries above the diagonal.
TARGET_AVX2
void linalg_dsyrk_lower_avx2_6x8(size_t k, size_t dp, size_t rows, const double *restrict a, double *restrict c,
                            const char *prefetch, size_t prefetch_lines) {
    const size_t rows4 = (rows + 3) / 4 * 4;
    size_t tiles = 0;
    for (size_t block = 0; block < rows4; block += 24) {
        const size_t height = rows4 - block < 24 ? rows4 - block : 24;
        tiles += (six_tile_rows(height) / 6 + (height - six_tile_rows(height)) / 4) * (block / LINALG_SYRK_TILE);
        for (size_t i0 = block; i0 < block + height; i0 += 4) {
            tiles += (i0 + 4 - block) / LINALG_SYRK_TILE + (i0 % LINALG_SYRK_TILE == 0 ? 1 : 0);
        }
    }
    prefetcher pf = { prefetch, prefetch_lines, tiles ? (prefetch_lines + tiles - 1) / tiles : 0, 0 };
    for (size_t block = 0; block < rows4; block += 24) {
        const size_t height = rows4 - block < 24 ? rows4 - block : 24;
        const size_t sixes = six_tile_rows(height) / 6;
        for (size_t s = 0; s < sixes; ++s) {
            const size_t i0 = block + 6 * s;
            for (size_t j0 = 0; j0 < block; j0 += LINALG_SYRK_TILE) { prefetch_share(&pf); tile6(k, dp, i0, j0, a, c); }
        }
        for (size_t i0 = block + 6 * sixes; i0 < block + height; i0 += 4) {
            for (size_t j0 = 0; j0 < block; j0 += LINALG_SYRK_TILE) { prefetch_share(&pf); tile4(k, dp, i0, j0, a, c); }
        }
        for (size_t i0 = block; i0 < block + height; i0 += 4) {
            // 4 x 8 tiles up to the diagonal; where it falls in the left half of a tile (i0 a
            // multiple of 8), a 4 x 4 one instead.
            for (size_t j0 = block; j0 + LINALG_SYRK_TILE <= i0 + 4; j0 += LINALG_SYRK_TILE) {
                prefetch_share(&pf);
                tile4(k, dp, i0, j0, a, c);
            }
            if (i0 % LINALG_SYRK_TILE == 0) { prefetch_share(&pf); tile4x4(k, dp, i0, i0, a, c); }
        }
    }
}

#endif
