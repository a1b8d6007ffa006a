#if canImport(Glibc)
import Glibc
#endif

/// A fitted multinomial logistic regression to apply to new data: `P(y = c | x) = softmax(z)_c`
/// with `z_c = xᵀβ_k + β_k0` for the modelled class `c = modelledClasses[k]` and `z_c = 0` for a
/// class not modelled (the reference of an unpenalised fit), its features named so that the
/// columns of another table can be matched to them.
public struct MultinomialModel: Sendable, Equatable {
    /// The feature names, in the order of the coefficients' columns.
    public var featureNames: [String]
    /// `K`.
    public var classCount: Int
    /// The class of each row of ``coefficients``.
    public var modelledClasses: [Int]
    /// `m × d`.
    public var coefficients: Matrix<Double>
    /// `β_k0` per modelled class, or `nil`.
    public var intercepts: [Double]?
    /// The `λ` it was fitted with.
    public var lambda: Double
    /// The names of the columns of per-class offsets it was fitted with (`K`, in class order), or
    /// `nil`: a table to apply it to needs them.
    public var offsetColumns: [String]?

    /// A model from its parts; throws when the shapes disagree, a class index is out of range or
    /// repeated, or there are offset columns but not one per class.
    public init(
        featureNames: [String], classCount: Int, modelledClasses: [Int], coefficients: Matrix<Double>,
        intercepts: [Double]?, lambda: Double, offsetColumns: [String]? = nil
    ) throws(LinalgError) {
        if let offsetColumns, offsetColumns.count != classCount {
            throw .shapeMismatch(
                operation: "multinomial model",
                detail: "\(offsetColumns.count) offset columns for \(classCount) classes")
        }
        self.offsetColumns = offsetColumns
        let m = modelledClasses.count
        guard classCount >= 2, m >= classCount - 1, m <= classCount,
            Set(modelledClasses).count == m, modelledClasses.allSatisfy({ (0..<classCount).contains($0) })
        else {
            throw .invalidValue(
                what: "multinomial model",
                detail: "modelled classes \(modelledClasses) do not fit \(classCount) classes")
        }
        guard coefficients.rows == m, coefficients.columns == featureNames.count,
            intercepts.map({ $0.count == m }) ?? true
        else {
            throw .shapeMismatch(
                operation: "multinomial model",
                detail: "\(m) classes and \(featureNames.count) features, coefficients "
                    + "\(coefficients.rows)×\(coefficients.columns), \(intercepts?.count ?? 0) intercepts")
        }
        if let (i, j) = coefficients.firstNonFinite { throw .nonFinite(what: "coefficients", row: i, column: j) }
        if let i = intercepts?.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: "intercepts", row: i, column: 0)
        }
        self.featureNames = featureNames
        self.classCount = classCount
        self.modelledClasses = modelledClasses
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.lambda = lambda
    }

    /// The class probabilities of the rows of `x` (`n × K`, each row summing to 1): the softmax of
    /// the logits (shifted by the largest, so no exponential overflows), the logits by one GEMM, with
    /// the rows' per-class `offsets` (`n × K`) added when given.
    public func probabilities(_ x: Matrix<Double>, offsets: Matrix<Double>? = nil) throws(LinalgError) -> Matrix<Double>
    {
        guard x.columns == coefficients.columns else {
            throw .shapeMismatch(
                operation: "multinomial prediction",
                detail: "X has \(x.columns) columns, the model \(coefficients.columns)")
        }
        if let offsets, offsets.rows != x.rows || offsets.columns != classCount {
            throw .shapeMismatch(
                operation: "multinomial prediction",
                detail: "offsets are \(offsets.rows)×\(offsets.columns), expected \(x.rows)×\(classCount)")
        }
        let logits = try BLAS.gemm(x, coefficients, transposeB: true)
        let (n, m, k) = (x.rows, coefficients.rows, classCount)
        var result = try Matrix<Double>(rows: n, columns: k)
        var full = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for c in 0..<k { full[c] = offsets?[i, c] ?? 0 }
            for c in 0..<m { full[modelledClasses[c]] += logits[i, c] + (intercepts?[c] ?? 0) }
            let largest = full.max()!
            let total = full.reduce(0) { $0 + exp($1 - largest) }
            for c in 0..<k { result[i, c] = exp(full[c] - largest) / total }
        }
        return result
    }
}
