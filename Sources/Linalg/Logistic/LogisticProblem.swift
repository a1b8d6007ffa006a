#if canImport(Glibc)
import Glibc
#endif

/// The data of an L2-regularised logistic regression, checked once:
/// `L(β) = −Σ_i w_i [y_i log σ(x_iᵀβ) + (1 − y_i) log(1 − σ(x_iᵀβ))] + λ βᵀβ`.
///
/// `x_i` is row `i` of `X` (`n × d`), `y_i ∈ {0, 1}`, `w_i ≥ 0` (1 when no weights are given).
/// The logits are `z_i = x_iᵀβ + o_i`, with fixed offsets `o_i` (0 when none are given); with
/// `fitIntercept` they are `z_i = x_iᵀβ + β₀ + o_i` and the intercept `β₀` is not penalised; the
/// parameter vector is then `(β₁ … β_d, β₀)`, the intercept last.
public struct LogisticProblem: Sendable {
    /// The design matrix `X`, `n × d`, one sample per row.
    public let x: Matrix<Double>
    /// The labels `y_i ∈ {0, 1}`.
    public let y: [Double]
    /// The per-sample weights `w_i ≥ 0`, or `nil` for all ones.
    public let sampleWeights: [Double]?
    /// The regularisation strength `λ ≥ 0` of `λ βᵀβ`.
    public let lambda: Double
    /// Whether an unpenalised intercept is fitted.
    public let fitIntercept: Bool
    /// The offsets `o_i` added to every logit (a known part of the linear predictor, such as a
    /// log exposure), or `nil` for all zeros.
    public let offsets: [Double]?
    /// Buffers kept between calls on this problem (shared by its copies).
    let workspaces = LogisticWorkspacePool()
    /// The other processes' shares of the rows, when the data set is split across an MPI job:
    /// every sum over rows is then reduced over all shares (see ``RowShareReduction``).
    public let rowShares: (any RowShareReduction)?
    /// `max_i |x_ij|` per column (how small or large each feature's values are).
    let columnMaxima: [Double]
    /// `10⁻³ max_j Σ_i w_i |x̃_ij|`: the scale of a gradient this data can produce (`|σ − y| ≤ 1`),
    /// the floor of the stopping rule, in the units of `X`.
    let gradientUnit: Double

    /// `n`.
    public var sampleCount: Int { x.rows }
    /// `d`.
    public var featureCount: Int { x.columns }
    /// The length of the parameter vector: `d`, or `d + 1` with an intercept.
    public var parameterCount: Int { x.columns + (fitIntercept ? 1 : 0) }

    /// Checks and stores the data. Throws, naming the row (and column), when `X`, `y`, the weights
    /// or the offsets differ in length, a label is not 0 or 1, any value is NaN or infinite,
    /// `λ < 0`, or a weight is negative.
    public init(
        x: Matrix<Double>, y: [Double], lambda: Double, sampleWeights: [Double]? = nil,
        fitIntercept: Bool = false, offsets: [Double]? = nil, rowShares: (any RowShareReduction)? = nil
    ) throws(LinalgError) {
        if let (i, j) = x.firstNonFinite { throw .nonFinite(what: "X", row: i, column: j) }
        try ModelChecks.checkBinaryData(
            rows: x.rows, y: y, lambda: lambda, sampleWeights: sampleWeights, offsets: offsets)
        self.init(
            checked: x, y: y, lambda: lambda, sampleWeights: sampleWeights, fitIntercept: fitIntercept,
            offsets: offsets, rowShares: rowShares)
    }

    /// Stores data that has been checked already (a subset of rows or another λ of a checked
    /// problem); the column summary is computed unless given.
    package init(
        checked x: Matrix<Double>, y: [Double], lambda: Double, sampleWeights: [Double]?, fitIntercept: Bool,
        offsets: [Double]?, summary: (maxima: [Double], gradientUnit: Double)? = nil,
        rowShares: (any RowShareReduction)? = nil
    ) {
        self.x = x
        self.y = y
        self.sampleWeights = sampleWeights
        self.lambda = lambda
        self.fitIntercept = fitIntercept
        self.offsets = offsets
        self.rowShares = rowShares
        let summary =
            summary
            ?? Self.columnSummary(x, sampleWeights: sampleWeights, fitIntercept: fitIntercept, rowShares: rowShares)
        columnMaxima = summary.maxima
        gradientUnit = summary.gradientUnit
    }

