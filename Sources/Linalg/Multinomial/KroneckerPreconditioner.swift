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
        let m = problem.modelledClassCount
        let (classValues, classVectors) = try LAPACK.symmetricEigen(
            Self.classCovariance(probabilities: probabilities, problem: problem))
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

    /// `A = Σ_i w_i (diag p_i − p_i p_iᵀ)` (`m × m`), its lower triangle summed row by row and
    /// mirrored.
    static func classCovariance(probabilities: UnsafePointer<Double>, problem: MultinomialProblem) -> Matrix<Double> {
        let m = problem.modelledClassCount
        var a = Matrix<Double>(uncheckedRows: m, columns: m)
        a.withUnsafeMutableBufferPointer { buffer in
            let sum = buffer.baseAddress!
            for i in 0..<problem.sampleCount {
                let w = problem.weight(i), pi = probabilities + i * m
                for k in 0..<m {
                    let wp = w * pi[k], row = sum + k * m
                    row[k] += wp
                    for l in 0...k { row[l] -= wp * pi[l] }
                }
            }
            for k in 0..<m { for l in 0..<k { sum[l * m + k] = sum[k * m + l] } }
        }
        return a
    }

    /// `G = Σ_i w_i x̃_i x̃_iᵀ` (`d̃ × d̃`: the weighted Gram pass of the binary model, on all cores)
    /// and its eigen-decomposition (eigenvectors as rows).
    static func featureGram(
        _ problem: MultinomialProblem
    ) throws(LinalgError) -> (values: [Double], vectors: Matrix<Double>) {
        let width = problem.classWidth, n = problem.sampleCount
        let features = LogisticProblem(
            checked: problem.x, y: [Double](repeating: 0, count: n), lambda: 0, sampleWeights: problem.sampleWeights,
            fitIntercept: problem.fitIntercept, offsets: nil, summary: ([], 1))
        var gram = Matrix<Double>(uncheckedRows: width, columns: width)
        features.workspaces.withWorkspace(for: features) { workspace in
            gram.withUnsafeMutableBufferPointer {
                features.weightedGram(.sampleWeights, workspace: workspace, into: $0)
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
