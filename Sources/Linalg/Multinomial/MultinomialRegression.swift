#if canImport(Glibc)
import Glibc
#endif

/// The result of ``MultinomialRegression/fit(_:options:inference:)``.
public struct MultinomialFit: Sendable {
    /// `K`.
    public var classCount: Int
    /// The class index of each modelled class (each row of ``coefficients``): all `K` with
    /// `λ > 0`, classes `1 … K − 1` against class 0 with `λ = 0`.
    public var modelledClasses: [Int]
    /// `m × d`: row `k` holds `β_k`.
    public var coefficients: Matrix<Double>
    /// `β_k0` per modelled class, or `nil` without intercepts.
    public var intercepts: [Double]?
    /// `L(Θ)` at the result, penalty included.
    public var loss: Double
    /// `‖∇L(Θ)‖₂` at the result.
    public var gradientNorm: Double
    /// Newton steps taken.
    public var iterations: Int
    /// Whether the gradient criterion was met.
    public var converged: Bool
    /// Why the solver stopped.
    public var reason: NewtonStopReason
    /// One row per iterate, row 0 the start.
    public var trace: [NewtonIteration]
    /// With `λ = 0` and when asked for: standard errors, likelihoods and diagnostics, over the
    /// parameters class by class (each modelled class's `d` coefficients, then its intercept).
    public var inference: LogisticInference?

    /// `Θ` row by row: each modelled class's coefficients, then its intercept (the order of the
    /// inference's vectors and covariance).
    public var parameters: [Double]

    /// The fit as a model to apply to new data, with its features named.
    public func model(featureNames: [String], lambda: Double) throws(LinalgError) -> MultinomialModel {
        try MultinomialModel(
            featureNames: featureNames, classCount: classCount, modelledClasses: modelledClasses,
            coefficients: coefficients, intercepts: intercepts, lambda: lambda)
    }

    /// The class probabilities of the rows of `x` (see ``MultinomialModel/probabilities(_:)``).
    public func probabilities(_ x: Matrix<Double>) throws(LinalgError) -> Matrix<Double> {
        try model(featureNames: (0..<coefficients.columns).map { "x\($0)" }, lambda: 0).probabilities(x)
    }
}

/// Multinomial logistic regression: `L(Θ) = −Σ_i w_i log softmax(Θ x̃_i)[y_i] + λ Σ_k ‖β_k‖²`
/// minimised by damped Newton with Cholesky steps on the full Hessian
/// `Σ_i w_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ`, built block by block from one pass over `X`
/// (``MultinomialProblem`` for the parametrisation).
public enum MultinomialRegression {
    /// Fits `problem`; with `inference` (and `λ = 0`) the statistics of statsmodels' `MNLogit`
    /// at the minimiser. Throws when the Hessian would not fit in memory, or on bad options.
    public static func fit(
        _ problem: MultinomialProblem, options: NewtonOptions = NewtonOptions(), inference: InferenceOptions? = nil
    ) throws(LinalgError) -> MultinomialFit {
        try options.validate()
        try inference?.validate()
        try problem.checkHessianFitsInMemory()
        var solver = MultinomialNewton(problem: problem, options: options)
        let reason = try solver.run()
        let m = problem.modelledClassCount, d = problem.featureCount, width = problem.classWidth
        var coefficients = Matrix<Double>(uncheckedRows: m, columns: d)
        for k in 0..<m { for j in 0..<d { coefficients[k, j] = solver.theta[k * width + j] } }
        var fit = MultinomialFit(
            classCount: problem.classCount, modelledClasses: (0..<m).map(problem.modelledClass),
            coefficients: coefficients,
            intercepts: problem.fitIntercept ? (0..<m).map { solver.theta[$0 * width + d] } : nil,
            loss: solver.state.loss, gradientNorm: MultinomialNewton.norm(solver.state.gradient),
            iterations: solver.iteration, converged: reason == .converged, reason: reason, trace: solver.trace,
            parameters: solver.theta)
        if let inference, problem.lambda == 0 {
            fit.inference = try MultinomialInference(problem: problem, solver: solver, reason: reason).run(inference)
        }
        return fit
    }

    /// `L(Θ)`, with `Θ` laid out as ``MultinomialFit/parameters`` (`p` entries).
    public static func loss(_ theta: [Double], problem: MultinomialProblem) throws(LinalgError) -> Double {
        try problem.validate(parameters: theta)
        return problem.evaluate(theta, .loss).loss
    }

    /// `∇L(Θ) = Rᵀ X̃ + 2λ[β_k, 0]`, `R = W(P − Y)`, laid out as `Θ`.
    public static func gradient(_ theta: [Double], problem: MultinomialProblem) throws(LinalgError) -> [Double] {
        try problem.validate(parameters: theta)
        return problem.evaluate(theta, .lossAndGradient).gradient
    }

    /// `∇²L(Θ) = Σ_i w_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ + 2λ I` (the coefficients' diagonal),
    /// `p × p`, exactly symmetric.
    public static func hessian(_ theta: [Double], problem: MultinomialProblem) throws(LinalgError) -> Matrix<Double> {
        try problem.validate(parameters: theta)
        try problem.checkHessianFitsInMemory()
        return problem.evaluate(theta, .lossGradientAndHessian).matrix!
    }
}
