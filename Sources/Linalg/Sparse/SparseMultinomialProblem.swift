/// Multinomial logistic regression on a sparse design (CSR), checked once: the objective and the
/// parametrisation of ``MultinomialProblem`` (all `K` classes with `λ > 0`, classes `1 … K − 1`
/// against class 0 with `λ = 0`; `Θ` row by row, each modelled class's `d` coefficients then its
/// intercept), fitted by ``SparseMultinomialRegression`` without a dense `X` or Hessian.
public struct SparseMultinomialProblem: MultinomialParametrisation, Sendable {
    /// `n × d`, CSR.
    public let x: SparseMatrix<Double>
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
    /// The other processes' shares of the rows, when the data set is split across an MPI job: the
    /// loss, the gradient, the Hessian's diagonal and each Hessian-vector product are then summed over
    /// all shares (see ``RowShareReduction``).
    public let rowShares: (any RowShareReduction)?

    /// `n`.
    public var sampleCount: Int { x.rows }
    /// `d`.
    public var featureCount: Int { x.columns }

    /// Checks and stores the data: throws, naming the row, when the lengths differ, a class index is
    /// outside `0 ..< classCount`, a class has no sample of positive weight, a value or weight is not
    /// finite (or negative), `λ < 0` or `K < 2`, and when the solver's vectors (about a dozen of
    /// `m d̃` and a few `n × m` matrices) would not fit in memory. With `rowShares`, `x` holds this
    /// process's rows (every process's `x` with the same columns) and a class need only have weight on
    /// some share: ``SparseMultinomialRegression`` checks the classes' total weights (a collective call).
    public init(
        x: SparseMatrix<Double>, classIndices: [Int], classCount: Int, lambda: Double, sampleWeights: [Double]? = nil,
        fitIntercept: Bool = true, rowShares: (any RowShareReduction)? = nil
    ) throws(LinalgError) {
        guard x.rows == classIndices.count else {
            throw .shapeMismatch(
                operation: "multinomial regression",
                detail: "X has \(x.rows) rows but there are \(classIndices.count) labels")
        }
        guard classCount >= 2 else {
            throw .invalidValue(what: "classes", detail: "need at least 2, got \(classCount)")
        }
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        if let k = x.values.firstIndex(where: { !$0.isFinite }) {
            let i = x.rowOffsets.lastIndex { $0 <= Int64(k) }!
            throw .nonFinite(what: "X", row: i, column: Int(x.columnIndices[k]))
        }
        if let i = classIndices.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw .invalidValue(
                what: "labels", detail: "row \(i) has class \(classIndices[i]), outside 0 ..< \(classCount)")
        }
        try ModelChecks.checkSampleWeights(sampleWeights, count: x.rows, operation: "multinomial regression")
        // The shape from the arguments: self is not initialised yet.
        let m = lambda > 0 ? classCount : classCount - 1, width = x.columns + (fitIntercept ? 1 : 0)
        let (vectors, overflow) = (m * width).multipliedReportingOverflow(by: 16 * MemoryLayout<Double>.stride)
        let (rows, rowsOverflow) = (x.rows * m).multipliedReportingOverflow(by: 6 * MemoryLayout<Double>.stride)
        guard !overflow, !rowsOverflow, vectors + rows <= SystemMemory.limit else {
            throw .invalidValue(
                what: "multinomial regression",
                detail: "\(m) classes × \(width) parameters on \(x.rows) rows need more memory than the limit; "
                    + SystemMemory.limitText)
        }
        (self.x, self.classIndices, self.classCount, self.lambda) = (x, classIndices, classCount, lambda)
        (self.sampleWeights, self.fitIntercept, self.rowShares) = (sampleWeights, fitIntercept, rowShares)
        if rowShares == nil { try checkClassWeights() }
    }

    /// Stores data checked already (another λ, or a fold).
    init(
        checked x: SparseMatrix<Double>, classIndices: [Int], classCount: Int, lambda: Double,
        sampleWeights: [Double]?, fitIntercept: Bool, rowShares: (any RowShareReduction)? = nil
    ) {
        (self.x, self.classIndices, self.classCount, self.lambda) = (x, classIndices, classCount, lambda)
        (self.sampleWeights, self.fitIntercept, self.rowShares) = (sampleWeights, fitIntercept, rowShares)
    }

    /// Throws, naming the class, unless every class has positive total weight (over all shares).
    func checkClassWeights() throws(LinalgError) {
        if let empty = classWeights().firstIndex(where: { !($0 > 0) }) {
            throw .invalidValue(what: "labels", detail: "class \(empty) has no sample of positive weight")
        }
    }

    /// The same data at another λ (the parametrisation follows it); `lambda` must be finite and ≥ 0.
    public func withLambda(_ lambda: Double) -> SparseMultinomialProblem {
        precondition(lambda.isFinite && lambda >= 0, "SparseMultinomialProblem.withLambda: λ = \(lambda)")
        return SparseMultinomialProblem(
            checked: x, classIndices: classIndices, classCount: classCount, lambda: lambda,
            sampleWeights: sampleWeights, fitIntercept: fitIntercept, rowShares: rowShares)
    }

    /// The rows `rows` as a problem of their own (a fold; all `K` classes kept).
    func subset(rows: [Int]) -> SparseMultinomialProblem {
        SparseMultinomialProblem(
            checked: x.rows(rows), classIndices: rows.map { classIndices[$0] }, classCount: classCount, lambda: lambda,
            sampleWeights: sampleWeights.map { w in rows.map { w[$0] } }, fitIntercept: fitIntercept)
    }

    /// `Σ_{i: y_i = c} w_i` per class (over all shares).
    func classWeights() -> [Double] {
        var totals = [Double](repeating: 0, count: classCount)
        for (i, c) in classIndices.enumerated() { totals[c] += sampleWeights?[i] ?? 1 }
        rowShares?.sum(&totals)
        return totals
    }
}
