/// The product kernel behind every `gemm` in Linalg: `C ← α op(A) op(B) + β C`, row-major,
/// choosing by size between OpenBLAS and plain loops.
///
/// A CBLAS call costs about 0.1 µs before any work and OpenBLAS may wake its threads, so below
/// ``blasThreshold`` multiply-adds (`m·n·k`) plain vectorised loops (``BLASScalar/loopGemm``,
/// C with run-time AVX2 dispatch) are faster; above it BLAS wins.
/// The threshold is where the two meet in `swift run -c release bench` (see the README).
@usableFromInline
package enum GemmKernel {
    /// The smallest `m·n·k` sent to BLAS.
    @usableFromInline package static let blasThreshold = 48 * 48 * 48

    /// Whether a product of these sizes goes to OpenBLAS (else to the plain loops).
    @inlinable
    package static func usesBLAS(m: Int, n: Int, k: Int) -> Bool { k > 1 && m * n * k >= blasThreshold }

    /// `C ← α op(A) op(B) + β C` for `op(A)` `m × k` and `op(B)` `k × n` (unchecked: the caller
    /// guarantees the shapes and leading dimensions). With `β = 0`, `C` need not be initialised.
    @inlinable
    package static func run<S: BLASScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if !usesBLAS(m: m, n: n, k: k) {
            S.loopGemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: BLASOperand(a), lda: lda, b: BLASOperand(b), ldb: ldb, beta: beta, c: BLASOperand(c), ldc: ldc)
        } else {
            S.blasGemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: BLASOperand(a), lda: lda, b: BLASOperand(b), ldb: ldb, beta: beta, c: BLASOperand(c), ldc: ldc)
        }
    }
}
