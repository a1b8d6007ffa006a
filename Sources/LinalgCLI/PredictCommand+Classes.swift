import Foundation
import Linalg
import LinalgData

extension PredictCommand {
    /// A model of `K > 2` classes: one probability column `p_<class>` per class and `class`, the most
    /// probable; with a label column, the log loss and accuracy (and the confusion matrix) on stderr,
    /// or with `--json` as one object on stdout.
    func predictClasses(_ model: MultinomialModel, classes: [ClassLabel], outputFormat: DataFormat?) throws {
        if linear { throw UserError("--linear: a model of more than two classes has one linear predictor per class") }
        let taken = model.featureNames + (model.offsetColumns ?? [])
        let table = try input.readTable(text: try labelColumn(features: taken, classes: classes.count))
        let offsets = try model.offsetColumns.map { names throws -> Matrix<Double> in
            let columns = try names.map { try column(named: $0, in: table, option: "offset_columns") }
            return try Matrix(
                rows: table.rowCount, columns: names.count,
                scalars: (0..<table.rowCount).flatMap { i in columns.map { $0[i] } })
        }
        let probabilities = try model.probabilities(try features(model.featureNames, in: table), offsets: offsets)
        try report(probabilities, classes: classes, table: table, taken: Set(taken), outputFormat: outputFormat)
    }

    /// A net trained with a softmax cross-entropy: its outputs' softmax are the class probabilities,
    /// written and scored as a multinomial model's.
    func predictWithNet(
        _ model: ModelFiles.Model, featureNames: [String], loss: NetLoss, classes: [ClassLabel]?,
        outputFormat: DataFormat?
    ) throws {
        guard loss == .softmaxCrossEntropy, let classes, !featureNames.isEmpty else {
            throw UserError(
                "\(self.model): predict applies logistic models and nets trained with --loss softmax-cross-entropy "
                    + "(this net has no classes or input names); `linalg eval` evaluates any net")
        }
        if linear { throw UserError("--linear: a classifier net has one output per class") }
        let table = try input.readTable(text: try labelColumn(features: featureNames, classes: classes.count))
        let net = try model.net(Double.self)
        let outputs = try net(try features(featureNames, in: table).transposed())
        var probabilities = try Matrix<Double>(rows: table.rowCount, columns: classes.count)
        for i in 0..<table.rowCount {
            let column = outputs.column(i), largest = column.max() ?? 0
            let total = column.reduce(0) { $0 + Foundation.exp($1 - largest) }
            for c in 0..<classes.count { probabilities[i, c] = Foundation.exp(column[c] - largest) / total }
        }
        try report(probabilities, classes: classes, table: table, taken: Set(featureNames), outputFormat: outputFormat)
    }

    /// The column to read as text labels: `--label`, else the first of `label`, `y` and the last
    /// column that is not a feature (CSV/TSV; the labels may be text there).
    func labelColumn(features: [String], classes: Int) throws -> TextColumnOption? {
        let names = try DataTable.header(ofFile: input.data, options: try input.readOptions()) ?? []
        let taken = Set(features)
        let name = label ?? (["label", "y"] + names.suffix(1)).first { names.contains($0) && !taken.contains($0) }
        return name.map { TextColumnOption(name: $0, maxDistinct: max(1000, classes)) }
    }

    /// The predictions (`p_<class>` columns and `class`) to the output, and with a label column the
    /// scores.
    func report(
        _ probabilities: Matrix<Double>, classes: [ClassLabel], table: DataTable, taken: Set<String>,
        outputFormat: DataFormat?
    ) throws {
        let predicted = ClassificationMetrics.predictedClasses(probabilities: probabilities)
        let names = classes.map { "p_" + $0.text } + ["class"]
        switch outputFormat {
        case .npy?:
            // A number per class: the label itself when the labels are numbers, else its index.
            var columns = try Matrix<Double>(rows: table.rowCount, columns: classes.count + 1)
            for i in 0..<table.rowCount {
                for c in 0..<classes.count { columns[i, c] = probabilities[i, c] }
                columns[i, classes.count] = classes[predicted[i]].number ?? Double(predicted[i])
            }
            try NumpyFile.write(columns, to: output!)
        case .csv?:
            try writeText(csv(names, probabilities, predicted.map { classes[$0] }), to: output!)
        default:
            if !json {
                FileHandle.standardOutput.write(
                    Data((csv(names, probabilities, predicted.map { classes[$0] }) + "\n").utf8))
            }
        }
        guard let truth = try classIndices(in: table, classes: classes, taken: taken) else { return }
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
                    + classes.map(\.text).joined(separator: " "))
            lines += matrix.map { $0.map(String.init).joined(separator: " ") }
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// The predictions as CSV: the header, then per row its probabilities (shortest round-trip
    /// numbers) and its class (a text quoted when it holds a comma, a quote or a line end).
    func csv(_ names: [String], _ probabilities: Matrix<Double>, _ predicted: [ClassLabel]) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [names.map(field).joined(separator: ",")]
        lines.reserveCapacity(probabilities.rows + 1)
        for i in 0..<probabilities.rows {
            lines.append(
                probabilities.row(i).map(ClassLabels.text).joined(separator: ",") + "," + field(predicted[i].text))
        }
        return lines.joined(separator: "\n")
    }

    /// Each row's class index, when the file has a label column (`--label`, else `label` or `y`, else
    /// the last column if it is not a feature and holds only the model's classes); a label that is
    /// not one of the classes is an error naming its place.
    func classIndices(in table: DataTable, classes: [ClassLabel], taken: Set<String>) throws -> [Int]? {
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let index = try labelIndex(in: table, taken: taken) {
            position[ClassLabel.of(table, row: $0, column: $1)] != nil
        }
        guard let index else { return nil }
        return try (0..<table.rowCount).map { i in
            let label = ClassLabel.of(table, row: i, column: index)
            guard let c = position[label] else {
                throw table.error(row: i, column: index, "label \(label.text) is not one of the model's classes")
            }
            return c
        }
    }
}
