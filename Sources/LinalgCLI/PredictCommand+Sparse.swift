import Foundation
import Linalg
import LinalgData

extension PredictCommand {
    /// A two-class model applied to a libsvm file or a sparse `.npz` without a dense table: row `i`'s logit is
    /// `Σ_k β_{j_k} v_k + β₀` over its non-zeros (columns missing from a row are zeros). The model's
    /// features must be the file's columns `f1 … fd`; an index beyond `d` is an error naming its line.
    func predictSparse(_ model: LogisticModel, classes: [ClassLabel], outputFormat: DataFormat?) throws {
        guard model.offsetColumn == nil else {
            throw UserError("\(self.model): the model has an offset column; a libsvm file has no named columns")
        }
        let d = model.featureNames.count
        guard model.featureNames == (0..<d).map({ "f\($0 + 1)" }) else {
            throw UserError(
                "\(self.model): the model's features are not named f1 … f\(d), the columns of a libsvm file")
        }
        // Only called for sparse files. Without labels (a .npz without 'y'), no scores.
        guard let input = try input.readSparse() else { preconditionFailure("predictSparse takes sparse files") }
        let rows = input.rows, x = rows.matrix
        var logits = [Double](repeating: model.intercept ?? 0, count: x.rows)
        for i in 0..<x.rows {
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                let j = Int(x.columnIndices[k])
                guard j < d else {
                    throw UserError(
                        "\(rows.source):\(rows.lineNumbers[i]): feature \(j + 1) is beyond the model's \(d) features")
                }
                logits[i] += model.coefficients[j] * x.values[k]
            }
        }
        try writePredictions(logits, outputFormat: outputFormat)
        // Class 1 is the second class; libsvm's −1 is class 0 of a 0/1 model.
        let signed = classes == [.number(0), .number(1)]
        let labels = rows.labels.map { label -> Double? in
            if ClassLabel.number(label) == classes[1] { return 1 }
            return ClassLabel.number(label) == classes[0] || (signed && label == -1) ? 0 : nil
        }
        guard input.hasLabels, labels.allSatisfy({ $0 != nil }) else { return }
        printScores(logits: logits, labels: labels.map { $0! }, classes: classes)
    }

    /// The probabilities (or with `--linear` the logits) to `--output` or stdout.
    func writePredictions(_ logits: [Double], outputFormat: DataFormat?) throws {
        let values = linear ? logits : logits.map(LogisticModel.probability)
        let name = linear ? "linear_predictor" : "probability"
        switch outputFormat {
        case .npy?:
            try NumpyFile.write(values, to: output!)
        case .csv?:
            let result = DataTable(
                source: output!, columnNames: [name],
                values: try Matrix(rows: values.count, columns: 1, scalars: values))
            try DelimitedWriter.write(result, to: output!)
        default:
            if !json { writeColumn(name, values) }
        }
    }
}
