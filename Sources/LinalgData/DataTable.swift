import LinalgCore

/// A numeric table read from a file: named columns over an `n × D` matrix of finite numbers.
///
/// Text formats also keep the 1-based file line of each row, so that a problem found later (a
/// label that is not 0 or 1, say) can be placed at `file:line:column`.
public struct DataTable: Sendable {
    /// The file the table came from, as given (for messages).
    public var source: String
    /// The column names, in file order.
    public var columnNames: [String]
    /// The numbers, one row per record (`n × D`, row-major).
    public var values: Matrix<Double>
    /// The 1-based file line of each row (text formats), or `nil` (binary formats).
    public var lineNumbers: [Int]?
    /// The rows of the file before the table's first (non-zero for a share of a file's rows,
    /// ``RowShare``), so that binary formats name rows as the file counts them.
    package var rowOffset = 0
    /// The class names of columns read as text (``DataReadOptions/textColumn``) whose texts are not
    /// all numbers, keyed by column name: such a column holds each row's index into its names.
    public var levels: [String: [String]] = [:]

    /// A table from its parts; `columnNames.count` must equal `values.columns`, and
    /// `lineNumbers`, when given, hold one line per row.
    public init(source: String, columnNames: [String], values: Matrix<Double>, lineNumbers: [Int]? = nil) {
        precondition(
            columnNames.count == values.columns, "DataTable: \(columnNames.count) names, \(values.columns) columns")
        precondition(lineNumbers.map { $0.count == values.rows } ?? true, "DataTable: one line number per row")
        self.source = source
        self.columnNames = columnNames
        self.values = values
        self.lineNumbers = lineNumbers
    }

    /// `n`.
    public var rowCount: Int { values.rows }
    /// `D`.
    public var columnCount: Int { values.columns }

    /// The index of the column named `name`; throws when there is none, or more than one (an
    /// ambiguous name is refused rather than resolved to the first).
    public func columnIndex(named name: String, option: String) throws(DataError) -> Int {
        let matches = columnNames.indices.filter { columnNames[$0] == name }
        guard let first = matches.first else {
            let shown = columnNames.prefix(20).joined(separator: ", ") + (columnNames.count > 20 ? ", …" : "")
            throw DataError(
                file: source, message: "\(option): no column named '\(excerpt(Array(name.utf8)))' (columns: \(shown))")
        }
        guard matches.count == 1 else {
            let places = matches.prefix(5).map { String($0 + 1) }.joined(separator: ", ")
            throw DataError(
                file: source,
                message: "\(option): \(matches.count) columns are named '\(name)' (columns \(places)); rename them")
        }
        return first
    }

    /// The place of row `row` (0-based) and column `column` in the file: `file:line:column` for
    /// text, `file: row r+1, column c+1` otherwise.
    public func error(row: Int, column: Int, _ message: String) -> DataError {
        if let lineNumbers {
            return DataError(
                file: source, line: lineNumbers[row], column: column + 1, columnName: columnNames[column],
                message: message)
        }
        return DataError(
            file: source, columnName: columnNames[column], message: "row \(rowOffset + row + 1): \(message)")
    }

    /// Takes column `j` out of the table in place (no copy of the other columns) and returns it.
    public mutating func removeColumn(at j: Int) -> [Double] { removeColumns(at: [j])[0] }

    /// Takes the columns `indices` (distinct) out of the table in place, in one pass over the rows
    /// (no copy of the other columns), and returns them in the order given.
    public mutating func removeColumns(at indices: [Int]) -> [[Double]] {
        precondition(Set(indices).count == indices.count, "DataTable.removeColumns: a column named twice")
        precondition(indices.allSatisfy(columnNames.indices.contains), "DataTable.removeColumns: no column \(indices)")
        let (n, d) = (values.rows, values.columns)
        let removing = Set(indices), kept = (0..<d).filter { !removing.contains($0) }
        var removed = indices.map { _ in [Double](repeating: 0, count: n) }
        values.withUnsafeMutableBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return }
            for i in 0..<n {
                for (k, j) in indices.enumerated() { removed[k][i] = p[i * d + j] }
                // Row i moves left: its kept entries land at i·|kept| (never past their source).
                let source = p + i * d, target = p + i * kept.count
                for (k, j) in kept.enumerated() { target[k] = source[j] }
            }
        }
        // Shrink in place: once `values` lets go of the storage, the array is uniquely held.
        var storage = values.scalars
        values = Matrix(uncheckedRows: 0, columns: 0, storage: [])
        storage.removeLast(n * indices.count)
        values = Matrix(uncheckedRows: n, columns: kept.count, storage: storage)
        columnNames = kept.map { columnNames[$0] }
        return removed
    }
}
