/// Samples of a regression: inputs `x_i ∈ ℝ^{h₀}` and targets `y_i ∈ ℝ^{h_L}`, one sample per
/// row (`n × h₀` and `n × h_L`, row-major, as a data file holds them).
public struct RegressionSamples<Scalar: NeuralScalar>: Sendable {
    /// `n × h₀`, row `i` is sample `i`'s input.
    public let inputs: Matrix<Scalar>
    /// `n × h_L`, row `i` is sample `i`'s target.
    public let targets: Matrix<Scalar>
    /// Per-sample weights `w_i ≥ 0` (`nil`: all 1): a loss over the samples is the weighted mean
    /// `Σ_i w_i ℓ_i / Σ_i w_i` (scikit-learn's `sample_weight`), per mini-batch in training.
    public let weights: [Scalar]?
    /// `Σ_i w_i` (`n` without weights).
    public let totalWeight: Double

    /// `n`.
    @inlinable public var count: Int { inputs.rows }

    /// Samples from inputs and targets with one row per sample, and optionally one weight per
    /// sample; throws when the row counts differ, when there are no samples, when a value is not
    /// finite (naming its row and column), when a weight is negative, or when they sum to 0.
    public init(inputs: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Scalar]? = nil) throws(LinalgError) {
        guard inputs.rows == targets.rows else {
            throw .shapeMismatch(
                operation: "RegressionSamples",
                detail: "\(inputs.rows) input rows but \(targets.rows) target rows (one row per sample)")
        }
        guard inputs.rows > 0, inputs.columns > 0, targets.columns > 0 else {
            throw .invalidValue(
                what: "samples",
                detail: "need at least one sample with inputs and targets, got "
                    + "\(inputs.rows)×\(inputs.columns) inputs and \(targets.rows)×\(targets.columns) targets")
        }
        if let (i, j) = inputs.firstNonFinite { throw .nonFinite(what: "inputs", row: i, column: j) }
        if let (i, j) = targets.firstNonFinite { throw .nonFinite(what: "targets", row: i, column: j) }
        self.inputs = inputs
        self.targets = targets
        self.weights = weights
        totalWeight = try Self.checkedTotal(weights, count: inputs.rows)
    }

    /// `Σ_i w_i` after checking the weights' count and values (`n` without weights).
    static func checkedTotal(_ weights: [Scalar]?, count: Int) throws(LinalgError) -> Double {
        guard let weights else { return Double(count) }
        guard weights.count == count else {
            throw .shapeMismatch(
                operation: "RegressionSamples", detail: "\(weights.count) weights for \(count) samples")
        }
        if let i = weights.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "weights", row: i, column: 0) }
        if let i = weights.firstIndex(where: { $0 < 0 }) {
            throw .invalidValue(what: "weights", detail: "row \(i) is \(weights[i]); weights must be ≥ 0")
        }
        let total = weights.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { throw .invalidValue(what: "weights", detail: "they sum to 0") }
        return total
    }

    /// Copies the samples `order[start..<start + B]` into a net's `h × B` column layout (rows
    /// `stride` apart): `destination[r·stride + b] = source[order[start + b], r]`.
    @inlinable
    static func gather(
        _ source: UnsafePointer<Scalar>, width: Int, order: UnsafePointer<Int>, start: Int, batch: Int,
        into destination: UnsafeMutablePointer<Scalar>, stride: Int
    ) {
        for b in 0..<batch {
            let row = source + order[start + b] * width
            for r in 0..<width { destination[r * stride + b] = row[r] }
        }
    }
}
