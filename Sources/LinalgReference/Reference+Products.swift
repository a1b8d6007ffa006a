extension Reference {
    /// `α op(A) op(B) + β C` by the definition `Σ_p op(A)_ip op(B)_pj` (no BLAS).
    /// Traps with both shapes when they do not fit.
    @inlinable
    public static func matmul<S: MatrixScalar>(
        _ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false,
        alpha: S = 1, beta: S = 0, adding c: Matrix<S>? = nil
    ) -> Matrix<S> {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kB, "Reference.matmul: op(A) is \(m)×\(k), op(B) is \(kB)×\(n)")
        var result = Matrix<S>(uncheckedRows: m, columns: n)
        if let c {
            precondition(
                c.rows == m && c.columns == n, "Reference.matmul: C is \(c.rows)×\(c.columns), expected \(m)×\(n)")
        }
        for i in 0..<m {
            for j in 0..<n {
                var sum: S = 0
                for p in 0..<k {
                    let aip = transposeA ? a[p, i] : a[i, p]
                    let bpj = transposeB ? b[j, p] : b[p, j]
                    sum += aip * bpj
                }
                result[i, j] = alpha * sum + (c.map { beta * $0[i, j] } ?? 0)
            }
        }
        return result
    }

    /// `Ax` by the definition.
    @inlinable
    public static func matvec<S: MatrixScalar>(_ a: Matrix<S>, _ x: [S]) -> [S] {
        precondition(x.count == a.columns, "Reference.matvec: A is \(a.rows)×\(a.columns), x has \(x.count)")
        return (0..<a.rows).map { i in (0..<a.columns).reduce(S(0)) { $0 + a[i, $1] * x[$1] } }
    }

    /// `xᵀy`.
    @inlinable
    public static func dot<S: MatrixScalar>(_ x: [S], _ y: [S]) -> S {
        precondition(x.count == y.count, "Reference.dot: \(x.count) vs \(y.count) entries")
        var sum: S = 0
        for i in x.indices { sum += x[i] * y[i] }
        return sum
    }
}
