/// Newton-CG's preconditioner for the multinomial Hessian
/// `Σ_i w_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ + 2λI`:
/// its Kronecker approximation `M = A ⊗ G + 2λI` with `G = Σ_i w_i x̃_i x̃_iᵀ / W` (fixed for the fit)
/// and `A = Σ_i w_i (diag p_i − p_i p_iᵀ)` (the class covariance, at the current iterate), exact
/// when the probabilities do not vary with `x`. With `A = U_a Λ_a U_aᵀ` and `G = U_g Λ_g U_gᵀ`,
/// `M⁻¹ vec(R) = vec(U_a [(U_aᵀ R U_g) ⊘ (λ_a λ_gᵀ + 2λ)] U_gᵀ)` for `R` laid out as `Θ` (`m × d̃`):
/// four small GEMMs per application (`λ = 0`: a tiny floor keeps `M` positive definite).
struct KroneckerPreconditioner {
    let classVectors: Matrix<Double>, featureVectors: Matrix<Double>
    /// `1 / (λ_a,k λ_g,j + 2λ)`, `m × d̃`.
    let inverseScales: Matrix<Double>

    init(
        featureGram: (values: [Double], vectors: Matrix<Double>), probabilities: UnsafePointer<Double>,
        problem: MultinomialProblem
    ) throws(LinalgError) {
        let m = problem.modelledClassCount, n = problem.sampleCount
        var a = Matrix<Double>(uncheckedRows: m, columns: m)
        for i in 0..<n {
            let w = problem.weight(i), pi = probabilities + i * m
            for k in 0..<m {
                a[k, k] += w * pi[k]
                for l in 0..<m { a[k, l] -= w * pi[k] * pi[l] }
            }
        }
        let (classValues, classVectors) = try LAPACK.symmetricEigen(a)
        let largest = (classValues.last ?? 1) * (featureGram.values.last ?? 1)
        let floor = max(2 * problem.lambda, 1e-12 * largest)
        var scales = Matrix<Double>(uncheckedRows: m, columns: problem.classWidth)
        for k in 0..<m {
            for j in 0..<problem.classWidth {
                scales[k, j] = 1 / (max(classValues[k], 0) * max(featureGram.values[j], 0) + floor)
            }
        }
        self.classVectors = classVectors
        featureVectors = featureGram.vectors
        inverseScales = scales
    }

    /// `G = Σ_i w_i x̃_i x̃_iᵀ` (`d̃ × d̃`, one pass over `X` in chunks of rows) and its
    /// eigen-decomposition (eigenvectors as rows).
    static func featureGram(
        _ problem: MultinomialProblem
    ) throws(LinalgError) -> (values: [Double], vectors: Matrix<Double>) {
        let d = problem.featureCount, width = problem.classWidth, n = problem.sampleCount, chunkRows = 1024
        var gram = Matrix<Double>(uncheckedRows: width, columns: width)
        var rows = [Double](repeating: 0, count: chunkRows * width), weighted = rows
        gram.withUnsafeMutableBufferPointer { g in
            var start = 0
            while start < n {
                let count = min(chunkRows, n - start)
                for i in 0..<count {
                    let w = problem.weight(start + i)
                    for j in 0..<d {
                        rows[i * width + j] = problem.x[start + i, j]
                        weighted[i * width + j] = w * rows[i * width + j]
                    }
                    if width > d { (rows[i * width + d], weighted[i * width + d]) = (1, w) }
                }
                rows.withUnsafeBufferPointer { a in
                    weighted.withUnsafeBufferPointer { b in
                        GemmKernel.run(
                            transposeA: true, transposeB: false, m: width, n: width, k: count, alpha: 1,
                            a: a.baseAddress!, lda: width, b: b.baseAddress!, ldb: width, beta: 1, c: g.baseAddress!,
                            ldc: width)
                    }
                }
                start += count
            }
        }
        return try LAPACK.symmetricEigen(gram)
    }

    /// `M⁻¹ r`, `r` laid out as `Θ`: with the eigenvectors as rows (`V_a`, `V_g`),
    /// `V_aᵀ [(V_a R V_gᵀ) ⊘ S] V_g`.
    func apply(_ r: [Double]) throws(LinalgError) -> [Double] {
        let residual = Matrix(uncheckedRows: classVectors.rows, columns: featureVectors.rows, storage: r)
        let rotated = try BLAS.gemm(try BLAS.gemm(classVectors, residual), featureVectors, transposeB: true)
            .elementwise(inverseScales, *)
        return try BLAS.gemm(try BLAS.gemm(classVectors, rotated, transposeA: true), featureVectors).scalars
    }
}
