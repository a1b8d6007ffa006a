#if canImport(Glibc)
import Glibc
#endif

/// The damped Newton solver of ``MultinomialProblem``, in phases as the binary ``NewtonSolver``:
/// ``init(problem:options:)`` (`L`, `∇L`, `∇²L` at `Θ = 0`), ``solveStep()`` (Cholesky of the
/// Hessian, damped by `μI` only when it fails), ``lineSearch(_:)`` (Armijo halving from `t = 1`,
/// the full step evaluated with its Hessian so an accepted one needs no second pass) and
/// ``stopReason()``. With `λ > 0` and intercepts, `L` is flat along "all intercepts + c": the
/// step solves with `H + s vvᵀ` (`v` the intercepts' indicator), which gives the minimum-norm step
/// (the gradient is orthogonal to `v`), so the intercepts keep summing to 0 from the start at 0.
struct MultinomialNewton {
    let problem: MultinomialProblem
    let options: NewtonOptions
    var theta: [Double]
    var state: MultinomialState
    /// Whether `state.matrix` is the Hessian at `theta`.
    var hessianIsCurrent = true
    var iteration = 0
    var trace: [NewtonIteration] = []
    /// The gradient norm below which the solver stops.
    let threshold: Double

    init(problem: MultinomialProblem, options: NewtonOptions) {
        self.init(problem: problem, at: [Double](repeating: 0, count: problem.parameterCount), options: options)
    }

    /// The solver's state at `theta` (`L`, `∇L`, `∇²L` in one pass): a start, or the end of
    /// another solver for the inference.
    init(
        problem: MultinomialProblem, at theta: [Double], options: NewtonOptions = NewtonOptions(), scale: Double? = nil
    ) {
        self.problem = problem
        self.options = options
        self.theta = theta
        state = problem.evaluate(theta, .lossGradientAndHessian)
        let norm = MultinomialNewton.norm(state.gradient)
        threshold = options.tolerance * max(scale ?? norm, problem.gradientUnit())
        trace.append(
            NewtonIteration(
                iteration: 0, loss: state.loss, gradientNorm: norm, stepSize: 0, damping: 0, newtonDecrement: 0))
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Armijo's test `L(trial) ≤ L + c t ∇Lᵀ Δ` (`step` = `t ∇Lᵀ Δ`); at rounding level, where the
    /// loss cannot tell, a smaller gradient norm instead.
    static func accepts(
        _ trial: MultinomialState, over current: MultinomialState, step: Double, armijo: Double
    )
        -> Bool
    {
        if trial.loss.isFinite && trial.loss <= current.loss + armijo * step { return true }
        guard abs(trial.loss - current.loss) <= 64 * Double.ulpOfOne * max(abs(current.loss), 1),
            !trial.gradient.isEmpty
        else { return false }
        return norm(trial.gradient) < norm(current.gradient)
    }

    /// Runs to a stop.
    mutating func run() throws(LinalgError) -> NewtonStopReason {
        while true {
            if let reason = stopReason() { return reason }
            if !hessianIsCurrent {
                state = problem.evaluate(theta, .lossGradientAndHessian)
                hessianIsCurrent = true
            }
            let (step, damping) = try solveStep()
            let decrement = (-zip(step, state.gradient).reduce(0) { $0 + $1.0 * $1.1 }).squareRoot()
            guard let t = lineSearch(step) else { return .lineSearchFailed }
            iteration += 1
            trace.append(
                NewtonIteration(
                    iteration: iteration, loss: state.loss, gradientNorm: MultinomialNewton.norm(state.gradient),
                    stepSize: t, damping: damping, newtonDecrement: decrement.isNaN ? 0 : decrement))
        }
    }

    /// Converged, the iteration limit, or separated data (λ = 0 and every sample's own class
    /// more probable than all others together: scaling `Θ` up drives `L` to 0).
    func stopReason() -> NewtonStopReason? {
        if MultinomialNewton.norm(state.gradient) <= threshold { return .converged }
        if problem.lambda == 0 && state.smallestOwnProbability > 0.5 { return .separable }
        if iteration >= options.maxIterations { return .maxIterations }
        return nil
    }

    /// `Δ = −(H + s vvᵀ + μI)⁻¹ ∇L`, with `μ` growing from 0 only while Cholesky fails; the
    /// step and `μ`.
    func solveStep() throws(LinalgError) -> ([Double], Double) {
        var system = state.matrix!
        let p = problem.parameterCount, width = problem.classWidth, m = problem.modelledClassCount
        if problem.lambda > 0 && problem.fitIntercept {
            let intercepts = (0..<m).map { $0 * width + width - 1 }
            let s = intercepts.reduce(0) { $0 + system[$1, $1] } / Double(m) + 1
            for i in intercepts { for j in intercepts { system[i, j] += s } }
        }
        let largest = (0..<p).reduce(0) { max($0, abs(system[$1, $1])) }
        var damping = 0.0
        while true {
            var damped = system
            if damping > 0 { for i in 0..<p { damped[i, i] += damping } }
            if let factor = try? LAPACK.choleskyFactor(damped) {
                var solution = state.gradient
                try LAPACK.choleskySolve(factor: factor, &solution)
                return (solution.map { -$0 }, damping)
            }
            damping = damping == 0 ? max(1e-12 * largest, Double.leastNormalMagnitude) : 10 * damping
            guard damping.isFinite, damping < 1e300 else {
                throw .invalidValue(what: "multinomial regression", detail: "the Hessian cannot be factorised")
            }
        }
    }

    /// Armijo halving from `t = 1`: the full step is evaluated with its Hessian; a halved one
    /// with the loss alone, then its gradient. Returns the accepted `t`, or `nil`.
    mutating func lineSearch(_ step: [Double]) -> Double? {
        let slope = zip(step, state.gradient).reduce(0) { $0 + $1.0 * $1.1 }
        var t = 1.0
        for halving in 0...options.maxHalvings {
            let trial = zip(theta, step).map { $0 + t * $1 }
            if halving == 0 {
                let full = problem.evaluate(trial, .lossGradientAndHessian)
                if MultinomialNewton.accepts(full, over: state, step: t * slope, armijo: options.armijo) {
                    if trial == theta { return nil }
                    (theta, state, hessianIsCurrent) = (trial, full, true)
                    return t
                }
            } else if problem.evaluate(trial, .loss).loss <= state.loss + options.armijo * t * slope {
                if trial == theta { return nil }
                theta = trial
                state = problem.evaluate(theta, .lossAndGradient)
                hessianIsCurrent = false
                return t
            }
            t /= 2
        }
        return nil
    }
}

extension MultinomialProblem {
    /// `10⁻³ max_j Σ_i w_i |x̃_ij|` (the intercept's column all ones): the gradient's scale, below
    /// which a zero start's gradient does not set the stopping threshold.
    func gradientUnit() -> Double {
        let n = sampleCount, d = featureCount
        var sums = [Double](repeating: 0, count: d)
        var total = 0.0
        x.withUnsafeBufferPointer { values in
            for i in 0..<n {
                let w = weight(i)
                total += w
                for j in 0..<d { sums[j] += w * abs(values[i * d + j]) }
            }
        }
        return 1e-3 * max(sums.max() ?? 0, fitIntercept ? total : 0)
    }
}
