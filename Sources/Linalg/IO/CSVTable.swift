import Foundation

/// A problem in a CSV file, located by line and column (both 1-based).
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path as given.
    public var file: String
    /// The line, 1-based (`nil` for whole-file problems).
    public var line: Int?
    /// The column, 1-based (`nil` for whole-line problems).
    public var column: Int?
    /// The column's header name, when known.
    public var columnName: String?
    /// What is wrong.
    public var message: String

    /// A problem at `file:line:column`.
    public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        let name = columnName.map { " (column \"\($0)\")" } ?? ""
        return "\(place): \(message)\(name)"
    }
}

/// A numeric CSV table: a header row of column names, then rows of numbers only.
///
/// Fields are separated by commas; surrounding spaces and double quotes around header names are
/// removed; blank lines are skipped; `\r\n` line ends and a leading byte-order mark are
/// accepted. Every data cell must parse as a finite `Double`.
public struct CSVTable: Sendable {
    /// The header names, in file order.
    public let columnNames: [String]
    /// The data, one row per data line (`rows × columns`).
    public let values: Matrix<Double>
    /// The 1-based file line of each data row (for error messages about rows).
    public let lineNumbers: [Int]

    /// Reads and checks a CSV file.
    public init(contentsOf path: String) throws(CSVError) {
        guard FileManager.default.fileExists(atPath: path) else { throw CSVError(file: path, message: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw CSVError(file: path, message: "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw CSVError(file: path, message: "is not UTF-8 text") }
        try self.init(text: text, file: path)
    }

    /// Parses CSV text; `file` names it in errors.
    public init(text: String, file: String) throws(CSVError) {
        var header: [String]?
        var scalars: [Double] = []
        var lines: [Int] = []
        var lineNumber = 0
        // Spreadsheet exports often start with a UTF-8 byte-order mark; it is not part of a name.
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        // "\r\n" is a single Character in Swift, so split on each kind of line end.
        for rawLine in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let line = Substring(rawLine)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let names = header else {
                let cleaned = fields.map { $0.count >= 2 && $0.hasPrefix("\"") && $0.hasSuffix("\"") ? String($0.dropFirst().dropLast()) : $0 }
                if let empty = cleaned.firstIndex(where: \.isEmpty) {
                    throw CSVError(file: file, line: lineNumber, column: empty + 1, message: "empty column name in the header")
                }
                header = cleaned
                continue
            }
            guard fields.count == names.count else {
                throw CSVError(file: file, line: lineNumber, message: "has \(fields.count) fields, the header has \(names.count)")
            }
            for (index, field) in fields.enumerated() {
                guard let value = Double(field) else {
                    throw CSVError(file: file, line: lineNumber, column: index + 1, columnName: names[index],
                                   message: field.isEmpty ? "empty cell, expected a number" : "'\(field)' is not a number")
                }
                guard value.isFinite else {
                    throw CSVError(file: file, line: lineNumber, column: index + 1, columnName: names[index],
                                   message: "'\(field)' is not a finite number")
                }
                scalars.append(value)
            }
            lines.append(lineNumber)
        }
        guard let names = header else { throw CSVError(file: file, message: "file is empty (expected a header row and data rows)") }
        guard !lines.isEmpty else { throw CSVError(file: file, line: nil, message: "no data rows after the header") }
        columnNames = names
        values = try! Matrix(rows: lines.count, columns: names.count, scalars: scalars)
        lineNumbers = lines
    }
}
