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
    /// The Hessian-vector products Newton-CG used (0 for Newton-Cholesky).
    public var hessianVectorProducts = 0

    /// The fit as a model to apply to new data, with its features (and offset columns) named.
    public func model(
        featureNames: [String], lambda: Double, offsetColumns: [String]? = nil
    ) throws(LinalgError) -> MultinomialModel {
        try MultinomialModel(
            featureNames: featureNames, classCount: classCount, modelledClasses: modelledClasses,
            coefficients: coefficients, intercepts: intercepts, lambda: lambda, offsetColumns: offsetColumns)
    }

    /// The class probabilities of the rows of `x`, with per-class `offsets` when given (see
    /// ``MultinomialModel/probabilities(_:offsets:)``).
    public func probabilities(_ x: Matrix<Double>, offsets: Matrix<Double>? = nil) throws(LinalgError) -> Matrix<Double>
    {
        try model(featureNames: (0..<coefficients.columns).map { "x\($0)" }, lambda: 0).probabilities(
            x, offsets: offsets)
    }
}

/// Multinomial logistic regression: `L(Θ) = −Σ_i w_i log softmax(Θ x̃_i)[y_i] + λ Σ_k ‖β_k‖²`
/// minimised by damped Newton with Cholesky steps on the full Hessian
/// `Σ_i w_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ`, built block by block from one pass over `X`
/// (``MultinomialProblem`` for the parametrisation).
public enum MultinomialRegression {
    /// Fits `problem` with `solver`; with `inference` (and `λ = 0`) the statistics of statsmodels'
    /// `MNLogit` at the minimiser (the Hessian is then formed once, whatever the solver). Throws when
    /// the Hessian would not fit in memory for Newton-Cholesky or inference, or on bad options.
    public static func fit(
        _ problem: MultinomialProblem, options: NewtonOptions = NewtonOptions(), solver: MultinomialSolver = .automatic,
        inference: InferenceOptions? = nil
    ) throws(LinalgError) -> MultinomialFit {
        try fit(problem, options: options, solver: solver, start: nil, inference: inference)
    }

    /// ``fit(_:options:solver:inference:)`` from `start` (`Θ` of this problem's parametrization,
    /// `nil` for 0) with the stopping rule scaled by `start.scale` (a path's cold gradient norm).
    static func fit(
        _ problem: MultinomialProblem, options: NewtonOptions, solver: MultinomialSolver,
        start: (theta: [Double], scale: Double)?, inference: InferenceOptions?
    ) throws(LinalgError) -> MultinomialFit {
        try options.validate()
        try inference?.validate()
        let wantsInference = inference != nil && problem.lambda == 0
        if wantsInference || solver.resolved(for: problem) == .newtonCholesky { try problem.checkHessianFitsInMemory() }
        var fit: MultinomialFit
        var final: MultinomialNewton?
        if solver.resolved(for: problem) == .newtonCholesky {
            var newton = MultinomialNewton(
                problem: problem, at: start?.theta ?? [Double](repeating: 0, count: problem.parameterCount),
                options: options, scale: start?.scale)
            let reason = try newton.run()
            fit = result(problem, theta: newton.theta, state: newton.state, reason: reason, trace: newton.trace)
            final = newton
        } else {
            // Its passes are Linalg's own kernels on all cores; its BLAS calls are small.
            fit = try SingleThreadedBLAS.during { () throws(LinalgError) in
                var newton = try MultinomialNewtonCG(problem: problem, options: options, start: start)
                let reason = try newton.run()
                var fit = result(problem, theta: newton.theta, state: newton.state, reason: reason, trace: newton.trace)
                fit.hessianVectorProducts = newton.productCount
                return fit
            }
        }
        if let inference, problem.lambda == 0 {
            let solver = final ?? MultinomialNewton(problem: problem, at: fit.parameters)
            fit.inference = try MultinomialInference(problem: problem, solver: solver, reason: fit.reason).run(
                inference)
        }
        return fit
    }

    static func result(
        _ problem: MultinomialProblem, theta: [Double], state: MultinomialState, reason: NewtonStopReason,
        trace: [NewtonIteration]
    ) -> MultinomialFit {
        let m = problem.modelledClassCount, d = problem.featureCount, width = problem.classWidth
        var coefficients = Matrix<Double>(uncheckedRows: m, columns: d)
        for k in 0..<m { for j in 0..<d { coefficients[k, j] = theta[k * width + j] } }
        return MultinomialFit(
            classCount: problem.classCount, modelledClasses: (0..<m).map(problem.modelledClass),
            coefficients: coefficients, intercepts: problem.fitIntercept ? (0..<m).map { theta[$0 * width + d] } : nil,
            loss: state.loss, gradientNorm: MultinomialNewton.norm(state.gradient), iterations: trace.count - 1,
            converged: reason == .converged, reason: reason, trace: trace, parameters: theta)
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

/// How ``MultinomialRegression/fit(_:options:solver:inference:)`` takes its Newton steps.
public enum MultinomialSolver: String, Sendable, CaseIterable {
    /// Newton-Cholesky while the parameters are few, else Newton-CG: forming the Hessian costs about
    /// `n p²` multiply-adds per step (`p = m d̃` parameters) and its factor `p³/3`, a Newton-CG step
    /// about `2 n p` per conjugate-gradient iteration, some tens of them; with `p ≤ 200` (and the
    /// `p × p` matrices within the memory limit) the Hessian costs less than the products.
    case automatic
    /// Damped Newton with Cholesky on the full Hessian, built block by block.
    case newtonCholesky = "newton-cholesky"
    /// Truncated Newton with conjugate gradients on exact Hessian-vector products.
    case newtonCG = "newton-cg"

    /// The solver `automatic` stands for on `problem`.
    func resolved(for problem: MultinomialProblem) -> MultinomialSolver {
        guard self == .automatic else { return self }
        let p = problem.parameterCount
        return p <= 200 && ModelChecks.squareMatrixSize(p, copies: 3).fits ? .newtonCholesky : .newtonCG
    }
}
