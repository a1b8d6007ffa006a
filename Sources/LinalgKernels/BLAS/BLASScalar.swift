import LinalgCore
import CLinalgBLAS
import CLinalgKernels
import CLinalgLAPACKE

/// A scalar type with BLAS and LAPACK routines: `Float` dispatches to the `s` routines,
/// `Double` to the `d` routines.
///
/// The requirements take row-major operands (``BLASOperand``, which only Linalg's own layers can
/// make) with leading dimensions and are the thin, unchecked bridge to C; call the checked
/// functions of ``BLAS`` and ``LAPACK`` instead.
/// All matrices are row-major; LAPACK results are returned as the raw `info` code.
public protocol BLASScalar: MatrixScalar {
    /// `C ← α op(A) op(B) + β C` (`?gemm`), `op(A)` is `m × k`, `op(B)` is `k × n`.
    static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: BLASOperand<Self>, lda: Int, b: BLASOperand<Self>, ldb: Int,
        beta: Self, c: BLASOperand<Self>, ldc: Int)
    /// The same product as ``blasGemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
    /// as plain vectorised loops (no threads, no call overhead), for small sizes.
    static func loopGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: BLASOperand<Self>, lda: Int, b: BLASOperand<Self>, ldb: Int,
        beta: Self, c: BLASOperand<Self>, ldc: Int)
    /// The same product by Linalg's packed kernel (BLIS's loops, single-threaded), when this CPU has
    /// one for the type: `false`, with `C` untouched, when it has none (or its buffer could not be
    /// allocated), and the caller uses BLAS.
    static func packedGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: BLASOperand<Self>, lda: Int, b: BLASOperand<Self>, ldb: Int,
        beta: Self, c: BLASOperand<Self>, ldc: Int
    ) -> Bool
    /// `y ← α op(A) x + β y` (`?gemv`), `A` is `m × n`.
    static func blasGemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: BLASOperand<Self>, lda: Int,
        x: BLASOperand<Self>, incx: Int, beta: Self, y: BLASOperand<Self>, incy: Int)
    /// `C ← α op(A) op(A)ᵀ + β C` on the lower triangle of the `n × n` matrix `C` (`?syrk`);
    /// `op(A)` is `n × k` (`transpose`: `op(A) = Aᵀ`, so `C ← α AᵀA + βC`).
    static func blasSyrkLower(
        transpose: Bool, n: Int, k: Int, alpha: Self, a: BLASOperand<Self>, lda: Int,
        beta: Self, c: BLASOperand<Self>, ldc: Int)
    /// `y ← αx + y` (`?axpy`).
    static func blasAxpy(
        n: Int, alpha: Self, x: BLASOperand<Self>, incx: Int, y: BLASOperand<Self>, incy: Int)
    /// `x ← αx` (`?scal`).
    static func blasScal(n: Int, alpha: Self, x: BLASOperand<Self>, incx: Int)
    /// `xᵀy` (`?dot`).
    static func blasDot(n: Int, x: BLASOperand<Self>, incx: Int, y: BLASOperand<Self>, incy: Int) -> Self
    /// `‖x‖₂` (`?nrm2`), computed without overflow.
    static func blasNrm2(n: Int, x: BLASOperand<Self>, incx: Int) -> Self
    /// Cholesky `A = LLᵀ` of a row-major `n × n` SPD matrix, `L` left in the lower triangle
    /// (`?potrf`); returns LAPACK's `info`.
    static func lapackPotrfLower(n: Int, a: BLASOperand<Self>, lda: Int) -> Int
    /// Solves `LLᵀ X = B` for `nrhs` right-hand sides stored column by column (`?potrs`,
    /// column-major `B` with leading dimension `ldb ≥ n`); returns `info`.
    static func lapackPotrsLower(
        n: Int, nrhs: Int, factor: BLASOperand<Self>, lda: Int,
        b: BLASOperand<Self>, ldb: Int
    ) -> Int
    /// Solves `AX = B` for SPD `A`, overwriting `A` with its Cholesky factor (`?posv`, `B`
    /// column-major as for ``lapackPotrsLower(n:nrhs:factor:lda:b:ldb:)``); returns `info`.
    static func lapackPosvLower(
        n: Int, nrhs: Int, a: BLASOperand<Self>, lda: Int,
        b: BLASOperand<Self>, ldb: Int
    ) -> Int
    /// `A⁻¹ = L⁻ᵀL⁻¹` from the Cholesky factor in the lower triangle, written over it (`?potri`;
    /// the strict upper triangle is not touched); returns `info`.
    static func lapackPotriLower(n: Int, factor: BLASOperand<Self>, lda: Int) -> Int
    /// An estimate of `1 / (‖A‖₁ ‖A⁻¹‖₁)` from the Cholesky factor of `A` and `‖A‖₁` (`?pocon`);
    /// returns `info`, the estimate in `reciprocalCondition`.
    static func lapackPoconLower(
        n: Int, factor: BLASOperand<Self>, lda: Int, oneNorm: Self, reciprocalCondition: inout Self
    ) -> Int
    /// The eigenvalues (ascending, into `values`) and orthonormal eigenvectors of the symmetric
    /// `A` (lower triangle read; on return row `k` of `A` is the eigenvector of `values[k]`)
    /// (`?syev`); returns `info`.
    static func lapackSyevLower(n: Int, a: BLASOperand<Self>, lda: Int, values: BLASOperand<Self>) -> Int
}

