/// An L2-regularised logistic regression on a sparse design (CSR), checked once: the same
/// objective as ``LogisticProblem``,
/// `L(β) = Σ_i w_i [log(1 + e^{z_i}) − y_i z_i] + λ‖β‖²`, `z_i = x_iᵀβ + β₀ + o_i`, fitted by
/// ``SparseLogisticRegression`` without ever forming the Hessian (or a dense `X`).
public struct SparseLogisticProblem<Scalar: MatrixScalar>: Sendable {
    /// `n × d`, CSR: `Double` or `Float` values (the solver works in `Double` either way; `Float` values
    /// halve their memory and give the fit of the same values stored as `Double`s).
    public let x: SparseMatrix<Scalar>
    /// Labels in {0, 1}.
    public let y: [Double]
    /// `λ ≥ 0`.
    public let lambda: Double
    /// `w_i`, or `nil` for all ones.
    public let sampleWeights: [Double]?
    /// Whether `β₀` is fitted (unpenalised).
    public let fitIntercept: Bool
    /// `o_i`, or `nil`.
    public let offsets: [Double]?
    /// The other processes' shares of the rows, when the data set is split across an MPI job: the
    /// loss, the gradient (with the Hessian's diagonal) and each Hessian-vector product are then
    /// summed over all shares, one reduction each (see ``RowShareReduction``).
    public let rowShares: (any RowShareReduction)?

    /// `n`.
    public var sampleCount: Int { x.rows }
    /// `d`.
    public var featureCount: Int { x.columns }
    /// `d`, or `d + 1` with an intercept.
    public var parameterCount: Int { x.columns + (fitIntercept ? 1 : 0) }

    /// Checks and stores the data: throws, naming the row, when the lengths differ, a label is not
    /// 0 or 1, a weight is negative or not finite, an offset is not finite or `λ < 0`, and, naming
    /// the sizes, when the solver's vectors (a few of length `n` and `d`) would not fit in memory.
    /// With `rowShares`, `x` holds this process's rows and every process's `x` has the same columns.
    public init(
        x: SparseMatrix<Scalar>, y: [Double], lambda: Double, sampleWeights: [Double]? = nil,
        fitIntercept: Bool = false, offsets: [Double]? = nil, rowShares: (any RowShareReduction)? = nil
    ) throws(LinalgError) {
        if let k = x.values.firstIndex(where: { !$0.isFinite }) {
            let i = x.rowOffsets.lastIndex { $0 <= Int64(k) }!
            throw .nonFinite(what: "X", row: i, column: Int(x.columnIndices[k]))
        }
        try ModelChecks.checkBinaryData(
            rows: x.rows, y: y, lambda: lambda, sampleWeights: sampleWeights, offsets: offsets)
        try Self.checkWorkspaceFits(rows: x.rows, columns: x.columns, nonzeros: x.nonzeroCount)
        (self.x, self.y, self.lambda, self.sampleWeights) = (x, y, lambda, sampleWeights)
        (self.fitIntercept, self.offsets, self.rowShares) = (fitIntercept, offsets, rowShares)
    }

    /// Stores data checked already (another λ, or a fold).
    package init(
        checked x: SparseMatrix<Scalar>, y: [Double], lambda: Double, sampleWeights: [Double]?, fitIntercept: Bool,
        offsets: [Double]?, rowShares: (any RowShareReduction)? = nil
    ) {
        (self.x, self.y, self.lambda, self.sampleWeights) = (x, y, lambda, sampleWeights)
        (self.fitIntercept, self.offsets, self.rowShares) = (fitIntercept, offsets, rowShares)
    }

    /// The same data at another λ (shared, not copied); `lambda` must be finite and ≥ 0.
    public func withLambda(_ lambda: Double) -> SparseLogisticProblem<Scalar> {
        precondition(lambda.isFinite && lambda >= 0, "SparseLogisticProblem.withLambda: λ = \(lambda)")
        return SparseLogisticProblem(
            checked: x, y: y, lambda: lambda, sampleWeights: sampleWeights, fitIntercept: fitIntercept,
            offsets: offsets, rowShares: rowShares)
    }

    /// Throws unless the solver's vectors fit in memory: 12 of length `d` (iterate, gradient,
    /// preconditioner, CG vectors) and 8 of length `n`, plus the products' partial sums.
    static func checkWorkspaceFits(rows: Int, columns: Int, nonzeros: Int) throws(LinalgError) {
        let (columnBytes, overflowColumns) = columns.multipliedReportingOverflow(by: 12 * MemoryLayout<Double>.stride)
        let (rowBytes, overflowRows) = rows.multipliedReportingOverflow(by: 8 * MemoryLayout<Double>.stride)
        let partials = SparseProducts<Scalar>.workspaceBytes(rows: rows, columns: columns, nonzeros: nonzeros)
        let (sum, overflowSum) = columnBytes.addingReportingOverflow(rowBytes)
        guard !overflowColumns, !overflowRows, !overflowSum,
            sum <= SystemMemory.limit - min(partials, SystemMemory.limit)
        else {
            throw .invalidValue(
                what: "logistic regression",
                detail: "\(rows) rows × \(columns) columns need about "
                    + "\(SystemMemory.formatted(overflowColumns || overflowSum ? Int.max : sum + partials)) "
                    + "of solver vectors; " + SystemMemory.limitText)
        }
    }

    /// `w_i` (1 without weights).
    @inlinable
    func weight(_ i: Int) -> Double { sampleWeights?[i] ?? 1 }
}
