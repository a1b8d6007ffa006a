import ArgumentParser
import Foundation
import Linalg
import LinalgData

/// `linalg predict`: applies a model saved by `linalg logreg --save` to a data file.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a saved logistic model to a data file: one probability σ(xᵀβ + β₀ + o) per row.",
        discussion: """
            Feature columns are matched by name (extra columns are ignored). The output is a .csv with a \
            'probability' column (or 'linear_predictor' with --linear), or a 1-D .npy; CSV on stdout by default. \
            When the file has the label column (--label, else a column named 'label' or 'y', else the last \
            column if it is not a feature and holds only 0/1), log_loss, accuracy and the ROC AUC go to stderr.
            """
    )

    @Option(help: "The model JSON written by `linalg logreg --save`.") var model: String
    @OptionGroup var input: DataOptions
    @Option(help: "The output file, .csv or .npy (default: CSV on stdout).") var output: String?
    @Option(help: "The label column, for the scores on stderr.") var label: String?
    @Flag(help: "Write the linear predictor xᵀβ + β₀ + o instead of the probability.") var linear = false
    @Flag(help: "With labels, print the confusion matrix (rows = true class) after the scores.") var confusion = false
    @Flag(help: "With labels, print the scores as one JSON object on stdout (the predictions go to --output).")
    var json = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try reportingUserErrors {
            try memory.apply()
            let outputFormat = try output.map { path throws -> DataFormat in
                guard let format = DataFormat(path: path), format == .csv || format == .npy else {
                    throw UserError("--output: '\(path)' must end in .csv or .npy")
                }
                if sameFile(input.data, path) {
                    throw UserError("--output: '\(path)' is the input file; it would be overwritten")
                }
                return format
            }
            let saved = try SavedModel.read(self.model)
            let model: LogisticModel, classes: [ClassLabel]
            switch saved {
            case .binary(let binary, let saved): (model, classes) = (binary, saved ?? [.number(0), .number(1)])
            case .multinomial(let multinomial, let classes):
                return try predictClasses(multinomial, classes: classes, outputFormat: outputFormat)
            case .net(let net, let names, let loss, let classes):
                return try predictWithNet(
                    net, featureNames: names, loss: loss, classes: classes, outputFormat: outputFormat)
            }
            let format = try input.resolvedFormat()
            if try format == .libsvm || (format == .npz && SparseDataSet.isSparse(input.data)) {
                return try predictSparse(model, classes: classes, outputFormat: outputFormat)
            }
            let table = try input.readTable(text: try labelColumn(features: model.featureNames, classes: 2))
            let x = try features(model.featureNames, in: table)
            let offsets = try model.offsetColumn.map { try column(named: $0, in: table, option: "offset_column") }
            let logits = try model.logits(x, offsets: offsets)
            try writePredictions(logits, outputFormat: outputFormat)
            if let labels = try labels(in: table, model: model, format: format, classes: classes) {
                printScores(logits: logits, labels: labels, classes: classes)
            }
        }
    }

    /// The features named `featureNames`, in that order, from the table's columns of the same names.
    func features(_ featureNames: [String], in table: DataTable) throws -> Matrix<Double> {
        let indices = try featureNames.map { name throws -> Int in
            guard let index = table.columnNames.firstIndex(of: name) else {
                throw UserError("\(table.source): the model's feature '\(name)' is not a column of the file")
            }
            guard table.columnNames.lastIndex(of: name) == index else {
                throw UserError("\(table.source): more than one column is named '\(name)'; rename them")
            }
            return index
        }
        let n = table.rowCount, d = indices.count
        var storage = [Double](repeating: 0, count: n * d)
        table.values.withUnsafeBufferPointer { values in
            let width = table.columnCount
            for i in 0..<n {
                for (j, source) in indices.enumerated() { storage[i * d + j] = values[i * width + source] }
            }
        }
        return try Matrix(rows: n, columns: d, scalars: storage)
    }

    func column(named name: String, in table: DataTable, option: String) throws -> [Double] {
        let index: Int
        index = try table.columnIndex(named: name, option: option)
        return (0..<table.rowCount).map { table.values[$0, index] }
    }

    /// The labels as 0/1, when the file has a label column (see the discussion); `nil` otherwise.
    func labels(
        in table: DataTable, model: LogisticModel, format: DataFormat?, classes: [ClassLabel]
    ) throws -> [Double]? {
        // Class 1 is the second class; libsvm's −1 is class 0 of a 0/1 model.
        let signed = format == .libsvm && classes == [.number(0), .number(1)]
        func label(_ row: Int, _ column: Int) -> Double? {
            let value = ClassLabel.of(table, row: row, column: column)
            if value == classes[1] { return 1 }
            if value == classes[0] || (signed && value == .number(-1)) { return 0 }
            return nil
        }
        let taken = Set(model.featureNames + (model.offsetColumn.map { [$0] } ?? []))
        guard let index = try labelIndex(in: table, taken: taken, accepts: { label($0, $1) != nil }) else { return nil }
        return try (0..<table.rowCount).map { row in
            guard let value = label(row, index) else {
                let text = ClassLabel.of(table, row: row, column: index).text
                throw table.error(
                    row: row, column: index, "label \(text) is not \(classes[0].text) or \(classes[1].text)")
            }
            return value
        }
    }

    /// The label column: `--label`, else the first of `label`, `y` and the last column that is not
    /// in `taken` (the model's columns) and whose every row `accepts` (is one of the classes).
    func labelIndex(in table: DataTable, taken: Set<String>, accepts: (Int, Int) -> Bool) throws -> Int? {
        if let label { return try table.columnIndex(named: label, option: "--label") }
        let candidates =
            ["label", "y"].compactMap { table.columnNames.firstIndex(of: $0) }
            + (table.columnCount > 0 ? [table.columnCount - 1] : [])
        return candidates.first { candidate in
            !taken.contains(table.columnNames[candidate]) && (0..<table.rowCount).allSatisfy { accepts($0, candidate) }
        }
    }

    /// The scores on stderr (with `--confusion` the 2 × 2 matrix, rows = true class), or with
    /// `--json` as one object on stdout: `log_loss`, `accuracy`, `classes`, `confusion`, `auc`.
    func printScores(logits: [Double], labels: [Double], classes: [ClassLabel]) {
        let logLoss = ClassificationMetrics.logLoss(logits: logits, labels: labels)
        let accuracy = ClassificationMetrics.accuracy(logits: logits, labels: labels)
        let auc = ClassificationMetrics.rocAUC(scores: logits, labels: labels)
        var matrix = [[0, 0], [0, 0]]
        for (z, y) in zip(logits, labels) { matrix[y == 1 ? 1 : 0][z > 0 ? 1 : 0] += 1 }
        if json {
            print(
                JSONWriter.object([
                    ("log_loss", LogisticReport.numberOrNull(logLoss)), ("accuracy", JSONWriter.number(accuracy)),
                    ("classes", LogisticReport.classesJSON(classes)),
                    (
                        "confusion",
                        JSONWriter.array(encoded: matrix.map { JSONWriter.array(encoded: $0.map(String.init)) })
                    ),
                    ("auc", LogisticReport.numberOrNull(auc)),
                ]))
            return
        }
        var line = "log_loss=\(logLoss) accuracy=\(accuracy) auc=\(auc.map { "\($0)" } ?? "nan")"
        if auc == nil { line += " (the AUC needs both classes)" }
        if confusion {
            line += "\nconfusion (rows = true class, columns = predicted):"
            for row in matrix { line += "\n\(row[0]) \(row[1])" }
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `name` and one shortest round-trip number per line on stdout, in blocks.
    func writeColumn(_ name: String, _ values: [Double]) {
        var text = name + "\n"
        for (k, value) in values.enumerated() {
            text += value.description
            text += "\n"
            if text.utf8.count > 1 << 16 || k == values.count - 1 {
                FileHandle.standardOutput.write(Data(text.utf8))
                text = ""
            }
        }
        if values.isEmpty { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
