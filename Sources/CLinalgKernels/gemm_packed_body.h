// The packed GEMM of gemm_packed.c for one scalar type, included once per type with T (double or
// float), NR (the tile's columns: two vectors), MC, NC, the vector operations V* and the names
// PACK, KERNEL, GEMM defined. No include guard: meant to be included more than once.
//
// C = alpha op(A) op(B) + beta C, row-major, in BLIS's five loops: for each NC-wide block of
// columns and KC-deep block of k, op(B) is packed into NR-column micro-panels; for each MC-high
// block of rows, op(A) is packed into GEMM_MR-row micro-panels; the micro-kernel multiplies one of
// each into a GEMM_MR x NR tile of C kept in registers. Packing pads the edges with zeros, so the
// kernel always runs the full tile and only its store is cut to the edge.

/// Packs the kc x n block of a matrix into micro-panels of `width` columns, zero-padded:
/// dst[(panel * kc + p) * width + j] = src[p * k_stride + (panel * width + j) * stride]. op(A)
/// (transposed, so its rows become the panels' columns) and op(B) both go through it: for op(A) the
/// panels are GEMM_MR rows and `stride` runs along a column of A, for op(B) NR columns. Full panels
/// of rows (stride 1) are copied a vector at a time; panels whose columns are contiguous in p
/// (k_stride 1) are read GATHER values of each column at a time and transposed in registers.
TARGET_AVX2 static inline void PACK(const T *restrict src, size_t stride, size_t k_stride, size_t n, size_t kc,
                                    size_t width, T *restrict dst) {
    for (size_t j = 0; j < n; j += width, dst += kc * width) {
        const size_t cols = n - j < width ? n - j : width;
        const T *restrict panel = src + j * stride;
        size_t p = 0;
        if (stride == 1 && cols == width) {
            for (; p < kc; ++p) COPY_ROW(panel + p * k_stride, width, dst + p * width);
        } else if (k_stride == 1) {
            for (; p + GATHER <= kc; p += GATHER) GATHER_BLOCK(panel + p, stride, cols, width, dst + p * width);
        }
        for (; p < kc; ++p) {
            T *restrict out = dst + p * width;
            const T *restrict in = panel + p * k_stride;
            for (size_t c = 0; c < cols; ++c) out[c] = in[c * stride];
            for (size_t c = cols; c < width; ++c) out[c] = 0;
        }
    }
}

/// The accumulators of row R: a_R broadcast times the two vectors of the packed row of B.
#define ROW_FMA(R)                                  \
    a = VBROADCAST(ap + R);                         \
    c##R##0 = VFMA(a, b0, c##R##0);                 \
    c##R##1 = VFMA(a, b1, c##R##1);

/// C[0..<rows, 0..<cols] = alpha (A-panel B-panel) + beta C, the panels kc deep; beta = 0 never
/// reads C (it may hold anything, NaN included).
TARGET_AVX2 static void KERNEL(size_t kc, const T *restrict ap, const T *restrict bp, T alpha, T beta,
                               T *restrict c, size_t ldc, size_t rows, size_t cols) {
    VEC c00 = VZERO(), c01 = VZERO(), c10 = VZERO(), c11 = VZERO(), c20 = VZERO(), c21 = VZERO();
    VEC c30 = VZERO(), c31 = VZERO(), c40 = VZERO(), c41 = VZERO(), c50 = VZERO(), c51 = VZERO();
    for (size_t r = 0; r < rows; ++r) _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    for (size_t p = 0; p < kc; ++p, ap += GEMM_MR, bp += NR) {
        const VEC b0 = VLOAD(bp), b1 = VLOAD(bp + NR / 2);
        VEC a;
        ROW_FMA(0) ROW_FMA(1) ROW_FMA(2) ROW_FMA(3) ROW_FMA(4) ROW_FMA(5)
    }
    const VEC acc[GEMM_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    const VEC va = VSET1(alpha), vb = VSET1(beta);
    if (rows == GEMM_MR && cols == NR) {
        for (int r = 0; r < GEMM_MR; ++r) {
            T *restrict row = c + r * ldc;
            VEC x0 = VMUL(va, acc[r][0]), x1 = VMUL(va, acc[r][1]);
            if (beta != 0) {
                x0 = VFMA(vb, VLOADU(row), x0);
                x1 = VFMA(vb, VLOADU(row + NR / 2), x1);
            }
            VSTOREU(row, x0);
            VSTOREU(row + NR / 2, x1);
        }
        return;
    }
    T tile[GEMM_MR][NR] __attribute__((aligned(32)));
    for (int r = 0; r < GEMM_MR; ++r) {
        VSTORE(tile[r], acc[r][0]);
        VSTORE(tile[r] + NR / 2, acc[r][1]);
    }
    for (size_t r = 0; r < rows; ++r) {
        T *restrict row = c + r * ldc;
        for (size_t j = 0; j < cols; ++j) row[j] = beta == 0 ? alpha * tile[r][j] : alpha * tile[r][j] + beta * row[j];
    }
}

#undef ROW_FMA

/// The five loops over C (m x n), with the packed blocks in work (GEMM_KC * (MC + NC) values,
/// 32-byte aligned). alpha != 0 and k > 0 (gemm_packed.c handles the rest).
TARGET_AVX2 static void GEMM(int trans_a, int trans_b, size_t m, size_t n, size_t k, T alpha, const T *restrict a,
                             size_t lda, const T *restrict b, size_t ldb, T beta, T *restrict c, size_t ldc,
                             T *restrict work) {
    T *restrict packed_a = work, *restrict packed_b = work + (size_t)MC * GEMM_KC;
    for (size_t jc = 0; jc < n; jc += NC) {
        const size_t nc = n - jc < NC ? n - jc : NC;
        for (size_t pc = 0; pc < k; pc += GEMM_KC) {
            const size_t kc = k - pc < GEMM_KC ? k - pc : GEMM_KC;
            const T block_beta = pc == 0 ? beta : 1;
            // op(B)[p, j] is b[p * ldb + j], or b[j * ldb + p] transposed.
            PACK(trans_b ? b + jc * ldb + pc : b + pc * ldb + jc, trans_b ? ldb : 1, trans_b ? 1 : ldb, nc, kc, NR,
                 packed_b);
            for (size_t ic = 0; ic < m; ic += MC) {
                const size_t mc = m - ic < MC ? m - ic : MC;
                // op(A)[i, p] is a[i * lda + p], or a[p * lda + i] transposed.
                PACK(trans_a ? a + pc * lda + ic : a + ic * lda + pc, trans_a ? 1 : lda, trans_a ? lda : 1, mc, kc,
                     GEMM_MR, packed_a);
                for (size_t jr = 0; jr < nc; jr += NR) {
                    const size_t cols = nc - jr < NR ? nc - jr : NR;
                    for (size_t ir = 0; ir < mc; ir += GEMM_MR) {
                        const size_t rows = mc - ir < GEMM_MR ? mc - ir : GEMM_MR;
                        KERNEL(kc, packed_a + ir * kc, packed_b + jr * kc, alpha, block_beta,
                               c + (ic + ir) * ldc + jc + jr, ldc, rows, cols);
                    }
                }
            }
        }
    }
}
