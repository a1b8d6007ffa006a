import Linalg
import LinalgData

/// Which columns of a table are the label and the weights; every other column is a feature.
struct LogisticColumns {
    /// The label column's name; `nil`: the last column.
    var label: String?
    /// The weights column's name, if any.
    var weights: String?
    /// Whether labels −1/+1 (libsvm's convention) become 0/1.
    var mapsSignedLabels: Bool

    /// The problem and the feature names; bad labels and weights are named by file, line and column.
    /// The table is consumed: the label and weight columns are taken out of it in place, so X is
    /// the table's own storage, not a copy.
    func problem(
        from table: consuming DataTable, lambda: Double, fitIntercept: Bool
    ) throws -> (LogisticProblem, [String]) {
        let labelIndex: Int
        do throws(DataError) {
            labelIndex =
                try label.map { name throws(DataError) in try table.columnIndex(named: name, option: "--label") }
                ?? table.columnCount - 1
        } catch { throw UserError(error.description) }
        var weightIndex: Int?
        if let weights {
            do throws(DataError) { weightIndex = try table.columnIndex(named: weights, option: "--weights") } catch {
                throw UserError(error.description)
            }
            guard weightIndex != labelIndex else { throw UserError("--weights: '\(weights)' is the label column") }
        }
        guard table.columnCount - 1 - (weightIndex == nil ? 0 : 1) >= 1 else {
            throw UserError(
                "\(table.source): no feature columns besides the label\(weightIndex == nil ? "" : " and the weights")")
        }
        let signed = mapsSignedLabels && (0..<table.rowCount).contains { table.values[$0, labelIndex] == -1 }
        for i in 0..<table.rowCount {
            let value = table.values[i, labelIndex]
            let valid = signed ? (value == -1 || value == 1) : (value == 0 || value == 1)
            guard valid else {
                throw UserError(
                    table.error(
                        row: i, column: labelIndex,
                        "label \(value) is not \(signed ? "-1 or +1" : "0 or 1")"
                    ).description)
            }
        }
        if let weightIndex {
            for i in 0..<table.rowCount where table.values[i, weightIndex] < 0 {
                throw UserError(
                    table.error(row: i, column: weightIndex, "weight \(table.values[i, weightIndex]) is negative")
                        .description)
            }
        }
        // Take the weights and the label out of the table in place: X is what remains.
        let sampleWeights = weightIndex.map { table.removeColumn(at: $0) }
        var y = table.removeColumn(at: labelIndex - (weightIndex.map { $0 < labelIndex ? 1 : 0 } ?? 0))
        if signed { for i in y.indices { y[i] = y[i] > 0 ? 1 : 0 } }
        let problem = try LogisticProblem(
            x: table.values, y: y, lambda: lambda, sampleWeights: sampleWeights,
            fitIntercept: fitIntercept)
        return (problem, table.columnNames)
    }
}