/// The address of a row-major operand of ``BLASScalar``'s routines: made only inside Linalg's
/// package (from a buffer whose shape has been checked), so no raw pointer is public API.
public struct BLASOperand<Scalar>: @unchecked Sendable {
    @usableFromInline package let address: UnsafeMutablePointer<Scalar>

    @inlinable package init(_ address: UnsafeMutablePointer<Scalar>) { self.address = address }
    @inlinable package init(_ address: UnsafePointer<Scalar>) { self.address = UnsafeMutablePointer(mutating: address) }
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
        a: BLASOperand<Double>, lda: Int, b: BLASOperand<Double>, ldb: Int,
        beta: Double, c: BLASOperand<Double>, ldc: Int
    ) {
        linalg_dgemm_small(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a.address, lda, b.address, ldb, beta, c.address, ldc
        )
    }
    @inlinable
    public static func packedGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: BLASOperand<Double>, lda: Int, b: BLASOperand<Double>, ldb: Int,
        beta: Double, c: BLASOperand<Double>, ldc: Int
    ) -> Bool {
        linalg_dgemm_packed(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a.address, lda, b.address, ldb, beta, c.address, ldc
        ) != 0
    }
    @inlinable
    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: BLASOperand<Double>, lda: Int, b: BLASOperand<Double>, ldb: Int,
        beta: Double, c: BLASOperand<Double>, ldc: Int
    ) {
        cblas_dgemm(
            rowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), Int32(m), Int32(n), Int32(k),
            alpha, a.address, Int32(lda), b.address, Int32(ldb), beta, c.address, Int32(ldc))
    }
    @inlinable
    public static func blasGemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: BLASOperand<Double>, lda: Int,
        x: BLASOperand<Double>, incx: Int, beta: Double, y: BLASOperand<Double>, incy: Int
    ) {
        cblas_dgemv(
            rowMajor, cblasTranspose(transpose), Int32(m), Int32(n), alpha, a.address, Int32(lda), x.address,
            Int32(incx),
            beta, y.address, Int32(incy))
    }
    @inlinable
    public static func blasSyrkLower(
        transpose: Bool, n: Int, k: Int, alpha: Double, a: BLASOperand<Double>, lda: Int,
        beta: Double, c: BLASOperand<Double>, ldc: Int
    ) {
        cblas_dsyrk(
            rowMajor, CblasLower, cblasTranspose(transpose), Int32(n), Int32(k), alpha, a.address, Int32(lda),
            beta, c.address, Int32(ldc))
    }
    @inlinable
    public static func blasAxpy(
        n: Int, alpha: Double, x: BLASOperand<Double>, incx: Int,
        y: BLASOperand<Double>, incy: Int
    ) {
        cblas_daxpy(Int32(n), alpha, x.address, Int32(incx), y.address, Int32(incy))
    }
    @inlinable
    public static func blasScal(n: Int, alpha: Double, x: BLASOperand<Double>, incx: Int) {
        cblas_dscal(Int32(n), alpha, x.address, Int32(incx))
    }
    @inlinable
    public static func blasDot(
        n: Int, x: BLASOperand<Double>, incx: Int, y: BLASOperand<Double>, incy: Int
    ) -> Double {
        cblas_ddot(Int32(n), x.address, Int32(incx), y.address, Int32(incy))
    }
    @inlinable
    public static func blasNrm2(n: Int, x: BLASOperand<Double>, incx: Int) -> Double {
        cblas_dnrm2(Int32(n), x.address, Int32(incx))
    }
    @inlinable
    public static func lapackPotrfLower(n: Int, a: BLASOperand<Double>, lda: Int) -> Int {
        Int(LAPACKE_dpotrf(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), a.address, Int32(lda)))
    }
    @inlinable
    public static func lapackPotrsLower(
        n: Int, nrhs: Int, factor: BLASOperand<Double>, lda: Int,
        b: BLASOperand<Double>, ldb: Int
    ) -> Int {
        Int(
            LAPACKE_dpotrs(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), factor.address, Int32(lda), b.address,
                Int32(ldb)))
    }
    @inlinable
    public static func lapackPosvLower(
        n: Int, nrhs: Int, a: BLASOperand<Double>, lda: Int,
        b: BLASOperand<Double>, ldb: Int
    ) -> Int {
        Int(
            LAPACKE_dposv(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), a.address, Int32(lda), b.address,
                Int32(ldb)))
    }
}

