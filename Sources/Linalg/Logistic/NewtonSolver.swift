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
/// buffers, `L`, `∇L` and `∇²L` at `β₀`, trace row 0), ``stopReason()`` (convergence check),
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
    /// `tol · max(‖∇L(β₀)‖, g_unit)` (or the scale given instead of `‖∇L(β₀)‖`).
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
        hessian = Matrix(uncheckedRows: p, columns: p)
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
        threshold = options.tolerance * max(gradientScale ?? gradientNorm, problem.gradientUnit)
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
                problem.hessian(logits: .inWorkspace, workspace: workspace, into: h)
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
                    problem.lossGradientAndHessian(at: b, workspace: workspace, gradient: g, hessian: h)
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
                problem.lossAndGradient(at: b, workspace: workspace, into: out)
            }
        }
    }
}
