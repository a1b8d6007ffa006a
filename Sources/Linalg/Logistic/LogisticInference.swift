#if canImport(Glibc)
import Glibc
#endif

/// What ``LogisticRegression/inference(for:problem:options:)`` computes besides the defaults.
public struct InferenceOptions: Sendable, Equatable {
    /// The level `α` of the `(1 − α)` confidence intervals, in (0, 1); 0.05 by default.
    public var alpha: Double
    /// Whether the covariance is the HC0 sandwich `H⁻¹ (Σ w_i² r_i² x̃_i x̃_iᵀ) H⁻¹` (robust to a
    /// misspecified variance) rather than `H⁻¹`.
    public var robust: Bool

    /// `(1 − α)` intervals with the model-based covariance `H⁻¹`, or the HC0 sandwich with `robust`;
    /// `α` is checked (in (0, 1)) when the inference runs.
    public init(alpha: Double = 0.05, robust: Bool = false) {
        self.alpha = alpha
        self.robust = robust
    }

    func validate() throws(LinalgError) {
        guard alpha > 0, alpha < 1 else {
            throw .invalidValue(what: "alpha", detail: "must lie in (0, 1), got \(alpha)")
        }
    }
}

/// A two-sided confidence interval `[lower, upper]` for one parameter.
public struct ConfidenceInterval: Sendable, Equatable {
    /// `θ̂_j − Φ⁻¹(1 − α/2) se_j`.
    public var lower: Double
    /// `θ̂_j + Φ⁻¹(1 − α/2) se_j`.
    public var upper: Double
}

/// Something about a fit that its user should act on.
public enum LogisticDiagnostic: Sendable, Equatable {
    /// λ = 0 and the data are linearly separable: no finite minimiser exists.
    case completeSeparation
    /// λ = 0 and `rows` samples have fitted probabilities equal to their labels, 0 or 1, to
    /// within `√ε ≈ 1.5·10⁻⁸` (`|z_i| > 18`): the parameters that separate them drift towards
    /// infinity, and their standard errors mean little.
    case quasiCompleteSeparation(rows: Int)
    /// The Hessian at `β̂` is singular or nearly so (Cholesky failed, the solver needed damping in
    /// its last step, or the reciprocal condition estimate is below `10⁻¹²`). `parameters` are the
    /// indices (into the parameter vector) that take part in the near-linear dependence; the
    /// covariance is then not defined.
    case singularHessian(parameters: [Int], reciprocalCondition: Double)
    /// The solver stopped for another reason than convergence.
    case notConverged(NewtonStopReason)

    /// A sentence for a person, with parameters named by `names` (one per parameter).
    public func message(parameterNames names: [String]) -> String {
        switch self {
        case .completeSeparation:
            return "complete separation: with λ = 0 the data are linearly separable, so no finite maximum "
                + "likelihood estimate exists; standard errors are meaningless (use λ > 0 or remove the separating "
                + "features)"
        case .quasiCompleteSeparation(let rows):
            return "quasi-complete separation: \(rows) row\(rows == 1 ? " has" : "s have") fitted probability 0 or 1 "
                + "to within 1.5e-8 (numerically certain); some coefficients may be infinite in the limit and "
                + "their standard errors are "
                + "not reliable"
        case .singularHessian(let parameters, let reciprocal):
            let named = parameters.map { $0 < names.count ? names[$0] : "#\($0 + 1)" }
            let columns = named.isEmpty ? "" : " among " + named.joined(separator: ", ")
            return "singular Hessian: near-linear dependence\(columns) (reciprocal condition \(reciprocal)); "
                + "the covariance is not defined, so no standard errors are given"
        case .notConverged(let reason):
            return "the fit did not converge (\(reason.rawValue)); the statistics describe the last iterate"
        }
    }
}

/// Statistical inference at a fitted `β̂`: covariance, standard errors, Wald tests, confidence
/// intervals, likelihoods and information criteria, with diagnostics.
///
/// Vectors run over the parameter vector: the coefficients, then the intercept when fitted.
/// `covariance` and everything derived from it are `nil` when the Hessian is singular or nearly so
/// (see ``LogisticDiagnostic/singularHessian(parameters:reciprocalCondition:)``).
public struct LogisticInference: Sendable {
    /// The options the statistics were computed with.
    public var options: InferenceOptions
    /// `H(β̂)⁻¹` (or the HC0 sandwich), `p × p`.
    public var covariance: Matrix<Double>?
    /// `√diag(covariance)`.
    public var standardErrors: [Double]?
    /// `β̂_j / se_j`.
    public var zValues: [Double]?
    /// `2Φ(−|z_j|)`.
    public var pValues: [Double]?
    /// `β̂_j ∓ Φ⁻¹(1 − α/2) se_j`.
    public var confidenceIntervals: [ConfidenceInterval]?
    /// `ℓ(β̂) = Σ w_i [y_i z_i − log(1 + e^{z_i})]`, without the penalty.
    public var logLikelihood: Double
    /// `ℓ` of the null model: intercept (and offsets) only when an intercept is fitted, else `β = 0`.
    public var nullLogLikelihood: Double
    /// `−2ℓ`.
    public var deviance: Double { -2 * logLikelihood }
    /// `−2ℓ_null`.
    public var nullDeviance: Double { -2 * nullLogLikelihood }
    /// `p`, the parameters including the intercept.
    public var parameterCount: Int
    /// `n = Σ w_i` (weights are frequency weights).
    public var sampleSize: Double
    /// `2p − 2ℓ`.
    public var aic: Double { 2 * Double(parameterCount) - 2 * logLikelihood }
    /// `p ln n − 2ℓ`.
    public var bic: Double { Double(parameterCount) * log(sampleSize) - 2 * logLikelihood }
    /// McFadden's `1 − ℓ/ℓ_null`; `nil` when `ℓ_null = 0` (all labels equal).
    public var pseudoR2: Double? { nullLogLikelihood < 0 ? 1 - logLikelihood / nullLogLikelihood : nil }
    /// LAPACK's (`dpocon`) estimate of `1/κ₁(H) = 1/(‖H‖₁‖H⁻¹‖₁)`; 0 when `H` is not positive
    /// definite.
    public var reciprocalCondition: Double
    /// `κ₁(H) = 1 / reciprocalCondition`; `nil` when `H` is singular (not positive definite).
    public var conditionNumber: Double? { reciprocalCondition > 0 ? 1 / reciprocalCondition : nil }
    /// What the user should know about this fit.
    public var diagnostics: [LogisticDiagnostic]
}
