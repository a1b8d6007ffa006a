/// Settings of the damped Newton solver for ``LogisticProblem``.
public struct NewtonOptions: Sendable, Equatable {
    /// Stop when `‖∇L(β_k)‖ ≤ tolerance · max(1, ‖∇L(β₀)‖)`. The default `1e-10` puts `β` within
    /// about `1e-10` (relative) of the minimiser for well-conditioned problems; scikit-learn's
    /// default (`1e-4` on the mean loss) is far looser.
    public var tolerance: Double
    /// The largest number of Newton steps.
    public var maxIterations: Int
    /// The Armijo constant `c` of `L(β + tΔ) ≤ L(β) + c t ∇Lᵀ Δ`.
    public var armijo: Double
    /// The most halvings of `t` in one line search.
    public var maxHalvings: Int

    /// The defaults: tolerance `1e-10`, 100 iterations, `c = 1e-4`, 60 halvings.
    public init(tolerance: Double = 1e-10, maxIterations: Int = 100, armijo: Double = 1e-4, maxHalvings: Int = 60) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.armijo = armijo
        self.maxHalvings = maxHalvings
    }

    func validate() throws(LinalgError) {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw .invalidValue(what: "tolerance", detail: "must be finite and ≥ 0, got \(tolerance)")
        }
        guard maxIterations >= 0 else {
            throw .invalidValue(what: "max iterations", detail: "must be ≥ 0, got \(maxIterations)")
        }
        guard armijo > 0, armijo < 1 else {
            throw .invalidValue(what: "Armijo constant", detail: "must lie in (0, 1), got \(armijo)")
        }
        guard (0...1100).contains(maxHalvings) else {
            // 2⁻¹¹⁰⁰ underflows to zero: more halvings cannot change β.
            throw .invalidValue(what: "max halvings", detail: "must be in 0…1100, got \(maxHalvings)")
        }
    }
}

/// One row of the Newton trace: the state after step `iteration` (row 0 is the start).
public struct NewtonIteration: Sendable, Equatable {
    /// `k`: 0 for the starting point.
    public var iteration: Int
    /// `L(β_k)`.
    public var loss: Double
    /// `‖∇L(β_k)‖₂`.
    public var gradientNorm: Double
    /// The accepted step length `t` of `β_k = β_{k−1} + tΔ` (0 in row 0).
    public var stepSize: Double
    /// The multiple `μ` of the identity added to the Hessian so that Cholesky succeeded (0 if none).
    public var damping: Double
    /// The Newton decrement `√(∇Lᵀ (∇²L + μI)⁻¹ ∇L)` at `β_{k−1}` (0 in row 0); `½λ²` estimates
    /// `L − L*`.
    public var newtonDecrement: Double
}

/// Why the solver stopped.
public enum NewtonStopReason: String, Sendable, Equatable {
    /// The gradient criterion was met.
    case converged
    /// ``NewtonOptions/maxIterations`` steps were taken first.
    case maxIterations = "max_iterations"
    /// The data are linearly separable and unpenalised (λ = 0): the current `β` classifies every
    /// sample of positive weight correctly, so `L(cβ) → 0` as `c → ∞` and no finite minimiser exists.
    case separable
    /// No step length decreased the loss: the iterate is at the limit of floating-point precision.
    case lineSearchFailed = "line_search_failed"
    /// The accepted step left `β` unchanged to the last bit (a null step): more iterations
    /// cannot make progress.
    case stagnated
}

/// The result of ``LogisticRegression/fit(_:options:initial:inference:)``.
public struct LogisticFit: Sendable {
    /// `β₁ … β_d` in feature order.
    public var coefficients: [Double]
    /// `β₀`, or `nil` without an intercept.
    public var intercept: Double?
    /// `L(β)` at the result.
    public var loss: Double
    /// `‖∇L(β)‖₂` at the result.
    public var gradientNorm: Double
    /// Newton steps taken.
    public var iterations: Int
    /// Whether the gradient criterion was met.
    public var converged: Bool
    /// Why the solver stopped.
    public var reason: NewtonStopReason
    /// One row per iterate, row 0 the start.
    public var trace: [NewtonIteration]
    /// Standard errors, likelihoods and diagnostics at `β`, when asked for.
    public var inference: LogisticInference?

    /// `L`, `∇L` and `∇²L` at `β`, when the last evaluation computed the Hessian: the next fit of
    /// a path starts from them without a pass over `X`.
    var finalState: NewtonStart?

