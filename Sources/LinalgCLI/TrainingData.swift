import Linalg
import LinalgData

/// The inputs `X` (`n × h₀`) and targets `Y` (`n × h_L`) of `linalg train`, from any data file:
/// a `.npz` holds arrays `X` and `Y` (or `y`); other formats hold a table whose `--targets`
/// columns (default: the last) are `Y` and whose other columns are `X`.
struct TrainingData {
    var inputs: Matrix<Double>
    var targets: Matrix<Double>

    static func load(_ options: DataOptions, targets names: [String]?) throws -> TrainingData {
        let path = options.data
        if try options.resolvedFormat() == .npz {
            if names != nil { throw UserError("--targets: a .npz file holds arrays X and Y; name no columns") }
            do {
                let archive = try NumpyArchive(contentsOf: path)
                guard let x = try archive.array(named: "X") else {
                    throw DataError(
                        file: path, message: "has no array X (arrays: \(archive.arrayNames.joined(separator: ", ")))")
                }
                var y = try archive.array(named: "Y")
                if y == nil { y = try archive.array(named: "y") }
                guard let y else {
                    throw DataError(
                        file: path, message: "has no array Y (arrays: \(archive.arrayNames.joined(separator: ", ")))")
                }
                guard x.shape.count == 2 else {
                    throw DataError(file: path, message: "X must be 2-D (n × h_0), got shape \(x.shape)")
                }
                guard y.shape[0] == x.shape[0] else {
                    throw DataError(file: path, message: "X has \(x.shape[0]) rows but Y has \(y.shape[0])")
                }
                let data = TrainingData(inputs: x.matrix, targets: y.matrix)
                try data.requireFinite(path)
                return data
            }
        }
        var table = try options.readTable()
        let targetNames = names ?? [table.columnNames.last!]
        var indices: [Int] = []
        for name in targetNames {
            indices.append(try table.columnIndex(named: name, option: "--targets"))
        }
        guard Set(indices).count == indices.count else { throw UserError("--targets: a column is named twice") }
        guard indices.count < table.columnCount else {
            throw UserError("\(path): every column is a target; the inputs need at least one column")
        }
        var targetColumns: [[Double]] = []
        for j in indices.sorted(by: >) { targetColumns.insert(table.removeColumn(at: j), at: 0) }
        // removeColumn went from the right; put the targets back in the order given.
        let order = indices.enumerated().sorted { $0.element < $1.element }.map(\.offset)
        var targets = Matrix<Double>(rows: table.rowCount, columns: indices.count)
        for (k, column) in zip(order, targetColumns) {
            for i in 0..<table.rowCount { targets[i, k] = column[i] }
        }
        return TrainingData(inputs: table.values, targets: targets)
    }

    func requireFinite(_ path: String) throws(DataError) {
        if let (i, j) = inputs.firstNonFinite {
            throw DataError(file: path, message: "X[\(i), \(j)] is \(inputs[i, j]), not a finite number")
        }
        if let (i, j) = targets.firstNonFinite {
            throw DataError(file: path, message: "Y[\(i), \(j)] is \(targets[i, j]), not a finite number")
        }
    }

    /// The samples in precision `S`.
    func samples<S: NeuralScalar>(_: S.Type) throws -> RegressionSamples<S> {
        try RegressionSamples(inputs: inputs.converted(to: S.self), targets: targets.converted(to: S.self))
    }
}
