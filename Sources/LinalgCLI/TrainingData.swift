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
    /// Per-sample weights (`--weights`), if any.
    var weights: [Double]? = nil

    /// With `classesFrom`, the targets are one-hot rows of the classes of that label column (numbers
    /// or text; `given` fixes them, for validation data, naming a label outside them). The column
    /// `weights`, when named, holds per-sample weights (≥ 0; a negative one is named by file, line
    /// and column) and is not an input.
    static func load(
        _ options: DataOptions, targets names: [String]?, classesFrom label: String? = nil, given: [ClassLabel]? = nil,
        weights: String? = nil
    ) throws -> TrainingData {
        if let label { return try loadClasses(options, label: label, given: given, weights: weights) }
        var table = try options.readTable()
        let isDataSet = try options.resolvedFormat() == .npz
        if isDataSet, weights == nil, table.columnNames.contains("sample_weight") {
            throw UserError(
                "\(options.data): the archive has an array sample_weight: pass --weights sample_weight to use it")
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
        let weightIndex = try weightColumn(weights, in: table, besides: indices, option: "--targets")
        guard indices.count + (weightIndex == nil ? 0 : 1) < table.columnCount else {
            throw UserError("\(options.data): every column is a target; the inputs need at least one column")
        }
        var columns = table.removeColumns(at: indices + (weightIndex.map { [$0] } ?? []))
        let sampleWeights = weightIndex == nil ? nil : columns.removeLast()
        var targets = try Matrix<Double>(rows: table.rowCount, columns: indices.count)
        for (k, column) in columns.enumerated() {
            for i in 0..<table.rowCount { targets[i, k] = column[i] }
        }
        return TrainingData(
            inputs: table.values, targets: targets, inputNames: table.columnNames, weights: sampleWeights)
    }

    /// The index of the weights column `name` (not one of `taken`, the targets or the label),
    /// after checking that no weight is negative and that they do not sum to 0.
    static func weightColumn(_ name: String?, in table: DataTable, besides taken: [Int], option: String) throws -> Int?
    {
        guard let name else { return nil }
        let index = try table.columnIndex(named: name, option: "--weights")
        guard !taken.contains(index) else { throw UserError("--weights: '\(name)' is also named by \(option)") }
        var total = 0.0
        for i in 0..<table.rowCount {
            let w = table.values[i, index]
            guard w >= 0 else { throw table.error(row: i, column: index, "weight \(w) is negative") }
            total += w
        }
        guard total > 0 else { throw UserError("\(table.source): the weights in column '\(name)' sum to 0") }
        return index
    }

    /// One-hot targets of the classes in column `label`; the other columns are the inputs.
    static func loadClasses(
        _ options: DataOptions, label: String, given: [ClassLabel]?, weights: String?
    ) throws -> TrainingData {
        var table = try options.readTable(text: TextColumnOption(name: label, maxDistinct: 1000))
        let column = try table.columnIndex(named: label, option: "--label")
        let labels = try ClassLabels(table, column: column, given: given?.map(\.text), maxClasses: 1000)
        guard labels.classes.count >= 2 else {
            throw UserError("\(options.data): the label has one class: there is nothing to tell apart")
        }
        let weightIndex = try weightColumn(weights, in: table, besides: [column], option: "--label")
        guard table.columnCount > 1 + (weightIndex == nil ? 0 : 1) else {
            throw UserError(
                "\(options.data): no input columns besides the label\(weights == nil ? "" : " and the weights")")
        }
        let sampleWeights = table.removeColumns(at: [column] + (weightIndex.map { [$0] } ?? [])).dropFirst().first
        var targets = try Matrix<Double>(rows: table.rowCount, columns: labels.classes.count)
        for (i, c) in labels.indices.enumerated() { targets[i, c] = 1 }
        return TrainingData(
            inputs: table.values, targets: targets, classes: labels.classes, inputNames: table.columnNames,
            weights: sampleWeights)
    }

    /// The samples in precision `S` (for `Double` the same storage; for `Float` one conversion,
    /// after which the caller drops the `Double` copy).
    consuming func samples<S: NeuralScalar>(_: S.Type) throws -> RegressionSamples<S> {
        try RegressionSamples(
            inputs: inputs.converted(to: S.self), targets: targets.converted(to: S.self),
            weights: weights?.map { S($0) })
    }
}