    /// `(β₁ … β_d, β₀)`: the coefficients, then the intercept when fitted.
    public var parameters: [Double] { coefficients + (intercept.map { [$0] } ?? []) }
}

extension LogisticRegression {
    // MARK: β ← β + tΔ,  (∇²L + μI) Δ = −∇L  (potrf/potrs),  Armijo halving on t

    /// Minimises `L(β)` by damped Newton steps.
    ///
    /// Each step solves `(∇²L + μI) Δ = −∇L` by Cholesky (`potrf`, `potrs`); `μ = 0` unless the
    /// factorisation fails (λ = 0 with collinear columns, or separated data), in which case `μ`
    /// starts at `10⁻¹⁰·max(1, max diag)` and grows tenfold until it succeeds. The step length
    /// `t` is halved from 1 until `L(β + tΔ) ≤ L(β) + c t ∇Lᵀ Δ` (Armijo). Near the minimiser,
    /// where loss differences are at rounding level, a full step that lowers `‖∇L‖` is accepted.
    /// Stops when `‖∇L‖ ≤ tol · max(1, ‖∇L(β₀)‖)`, after `maxIterations`, when λ = 0 and the data
    /// are separated by the iterate (no finite minimiser), or when the line search fails.
    ///
    /// The `X`-sized work is one blocked pass per evaluation: at `β₀` and at each full step it
    /// gives `L`, `∇L` and `∇²L` together (`n d²` flops; when the step is accepted, as Newton's
    /// full steps mostly are, the next iteration's Hessian is ready), and a halved step is checked
    /// by a loss-and-gradient pass; everything else is `O(n + d²)` and reuses one workspace. For
    /// `d ≤ 512` the passes run on the cores by themselves and OpenBLAS is single-threaded until
    /// the fit returns (its thread count is global: BLAS calls made from other threads meanwhile
    /// run on one thread too).
    ///
    /// With `inference`, ``LogisticFit/inference`` is computed at `β̂` from the state the last
    /// iteration leaves (its Hessian, when the last step was a full one, and `O(p³)` work; see
    /// ``inference(for:problem:options:)``).
    public static func fit(
        _ problem: LogisticProblem, options: NewtonOptions = NewtonOptions(),
        initial: [Double]? = nil, inference: InferenceOptions? = nil
    ) throws(LinalgError) -> LogisticFit {
        try fit(problem, options: options, initial: initial, inference: inference, gradientScale: nil)
    }

    /// ``fit(_:options:initial:inference:)`` with the stopping rule `‖∇L‖ ≤ tol · max(1, scale)`
    /// for a given `scale` (`nil`: `‖∇L(β₀)‖`). A path passes `‖∇L(0)‖`, which does not depend on
    /// λ, so that a warm-started fit stops where a cold fit at the same λ would.
    static func fit(
        _ problem: LogisticProblem, options: NewtonOptions, initial: [Double]?, inference: InferenceOptions?,
        gradientScale: Double?
    ) throws(LinalgError) -> LogisticFit {
        try options.validate()
        try inference?.validate()
        try problem.checkHessianFitsInMemory()
        let beta = initial ?? [Double](repeating: 0, count: problem.parameterCount)
        try problem.validate(parameters: beta)
        return try onOneWorkspace(problem) { workspace throws(LinalgError) in
            try solve(
                problem, options: options, start: .point(beta), inference: inference, gradientScale: gradientScale,
                workspace: workspace)
        }
    }

    /// Runs `body` with a workspace of `problem`. When the passes over X run on our own threads
    /// (d ≤ 512), the p × p factorisations and solves between them are small: OpenBLAS stays
    /// single-threaded meanwhile, so that its workers do not wake for a potrf and then poll on the
    /// cores the next pass needs.
    static func onOneWorkspace<R>(
        _ problem: LogisticProblem, _ body: (LogisticWorkspace) throws(LinalgError) -> R
    ) throws(LinalgError) -> R {
        let workspace = problem.workspaces.take(for: problem)
        defer { problem.workspaces.giveBack(workspace) }
        let singleThreadedBLAS = workspace.parts > 1
        if singleThreadedBLAS { SingleThreadedBLAS.enter() }
        defer { if singleThreadedBLAS { SingleThreadedBLAS.leave() } }
        return try body(workspace)
    }

