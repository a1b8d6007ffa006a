import Foundation

/// Builds JSON text by hand so that every number is printed as Swift's shortest round-trip
/// representation (parsing it gives back the same `Double`).
struct JSONWriter {
    private(set) var text = ""

    /// A finite number; non-finite values have no JSON form and are rejected earlier.
    static func number(_ value: Double) -> String {
        precondition(value.isFinite, "JSONWriter: non-finite \(value)")
        return value.description
    }

    /// A JSON string literal.
    static func string(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// A (nested) array of numbers: `[1.5, 2.0]`.
    static func array(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }

    /// An array of already-encoded values.
    static func array(encoded values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }

    /// An object from ordered, already-encoded members.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
