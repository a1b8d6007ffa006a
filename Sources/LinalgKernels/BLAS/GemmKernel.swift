import CLinalgBLAS

/// The product kernel behind every `gemm` in Linalg: `C ← α op(A) op(B) + β C`, row-major,
/// choosing by size and threading between plain loops, Linalg's packed kernel and OpenBLAS.
///
/// A CBLAS call costs about 0.1 µs before any work and OpenBLAS may wake its threads, so below
/// ``blasThreshold`` multiply-adds (`m·n·k`) plain vectorised loops (``BLASScalar/loopGemm``,
/// C with run-time AVX2 dispatch) are faster; above it BLAS wins.
/// The threshold is where the two meet in `swift run -c release bench` (see the README).
/// Above it, while OpenBLAS is single-threaded (inside Linalg's own parallel passes, or when the
/// user set one thread), the packed kernel (``BLASScalar/packedGemm``) takes the products it
/// tiles well: on the AVX2 cores measured its `dgemm` and `sgemm` are 8–20 % faster than
/// OpenBLAS's on one core, while OpenBLAS's threads beat one core.
@usableFromInline
package enum GemmKernel {
    /// The smallest `m·n·k` sent to BLAS.
    @usableFromInline package static let blasThreshold = 48 * 48 * 48

    /// Whether a product of these sizes goes to OpenBLAS (else to the plain loops).
    @inlinable
    package static func usesBLAS(m: Int, n: Int, k: Int) -> Bool { k > 1 && m * n * k >= blasThreshold }

    /// Whether the packed kernel's tiles (6 rows by two 256-bit vectors: 8 doubles, 16 floats) cover
    /// `m × n` with at most 1/8 of padding (a tile cut at an edge computes its full size): `m = 13`
    /// pads to 18 rows and loses to OpenBLAS.
    @inlinable
    package static func tilesWell<S: BLASScalar>(m: Int, n: Int, _: S.Type) -> Bool {
        let tileColumns = 64 / MemoryLayout<S>.stride
        let paddedRows = (m + 5) / 6 * 6, paddedColumns = (n + tileColumns - 1) / tileColumns * tileColumns
        return 8 * paddedRows <= 9 * m && 8 * paddedColumns <= 9 * n
    }

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
            return
        }
        if runsPacked(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
            ldb: ldb, beta: beta, c: c, ldc: ldc)
        {
            return
        }
        S.blasGemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: BLASOperand(a), lda: lda, b: BLASOperand(b), ldb: ldb, beta: beta, c: BLASOperand(c), ldc: ldc)
    }

    /// Runs a product big enough for BLAS on the packed kernel when it tiles well and OpenBLAS is
    /// single-threaded; `false` (C untouched) when it did not.
    @inlinable @inline(__always)
    static func runsPacked<S: BLASScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: S,
        a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>, ldb: Int,
        beta: S, c: UnsafeMutablePointer<S>, ldc: Int
    ) -> Bool {
        tilesWell(m: m, n: n, S.self) && openblas_get_num_threads() == 1
            && S.packedGemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: BLASOperand(a), lda: lda, b: BLASOperand(b), ldb: ldb, beta: beta, c: BLASOperand(c), ldc: ldc)
    }
}
