/// A problem with a data file, placed as precisely as the format allows: `file:line:column` for
/// text formats (both 1-based), the array or entry for binary ones.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path as given.
    public var file: String
    /// The line, 1-based (`nil` for whole-file problems and binary formats).
    public var line: Int?
    /// The column, 1-based (`nil` for whole-line problems).
    public var column: Int?
    /// The column's header name, when known.
    public var columnName: String?
    /// What is wrong.
    public var message: String
    /// Whether another reader of a shared file reports the actual problem
    /// (``DataTable/init(contentsOf:options:sharedWith:)``): this reader's share was fine, and
    /// its error need not be shown.
    package var isReportedByAnotherReader = false

    /// A problem at `file:line:column`.
    public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    /// `file:line:column: message (column "name")`.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        let name = columnName.map { " (column \"\($0)\")" } ?? ""
        return "\(place): \(message)\(name)"
    }
}

/// Offending text shown in messages: at most `limit` characters, control characters and bytes
/// that are not UTF-8 escaped, so that a 100 MB cell or a NUL byte never reaches a terminal whole.
package func excerpt<Bytes: Collection>(_ bytes: Bytes, limit: Int = 80) -> String where Bytes.Element == UInt8 {
    var text = ""
    var shown = 0
    for scalar in String(decoding: bytes.prefix(limit * 4), as: UTF8.self).unicodeScalars {
        if shown == limit {
            text += "…"
            return text
        }
        switch scalar {
        case "\0": text += "\\0"
        case "\t": text += "\\t"
        case "\r": text += "\\r"
        case "\n": text += "\\n"
        case "\u{FFFD}": text += "\\u{FFFD}"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            text += "\\x" + String(scalar.value, radix: 16, uppercase: true)
        default: text.unicodeScalars.append(scalar)
        }
        shown += 1
    }
    if bytes.count > limit * 4 { text += "…" }
    return text
}
