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
    /// The Hessian-vector products (conjugate-gradient steps) of a truncated Newton fit; 0 for
    /// Newton-Cholesky.
    public var hessianVectorProducts = 0

    /// `L`, `∇L` and `∇²L` at `β`, when the last evaluation computed the Hessian: the next fit of
    /// a path starts from them without a pass over `X`.
    var finalState: NewtonStart?

    /// `(β₁ … β_d, β₀)`: the coefficients, then the intercept when fitted.
    public var parameters: [Double] { coefficients + (intercept.map { [$0] } ?? []) }
}