    /// One damped Newton solve on `workspace` (checked inputs), with the inference when asked.
    static func solve(
        _ problem: LogisticProblem, options: NewtonOptions, start: NewtonSolver.Start, inference: InferenceOptions?,
        gradientScale: Double?, workspace: LogisticWorkspace
    ) throws(LinalgError) -> LogisticFit {
        let solver = NewtonSolver(
            problem: problem, options: options, workspace: workspace, start: start, gradientScale: gradientScale)
        var fit = try solver.run()
        if let inference {
            // The workspace holds the logits and residuals of β̂ from the last evaluation.
            fit.inference = try InferenceCalculation(
                problem: problem, workspace: workspace, beta: fit.parameters, loss: fit.loss,
                lastDamping: fit.trace.last?.damping ?? 0, reason: fit.reason, options: inference,
                hessian: solver.hessianIsCurrent ? solver.hessian : nil
            ).run()
        }
        return fit
    }

    /// Cholesky of `H + μI` with the smallest `μ ∈ {0, μ₀, 10μ₀, …}` that succeeds; returns `μ`.
    static func factorise(_ hessian: Matrix<Double>, into factor: inout Matrix<Double>) throws(LinalgError) -> Double {
        let p = hessian.rows
        var damping = 0.0
        let diagonalScale = max(1, (0..<p).map { hessian[$0, $0] }.max() ?? 1)
        while true {
            hessian.withUnsafeBufferPointer { source in
                factor.withUnsafeMutableBufferPointer { target in
                    if let base = source.baseAddress { target.baseAddress!.update(from: base, count: source.count) }
                }
            }
            if damping > 0 { for j in 0..<p { factor[j, j] += damping } }
            do {
                try LAPACK.choleskyFactorInPlace(&factor)
                return damping
            } catch .notPositiveDefinite {
                damping = damping == 0 ? 1e-10 * diagonalScale : damping * 10
                guard damping.isFinite, damping < 1e30 * diagonalScale else {
                    throw .invalidValue(
                        what: "Newton solver", detail: "the Hessian could not be made positive definite")
                }
            }
        }
    }

    /// Whether `z` separates the samples of positive weight strictly: `(2y_i − 1) z_i > 0` for all.
    static func separates(_ problem: LogisticProblem, _ z: UnsafePointer<Double>) -> Bool {
        var any = false
        for i in 0..<problem.sampleCount where problem.weight(i) > 0 {
            any = true
            if (problem.y[i] == 1 ? z[i] : -z[i]) <= 0 { return false }
        }
        return any
    }
}

/// `L`, `∇L` and `∇²L` at `β` for one λ (the workspace's logits are those of `β`).
struct NewtonStart {
    var beta: [Double], loss: Double, gradient: [Double], hessian: Matrix<Double>

    /// The same point for the penalty `λ + δ`: `L + δ‖β‖²`, `∇L + 2δβ`, `∇²L + 2δI` on the
    /// coefficients (the intercept is not penalised). The first Newton step from here is the
    /// path's predictor, `−(H + 2δI)⁻¹(∇L + 2δβ)`, without a pass over `X`.
    func shifted(by delta: Double, featureCount d: Int) -> NewtonStart {
        var shifted = self
        for j in 0..<d {
            shifted.loss += delta * beta[j] * beta[j]
            shifted.gradient[j] += 2 * delta * beta[j]
            shifted.hessian[j, j] += 2 * delta
        }
        return shifted
    }
}

/// Damped Newton on `L(β)` in the phases of scikit-learn's `NewtonSolver`: ``init`` (setup:
/// buffers, `L` and `∇L` at `β₀`, trace row 0), ``stopReason()`` (convergence check),
/// ``computeHessian()``, ``solveNewtonStep()`` (inner solve with the damping fallback),
/// ``lineSearch()`` (Armijo backtracking) and ``finalize()``.
final class NewtonSolver {
    let problem: LogisticProblem
    let options: NewtonOptions
    let workspace: LogisticWorkspace
    /// `β`, `∇L(β)`, `Δ`, and the trial point `β + tΔ` with its gradient.
    var beta: [Double], gradient: [Double], step: [Double], trial: [Double], trialGradient: [Double]
    /// `∇²L(β)`, the Cholesky factor of `∇²L(β) + μI`, and `∇²L` at a full-step trial point.
    var hessian: Matrix<Double>, factor: Matrix<Double>, trialHessian: Matrix<Double>
    /// Whether `hessian` holds `∇²L` at the current `β` (from the evaluation of the accepted step).
    var hessianIsCurrent = false
    /// Whether the last step was accepted at `t = 1`: the next full step is then evaluated with
    /// its Hessian in the same pass, since it will most likely be accepted too.
    var lastStepWasFull = true
    var loss: Double, gradientNorm: Double
    /// `tol · max(1, ‖∇L(β₀)‖)` (or the scale given instead of `‖∇L(β₀)‖`).
    let threshold: Double
    var trace: [NewtonIteration] = []
    var iteration = 0
    /// `μ`, the slope `∇Lᵀ Δ` and the decrement `√(−∇Lᵀ Δ)` of the current step.
    var damping = 0.0, slope = 0.0, decrement = 0.0
    /// Whether the last accepted step changed `β` at all.
    var stepMoved = true

