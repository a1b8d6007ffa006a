import Linalg
import LinalgData

/// The inputs `X` (`n × h₀`) and targets `Y` (`n × h_L`) of `linalg train`, from any data file
/// through the data layer: the `--targets` columns of the table (default: a `.npz`'s `y` columns,
/// the last column of any other format) are `Y`, the other columns `X`. Both come out of the
/// table in one pass, without a copy of `X`.
struct TrainingData {
    var inputs: Matrix<Double>
    var targets: Matrix<Double>
    /// For a softmax cross-entropy: the classes of the one-hot targets' rows.
    var classes: [ClassLabel]? = nil
    /// The names of the input columns, in order (saved with the net, for `predict`).
    var inputNames: [String] = []

    /// With `classesFrom`, the targets are one-hot rows of the classes of that label column (numbers
    /// or text; `given` fixes them, for validation data, naming a label outside them).
    static func load(
        _ options: DataOptions, targets names: [String]?, classesFrom label: String? = nil, given: [ClassLabel]? = nil
    ) throws -> TrainingData {
        if let label { return try loadClasses(options, label: label, given: given) }
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
        return TrainingData(inputs: table.values, targets: targets, inputNames: table.columnNames)
    }

    /// One-hot targets of the classes in column `label`; the other columns are the inputs.
    static func loadClasses(_ options: DataOptions, label: String, given: [ClassLabel]?) throws -> TrainingData {
        var table = try options.readTable(text: TextColumnOption(name: label, maxDistinct: 1000))
        let column = try table.columnIndex(named: label, option: "--label")
        let labels = try ClassLabels(table, column: column, given: given?.map(\.text), maxClasses: 1000)
        guard labels.classes.count >= 2 else {
            throw UserError("\(options.data): the label has one class: there is nothing to tell apart")
        }
        guard table.columnCount > 1 else { throw UserError("\(options.data): no input columns besides the label") }
        _ = table.removeColumns(at: [column])
        var targets = try Matrix<Double>(rows: table.rowCount, columns: labels.classes.count)
        for (i, c) in labels.indices.enumerated() { targets[i, c] = 1 }
        return TrainingData(
            inputs: table.values, targets: targets, classes: labels.classes, inputNames: table.columnNames)
    }

    /// The samples in precision `S` (for `Double` the same storage; for `Float` one conversion,
    /// after which the caller drops the `Double` copy).
    consuming func samples<S: NeuralScalar>(_: S.Type) throws -> RegressionSamples<S> {
        try RegressionSamples(inputs: inputs.converted(to: S.self), targets: targets.converted(to: S.self))
    }
}
