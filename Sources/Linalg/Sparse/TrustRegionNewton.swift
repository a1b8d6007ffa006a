/// Trust-region truncated Newton (TRON: Lin, Weng & Keerthi, JMLR 2008; LIBLINEAR's `tron.cpp`
/// with Hsia, Zhu & Lin's preconditioning, ACML 2017): each step minimises the quadratic model
/// `gᵀs + ½ sᵀHs` within `‖s‖_M ≤ Δ` by conjugate gradients preconditioned by
/// `M = (1 − a) I + a diag(H)` (`a = 0.01`), with exact Hessian-vector products, stopped at
/// `‖r‖ ≤ η ‖g‖` (both in the `M⁻¹` norm), `η = min(0.1, √(‖g‖/‖g₀‖))`
/// (superlinear near the minimiser), or at the boundary; the step is taken when the actual
/// reduction is at least `η₀ = 10⁻⁴` of the predicted one, and `Δ` is updated from their ratio
/// (`σ₁, σ₂, σ₃ = ¼, ½, 4`). The stopping rule is the dense Newton solver's:
/// `‖∇L‖ ≤ tol · max(‖∇L(θ₀)‖, g_unit)`, `g_unit = 10⁻³ max_j Σ_i w_i |x̃_ij|`.
/// What ``TrustRegionNewton`` minimises: a smooth convex objective of `p` parameters with its
/// gradient, Hessian diagonal and Hessian-vector products at the last evaluated point.
protocol TrustRegionObjective: AnyObject {
    /// The number of parameters.
    var p: Int { get }
    /// The L2 penalty `λ` (a separable problem is only possible at 0).
    var lambda: Double { get }
    /// `L(θ)`, keeping the point's state for the calls that follow.
    func evaluate(_ theta: [Double]) -> Double
    /// `∇L` and `diag ∇²L` at the last evaluated point.
    func gradientAndDiagonal(_ theta: [Double]) -> (gradient: [Double], diagonal: [Double])
    /// `out = ∇²L v` at the last evaluated point.
    func hessianProduct(_ v: [Double], into out: inout [Double])
    /// `max_j Σ_i w_i |x̃_ij|`: the gradient's natural unit, whose `10⁻³` floors the stopping rule.
    func gradientUnit() -> Double
    /// Whether the last evaluated point separates the classes (every weighted sample right).
    func separates() -> Bool
}

/// `‖v‖₂`.
func euclideanNorm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

struct TrustRegionNewton<Objective: TrustRegionObjective> {
    let objective: Objective
    let options: NewtonOptions
    var theta: [Double]
    var loss: Double, gradient: [Double], diagonal: [Double]
    var trace: [NewtonIteration] = []
    var iteration = 0, productCount = 0
    let initialNorm: Double, threshold: Double

    init(objective: Objective, options: NewtonOptions, start: [Double]? = nil, scale: Double? = nil) {
        self.objective = objective
        self.options = options
        theta = start ?? [Double](repeating: 0, count: objective.p)
        loss = objective.evaluate(theta)
        (gradient, diagonal) = objective.gradientAndDiagonal(theta)
        initialNorm = Self.norm(gradient)
        threshold = options.tolerance * max(scale ?? initialNorm, 1e-3 * objective.gradientUnit())
        trace.append(
            NewtonIteration(
                iteration: 0, loss: loss, gradientNorm: initialNorm, stepSize: 0, damping: 0, newtonDecrement: 0))
    }

    static func norm(_ v: [Double]) -> Double { euclideanNorm(v) }

    /// The preconditioner's diagonal at the current point.
    var preconditioner: [Double] { diagonal.map { 0.99 + 0.01 * $0 } }

