#if canImport(Glibc)
import Glibc
#endif

/// A fitted logistic regression to apply to new data: `P(y = 1 | x) = σ(xᵀβ + β₀ + o)`, with
/// the features named so that the columns of another table can be matched to them.
public struct LogisticModel: Sendable, Equatable {
    /// The feature names, in the order of ``coefficients``.
    public var featureNames: [String]
    /// `β₁ … β_d`.
    public var coefficients: [Double]
    /// `β₀`, or `nil` for a model without one.
    public var intercept: Double?
    /// The `λ` it was fitted with.
    public var lambda: Double
    /// The name of the offset column, or `nil` for a model without offsets.
    public var offsetColumn: String?
    /// The covariance of `(β, β₀)` at the fit, or `nil` when it was not defined or not computed.
    public var covariance: Matrix<Double>?

    /// A model from its parts; throws when the names and coefficients differ in count, a number
    /// is not finite, `λ < 0`, or the covariance is not `p × p` (`p` = coefficients + intercept).
    public init(
        featureNames: [String], coefficients: [Double], intercept: Double?, lambda: Double,
        offsetColumn: String? = nil, covariance: Matrix<Double>? = nil
    ) throws(LinalgError) {
        guard featureNames.count == coefficients.count else {
            throw .shapeMismatch(
                operation: "logistic model",
                detail: "\(featureNames.count) feature names for \(coefficients.count) coefficients")
        }
        if let i = coefficients.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: "coefficients", row: i, column: 0)
        }
        if let intercept, !intercept.isFinite { throw .nonFinite(what: "intercept", row: 0, column: 0) }
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        let p = coefficients.count + (intercept == nil ? 0 : 1)
        if let covariance, covariance.rows != p || covariance.columns != p {
            throw .shapeMismatch(
                operation: "logistic model",
                detail: "the covariance is \(covariance.rows)×\(covariance.columns), expected \(p)×\(p)")
        }
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.lambda = lambda
        self.offsetColumn = offsetColumn
        self.covariance = covariance
    }

    /// `σ(z) = 1/(1 + e^{−z})`, as `e^{z}/(1 + e^{z})` for `z < 0` so that neither tail loses
    /// its relative accuracy.
    public static func probability(_ z: Double) -> Double { Logistic.sigmoid(z) }

    /// The linear predictor `z_i = x_iᵀβ + β₀ + o_i` of every row of `x`, whose columns are the
    /// model's features in order (one BLAS `gemv`).
    public func logits(_ x: Matrix<Double>, offsets: [Double]? = nil) throws(LinalgError) -> [Double] {
        guard x.columns == coefficients.count else {
            throw .shapeMismatch(
                operation: "logistic prediction", detail: "X has \(x.columns) columns, the model \(coefficients.count)")
        }
        if let offsets, offsets.count != x.rows {
            throw .shapeMismatch(
                operation: "logistic prediction", detail: "\(offsets.count) offsets for \(x.rows) rows")
        }
        var z = [Double](repeating: intercept ?? 0, count: x.rows)
        if let offsets { for i in z.indices { z[i] += offsets[i] } }
        try BLAS.gemv(x, coefficients, into: &z, beta: 1)
        return z
    }
}

extension LogisticFit {
    /// The fit as a model with the given feature names (and the covariance, when inference was
    /// computed and defined).
    public func model(
        featureNames: [String], lambda: Double, offsetColumn: String? = nil
    ) throws(LinalgError) -> LogisticModel {
        try LogisticModel(
            featureNames: featureNames, coefficients: coefficients, intercept: intercept, lambda: lambda,
            offsetColumn: offsetColumn, covariance: inference?.covariance)
    }
}
