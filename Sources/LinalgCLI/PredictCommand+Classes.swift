import Foundation
import Linalg
import LinalgData

extension PredictCommand {
    /// A model of `K > 2` classes: one probability column `p_<class>` per class and `class`, the most
    /// probable; with a label column, the log loss and accuracy (and the confusion matrix) on stderr,
    /// or with `--json` as one object on stdout.
    func predictClasses(_ model: MultinomialModel, classes: [Double], outputFormat: DataFormat?) throws {
        if linear { throw UserError("--linear: a model of more than two classes has one linear predictor per class") }
        let table = try input.readTable()
        let probabilities = try model.probabilities(try features(model.featureNames, in: table))
        let predicted = ClassificationMetrics.predictedClasses(probabilities: probabilities)
        let names = classes.map { "p_" + ClassLabels.text($0) } + ["class"]
        var columns = try Matrix<Double>(rows: table.rowCount, columns: classes.count + 1)
        for i in 0..<table.rowCount {
            for c in 0..<classes.count { columns[i, c] = probabilities[i, c] }
            columns[i, classes.count] = classes[predicted[i]]
        }
        let result = DataTable(source: output ?? "stdout", columnNames: names, values: columns)
        switch outputFormat {
        case .npy?: try NumpyFile.write(columns, to: output!)
        case .csv?: try DelimitedWriter.write(result, to: output!)
        default: if !json { writeRows(names, columns) }
        }
        guard let truth = try classIndices(in: table, classes: classes, taken: Set(model.featureNames)) else { return }
        let logLoss = ClassificationMetrics.logLoss(probabilities: probabilities, classes: truth)
        let accuracy = ClassificationMetrics.accuracy(probabilities: probabilities, classes: truth)
        let matrix = ClassificationMetrics.confusion(probabilities: probabilities, classes: truth)
        if json {
            print(
                JSONWriter.object([
                    ("log_loss", LogisticReport.numberOrNull(logLoss)),
                    ("accuracy", JSONWriter.number(accuracy)),
                    ("classes", LogisticReport.classesJSON(classes)),
                    (
                        "confusion",
                        JSONWriter.array(encoded: matrix.map { JSONWriter.array(encoded: $0.map(String.init)) })
                    ),
                ]))
            return
        }
        var lines = ["log_loss=\(logLoss) accuracy=\(accuracy)"]
        if confusion {
            lines.append(
                "confusion (rows = true class, columns = predicted): "
                    + classes.map(ClassLabels.text).joined(separator: " "))
            lines += matrix.map { $0.map(String.init).joined(separator: " ") }
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// `names` and the rows of `values` as CSV on stdout (shortest round-trip numbers, integers
    /// without a fraction, as the CSV writer), in blocks.
    func writeRows(_ names: [String], _ values: Matrix<Double>) {
        var text = names.joined(separator: ",") + "\n"
        for i in 0..<values.rows {
            text += values.row(i).map(ClassLabels.text).joined(separator: ",") + "\n"
            if text.utf8.count > 1 << 16 || i == values.rows - 1 {
                FileHandle.standardOutput.write(Data(text.utf8))
                text = ""
            }
        }
        if values.rows == 0 { FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    /// Each row's class index, when the file has a label column (`--label`, else `label` or `y`, else
    /// the last column if it is not a feature and holds only the model's classes); a label that is
    /// not one of the classes is an error naming its place.
    func classIndices(in table: DataTable, classes: [Double], taken: Set<String>) throws -> [Int]? {
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let index: Int?
        if let label {
            index = try table.columnIndex(named: label, option: "--label")
        } else {
            let candidates =
                ["label", "y"].compactMap { table.columnNames.firstIndex(of: $0) }
                + (table.columnCount > 0 ? [table.columnCount - 1] : [])
            index = candidates.first { candidate in
                !taken.contains(table.columnNames[candidate])
                    && (0..<table.rowCount).allSatisfy { position[table.values[$0, candidate]] != nil }
            }
        }
        guard let index else { return nil }
        return try (0..<table.rowCount).map { i in
            guard let c = position[table.values[i, index]] else {
                throw table.error(
                    row: i, column: index,
                    "label \(ClassLabels.text(table.values[i, index])) is not one of the model's classes")
            }
            return c
        }
    }
}
