import Linalg
import LinalgData

/// Which columns of a table are the label and the weights; every other column is a feature.
struct LogisticColumns {
    /// The label column's name; `nil`: the last column.
    var label: String?
    /// The weights column's name, if any.
    var weights: String?
    /// The offsets column's name, if any.
    var offset: String? = nil
    /// Whether labels −1/+1 (libsvm's convention) become 0/1.
    var mapsSignedLabels: Bool

    /// The label column's index: the named one, or the last.
    func labelIndex(in table: DataTable) throws -> Int {
        try label.map { name throws(DataError) in try table.columnIndex(named: name, option: "--label") }
            ?? table.columnCount - 1
    }

    /// Whether the table's labels follow libsvm's −1/+1 convention: ``mapsSignedLabels`` and some label is −1.
    func hasSignedLabels(_ table: DataTable) throws -> Bool {
        guard mapsSignedLabels else { return false }
        let labelIndex = try labelIndex(in: table)
        return (0..<table.rowCount).contains { table.values[$0, labelIndex] == -1 }
    }

    /// The problem and the feature names; bad labels and weights are named by file, line and column.
    /// The table is consumed: the label, weight and offset columns are taken out of it in place, so X is
    /// the table's own storage, not a copy.
    /// `signedLabels`, when given, decides the −1/+1 convention (all ranks of a job decide together);
    /// otherwise the table decides: it is signed when ``mapsSignedLabels`` and a label is −1.
    func problem(
        from table: consuming DataTable, lambda: Double, fitIntercept: Bool,
        rowShares: (any RowShareReduction)? = nil, signedLabels: Bool? = nil
    ) throws -> (LogisticProblem, [String]) {
        let labelIndex = try labelIndex(in: table)
        func index(of name: String?, option: String) throws -> Int? {
            guard let name else { return nil }
            let found: Int
            found = try table.columnIndex(named: name, option: option)
            guard found != labelIndex else { throw UserError("\(option): '\(name)' is the label column") }
            return found
        }
        let weightIndex = try index(of: weights, option: "--weights")
        let offsetIndex = try index(of: offset, option: "--offset")
        if let weightIndex, weightIndex == offsetIndex {
            throw UserError("--offset: '\(offset ?? "")' is the weights column")
        }
        let special = [labelIndex, weightIndex, offsetIndex].compactMap { $0 }
        guard table.columnCount - special.count >= 1 else {
            let named =
                ["the label"] + (weightIndex == nil ? [] : ["the weights"])
                + (offsetIndex == nil ? [] : ["the offsets"])
            let list = named.count == 1 ? named[0] : named.dropLast().joined(separator: ", ") + " and " + named.last!
            throw UserError("\(table.source): no feature columns besides \(list)")
        }
        let signed = try signedLabels ?? hasSignedLabels(table)
        for i in 0..<table.rowCount {
            let value = table.values[i, labelIndex]
            let valid = signed ? (value == -1 || value == 1) : (value == 0 || value == 1)
            guard valid else {
                throw table.error(row: i, column: labelIndex, "label \(value) is not \(signed ? "-1 or +1" : "0 or 1")")
            }
        }
        if let weightIndex {
            for i in 0..<table.rowCount where table.values[i, weightIndex] < 0 {
                throw table.error(row: i, column: weightIndex, "weight \(table.values[i, weightIndex]) is negative")
            }
        }
        // Take the label, weights and offsets out of the table in place, in one pass: X is what
        // remains.
        let taken = table.removeColumns(at: special)
        var y = taken[0]
        if signed { for i in y.indices { y[i] = y[i] > 0 ? 1 : 0 } }
        let sampleWeights = weightIndex.map { special.firstIndex(of: $0)! }.map { taken[$0] }
        let offsets = offsetIndex.map { special.firstIndex(of: $0)! }.map { taken[$0] }
        // Checked once: the reader gave finite numbers only, the labels and weights were checked
        // above with their file positions, and λ by the command's options.
        precondition(lambda.isFinite && lambda >= 0, "λ is checked with the options")
        let problem = LogisticProblem(
            checked: table.values, y: y, lambda: lambda, sampleWeights: sampleWeights, fitIntercept: fitIntercept,
            offsets: offsets, rowShares: rowShares)
        return (problem, table.columnNames)
    }

    /// The multinomial problem of `table` (label classes given by `labels`) and the feature names:
    /// the label, weight and offset columns taken out in one pass, negative weights named by
    /// position. `--offset a,b,c` names one column of offsets per class, in the classes' order.
    func multinomialProblem(
        from table: consuming DataTable, labels: ClassLabels, lambda: Double, fitIntercept: Bool
    ) throws -> (MultinomialProblem, [String]) {
        let labelIndex = try labelIndex(in: table)
        let weightIndex = try weights.map { name throws in
            let found = try table.columnIndex(named: name, option: "--weights")
            guard found != labelIndex else { throw UserError("--weights: '\(name)' is the label column") }
            return found
        }
        let offsetIndices = try multinomialOffsetColumns(in: table, classes: labels.classes.count)
        if let weightIndex {
            for i in 0..<table.rowCount where table.values[i, weightIndex] < 0 {
                throw table.error(row: i, column: weightIndex, "weight \(table.values[i, weightIndex]) is negative")
            }
        }
        let special = [labelIndex] + (weightIndex.map { [$0] } ?? []) + offsetIndices
        guard Set(special).count == special.count else {
            throw UserError("--offset: a column is also the label, the weights or another class's offsets")
        }
        guard table.columnCount > special.count else {
            throw UserError("\(table.source): no feature columns besides the label, weights and offsets")
        }
        var taken = table.removeColumns(at: special).dropFirst()
        let sampleWeights = weightIndex == nil ? nil : taken.removeFirst()
        let offsets =
            offsetIndices.isEmpty
            ? nil
            : Matrix<Double>(
                uncheckedRows: table.rowCount, columns: offsetIndices.count,
                storage: (0..<table.rowCount).flatMap { i in taken.map { $0[i] } })
        let totals = labels.indices.enumerated().reduce(into: [Double](repeating: 0, count: labels.classes.count)) {
            $0[$1.element] += sampleWeights?[$1.offset] ?? 1
        }
        if let empty = totals.firstIndex(where: { !($0 > 0) }) {
            throw UserError(
                "\(table.source): class \(labels.classes[empty].text) has no sample of positive weight")
        }
        // Checked once: finite numbers from the reader, labels and weights above, λ with the options.
        let problem = MultinomialProblem(
            checked: table.values, classIndices: labels.indices, classCount: labels.classes.count, lambda: lambda,
            sampleWeights: sampleWeights, fitIntercept: fitIntercept, offsets: offsets)
        return (problem, table.columnNames)
    }

    /// The columns of `--offset a,b,c` (one per class), or none.
    func multinomialOffsetColumns(in table: DataTable, classes: Int) throws -> [Int] {
        guard let offset else { return [] }
        let names = offset.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count == classes else {
            throw UserError(
                "--offset: \(classes) classes need \(classes) offset columns (one per class, in order), "
                    + "got \(names.count)")
        }
        return try names.map { try table.columnIndex(named: $0, option: "--offset") }
    }
}