    mutating func run() -> NewtonStopReason {
        var radius = Self.mNorm(gradient, preconditioner.map { 1 / $0 })
        var first = true
        while true {
            let norm = Self.norm(gradient)
            if norm <= threshold { return .converged }
            if objective.lambda == 0 && objective.separates() { return .separable }
            if iteration >= options.maxIterations { return .maxIterations }
            let m = preconditioner
            let (step, residual) = conjugateGradient(
                radius: radius, preconditioner: m,
                forcing: min(0.1, (norm / max(initialNorm, .leastNormalMagnitude)).squareRoot()))
            let trial = zip(theta, step).map { $0 + $1 }
            let gs = zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 }
            let predicted = -0.5 * (gs - zip(step, residual).reduce(0) { $0 + $1.0 * $1.1 })
            let trialLoss = objective.evaluate(trial)
            let actual = loss - trialLoss
            let stepNorm = Self.mNorm(step, m)
            if first { radius = min(radius, stepNorm) }
            first = false
            radius = Self.updatedRadius(
                radius, stepNorm: stepNorm, actual: actual, predicted: predicted, change: trialLoss - loss - gs, gs: gs)
            // Near the minimiser the predicted reduction falls below the rounding of L itself, where
            // the ratio of the two means nothing: such a step is taken as long as ‖∇L‖ keeps falling.
            let atNoise = predicted <= 1e-12 * abs(loss)
            if actual > 1e-4 * predicted || atNoise {
                iteration += 1
                (theta, loss) = (trial, trialLoss)
                (gradient, diagonal) = objective.gradientAndDiagonal(theta)
                let newNorm = Self.norm(gradient)
                trace.append(
                    NewtonIteration(
                        iteration: iteration, loss: loss, gradientNorm: newNorm, stepSize: 1, damping: 0,
                        newtonDecrement: max(0, -gs).squareRoot()))
                if atNoise && newNorm >= norm && newNorm > threshold { return .stagnated }
            } else {
                _ = objective.evaluate(theta)  // back to the current point's logits and weights
                if radius <= 1e-300 { return .lineSearchFailed }
            }
        }
    }

    /// `sqrt(vᵀ diag(m) v)`.
    static func mNorm(_ v: [Double], _ m: [Double]) -> Double {
        zip(v, m).reduce(0) { $0 + $1.0 * $1.0 * $1.1 }.squareRoot()
    }

    /// LIBLINEAR's radius update from the ratio of the actual to the predicted reduction.
    static func updatedRadius(
        _ radius: Double, stepNorm: Double, actual: Double, predicted: Double, change: Double, gs: Double
    ) -> Double {
        let (sigma1, sigma2, sigma3) = (0.25, 0.5, 4.0)
        let alpha = change <= 0 ? sigma3 : max(sigma1, -0.5 * (gs / change))
        if actual < 1e-4 * predicted { return min(alpha * stepNorm, sigma2 * radius) }
        if actual < 0.25 * predicted { return max(sigma1 * radius, min(alpha * stepNorm, sigma2 * radius)) }
        if actual < 0.75 * predicted { return max(sigma1 * radius, min(alpha * stepNorm, sigma3 * radius)) }
        return max(radius, min(alpha * stepNorm, sigma3 * radius))
    }

    /// Preconditioned CG on `Hs = −g` from `s = 0` within `‖s‖_M ≤ Δ`: the step and the residual
    /// `r = −g − Hs`. The CG vectors are made once per Newton step; the products write in place.
    mutating func conjugateGradient(
        radius: Double, preconditioner m: [Double], forcing eta: Double
    ) -> ([Double], [Double]) {
        let p = theta.count
        var s = [Double](repeating: 0, count: p), r = gradient.map { -$0 }
        var z = zip(r, m).map { $0 / $1 }, direction = z, hd = s
        var zr = Self.dot(z, r)
        let tolerance = eta * zr.squareRoot()
        for _ in 0..<max(1, min(p, 1000)) {
            if zr.squareRoot() <= tolerance { break }
            objective.hessianProduct(direction, into: &hd)
            productCount += 1
            let curvature = Self.dot(direction, hd)
            guard curvature > 0 else { break }
            var alpha = zr / curvature
            // ‖s + αd‖²_M = ‖s‖²_M + 2α sᵀMd + α²‖d‖²_M, without forming s + αd.
            let sd = (0..<p).reduce(0) { $0 + s[$1] * direction[$1] * m[$1] }
            let ss = Self.mNorm(s, m), dd = Self.mNorm(direction, m)
            let reachesBoundary = (ss * ss + 2 * alpha * sd + alpha * alpha * dd * dd).squareRoot() > radius
            if reachesBoundary {
                // Along `direction` to the boundary: the root τ ≥ 0 of ‖s + τd‖_M = Δ.
                let gap = radius * radius - ss * ss
                let root = (sd * sd + dd * dd * gap).squareRoot()
                alpha = sd >= 0 ? gap / (sd + root) : (root - sd) / (dd * dd)
            }
            for j in 0..<p {
                s[j] += alpha * direction[j]
                r[j] -= alpha * hd[j]
            }
            if reachesBoundary { break }
            for j in 0..<p { z[j] = r[j] / m[j] }
            let zrNext = Self.dot(z, r)
            for j in 0..<p { direction[j] = z[j] + zrNext / zr * direction[j] }
            zr = zrNext
        }
        return (s, r)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}
