import Foundation
import Linalg
import Testing

/// Runs the built `linalg` executable (it sits beside the test bundle) and captures its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    static var executable: URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("linalg")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        for product in Bundle.allBundles {
            let url = product.bundleURL.deletingLastPathComponent().appendingPathComponent("linalg")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDirectory.appendingPathComponent("linalg")
    }

    /// Runs `linalg` with `arguments`; with a `launcher` (e.g. `["mpirun", "-np", "3"]`) the
    /// launcher, found on `PATH`, runs it.
    static func run(_ arguments: [String], launcher: [String] = []) throws -> CLIResult {
        let process = Process()
        if launcher.isEmpty {
            process.executableURL = executable
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = launcher + [executable.path] + arguments
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory for a test's files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("linalg-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// Expects exit status 2 and one line on stderr containing each fragment.
func expectUserError(_ result: CLIResult, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 2, "status \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(
            result.stderr.contains(fragment), "stderr \(result.stderr) lacks \(fragment)",
            sourceLocation: sourceLocation)
    }
}

/// The fields of `logreg --json` the tests decode.
struct FitOutput: Decodable {
    var coefficients: [Double]
    var iterations: Int?
    var loss: Double?
    var standard_errors: [Double]?
}

/// The fields of `eval` the tests decode.
struct EvalOutput: Decodable {
    var outputs: [[Double]]
    var jacobian_x0: [[[Double]]]?
    var jacobian_weights: [[[[[Double]]]]]?
    var jacobian_biases: [[[[Double]]]]?
}

/// A model file of `linalg train --save` / `train-identity --save`.
struct ModelOutput: Decodable {
    var dtype: String
    var activation: String
    var output_activation: String
    var weights: [[[Double]]]
    var biases: [[Double]]?

    /// The net it describes, in precision `S`.
    func net<S: NeuralScalar>(_: S.Type) throws -> MLP<S> {
        try MLP<S>(
            weights: try weights.map { try Matrix($0).converted(to: S.self) },
            biases: biases.map { $0.map { $0.map { S($0) } } }, activation: Activation(name: activation)!,
            outputActivation: Activation(name: output_activation)!)
    }
}

/// The fields of a multinomial `logreg --json` the tests decode.
struct MultinomialOutput: Decodable {
    var coefficients: [[Double]]
    var intercept: [Double]?
    var iterations: Int
    var loss: Double
}
