import Foundation
import Linalg

/// Parses `--sizes 2,10,10,2`: at least two positive integers.
func parseSizes(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    var sizes: [Int] = []
    for (index, part) in parts.enumerated() {
        guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
            throw UserError("--sizes: entry \(index) '\(part)' is not an integer (expected e.g. 2,10,10,2)")
        }
        guard value > 0 else {
            throw UserError("--sizes: entry \(index) is \(value); every layer size must be positive")
        }
        sizes.append(value)
    }
    guard sizes.count >= 2 else {
        throw UserError("--sizes: need at least two layer sizes (input and output), got \(sizes.count)")
    }
    return sizes
}

/// Parses an activation name (`sigmoid`, `tanh`, `identity`).
func parseActivation(_ name: String, flag: String) throws -> Activation {
    guard let activation = Activation(rawValue: name) else {
        throw UserError(
            "\(flag): unknown activation '\(name)' (expected one of "
                + "\(Activation.allCases.map(\.rawValue).joined(separator: ", ")))"
        )
    }
    return activation
}
