/// The product kernel behind every `gemm` in Linalg: `C ← α op(A) op(B) + β C`, row-major,
/// choosing by size between OpenBLAS and plain loops.
///
/// A CBLAS call costs about 0.1 µs before any work and OpenBLAS may wake its threads, so below
/// ``blasThreshold`` multiply-adds (`m·n·k`) plain vectorised loops (``BLASScalar/loopGemm``,
/// C with run-time AVX2 dispatch) are faster; above it BLAS wins.
/// The threshold was measured with `swift run -c release bench` (see the README).
public enum GemmKernel {
    /// The largest `m·k` of a one-column product (`n = 1`) computed inline in Swift.
    public static let matrixVectorInlineLimit = 4096

    /// `c_i = α Σ_p op(A)_ip b_p + β c_i` for one column (`n = 1`).
    @inlinable
    static func matrixVector<S: BLASScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        let bStride = transposeB ? 1 : ldb
        for i in 0..<m {
            var sum: S = 0
            if transposeA {
                for p in 0..<k { sum += a[p * lda + i] * b[p * bStride] }
            } else {
                let aRow = a + i * lda
                for p in 0..<k { sum += aRow[p] * b[p * bStride] }
            }
            c[i * ldc] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * ldc]
        }
    }

    /// The smallest `m·n·k` sent to BLAS.
    public static let blasThreshold = 48 * 48 * 48

    /// `C ← α op(A) op(B) + β C` for `op(A)` `m × k` and `op(B)` `k × n` (unchecked: the caller
    /// guarantees the shapes and leading dimensions). With `β = 0`, `C` need not be initialised.
    @inlinable
    public static func run<S: BLASScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if n == 1 && m * k <= matrixVectorInlineLimit {
            // A single sample: a tiny matrix–vector product, cheapest inline in Swift.
            matrixVector(transposeA: transposeA, transposeB: transposeB, m: m, k: k, alpha: alpha,
                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else if k == 1 && m * n <= matrixVectorInlineLimit {
            // One sample's weight gradient: the outer product c_ij = α a_i b_j + β c_ij.
            let aStride = transposeA ? 1 : lda, bStride = transposeB ? ldb : 1
            for i in 0..<m {
                let ai = alpha * a[i * aStride], row = c + i * ldc
                if beta == 0 {
                    for j in 0..<n { row[j] = ai * b[j * bStride] }
                } else {
                    for j in 0..<n { row[j] = ai * b[j * bStride] + beta * row[j] }
                }
            }
        } else if k == 0 || m * n * k < blasThreshold {
            S.loopGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            S.blasGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}