    /// Where a solve starts.
    enum Start {
        /// At `β₀`: `L`, `∇L` and `∇²L` are evaluated there in one pass.
        case point([Double])
        /// From a known state whose logits the workspace holds (the previous fit of a path).
        case state(NewtonStart)
    }

    /// Setup: buffers, then `L(β₀)`, `∇L(β₀)` and `∇²L(β₀)` (the logits of `β₀` stay in the
    /// workspace), or the given state.
    init(
        problem: LogisticProblem, options: NewtonOptions, workspace: LogisticWorkspace, start: Start,
        gradientScale: Double? = nil
    ) {
        self.problem = problem
        self.options = options
        self.workspace = workspace
        let p = problem.parameterCount
        gradient = [Double](repeating: 0, count: p)
        step = gradient
        trial = gradient
        trialGradient = gradient
        hessian = Matrix(rows: p, columns: p)
        factor = hessian
        trialHessian = hessian
        loss = 0
        gradientNorm = 0
        switch start {
        case .point(let initial):
            beta = initial
            loss = NewtonSolver.evaluate(problem, workspace, at: initial, gradient: &gradient, hessian: &hessian)
        case .state(let state):
            beta = state.beta
            loss = state.loss
            gradient = state.gradient
            hessian = state.hessian
        }
        hessianIsCurrent = true
        gradientNorm = BLAS.nrm2(gradient)
        threshold = options.tolerance * max(1, gradientScale ?? gradientNorm)
        trace.append(
            NewtonIteration(
                iteration: 0, loss: loss, gradientNorm: gradientNorm, stepSize: 0, damping: 0, newtonDecrement: 0))
    }

    /// Iterates the phases until a stop reason holds.
    func run() throws(LinalgError) -> LogisticFit {
        while true {
            if let reason = stopReason() { return finalize(reason) }
            iteration += 1
            try computeHessian()
            try solveNewtonStep()
            guard let stepSize = lineSearch() else {
                // Restore the logits of β for the caller-visible state; β is unchanged.
                _ = NewtonSolver.lossAndGradient(problem, workspace, beta, gradientInto: &gradient)
                iteration -= 1
                return finalize(.lineSearchFailed)
            }
            trace.append(
                NewtonIteration(
                    iteration: iteration, loss: loss, gradientNorm: gradientNorm, stepSize: stepSize,
                    damping: damping, newtonDecrement: decrement))
            if !stepMoved { return finalize(.stagnated) }
        }
    }

    /// Convergence check: `‖∇L‖ ≤ threshold`, separated data without a penalty, or the
    /// iteration limit; `nil` to go on.
    func stopReason() -> NewtonStopReason? {
        if gradientNorm <= threshold { return .converged }
        if problem.lambda == 0 && LogisticRegression.separates(problem, workspace.logits) { return .separable }
        if iteration >= options.maxIterations { return .maxIterations }
        return nil
    }

    /// `∇²L(β)` from the logits of `β` left in the workspace by the last evaluation (unless the
    /// evaluation of the accepted step computed it already).
    /// Throws when an entry overflows (features so large that `Σ h_i x_ij x_ik` exceeds the range
    /// of a double), naming the feature, instead of stepping with a meaningless factor.
    func computeHessian() throws(LinalgError) {
        if !hessianIsCurrent {
            hessian.withUnsafeMutableBufferPointer { h in
                problem.hessian(logits: .inWorkspace, workspace: workspace, into: h.baseAddress!)
            }
            hessianIsCurrent = true
        }
        if let (i, j) = hessian.firstNonFinite {
            let feature = min(i, j) < problem.featureCount ? "feature \(min(i, j) + 1)" : "the intercept"
            throw .invalidValue(
                what: "Hessian",
                detail: "entry (\(i + 1), \(j + 1)) overflows: the values of \(feature) are too large for their "
                    + "squares to be a double; rescale the features")
        }
    }

