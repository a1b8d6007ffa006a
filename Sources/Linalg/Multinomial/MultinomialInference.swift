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
        if reason == .separable { diagnostics.append(.completeSeparation) }
        if reason != .converged && reason != .separable { diagnostics.append(.notConverged(reason)) }
        let (covariance, reciprocal, singular) = try InferenceCalculation.covariance(
            of: hessian, damped: false, robust: options.robust, sandwich: sandwich)
        if let singular { diagnostics.append(singular) }
        let totalWeight = problem.classWeights().reduce(0, +)
        var inference = LogisticInference(
            options: options, logLikelihood: -solver.state.loss, nullLogLikelihood: nullLogLikelihood(),
            parameterCount: problem.parameterCount, sampleSize: totalWeight, reciprocalCondition: reciprocal,
            diagnostics: diagnostics)
        if let covariance { inference.setWaldStatistics(beta: theta, covariance: covariance) }
        return inference
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
    func nullLogLikelihood() -> Double {
        let weights = problem.classWeights(), total = weights.reduce(0, +)
        guard problem.fitIntercept else { return -total * log(Double(problem.classCount)) }
        return weights.reduce(0) { $0 + ($1 > 0 ? $1 * log($1 / total) : 0) }
    }
}
