import LinalgCore

extension LAPACK {
    // MARK: A⁻¹ = L⁻ᵀ L⁻¹   (potri)

    /// The inverse `A⁻¹` of a symmetric positive definite `A` from its lower Cholesky factor `L`
    /// (``choleskyFactor(_:)``), as a full symmetric matrix (`?potri`, then the lower triangle
    /// mirrored).
    @inlinable
    public static func inverseFromCholesky<S: BLASScalar>(factor: Matrix<S>) throws(LinalgError) -> Matrix<S> {
        try requireSquare(factor, "potri")
        var inverse = factor
        let n = factor.rows
        if n == 0 { return inverse }
        let info = inverse.withUnsafeMutableBufferPointer { p in
            S.lapackPotriLower(n: n, factor: BLASOperand(p.baseAddress!), lda: n)
        }
        try check(info, routine: "potri")
        inverse.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { for j in 0..<i { p[j * n + i] = p[i * n + j] } }
        }
        return inverse
    }

    // MARK: 1 / κ₁(A) = 1 / (‖A‖₁ ‖A⁻¹‖₁)   (pocon)

    /// LAPACK's estimate of the reciprocal condition number `1 / (‖A‖₁ ‖A⁻¹‖₁)` of a symmetric
    /// positive definite `A`, from `A` (for `‖A‖₁`) and its lower Cholesky factor (`?pocon`).
    /// Near 1: well conditioned; below about `ε ≈ 1e-16`: singular to working precision.
    @inlinable
    public static func reciprocalCondition<S: BLASScalar>(
        of a: Matrix<S>, factor: Matrix<S>
    ) throws(LinalgError) -> S {
        try requireSquare(a, "pocon")
        guard factor.rows == a.rows, factor.columns == a.columns else {
            throw .shapeMismatch(
                operation: "pocon", detail: "A is \(a.rows)×\(a.columns), L is \(factor.rows)×\(factor.columns)")
        }
        let n = a.rows
        if n == 0 { return 1 }
        var oneNorm = S.zero
        for j in 0..<n {
            var column = S.zero
            for i in 0..<n { column += abs(a[i, j]) }
            oneNorm = max(oneNorm, column)
        }
        var reciprocal = S.zero
        let info = factor.withUnsafeBufferPointer { p in
            S.lapackPoconLower(
                n: n, factor: BLASOperand(p.baseAddress!), lda: n, oneNorm: oneNorm, reciprocalCondition: &reciprocal)
        }
        try check(info, routine: "pocon")
        return reciprocal
    }

    // MARK: A = V diag(λ) Vᵀ   (syev)

    /// The eigenvalues of the symmetric `A` in ascending order and its orthonormal eigenvectors,
    /// row `k` of `vectors` belonging to `values[k]` (`?syev`; only the lower triangle is read).
    /// Throws `LinalgError.invalidValue` when the QR iteration does not converge (LAPACK's
    /// `info > 0`: the count of off-diagonals left).
    @inlinable
    public static func symmetricEigen<S: BLASScalar>(
        _ a: Matrix<S>
    ) throws(LinalgError) -> (values: [S], vectors: Matrix<S>) {
        try requireSquare(a, "syev")
        let n = a.rows
        var vectors = a
        var values = [S](repeating: 0, count: n)
        if n == 0 { return (values, vectors) }
        let info = vectors.withUnsafeMutableBufferPointer { p in
            values.withUnsafeMutableBufferPointer { w in
                S.lapackSyevLower(n: n, a: BLASOperand(p.baseAddress!), lda: n, values: BLASOperand(w.baseAddress!))
            }
        }
        if info > 0 {
            throw .invalidValue(what: "syev", detail: "the eigenvalue iteration did not converge (\(info) left)")
        }
        try check(info, routine: "syev")
        return (values, vectors)
    }
}