    /// Inner solve: `(∇²L + μI) Δ = −∇L` by Cholesky with the damping fallback; records `μ` and
    /// the Newton decrement `√(−∇Lᵀ Δ)`.
    func solveNewtonStep() throws(LinalgError) {
        damping = try LogisticRegression.factorise(hessian, into: &factor)
        for j in step.indices { step[j] = -gradient[j] }
        try LAPACK.choleskySolve(factor: factor, &step)
        slope = try BLAS.dot(gradient, step)  // ∇Lᵀ Δ = −λ² < 0
        decrement = max(0, -slope).squareRoot()
    }

    /// Armijo backtracking from `t = 1`: accepts `β + tΔ` with `L(β + tΔ) ≤ L(β) + c t ∇Lᵀ Δ`,
    /// or a full step that lowers `‖∇L‖` when the loss change is at rounding level. Moves `β`
    /// and returns `t`, or returns `nil` when no halving was accepted.
    func lineSearch() -> Double? {
        var t = 1.0
        for _ in 0...options.maxHalvings {
            for j in trial.indices { trial[j] = beta[j] + t * step[j] }
            let withHessian = t == 1 && lastStepWasFull
            let trialLoss =
                withHessian
                ? evaluateWithHessian(trial)
                : NewtonSolver.lossAndGradient(problem, workspace, trial, gradientInto: &trialGradient)
            var accepted = trialLoss.isFinite && trialLoss <= loss + options.armijo * t * slope
            // At rounding level the loss cannot tell; the gradient norm still can.
            let roundoff = 64 * Double.ulpOfOne * max(abs(loss), 1)
            if !accepted && t == 1 && abs(trialLoss - loss) <= roundoff {
                accepted = BLAS.nrm2(trialGradient) < gradientNorm
            }
            if accepted {
                stepMoved = trial != beta
                if withHessian { swap(&hessian, &trialHessian) }
                hessianIsCurrent = withHessian
                lastStepWasFull = t == 1
                swap(&beta, &trial)
                swap(&gradient, &trialGradient)
                loss = trialLoss
                gradientNorm = BLAS.nrm2(gradient)
                return t
            }
            t /= 2
        }
        return nil
    }

    /// `L`, `∇L` (into `trialGradient`) and `∇²L` (into `trialHessian`) at `point`, in one pass.
    func evaluateWithHessian(_ point: [Double]) -> Double {
        NewtonSolver.evaluate(problem, workspace, at: point, gradient: &trialGradient, hessian: &trialHessian)
    }

    /// `L(β)`, with `∇L(β)` and `∇²L(β)` from one pass over `X` (the logits left in the workspace).
    static func evaluate(
        _ problem: LogisticProblem, _ workspace: LogisticWorkspace, at beta: [Double], gradient: inout [Double],
        hessian: inout Matrix<Double>
    ) -> Double {
        beta.withUnsafeBufferPointer { b in
            gradient.withUnsafeMutableBufferPointer { g in
                hessian.withUnsafeMutableBufferPointer { h in
                    problem.lossGradientAndHessian(
                        at: b.baseAddress ?? UnsafePointer(workspace.logits), workspace: workspace,
                        gradient: g.baseAddress ?? workspace.residuals, hessian: h.baseAddress ?? workspace.slopeWeights
                    )
                }
            }
        }
    }

    /// The result: `β` split into coefficients and intercept, the final loss and the trace.
    func finalize(_ reason: NewtonStopReason) -> LogisticFit {
        let d = problem.featureCount
        var fit = LogisticFit(
            coefficients: Array(beta[0..<d]), intercept: problem.fitIntercept ? beta[d] : nil,
            loss: loss, gradientNorm: gradientNorm, iterations: iteration,
            converged: reason == .converged, reason: reason, trace: trace)
        if hessianIsCurrent {
            fit.finalState = NewtonStart(beta: beta, loss: loss, gradient: gradient, hessian: hessian)
        }
        return fit
    }

    /// `L(β)`, with `∇L(β)` into `g` and the logits of `β` left in the workspace.
    static func lossAndGradient(
        _ problem: LogisticProblem, _ workspace: LogisticWorkspace, _ beta: [Double],
        gradientInto g: inout [Double]
    ) -> Double {
        beta.withUnsafeBufferPointer { b in
            g.withUnsafeMutableBufferPointer { out in
                problem.lossAndGradient(
                    at: b.baseAddress ?? UnsafePointer(workspace.logits), workspace: workspace,
                    into: out.baseAddress ?? workspace.residuals)
            }
        }
    }
}
