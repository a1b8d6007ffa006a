import Linalg
import LinalgData

/// The inputs `X` (`n × h₀`) and targets `Y` (`n × h_L`) of `linalg train`, from any data file
/// through the data layer: the `--targets` columns of the table (default: a `.npz`'s `y` columns,
/// the last column of any other format) are `Y`, the other columns `X`. Both come out of the
/// table in one pass, without a copy of `X`.
struct TrainingData {
    var inputs: Matrix<Double>
    var targets: Matrix<Double>

    static func load(_ options: DataOptions, targets names: [String]?) throws -> TrainingData {
        var table = try options.readTable()
        let isDataSet = try options.resolvedFormat() == .npz
        if isDataSet, table.columnNames.contains("sample_weight") {
            throw UserError("\(options.data): train takes no sample weights (the archive has an array sample_weight)")
        }
        let targetNames =
            names
            ?? (isDataSet
                ? table.columnNames.filter { $0 == "y" || ($0.hasPrefix("y") && Int($0.dropFirst()) != nil) }
                : [table.columnNames.last!])
        guard !targetNames.isEmpty else {
            throw UserError("\(options.data): no array y (or Y) of targets beside X")
        }
        let indices = try targetNames.map { try table.columnIndex(named: $0, option: "--targets") }
        guard Set(indices).count == indices.count else { throw UserError("--targets: a column is named twice") }
        guard indices.count < table.columnCount else {
            throw UserError("\(options.data): every column is a target; the inputs need at least one column")
        }
        let columns = table.removeColumns(at: indices)
        var targets = try Matrix<Double>(rows: table.rowCount, columns: indices.count)
        for (k, column) in columns.enumerated() {
            for i in 0..<table.rowCount { targets[i, k] = column[i] }
        }
        return TrainingData(inputs: table.values, targets: targets)
    }

    /// The samples in precision `S` (for `Double` the same storage; for `Float` one conversion,
    /// after which the caller drops the `Double` copy).
    consuming func samples<S: NeuralScalar>(_: S.Type) throws -> RegressionSamples<S> {
        try RegressionSamples(inputs: inputs.converted(to: S.self), targets: targets.converted(to: S.self))
    }
}
