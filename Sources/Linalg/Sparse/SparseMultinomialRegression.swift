/// Multinomial logistic regression on CSR by trust-region truncated Newton (``TrustRegionNewton``
/// with exact Hessian-vector products, ``SparseMultinomialProducts``): the minimiser of
/// ``MultinomialProblem``'s objective without forming a dense `X` or the `m d̃ × m d̃` Hessian.
public enum SparseMultinomialRegression {
    /// Fits `problem` from `Θ = 0`; with `λ > 0` the intercepts, defined up to a common constant, are
    /// returned centred (summing to 0), as the dense solvers return them.
    public static func fit(
        _ problem: SparseMultinomialProblem, options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> MultinomialFit {
        try options.validate()
        var solver = TrustRegionNewton(objective: SparseMultinomialProducts(problem), options: options)
        let reason = solver.run()
        let m = problem.modelledClassCount, d = problem.featureCount, width = problem.classWidth
        var theta = solver.theta
        if problem.fitIntercept && problem.lambda > 0 {
            let mean = (0..<m).reduce(0) { $0 + theta[$1 * width + d] } / Double(m)
            for c in 0..<m { theta[c * width + d] -= mean }
        }
        var coefficients = Matrix<Double>(uncheckedRows: m, columns: d)
        for c in 0..<m { for j in 0..<d { coefficients[c, j] = theta[c * width + j] } }
        var fit = MultinomialFit(
            classCount: problem.classCount,
            modelledClasses: (0..<m).map(problem.modelledClass), coefficients: coefficients,
            intercepts: problem.fitIntercept ? (0..<m).map { theta[$0 * width + d] } : nil, loss: solver.loss,
            gradientNorm: euclideanNorm(solver.gradient), iterations: solver.iteration,
            converged: reason == .converged, reason: reason, trace: solver.trace, parameters: theta)
        fit.hessianVectorProducts = solver.productCount
        return fit
    }
}
