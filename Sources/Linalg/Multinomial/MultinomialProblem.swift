/// The data of an L2-regularised multinomial logistic regression, checked once:
/// `L(Θ) = −Σ_i w_i log softmax(z_i)[y_i] + λ Σ_k ‖β_k‖²`, with logits `z_ic = x_iᵀβ_c + β_c0 + o_ic`
/// (`o_ic` a fixed per-class offset, 0 when none are given).
///
/// `x_i` is row `i` of `X` (`n × d`), `y_i ∈ {0, …, K − 1}` the index of its class, `w_i ≥ 0` (1
/// when no weights are given). The modelled classes are all `K` with `λ > 0` (scikit-learn's
/// parametrisation: the penalty makes the coefficients identifiable; the unpenalised intercepts
/// are fitted to sum to 0), and classes `1 … K − 1` against the first with `λ = 0` (statsmodels'
/// `MNLogit`: class 0's logit is 0). The parameters `Θ` are `m × d̃` (`m` modelled classes,
/// `d̃ = d + 1` with an intercept), row by row: class `k`'s `d` coefficients, then its intercept.
public struct MultinomialProblem: MultinomialParametrisation, Sendable {
    /// `n × d`.
    public let x: Matrix<Double>
    /// The class index of each row, in `0 ..< classCount`.
    public let classIndices: [Int]
    /// `K ≥ 2`.
    public let classCount: Int
    /// `λ ≥ 0`.
    public let lambda: Double
    /// `w_i`, or `nil` for all ones.
    public let sampleWeights: [Double]?
    /// Whether each modelled class has an unpenalised intercept.
    public let fitIntercept: Bool
    /// `n × K` fixed offsets `o_ic` added to the logits (exposures, or a prior model's logits), or
    /// `nil`. Only differences between a row's offsets matter (the softmax is unchanged when a
    /// constant is added to all of a row's logits), so with a reference class `o_ic − o_i0` enters.
    public let offsets: Matrix<Double>?

    /// `n`.
    public var sampleCount: Int { x.rows }
    /// `d`.
    public var featureCount: Int { x.columns }

    /// Checks and stores the data. Throws, naming the row, when the lengths differ, a class index
    /// is outside `0 ..< classCount`, a class has no sample of positive weight, any value is NaN or
    /// infinite, `λ < 0`, a weight is negative, `classCount < 2`, or the offsets are not `n × K`.
    public init(
        x: Matrix<Double>, classIndices: [Int], classCount: Int, lambda: Double, sampleWeights: [Double]? = nil,
        fitIntercept: Bool = true, offsets: Matrix<Double>? = nil
    ) throws(LinalgError) {
        guard x.rows == classIndices.count else {
            throw .shapeMismatch(
                operation: "multinomial regression",
                detail: "X has \(x.rows) rows but there are \(classIndices.count) labels")
        }
        guard classCount >= 2 else {
            throw .invalidValue(what: "classes", detail: "need at least 2 classes, got \(classCount)")
        }
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        guard x.columns > 0 || fitIntercept else {
            throw .invalidValue(what: "multinomial regression", detail: "no features and no intercept: nothing to fit")
        }
        if let (i, j) = x.firstNonFinite { throw .nonFinite(what: "X", row: i, column: j) }
        if let i = classIndices.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw .invalidValue(
                what: "labels", detail: "row \(i) has class \(classIndices[i]), outside 0 ..< \(classCount)")
        }
        try ModelChecks.checkSampleWeights(sampleWeights, count: x.rows, operation: "multinomial regression")
        if let offsets {
            guard offsets.rows == x.rows, offsets.columns == classCount else {
                throw .shapeMismatch(
                    operation: "multinomial regression",
                    detail: "offsets are \(offsets.rows)×\(offsets.columns), expected \(x.rows)×\(classCount)")
            }
            if let (i, j) = offsets.firstNonFinite { throw .nonFinite(what: "offsets", row: i, column: j) }
        }
        self.init(
            checked: x, classIndices: classIndices, classCount: classCount, lambda: lambda,
            sampleWeights: sampleWeights, fitIntercept: fitIntercept, offsets: offsets)
        if let empty = classWeights().firstIndex(where: { !($0 > 0) }) {
            throw .invalidValue(
                what: "labels", detail: "class \(empty) has no sample of positive weight; every class needs one")
        }
    }

    /// Stores data checked already (another λ of a checked problem, or a reader's checked table).
    package init(
        checked x: Matrix<Double>, classIndices: [Int], classCount: Int, lambda: Double, sampleWeights: [Double]?,
        fitIntercept: Bool, offsets: Matrix<Double>? = nil
    ) {
        self.x = x
        self.classIndices = classIndices
        self.classCount = classCount
        self.lambda = lambda
        self.sampleWeights = sampleWeights
        self.fitIntercept = fitIntercept
        self.offsets = offsets
    }

    /// `z_ik += o_{i,c(k)} − o_{i,0}` (the reference's offset subtracted when class 0 is not
    /// modelled) for the `rows` logits `z` (`rows.count × m`), when there are offsets.
    func addOffsets(rows: Range<Int>, to z: UnsafeMutablePointer<Double>) {
        guard let offsets else { return }
        let m = modelledClassCount, withReference = m < classCount
        offsets.withUnsafeBufferPointer { o in
            for (i, row) in rows.enumerated() {
                let oi = o.baseAddress! + row * classCount, shift = withReference ? oi[0] : 0
                for k in 0..<m { z[i * m + k] += oi[modelledClass(k)] - shift }
            }
        }
    }

    /// `w_i` (1 without weights).
    @inlinable
    func weight(_ i: Int) -> Double { sampleWeights?[i] ?? 1 }

    /// `Σ_{i: y_i = c} w_i` for every class `c`.
    public func classWeights() -> [Double] {
        var totals = [Double](repeating: 0, count: classCount)
        for (i, c) in classIndices.enumerated() { totals[c] += weight(i) }
        return totals
    }

    /// The same data with the regularisation strength `λ` (no copy of `X`, no second check);
    /// the parametrisation follows `λ` (`K` or `K − 1` modelled classes).
    public func withLambda(_ lambda: Double) throws(LinalgError) -> MultinomialProblem {
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        return MultinomialProblem(
            checked: x, classIndices: classIndices, classCount: classCount, lambda: lambda,
            sampleWeights: sampleWeights, fitIntercept: fitIntercept, offsets: offsets)
    }

    /// Throws when the `p × p` Hessian (and its factor, about three such matrices) would not fit
    /// in memory, naming the parameter count.
    func checkHessianFitsInMemory() throws(LinalgError) {
        let (fits, one) = ModelChecks.squareMatrixSize(parameterCount, copies: 3)
        guard !fits else { return }
        throw .invalidValue(
            what: "multinomial regression",
            detail: "\(modelledClassCount) classes × \(classWidth) parameters = \(parameterCount) need a Hessian of "
                + "\(one) (about three such matrices in a fit); " + SystemMemory.limitText)
    }

    /// Throws unless `theta` has `p` finite entries.
    func validate(parameters theta: [Double]) throws(LinalgError) {
        guard theta.count == parameterCount else {
            throw .shapeMismatch(
                operation: "multinomial regression",
                detail:
                    "\(theta.count) parameters, expected \(modelledClassCount) classes × \(classWidth) = "
                    + "\(parameterCount)"
            )
        }
        if let i = theta.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "parameters", row: i, column: 0) }
    }
}
