#if canImport(Glibc)
import Glibc
#endif

/// The statistics of statsmodels' `MNLogit` at an unpenalised multinomial fit (classes `1 … K − 1`
/// against class 0): the covariance `H⁻¹` (or the HC0 sandwich `H⁻¹ M H⁻¹`,
/// `M = Σ_i (r_i ⊗ x̃_i)(r_i ⊗ x̃_i)ᵀ`), Wald statistics, `ℓ`, `ℓ_null` (the class frequencies),
/// AIC, BIC and McFadden's pseudo-R², with the binary model's diagnostics.
struct MultinomialInference {
    let problem: MultinomialProblem
    let solver: MultinomialNewton
    let reason: NewtonStopReason

    func run(_ options: InferenceOptions) throws(LinalgError) -> LogisticInference {
        let theta = solver.theta
        let hessian =
            solver.hessianIsCurrent ? solver.state.matrix! : problem.evaluate(theta, .lossGradientAndHessian).matrix!
        if let (i, j) = hessian.firstNonFinite {
            throw .invalidValue(
                what: "Hessian",
                detail: "entry (\(i + 1), \(j + 1)) at the fitted parameters is not finite; rescale the features")
        }
        var diagnostics: [LogisticDiagnostic] = []
        if reason == .separable {
            diagnostics.append(.completeSeparation)
        } else if case let rows = saturatedRowCount(theta), rows > 0 {
            diagnostics.append(.quasiCompleteSeparation(rows: rows))
        }
        if reason != .converged && reason != .separable { diagnostics.append(.notConverged(reason)) }
        let (covariance, reciprocal, singular) = try InferenceCalculation.covariance(
            of: hessian, damped: false, robust: options.robust, sandwich: sandwich)
        if let singular { diagnostics.append(singular) }
        let totalWeight = problem.classWeights().reduce(0, +)
        var inference = LogisticInference(
            options: options, logLikelihood: -solver.state.loss, nullLogLikelihood: try nullLogLikelihood(),
            parameterCount: problem.parameterCount, sampleSize: totalWeight, reciprocalCondition: reciprocal,
            diagnostics: diagnostics)
        if let covariance { inference.setWaldStatistics(beta: theta, covariance: covariance) }
        return inference
    }

    /// Rows of positive weight whose fitted probability of their own class is within `√ε` of 1
    /// (the binary model's rule, ``InferenceCalculation/saturatedRowCount()``): the coefficients that
    /// separate them drift off as the solver converges, and their standard errors with them.
    func saturatedRowCount(_ theta: [Double]) -> Int {
        let m = problem.modelledClassCount, limit = 1 - Double.ulpOfOne.squareRoot()
        var probabilities = [Double](repeating: 0, count: max(1, problem.sampleCount * m))
        _ = MultinomialNewtonCG.evaluate(problem, theta, into: &probabilities)
        var count = 0
        for i in 0..<problem.sampleCount where problem.weight(i) > 0 {
            let label = problem.classIndices[i], row = probabilities[(i * m)..<(i * m + m)]
            let own =
                m < problem.classCount
                ? (label == 0 ? 1 - row.reduce(0, +) : row[i * m + label - 1]) : row[i * m + label]
            if own > limit { count += 1 }
        }
        return count
    }

    /// `H⁻¹ M H⁻¹`, exactly symmetric (the lower triangle mirrored after the two GEMMs).
    func sandwich(_ inverse: Matrix<Double>) throws(LinalgError) -> Matrix<Double> {
        let meat = problem.evaluate(solver.theta, .lossGradientAndMeat).matrix!
        let p = problem.parameterCount
        var covariance = try BLAS.gemm(try BLAS.gemm(inverse, meat), inverse)
        covariance.withUnsafeMutableBufferPointer { c in
            if let base = c.baseAddress { BLAS.mirrorLowerToUpper(base, n: p, ld: p) }
        }
        return covariance
    }

    /// `ℓ_null`: with intercepts the maximum over class probabilities alone,
    /// `Σ_c W_c log(W_c / W)` (`W_c` the weight of class `c`); without, `ℓ` at `Θ = 0`, `−W log K`.
    /// With offsets, the maximum over the intercepts of the model of the offsets alone (a fit
    /// without features), or without intercepts `ℓ` at `Θ = 0`.
    func nullLogLikelihood() throws(LinalgError) -> Double {
        if let offsets = problem.offsets {
            guard problem.fitIntercept else {
                return -problem.evaluate([Double](repeating: 0, count: problem.parameterCount), .loss).loss
            }
            let null = MultinomialProblem(
                checked: Matrix(uncheckedRows: problem.sampleCount, columns: 0, storage: []),
                classIndices: problem.classIndices, classCount: problem.classCount, lambda: 0,
                sampleWeights: problem.sampleWeights, fitIntercept: true, offsets: offsets)
            return -(try MultinomialRegression.fit(null, solver: .newtonCholesky)).loss
        }
        let weights = problem.classWeights(), total = weights.reduce(0, +)
        guard problem.fitIntercept else { return -total * log(Double(problem.classCount)) }
        return weights.reduce(0) { $0 + ($1 > 0 ? $1 * log($1 / total) : 0) }
    }
}
