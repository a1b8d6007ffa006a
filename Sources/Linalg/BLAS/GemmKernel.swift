/// The product kernel behind every `gemm` in Linalg: `C ← α op(A) op(B) + β C`, row-major,
/// choosing by size between OpenBLAS and a plain Swift loop.
///
/// A CBLAS call costs about 0.1 µs before any work and OpenBLAS may wake its threads, so below
/// ``blasThreshold`` multiply-adds (`m·n·k`) the Swift loop is faster; above it BLAS wins.
/// The threshold was measured with `swift run -c release bench` (see the README).
public enum GemmKernel {
    /// The smallest `m·n·k` sent to BLAS.
    nonisolated(unsafe) public static var blasThreshold = 48 * 48 * 48

    /// `C ← α op(A) op(B) + β C` for `op(A)` `m × k` and `op(B)` `k × n` (unchecked: the caller
    /// guarantees the shapes and leading dimensions). With `β = 0`, `C` need not be initialised.
    @inlinable
    public static func run<S: BLASScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 || m * n * k < blasThreshold {
            swiftLoop(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            S.blasGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The same product as plain loops, for small sizes. For `op(B) = B` the inner loop runs
    /// along a row of `B` and `C` (`c_i· += α a_ip b_p·`); for `op(B) = Bᵀ` it is a dot product of
    /// two contiguous rows.
    @inlinable
    public static func swiftLoop<S: BLASScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        if n == 1 {
            // A matrix–vector product: c_i = α Σ_p op(A)_ip b_p + β c_i.
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
            return
        }
        for i in 0..<m {
            let cRow = c + i * ldc
            if beta == 0 {
                for j in 0..<n { cRow[j] = 0 }
            } else if beta != 1 {
                for j in 0..<n { cRow[j] *= beta }
            }
            if transposeB {
                for j in 0..<n {
                    let bRow = b + j * ldb
                    var sum: S = 0
                    if transposeA {
                        for p in 0..<k { sum += a[p * lda + i] * bRow[p] }
                    } else {
                        let aRow = a + i * lda
                        for p in 0..<k { sum += aRow[p] * bRow[p] }
                    }
                    cRow[j] += alpha * sum
                }
            } else {
                for p in 0..<k {
                    let aip = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
                    let bRow = b + p * ldb
                    for j in 0..<n { cRow[j] += aip * bRow[j] }
                }
            }
        }
    }
}
