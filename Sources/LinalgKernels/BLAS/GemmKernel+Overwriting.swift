extension GemmKernel {
    /// `C ← α op(A) op(B)` into a `C` that need not be initialised, whose rows are `ldc` apart
    /// (a share of a batch's columns, typically, rows a page apart). The packed kernel writes `C`
    /// without reading it; OpenBLAS's own β = 0 pass waits on every line of such rows, so on its path
    /// `C` is first zeroed here (the next row's piece prefetched) and the product added (β = 1).
    /// A single column (`n = 1`) goes to ``run`` with β = 0.
    @inlinable
    package static func runOverwriting<S: NeuralScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        guard m > 0, n > 1, usesBLAS(m: m, n: n, k: k) else {
            run(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
            return
        }
        if runsPacked(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
            ldb: ldb, beta: 0, c: c, ldc: ldc)
        {
            return
        }
        VectorMath.fillRows(c, rows: m, width: n, rowStride: ldc) { _ in 0 }
        S.blasGemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: BLASOperand(a), lda: lda, b: BLASOperand(b), ldb: ldb, beta: 1, c: BLASOperand(c), ldc: ldc)
    }
}
