import LinalgCore
/// Checked BLAS operations on `Matrix` and `[Scalar]` vectors.
///
/// Every function checks shapes before calling C (OpenBLAS does not stop on illegal
/// arguments: it prints a line and leaves the output unchanged) and throws
/// `LinalgError/shapeMismatch(operation:detail:)` naming both shapes. Each operation comes
/// twice: one writes into `inout` storage of the right shape (the allocation-free form for hot
/// loops), one returns a new value.
public enum BLAS {}

@inlinable
package func shapeText<S>(_ m: Matrix<S>) -> String { "\(m.rows)×\(m.columns)" }

@inlinable
package func operandShape<S>(_ m: Matrix<S>, transposed: Bool) -> (rows: Int, columns: Int) {
    transposed ? (m.columns, m.rows) : (m.rows, m.columns)
}

extension BLAS {
    // MARK: C = α op(A) op(B) + β C   (gemm)

    /// `C ← α op(A) op(B) + β C`, where `op(X)` is `X` or `Xᵀ` (`?gemm`; small products run in
    /// Linalg's own C kernels, see `GemmKernel`). `C` must already be `rows(op(A)) × columns(op(B))`.
    @inlinable
    public static func gemm<S: BLASScalar>(
        _ a: Matrix<S>, _ b: Matrix<S>, into c: inout Matrix<S>,
        transposeA: Bool = false, transposeB: Bool = false, alpha: S = 1, beta: S = 0
    ) throws(LinalgError) {
        let opA = operandShape(a, transposed: transposeA)
        let opB = operandShape(b, transposed: transposeB)
        guard opA.columns == opB.rows, c.rows == opA.rows, c.columns == opB.columns else {
            throw .shapeMismatch(
                operation: "gemm",
                detail:
                    "op(A) is \(opA.rows)×\(opA.columns), op(B) is \(opB.rows)×\(opB.columns), C is \(shapeText(c))"
            )
        }
        let (m, n, k) = (opA.rows, opB.columns, opA.columns)
        let (lda, ldb, ldc) = (max(1, a.columns), max(1, b.columns), max(1, c.columns))
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let ca = pc.baseAddress else { return }  // C is empty: nothing to compute
                    guard let a = pa.baseAddress, let b = pb.baseAddress else {
                        // k = 0: op(A) op(B) is a sum of no terms, so C ← βC (0 for β = 0, as BLAS).
                        for i in pc.indices { pc[i] = beta == 0 ? 0 : beta * pc[i] }
                        return
                    }
                    GemmKernel.run(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: ca, ldc: ldc)
                }
            }
        }
    }

    /// `α op(A) op(B)` as a new matrix (`?gemm`).
    @inlinable
    public static func gemm<S: BLASScalar>(
        _ a: Matrix<S>, _ b: Matrix<S>, transposeA: Bool = false, transposeB: Bool = false, alpha: S = 1
    ) throws(LinalgError) -> Matrix<S> {
        let rows = transposeA ? a.columns : a.rows
        let columns = transposeB ? b.rows : b.columns
        var c = Matrix<S>(uncheckedRows: rows, columns: columns)
        try gemm(a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: alpha)
        return c
    }

    // MARK: y = α op(A) x + β y   (gemv)

    /// `y ← α op(A) x + β y` (`?gemv`); `x` has `columns(op(A))` entries, `y` has `rows(op(A))`.
    @inlinable
    public static func gemv<S: BLASScalar>(
        _ a: Matrix<S>, _ x: [S], into y: inout [S], transpose: Bool = false, alpha: S = 1, beta: S = 0
    ) throws(LinalgError) {
        let op = operandShape(a, transposed: transpose)
        guard x.count == op.columns, y.count == op.rows else {
            throw .shapeMismatch(
                operation: "gemv",
                detail: "op(A) is \(op.rows)×\(op.columns), x has \(x.count), y has \(y.count)")
        }
        if y.isEmpty { return }
        if x.isEmpty {
            for i in y.indices { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        a.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    S.blasGemv(
                        transpose: transpose, m: a.rows, n: a.columns, alpha: alpha, a: BLASOperand(pa.baseAddress!),
                        lda: max(1, a.columns), x: BLASOperand(px.baseAddress!), incx: 1, beta: beta,
                        y: BLASOperand(py.baseAddress!), incy: 1)
                }
            }
        }
    }

    /// `α op(A) x` as a new vector (`?gemv`).
    @inlinable
    public static func gemv<S: BLASScalar>(
        _ a: Matrix<S>, _ x: [S], transpose: Bool = false, alpha: S = 1
    ) throws(LinalgError) -> [S] {
        var y = [S](repeating: 0, count: transpose ? a.columns : a.rows)
        try gemv(a, x, into: &y, transpose: transpose, alpha: alpha)
        return y
    }

    // MARK: C = α A Aᵀ + β C  or  C = α AᵀA + β C   (syrk)

    /// `C ← α AAᵀ + β C` (or `α AᵀA + β C` with `transpose`), `C` symmetric (`?syrk`).
    ///
    /// BLAS computes the lower triangle; it is then mirrored so that `C` is the full symmetric
    /// matrix. Only `C`'s lower triangle is read when `β ≠ 0`.
    @inlinable
    public static func syrk<S: BLASScalar>(
        _ a: Matrix<S>, into c: inout Matrix<S>, transpose: Bool = false, alpha: S = 1, beta: S = 0
    ) throws(LinalgError) {
        let op = operandShape(a, transposed: transpose)
        guard c.rows == op.rows, c.columns == op.rows else {
            throw .shapeMismatch(
                operation: "syrk",
                detail: "op(A) is \(op.rows)×\(op.columns), C must be \(op.rows)×\(op.rows), is \(shapeText(c))")
        }
        let n = op.rows, k = op.columns
        if n == 0 { return }
        c.withUnsafeMutableBufferPointer { pc in
            let cp = pc.baseAddress!
            if k == 0 {
                for index in 0..<(n * n) { cp[index] = beta == 0 ? 0 : beta * cp[index] }
            } else {
                a.withUnsafeBufferPointer { pa in
                    S.blasSyrkLower(
                        transpose: transpose, n: n, k: k, alpha: alpha, a: BLASOperand(pa.baseAddress!),
                        lda: max(1, a.columns), beta: beta, c: BLASOperand(cp), ldc: n)
                }
            }
            mirrorLowerToUpper(cp, n: n, ld: n)
        }
    }

    /// `α AAᵀ` (or `α AᵀA` with `transpose`) as a new symmetric matrix (`?syrk`).
    @inlinable
    public static func syrk<S: BLASScalar>(_ a: Matrix<S>, transpose: Bool = false, alpha: S = 1) -> Matrix<S> {
        let n = transpose ? a.columns : a.rows
        var c = Matrix<S>(uncheckedRows: n, columns: n)
        try! syrk(a, into: &c, transpose: transpose, alpha: alpha)  // shapes hold by construction
        return c
    }

    /// Copies the lower triangle of a row-major `n × n` matrix onto its upper triangle.
    @inlinable
    package static func mirrorLowerToUpper<S>(_ c: UnsafeMutablePointer<S>, n: Int, ld: Int) {
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) { c[i * ld + j] = c[j * ld + i] }
        }
    }

    // MARK: y = α x + y   (axpy)

    /// `y ← α x + y` (`?axpy`).
    @inlinable
    public static func axpy<S: BLASScalar>(_ alpha: S, _ x: [S], _ y: inout [S]) throws(LinalgError) {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "axpy", detail: "x has \(x.count) entries, y has \(y.count)")
        }
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in axpy(alpha, px, py) } }
    }

    /// `y ← α x + y` on two buffers of equal length.
    @inlinable
    package static func axpy<S: BLASScalar>(_ alpha: S, _ x: UnsafeBufferPointer<S>, _ y: UnsafeMutableBufferPointer<S>)
    {
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
        S.blasAxpy(n: x.count, alpha: alpha, x: BLASOperand(xp), incx: 1, y: BLASOperand(yp), incy: 1)
    }

    /// `Y ← α X + Y` for matrices of the same shape (`?axpy` on the storage).
    @inlinable
    public static func axpy<S: BLASScalar>(_ alpha: S, _ x: Matrix<S>, _ y: inout Matrix<S>) throws(LinalgError) {
        guard x.rows == y.rows, x.columns == y.columns else {
            throw .shapeMismatch(operation: "axpy", detail: "X is \(shapeText(x)), Y is \(shapeText(y))")
        }
        x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in axpy(alpha, px, py) } }
    }

    // MARK: x = α x   (scal)

    /// `x ← α x` (`?scal`).
    @inlinable
    public static func scal<S: BLASScalar>(_ alpha: S, _ x: inout [S]) {
        if x.isEmpty { return }
        x.withUnsafeMutableBufferPointer { px in
            S.blasScal(n: px.count, alpha: alpha, x: BLASOperand(px.baseAddress!), incx: 1)
        }
    }

    /// `X ← α X` (`?scal` on the storage).
    @inlinable
    public static func scal<S: BLASScalar>(_ alpha: S, _ x: inout Matrix<S>) {
        if x.isEmpty { return }
        x.withUnsafeMutableBufferPointer { px in
            S.blasScal(n: px.count, alpha: alpha, x: BLASOperand(px.baseAddress!), incx: 1)
        }
    }

    // MARK: xᵀy   (dot)

    /// `xᵀy = Σ_i x_i y_i` (`?dot`; 0 for empty vectors).
    @inlinable
    public static func dot<S: BLASScalar>(_ x: [S], _ y: [S]) throws(LinalgError) -> S {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "dot", detail: "x has \(x.count) entries, y has \(y.count)")
        }
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                S.blasDot(
                    n: px.count, x: BLASOperand(px.baseAddress!), incx: 1, y: BLASOperand(py.baseAddress!), incy: 1)
            }
        }
    }

    // MARK: ‖x‖₂   (nrm2)

    /// The Euclidean norm `‖x‖₂ = √(Σ x_i²)`, without overflow or underflow (`?nrm2`).
    @inlinable
    public static func nrm2<S: BLASScalar>(_ x: [S]) -> S {
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { px in S.blasNrm2(n: px.count, x: BLASOperand(px.baseAddress!), incx: 1) }
    }
}

// MARK: - Products as functions and operators

/// The matrix product `AB` (`?gemm`); throws when `columns(A) ≠ rows(B)`.
@inlinable
public func matmul<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws(LinalgError) -> Matrix<S> {
    try BLAS.gemm(a, b)
}

extension Matrix where Scalar: BLASScalar {
    /// The matrix product `AB`. Traps with both shapes when `columns(A) ≠ rows(B)`;
    /// use ``matmul(_:_:)`` for a thrown error instead.
    @inlinable
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        do {
            return try BLAS.gemm(lhs, rhs)
        } catch {
            preconditionFailure(
                "Matrix *: \(lhs.rows)×\(lhs.columns) times \(rhs.rows)×\(rhs.columns): inner dimensions differ")
        }
    }
}
