/// Truncated Newton for ``MultinomialProblem`` when the Hessian is too costly to form: each step
/// solves `H Δ = −∇L` approximately by conjugate gradients, preconditioned by a Kronecker
/// approximation of `H` (``KroneckerPreconditioner``), with exact
/// Hessian-vector products (two GEMMs with `X` each, ``MultinomialProductPass``), to the forcing
/// tolerance `‖HΔ + ∇L‖ ≤ η‖∇L‖`, `η = min(½, √(‖∇L‖/‖∇L₀‖))`
/// (superlinear near the minimiser;
/// Eisenstat & Walker), then an Armijo line search whose accepted point's pass also gives the next
/// gradient and probabilities. The same stopping rule as ``MultinomialNewton``; intercepts that sum
/// to 0 (λ > 0) are kept so by removing their mean from each step.
struct MultinomialNewtonCG {
    let problem: MultinomialProblem
    let options: NewtonOptions
    var theta: [Double]
    var state: MultinomialState
    /// `P` (`n × m`) at `theta`.
    var probabilities: [Double]
    /// A trial point's `P`, swapped with `probabilities` when the point is accepted (no copy, no
    /// fresh pages per line search).
    var trialProbabilities: [Double]
    var iteration = 0, productCount = 0
    var trace: [NewtonIteration] = []
    let threshold: Double, initialNorm: Double
    /// `G = Σ_i w_i x̃_i x̃_iᵀ` decomposed, for the preconditioner.
    let featureGram: (values: [Double], vectors: Matrix<Double>)

    init(
        problem: MultinomialProblem, options: NewtonOptions, start: (theta: [Double], scale: Double)? = nil
    )
        throws(LinalgError)
    {
        self.problem = problem
        self.options = options
        featureGram = try KroneckerPreconditioner.featureGram(problem)
        theta = start?.theta ?? [Double](repeating: 0, count: problem.parameterCount)
        probabilities = [Double](repeating: 0, count: max(1, problem.sampleCount * problem.modelledClassCount))
        state = MultinomialNewtonCG.evaluate(problem, theta, into: &probabilities)
        trialProbabilities = probabilities
        initialNorm = MultinomialNewton.norm(state.gradient)
        threshold = options.tolerance * max(start?.scale ?? initialNorm, problem.gradientUnit())
        trace.append(
            NewtonIteration(
                iteration: 0, loss: state.loss, gradientNorm: initialNorm, stepSize: 0, damping: 0, newtonDecrement: 0))
    }

    /// `L` and `∇L` at `theta`, with the probabilities kept.
    static func evaluate(
        _ problem: MultinomialProblem, _ theta: [Double], into probabilities: inout [Double]
    )
        -> MultinomialState
    {
        let pass = MultinomialPass(problem, .lossAndGradient)
        return probabilities.withUnsafeMutableBufferPointer { out in
            pass.probabilitiesOut = out.baseAddress
            return problem.evaluate(theta, pass: pass)
        }
    }

    mutating func run() throws(LinalgError) -> NewtonStopReason {
        while true {
            let norm = MultinomialNewton.norm(state.gradient)
            if norm <= threshold { return .converged }
            if problem.lambda == 0 && state.smallestOwnProbability > 0.5 { return .separable }
            if iteration >= options.maxIterations { return .maxIterations }
            let step = try conjugateGradientStep(
                forcing: min(0.5, (norm / max(initialNorm, .leastNormalMagnitude)).squareRoot()))
            let slope = zip(step, state.gradient).reduce(0) { $0 + $1.0 * $1.1 }
            guard slope < 0, let t = lineSearch(step, slope: slope) else { return .lineSearchFailed }
            iteration += 1
            trace.append(
                NewtonIteration(
                    iteration: iteration, loss: state.loss, gradientNorm: MultinomialNewton.norm(state.gradient),
                    stepSize: t, damping: 0, newtonDecrement: (-slope).squareRoot()))
        }
    }

    /// Preconditioned CG on `H Δ = −∇L` from `Δ = 0`, stopped at `‖r‖ ≤ η‖∇L‖` or after `p`
    /// products.
    mutating func conjugateGradientStep(forcing eta: Double) throws(LinalgError) -> [Double] {
        let p = problem.parameterCount
        return try probabilities.withUnsafeBufferPointer { probabilities throws(LinalgError) in
            let pass = MultinomialProductPass(problem, probabilities: probabilities.baseAddress!)
            let preconditioner = try KroneckerPreconditioner(
                featureGram: featureGram, probabilities: probabilities.baseAddress!, problem: problem)
            var step = [Double](repeating: 0, count: p)
            var residual = state.gradient.map { -$0 }
            var z = try preconditioner.apply(residual)
            var direction = z
            var rz = zip(residual, z).reduce(0) { $0 + $1.0 * $1.1 }
            let target = eta * MultinomialNewton.norm(state.gradient)
            for _ in 0..<max(1, min(p, 500)) {
                let hd = pass.product(direction)
                productCount += 1
                let curvature = zip(direction, hd).reduce(0) { $0 + $1.0 * $1.1 }
                guard curvature > 0 else { break }
                let alpha = rz / curvature
                for j in 0..<p {
                    step[j] += alpha * direction[j]
                    residual[j] -= alpha * hd[j]
                }
                if MultinomialNewton.norm(residual) <= target { break }
                z = try preconditioner.apply(residual)
                let next = zip(residual, z).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<p { direction[j] = z[j] + next / rz * direction[j] }
                rz = next
            }
            centreIntercepts(&step)
            return step.allSatisfy(\.isFinite) && step.contains { $0 != 0 } ? step : state.gradient.map { -$0 }
        }
    }

    /// With λ > 0 and intercepts, `L` is flat along "all intercepts + c": the step's component
    /// along it is removed, so the intercepts keep summing to 0.
    func centreIntercepts(_ step: inout [Double]) {
        guard problem.lambda > 0, problem.fitIntercept else { return }
        let m = problem.modelledClassCount, width = problem.classWidth
        let mean = (0..<m).reduce(0) { $0 + step[$1 * width + width - 1] } / Double(m)
        for k in 0..<m { step[k * width + width - 1] -= mean }
    }

    /// Armijo halving from `t = 1`; the accepted point's pass gives its gradient and probabilities.
    mutating func lineSearch(_ step: [Double], slope: Double) -> Double? {
        var t = 1.0
        for _ in 0...options.maxHalvings {
            let trial = zip(theta, step).map { $0 + t * $1 }
            let evaluated = MultinomialNewtonCG.evaluate(problem, trial, into: &trialProbabilities)
            if MultinomialNewton.accepts(evaluated, over: state, step: t * slope, armijo: options.armijo) {
                if trial == theta { return nil }
                (theta, state) = (trial, evaluated)
                swap(&probabilities, &trialProbabilities)
                return t
            }
            t /= 2
        }
        return nil
    }
}
