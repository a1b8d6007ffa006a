extension Reference {
    /// The lower Cholesky factor `L` of a symmetric positive definite `A = LLᵀ`
    /// (Cholesky–Banachiewicz, row by row):
    /// `L_jj = √(A_jj − Σ_{p<j} L_jp²)`, `L_ij = (A_ij − Σ_{p<j} L_ip L_jp) / L_jj` for `i > j`.
    /// Throws ``LinalgError/notPositiveDefinite(minor:)`` with the 1-based order of the first
    /// minor that is not positive, as LAPACK does.
    @inlinable
    public static func cholesky<S: MatrixScalar>(_ a: Matrix<S>) throws(LinalgError) -> Matrix<S> {
        guard a.rows == a.columns else {
            throw .shapeMismatch(
                operation: "Reference.cholesky", detail: "A must be square, is \(a.rows)×\(a.columns)")
        }
        let n = a.rows
        var l = Matrix<S>(uncheckedRows: n, columns: n)
        for i in 0..<n {
            for j in 0...i where j <= i {
                var sum = a[i, j]
                for p in 0..<j { sum -= l[i, p] * l[j, p] }
                if i == j {
                    guard sum > 0 else { throw .notPositiveDefinite(minor: i + 1) }
                    l[i, i] = sum.squareRoot()
                } else {
                    l[i, j] = sum / l[j, j]
                }
            }
        }
        return l
    }

    /// Forward substitution: the `x` with `Lx = b` for lower triangular `L`.
    @inlinable
    public static func solveLower<S: MatrixScalar>(_ l: Matrix<S>, _ b: [S]) -> [S] {
        precondition(
            l.rows == l.columns && l.rows == b.count,
            "Reference.solveLower: L is \(l.rows)×\(l.columns), b has \(b.count)")
        var x = b
        for i in 0..<b.count {
            var sum = x[i]
            for p in 0..<i { sum -= l[i, p] * x[p] }
            x[i] = sum / l[i, i]
        }
        return x
    }

    /// Back substitution with the transpose: the `x` with `Lᵀx = b` for lower triangular `L`.
    @inlinable
    public static func solveLowerTransposed<S: MatrixScalar>(_ l: Matrix<S>, _ b: [S]) -> [S] {
        precondition(
            l.rows == l.columns && l.rows == b.count,
            "Reference.solveLowerTransposed: L is \(l.rows)×\(l.columns), b has \(b.count)")
        var x = b
        for i in stride(from: b.count - 1, through: 0, by: -1) {
            var sum = x[i]
            for p in (i + 1)..<max(i + 1, b.count) { sum -= l[p, i] * x[p] }
            x[i] = sum / l[i, i]
        }
        return x
    }

    /// The solution of `Ax = b` for symmetric positive definite `A`: `L(Lᵀx) = b`.
    @inlinable
    public static func solveSPD<S: MatrixScalar>(_ a: Matrix<S>, _ b: [S]) throws(LinalgError) -> [S] {
        let l = try cholesky(a)
        return solveLowerTransposed(l, solveLower(l, b))
    }
}