extension Float: BLASScalar {
    @inlinable
    public static func loopGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: BLASOperand<Float>, lda: Int, b: BLASOperand<Float>, ldb: Int,
        beta: Float, c: BLASOperand<Float>, ldc: Int
    ) {
        linalg_sgemm_small(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a.address, lda, b.address, ldb, beta, c.address, ldc
        )
    }
    @inlinable
    public static func packedGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: BLASOperand<Float>, lda: Int, b: BLASOperand<Float>, ldb: Int,
        beta: Float, c: BLASOperand<Float>, ldc: Int
    ) -> Bool {
        linalg_sgemm_packed(
            transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a.address, lda, b.address, ldb, beta, c.address, ldc
        ) != 0
    }
    @inlinable
    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: BLASOperand<Float>, lda: Int, b: BLASOperand<Float>, ldb: Int,
        beta: Float, c: BLASOperand<Float>, ldc: Int
    ) {
        cblas_sgemm(
            rowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB), Int32(m), Int32(n), Int32(k),
            alpha, a.address, Int32(lda), b.address, Int32(ldb), beta, c.address, Int32(ldc))
    }
    @inlinable
    public static func blasGemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: BLASOperand<Float>, lda: Int,
        x: BLASOperand<Float>, incx: Int, beta: Float, y: BLASOperand<Float>, incy: Int
    ) {
        cblas_sgemv(
            rowMajor, cblasTranspose(transpose), Int32(m), Int32(n), alpha, a.address, Int32(lda), x.address,
            Int32(incx),
            beta, y.address, Int32(incy))
    }
    @inlinable
    public static func blasSyrkLower(
        transpose: Bool, n: Int, k: Int, alpha: Float, a: BLASOperand<Float>, lda: Int,
        beta: Float, c: BLASOperand<Float>, ldc: Int
    ) {
        cblas_ssyrk(
            rowMajor, CblasLower, cblasTranspose(transpose), Int32(n), Int32(k), alpha, a.address, Int32(lda),
            beta, c.address, Int32(ldc))
    }
    @inlinable
    public static func blasAxpy(
        n: Int, alpha: Float, x: BLASOperand<Float>, incx: Int,
        y: BLASOperand<Float>, incy: Int
    ) {
        cblas_saxpy(Int32(n), alpha, x.address, Int32(incx), y.address, Int32(incy))
    }
    @inlinable
    public static func blasScal(n: Int, alpha: Float, x: BLASOperand<Float>, incx: Int) {
        cblas_sscal(Int32(n), alpha, x.address, Int32(incx))
    }
    @inlinable
    public static func blasDot(n: Int, x: BLASOperand<Float>, incx: Int, y: BLASOperand<Float>, incy: Int) -> Float {
        cblas_sdot(Int32(n), x.address, Int32(incx), y.address, Int32(incy))
    }
    @inlinable
    public static func blasNrm2(n: Int, x: BLASOperand<Float>, incx: Int) -> Float {
        cblas_snrm2(Int32(n), x.address, Int32(incx))
    }
    @inlinable
    public static func lapackPotrfLower(n: Int, a: BLASOperand<Float>, lda: Int) -> Int {
        Int(LAPACKE_spotrf(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), a.address, Int32(lda)))
    }
    @inlinable
    public static func lapackPotrsLower(
        n: Int, nrhs: Int, factor: BLASOperand<Float>, lda: Int,
        b: BLASOperand<Float>, ldb: Int
    ) -> Int {
        Int(
            LAPACKE_spotrs(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), factor.address, Int32(lda), b.address,
                Int32(ldb)))
    }
    @inlinable
    public static func lapackPosvLower(
        n: Int, nrhs: Int, a: BLASOperand<Float>, lda: Int,
        b: BLASOperand<Float>, ldb: Int
    ) -> Int {
        Int(
            LAPACKE_sposv(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), Int32(nrhs), a.address, Int32(lda), b.address,
                Int32(ldb)))
    }
}

