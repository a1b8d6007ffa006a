import ArgumentParser
import Foundation
import Linalg

/// A problem with what the user gave (a file, a flag): reported as one line on stderr, exit 2.
struct UserError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Runs a command body; a ``UserError`` or ``LinalgError`` becomes one line on stderr and exit
/// status 2, never a crash or a stack trace.
func reportingUserErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as UserError {
        printError(error.description)
        throw ExitCode(2)
    } catch let error as LinalgError {
        printError(error.description)
        throw ExitCode(2)
    }
}

/// `linalg: error: <message>` on stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("linalg: error: \(message)\n".utf8))
}

/// Parses `--sizes 2,10,10,2`: at least two positive integers.
func parseSizes(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    var sizes: [Int] = []
    for (index, part) in parts.enumerated() {
        guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
            throw UserError("--sizes: entry \(index) '\(part)' is not an integer (expected e.g. 2,10,10,2)")
        }
        guard value > 0 else { throw UserError("--sizes: entry \(index) is \(value); every layer size must be positive") }
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
        throw UserError("\(flag): unknown activation '\(name)' (expected one of \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return activation
}

/// Reads a whole file, naming it in the error.
func readFile(_ path: String) throws -> Data {
    guard FileManager.default.fileExists(atPath: path) else { throw UserError("\(path): no such file") }
    guard let data = FileManager.default.contents(atPath: path) else { throw UserError("\(path): cannot be read") }
    return data
}

/// Whether stderr is a terminal (progress lines go there only then).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
