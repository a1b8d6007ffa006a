import LinalgCore
import CLinalgBLAS
import CLinalgKernels
import CLinalgLAPACKE

/// A scalar type with BLAS and LAPACK routines: `Float` dispatches to the `s` routines,
/// `Double` to the `d` routines.
///
/// The requirements take row-major operands as raw pointers with leading dimensions and are the
/// thin, unchecked bridge to C; call the checked functions of ``BLAS`` and ``LAPACK`` instead.
/// All matrices are row-major; LAPACK results are returned as the raw `info` code.
public protocol BLASScalar: MatrixScalar {
    /// `C ← α op(A) op(B) + β C` (`?gemm`), `op(A)` is `m × k`, `op(B)` is `k × n`.
    static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// The same product as ``blasGemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
    /// as plain vectorised loops (no threads, no call overhead), for small sizes.
    static func loopGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// `y ← α op(A) x + β y` (`?gemv`), `A` is `m × n`.
    static func blasGemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, incx: Int, beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)
    /// `C ← α op(A) op(A)ᵀ + β C` on the lower triangle of the `n × n` matrix `C` (`?syrk`);
    /// `op(A)` is `n × k` (`transpose`: `op(A) = Aᵀ`, so `C ← α AᵀA + βC`).
    static func blasSyrkLower(
        transpose: Bool, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// `y ← αx + y` (`?axpy`).
    static func blasAxpy(
        n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int, y: UnsafeMutablePointer<Self>, incy: Int)
    /// `x ← αx` (`?scal`).
    static func blasScal(n: Int, alpha: Self, x: UnsafeMutablePointer<Self>, incx: Int)
    /// `xᵀy` (`?dot`).
    static func blasDot(n: Int, x: UnsafePointer<Self>, incx: Int, y: UnsafePointer<Self>, incy: Int) -> Self
    /// `‖x‖₂` (`?nrm2`), computed without overflow.
    static func blasNrm2(n: Int, x: UnsafePointer<Self>, incx: Int) -> Self
    /// Cholesky `A = LLᵀ` of a row-major `n × n` SPD matrix, `L` left in the lower triangle
    /// (`?potrf`); returns LAPACK's `info`.
    static func lapackPotrfLower(n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int
    /// Solves `LLᵀ X = B` for `nrhs` right-hand sides stored column by column (`?potrs`,
    /// column-major `B` with leading dimension `ldb ≥ n`); returns `info`.
    static func lapackPotrsLower(
        n: Int, nrhs: Int, factor: UnsafePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int
    ) -> Int
    /// Solves `AX = B` for SPD `A`, overwriting `A` with its Cholesky factor (`?posv`, `B`
    /// column-major as for ``lapackPotrsLower(n:nrhs:factor:lda:b:ldb:)``); returns `info`.
    static func lapackPosvLower(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int
    ) -> Int
}

@usableFromInline package let rowMajor = CblasRowMajor
@inlinable package func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

// A row-major symmetric matrix read as column-major is the same matrix, with its lower triangle
// in the column-major "U" position: hence the column-major LAPACKE calls with uplo "U" below,
// which skip the transposed copy LAPACKE's row-major entry points make.
@usableFromInline package let upperInColumnMajor = Int8(UInt8(ascii: "U"))

extension Double: BLASScalar {
    @inlinable
    public static func loopGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        linalg_dgemm_small(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inlinable
    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            rowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable
    public static func blasGemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incx: Int, beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_dgemv(
            rowMajor, cblasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incx),
            beta, y, Int32(incy))
    }
    @inlinable
    public static func blasSyrkLower(
        transpose: Bool, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(
            rowMajor, CblasLower, cblasTranspose(transpose), Int32(n), Int32(k), alpha, a, Int32(lda),
            beta, c, Int32(ldc))
    }
    @inlinable
    public static func blasAxpy(
        n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int,
        y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_daxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
    }
    @inlinable
    public static func blasScal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>, incx: Int) {
        cblas_dscal(Int32(n), alpha, x, Int32(incx))
    }
    @inlinable
    public static func blasDot(
        n: Int, x: UnsafePointer<Double>, incx: Int, y: UnsafePointer<Double>, incy: Int
    ) -> Double {
        cblas_ddot(Int32(n), x, Int32(incx), y, Int32(incy))
    }
    @inlinable
    public static func blasNrm2(n: Int, x: UnsafePointer<Double>, incx: Int) -> Double {
        cblas_dnrm2(Int32(n), x, Int32(incx))
    }
    @inlinable
    public static func lapackPotrfLower(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        Int(LAPACKE_dpotrf(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), a, Int32(lda)))
    }
    @inlinable
    public static func lapackPotrsLower(
        n: Int, nrhs: Int, factor: UnsafePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        Int(
            LAPACKE_dpotrs(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), factor, Int32(lda), b, Int32(ldb)))
    }
    @inlinable
    public static func lapackPosvLower(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        Int(LAPACKE_dposv(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), a, Int32(lda), b, Int32(ldb)))
    }
}

extension Float: BLASScalar {
    @inlinable
    public static func loopGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        linalg_sgemm_small(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inlinable
    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            rowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable
    public static func blasGemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_sgemv(
            rowMajor, cblasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incx),
            beta, y, Int32(incy))
    }
    @inlinable
    public static func blasSyrkLower(
        transpose: Bool, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_ssyrk(
            rowMajor, CblasLower, cblasTranspose(transpose), Int32(n), Int32(k), alpha, a, Int32(lda),
            beta, c, Int32(ldc))
    }
    @inlinable
    public static func blasAxpy(
        n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int,
        y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_saxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
    }
    @inlinable
    public static func blasScal(n: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incx: Int) {
        cblas_sscal(Int32(n), alpha, x, Int32(incx))
    }
    @inlinable
    public static func blasDot(n: Int, x: UnsafePointer<Float>, incx: Int, y: UnsafePointer<Float>, incy: Int) -> Float
    {
        cblas_sdot(Int32(n), x, Int32(incx), y, Int32(incy))
    }
    @inlinable
    public static func blasNrm2(n: Int, x: UnsafePointer<Float>, incx: Int) -> Float {
        cblas_snrm2(Int32(n), x, Int32(incx))
    }
    @inlinable
    public static func lapackPotrfLower(n: Int, a: UnsafeMutablePointer<Float>, lda: Int) -> Int {
        Int(LAPACKE_spotrf(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), a, Int32(lda)))
    }
    @inlinable
    public static func lapackPotrsLower(
        n: Int, nrhs: Int, factor: UnsafePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        Int(
            LAPACKE_spotrs(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), factor, Int32(lda), b, Int32(ldb)))
    }
    @inlinable
    public static func lapackPosvLower(
        n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        Int(LAPACKE_sposv(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), a, Int32(lda), b, Int32(ldb)))
    }
}