extension Double {
    @inlinable
    public static func lapackPotriLower(n: Int, factor: BLASOperand<Double>, lda: Int) -> Int {
        Int(LAPACKE_dpotri(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), factor.address, Int32(lda)))
    }
    @inlinable
    public static func lapackPoconLower(
        n: Int, factor: BLASOperand<Double>, lda: Int, oneNorm: Double, reciprocalCondition: inout Double
    ) -> Int {
        // A symmetric matrix's 1-norm is its ∞-norm, so the transposed view changes nothing.
        Int(
            LAPACKE_dpocon(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), factor.address, Int32(lda), oneNorm,
                &reciprocalCondition))
    }
    @inlinable
    public static func lapackSyevLower(n: Int, a: BLASOperand<Double>, lda: Int, values: BLASOperand<Double>) -> Int {
        // Column-major eigenvectors of the row-major matrix read as its transpose (the same
        // symmetric matrix) are the rows of the row-major result.
        Int(
            LAPACKE_dsyev(
                LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), upperInColumnMajor, Int32(n), a.address, Int32(lda),
                values.address))
    }
}

extension Float {
    @inlinable
    public static func lapackPotriLower(n: Int, factor: BLASOperand<Float>, lda: Int) -> Int {
        Int(LAPACKE_spotri(LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), factor.address, Int32(lda)))
    }
    @inlinable
    public static func lapackPoconLower(
        n: Int, factor: BLASOperand<Float>, lda: Int, oneNorm: Float, reciprocalCondition: inout Float
    ) -> Int {
        // A symmetric matrix's 1-norm is its ∞-norm, so the transposed view changes nothing.
        Int(
            LAPACKE_spocon(
                LAPACK_COL_MAJOR, upperInColumnMajor, Int32(n), factor.address, Int32(lda), oneNorm,
                &reciprocalCondition))
    }
    @inlinable
    public static func lapackSyevLower(n: Int, a: BLASOperand<Float>, lda: Int, values: BLASOperand<Float>) -> Int {
        // Column-major eigenvectors of the row-major matrix read as its transpose (the same
        // symmetric matrix) are the rows of the row-major result.
        Int(
            LAPACKE_ssyev(
                LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), upperInColumnMajor, Int32(n), a.address, Int32(lda),
                values.address))
    }
}
