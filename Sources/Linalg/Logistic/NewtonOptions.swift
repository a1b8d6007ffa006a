/// Settings of the damped Newton solver for ``LogisticProblem``.
public struct NewtonOptions: Sendable, Equatable {
    /// Stop when `‖∇L(β_k)‖ ≤ tolerance · max(‖∇L(β₀)‖, g_unit)`, with
    /// `g_unit = 10⁻³ max_j Σ_i w_i |x̃_ij|` (scale-invariant: see
    /// ``LogisticRegression/fit(_:options:initial:inference:)``). The default `1e-10` puts `β`
    /// within about `1e-10` (relative) of the minimiser for well-conditioned problems;
    /// scikit-learn's default (`1e-4` on the mean loss) is far looser.
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
