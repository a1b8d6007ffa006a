import LinalgCore
/// Checked LAPACK routines on `Matrix`: Cholesky factorisation and SPD solves.
///
/// LAPACK's `info` becomes a typed error: `info < 0` is
/// `LinalgError/invalidArgument(routine:position:)` (LAPACKE reports NaN entries this way);
/// `info > 0` is what the routine means by it: `LinalgError/notPositiveDefinite(minor:)` for a
/// Cholesky factorisation, `LinalgError/singularMatrix(routine:index:)` for an inverse from the
/// factor, `LinalgError/notConverged(routine:count:)` for an eigen-decomposition.
public enum LAPACK {}

extension LAPACK {
    @inlinable
    package static func check(_ info: Int, routine: String) throws(LinalgError) {
        if info < 0 { throw .invalidArgument(routine: routine, position: -info) }
        guard info > 0 else { return }
        // What a positive info means depends on the routine.
        switch routine {
        case "potri": throw .singularMatrix(routine: routine, index: info)
        case "syev": throw .notConverged(routine: routine, count: info)
        default: throw .notPositiveDefinite(minor: info)  // potrf, posv, potrs
        }
    }

    @inlinable
    package static func requireSquare<S>(_ a: Matrix<S>, _ routine: String) throws(LinalgError) {
        guard a.rows == a.columns else {
            throw .shapeMismatch(operation: routine, detail: "A must be square, is \(a.rows)×\(a.columns)")
        }
    }

    // MARK: A = L Lᵀ   (potrf)

    /// Cholesky factorisation `A = LLᵀ` of a symmetric positive definite `A`, in place: on return
    /// the lower triangle holds `L` and the strict upper triangle is zero (`?potrf`; only `A`'s
    /// lower triangle is read). On error `A` is left as LAPACK leaves it; use
    /// ``choleskyFactor(_:)`` to keep the input.
    @inlinable
    public static func choleskyFactorInPlace<S: BLASScalar>(_ a: inout Matrix<S>) throws(LinalgError) {
        try requireSquare(a, "potrf")
        let n = a.rows
        if n == 0 { return }
        let info = a.withUnsafeMutableBufferPointer { p in
            S.lapackPotrfLower(n: n, a: BLASOperand(p.baseAddress!), lda: n)
        }
        try check(info, routine: "potrf")
        a.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { p[i * n + j] = 0 } }
        }
    }

    /// The lower Cholesky factor `L` with `A = LLᵀ` (`?potrf`); `A` is not changed.
    @inlinable
    public static func choleskyFactor<S: BLASScalar>(_ a: Matrix<S>) throws(LinalgError) -> Matrix<S> {
        var factor = a
        try choleskyFactorInPlace(&factor)
        return factor
    }

    // MARK: L Lᵀ X = B   (potrs)

    /// Solves `LLᵀ x = b` in place for one right-hand side, given the factor `L` from
    /// ``choleskyFactor(_:)`` (`?potrs`). Allocation-free.
    @inlinable
    public static func choleskySolve<S: BLASScalar>(factor: Matrix<S>, _ b: inout [S]) throws(LinalgError) {
        try requireSquare(factor, "potrs")
        guard b.count == factor.rows else {
            throw .shapeMismatch(
                operation: "potrs", detail: "L is \(factor.rows)×\(factor.columns), b has \(b.count) entries")
        }
        let n = factor.rows
        if n == 0 { return }
        let info = factor.withUnsafeBufferPointer { pl in
            b.withUnsafeMutableBufferPointer { pb in
                S.lapackPotrsLower(
                    n: n, nrhs: 1, factor: BLASOperand(pl.baseAddress!), lda: n, b: BLASOperand(pb.baseAddress!), ldb: n
                )
            }
        }
        try check(info, routine: "potrs")
    }

    /// Solves `LLᵀ X = B` for the columns of `B` given the factor `L` (`?potrs`).
    @inlinable
    public static func choleskySolve<S: BLASScalar>(factor: Matrix<S>, _ b: Matrix<S>) throws(LinalgError) -> Matrix<S>
    {
        try requireSquare(factor, "potrs")
        guard b.rows == factor.rows else {
            throw .shapeMismatch(
                operation: "potrs", detail: "L is \(factor.rows)×\(factor.columns), B is \(b.rows)×\(b.columns)")
        }
        return try solvingColumnMajor(b, routine: "potrs") { n, nrhs, pb in
            factor.withUnsafeBufferPointer { pl in
                S.lapackPotrsLower(
                    n: n, nrhs: nrhs, factor: BLASOperand(pl.baseAddress!), lda: n, b: BLASOperand(pb), ldb: n)
            }
        }
    }

    /// Runs a LAPACK solve on `B` laid out column-major (which is `Bᵀ` in row-major) and
    /// returns the solution row-major; `solve(n, nrhs, B)` returns LAPACK's `info`.
    @inlinable
    package static func solvingColumnMajor<S: BLASScalar>(
        _ b: Matrix<S>, routine: String, _ solve: (Int, Int, UnsafeMutablePointer<S>) -> Int
    ) throws(LinalgError) -> Matrix<S> {
        let n = b.rows, nrhs = b.columns
        if n == 0 || nrhs == 0 { return b }
        var columnMajor = b.transposed()
        let info = columnMajor.withUnsafeMutableBufferPointer { pb in solve(n, nrhs, pb.baseAddress!) }
        try check(info, routine: routine)
        return columnMajor.transposed()
    }

    // MARK: A X = B, A SPD   (posv)

    /// Solves `AX = B` for symmetric positive definite `A` by Cholesky in one call (`?posv`);
    /// neither input is changed.
    @inlinable
    public static func solveSPD<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws(LinalgError) -> Matrix<S> {
        try requireSquare(a, "posv")
        guard b.rows == a.rows else {
            throw .shapeMismatch(
                operation: "posv", detail: "A is \(a.rows)×\(a.columns), B is \(b.rows)×\(b.columns)")
        }
        var factor = a
        return try solvingColumnMajor(b, routine: "posv") { n, nrhs, pb in
            factor.withUnsafeMutableBufferPointer { pa in
                S.lapackPosvLower(n: n, nrhs: nrhs, a: BLASOperand(pa.baseAddress!), lda: n, b: BLASOperand(pb), ldb: n)
            }
        }
    }

    /// Solves `Ax = b` for symmetric positive definite `A` (`?posv`); neither input is changed.
    @inlinable
    public static func solveSPD<S: BLASScalar>(_ a: Matrix<S>, _ b: [S]) throws(LinalgError) -> [S] {
        let x = try solveSPD(a, Matrix(rows: b.count, columns: 1, scalars: b))
        return x.scalars
    }
}