    /// `max_i |x_ij|` per column and `10⁻³ max_j Σ_i w_i |x̃_ij|` (the intercept's column is all ones).
    static func columnSummary(
        _ x: Matrix<Double>, sampleWeights: [Double]?, fitIntercept: Bool,
        rowShares: (any RowShareReduction)? = nil
    ) -> (maxima: [Double], gradientUnit: Double) {
        let n = x.rows, d = x.columns
        var maxima = [Double](repeating: 0, count: d), sums = maxima
        var totalWeight = 0.0
        x.withUnsafeBufferPointer { values in
            for i in 0..<n {
                let w = sampleWeights?[i] ?? 1
                totalWeight += w
                for j in 0..<d {
                    let a = abs(values[i * d + j])
                    maxima[j] = max(maxima[j], a)
                    sums[j] += w * a
                }
            }
        }
        if let rowShares {
            rowShares.maximum(&maxima)
            sums.append(totalWeight)
            rowShares.sum(&sums)
            totalWeight = sums.removeLast()
        }
        let largest = max(sums.max() ?? 0, fitIntercept ? totalWeight : 0)
        return (maxima, 1e-3 * largest)
    }

    /// Throws, naming the feature, when λ = 0 and a feature's values are so small that their
    /// squares are not normal doubles (below `√(2^−1022/ε) ≈ 1.5·10⁻¹⁴⁶`): its Hessian entries
    /// underflow, so Newton could not measure the curvature along it and would stall at `β = 0`
    /// or report a false convergence. (With λ > 0 the penalty's `2λ` dominates and the fit is
    /// right.) Too large values are caught when the Hessian overflows.
    func checkFeatureScales() throws(LinalgError) {
        guard lambda == 0 else { return }
        let smallest = (Double.leastNormalMagnitude / Double.ulpOfOne).squareRoot()
        for (j, largest) in columnMaxima.enumerated() where largest > 0 && largest < smallest {
            throw .invalidValue(
                what: "features",
                detail: "feature \(j + 1): its values are at most \(largest) in size, too small for their squares "
                    + "to be normal doubles, so its curvature underflows (λ = 0); rescale the features")
        }
    }

    /// The same data with the regularisation strength `λ` (no copy of `X`, no second check).
    public func withLambda(_ lambda: Double) throws(LinalgError) -> LogisticProblem {
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        return LogisticProblem(
            checked: x, y: y, lambda: lambda, sampleWeights: sampleWeights, fitIntercept: fitIntercept,
            offsets: offsets, summary: (columnMaxima, gradientUnit), rowShares: rowShares)
    }

    /// `Σ_i w_i`: the number of samples when weights are frequency weights.
    /// With row shares, the total over all of them (a collective call).
    public var totalWeight: Double {
        sumOverShares([sampleWeights?.reduce(0, +) ?? Double(sampleCount)])[0]
    }

    @inlinable
    func weight(_ i: Int) -> Double { sampleWeights?[i] ?? 1 }

    @inlinable
    func offset(_ i: Int) -> Double { offsets?[i] ?? 0 }

    /// The intercept-only model's `β₀ = logit(ȳ) = log(Σ w_i y_i / Σ w_i (1 − y_i))` over all row
    /// shares (the maximiser without offsets), or `nil` when every label is the same (then
    /// `β₀ → ±∞`).
    func nullIntercept() -> Double? {
        var positive = 0.0, total = 0.0
        for i in 0..<sampleCount {
            positive += weight(i) * y[i]
            total += weight(i)
        }
        let totals = sumOverShares([positive, total])
        (positive, total) = (totals[0], totals[1])
        guard positive > 0, positive < total else { return nil }
        return log(positive / (total - positive))
    }

    /// Throws when the `p × p` matrices of a Hessian pass (the Hessian, its Cholesky factor and
    /// the partial sums: about four) would not fit in physical memory: `d` comes from the user's
    /// data, and an allocation it cannot back must be an error, not a crash.
    func checkHessianFitsInMemory() throws(LinalgError) {
        let (fits, one) = ModelChecks.squareMatrixSize(parameterCount, copies: 4)
        guard !fits else { return }
        throw .invalidValue(
            what: "features",
            detail: "d = \(featureCount) features need a Hessian of \(one) (about four such matrices in a fit); "
                + SystemMemory.limitText)
    }

    /// Checks that a parameter vector has ``parameterCount`` finite entries.
    func validate(parameters: [Double]) throws(LinalgError) {
        guard parameters.count == parameterCount else {
            throw .shapeMismatch(
                operation: "logistic regression",
                detail:
                    "β has \(parameters.count) entries, expected \(parameterCount) (d = "
                    + "\(featureCount)\(fitIntercept ? " + intercept" : ""))"
            )
        }
        if let i = parameters.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "β", row: i, column: 0) }
    }
}
