import Foundation
import Testing

/// `linalg eval --jvp/--vjp/--loss/--hvp/--ggnvp/--per-sample-norms` against JAX's numbers for the same
/// net (``ProductFixtures``, from scripts/make_product_fixtures.py).
@Suite(.serialized) struct ProductCLITests {
    struct Output: Decodable {
        var jvp: [[Double]]?
        var vjp_inputs: [[Double]]?
        var vjp_weights: [[[Double]]]?
        var vjp_biases: [[Double]]?
        var loss: Double?
        var gradient_weights: [[[Double]]]?
        var gradient_biases: [[Double]]?
        var hvp_weights: [[[Double]]]?
        var hvp_biases: [[Double]]?
        var ggnvp_weights: [[[Double]]]?
        var ggnvp_biases: [[Double]]?
        var per_sample_gradient_norms: [Double]?
    }

    static let files = [
        "m.json": """
        {"activation": "tanh", "weights": [[[0.1, 0.2], [0.3, -0.4], [1, 2]], [[1, 0.5, -1], [0.25, -2, 3]]],
         "biases": [[0.1, 0.2, 0.3], [0.5, -0.5]]}
        """,
        "i.json": #"{"inputs": [[1, 2], [0.5, -1], [0.1, 0.3]]}"#,
        "t.json":
            #"{"inputs": [[1, 0], [0, 1], [1, 1]], "weights": [[[1, 0], [0, 1], [1, 1]], [[0, 0, 1], [1, 0, 0]]]}"#,
        "c.json": #"{"cotangents": [[1, 0], [0, 1], [1, 1]]}"#,
        "y.json": #"{"labels": [0, 1, 1]}"#,
        "v.json": #"{"weights": [[[1, 0], [0, 1], [1, 1]], [[0, 0, 1], [1, 0, 0]]], "biases": [[1, 1, 1], [0, 1]]}"#,
    ]

    /// Writes the files and returns the path of each by name.
    static func write() throws -> [String: String] {
        let directory = try CLI.temporaryDirectory()
        var paths: [String: String] = [:]
        for (name, text) in files { paths[name] = try CLI.write(text, name, in: directory) }
        return paths
    }

    static func flat(_ weights: [[[Double]]]?, _ biases: [[Double]]?) -> [Double] {
        (weights ?? []).flatMap { $0.flatMap { $0 } } + (biases ?? []).flatMap { $0 }
    }

    static func expectClose(_ actual: [Double], _ expected: [Double], _ tolerance: Double, _ name: String) {
        #expect(actual.count == expected.count, "\(name): \(actual.count) numbers, expected \(expected.count)")
        let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= tolerance, "\(name): worst relative difference \(worst)")
    }

    @Test(arguments: [("float64", 1e-12), ("float32", 2e-5)])
    func everyProductEqualsJAX(_ dtype: String, _ tolerance: Double) throws {
        let p = try Self.write()
        let result = try CLI.run([
            "eval", "--model", p["m.json"]!, "--input", p["i.json"]!, "--dtype", dtype, "--jvp", p["t.json"]!,
            "--vjp", p["c.json"]!, "--loss", "softmax-cross-entropy", "--targets", p["y.json"]!, "--hvp", p["v.json"]!,
            "--ggnvp", p["v.json"]!, "--per-sample-norms",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let out = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        Self.expectClose((out.jvp ?? []).flatMap { $0 }, ProductFixtures.jvp, tolerance, "jvp")
        Self.expectClose((out.vjp_inputs ?? []).flatMap { $0 }, ProductFixtures.vjpInputs, tolerance, "vjp_inputs")
        Self.expectClose(
            Self.flat(out.vjp_weights, out.vjp_biases), ProductFixtures.vjpParameters, tolerance, "vjp_weights/biases")
        Self.expectClose([out.loss ?? .nan], [ProductFixtures.loss], tolerance, "loss")
        Self.expectClose(
            Self.flat(out.gradient_weights, out.gradient_biases), ProductFixtures.gradient, tolerance, "gradient")
        Self.expectClose(Self.flat(out.hvp_weights, out.hvp_biases), ProductFixtures.hvp, tolerance, "hvp")
        Self.expectClose(Self.flat(out.ggnvp_weights, out.ggnvp_biases), ProductFixtures.ggnvp, tolerance, "ggnvp")
        Self.expectClose(
            out.per_sample_gradient_norms ?? [], ProductFixtures.perSampleNorms, tolerance, "per_sample_gradient_norms")
    }

    @Test func targetsAsRowsEqualLabels() throws {
        let p = try Self.write()
        let directory = try CLI.temporaryDirectory()
        let rows = try CLI.write(#"{"targets": [[1, 0], [0, 1], [0, 1]]}"#, "rows.json", in: directory)
        let result = try CLI.run([
            "eval", "--model", p["m.json"]!, "--input", p["i.json"]!, "--loss", "softmax-cross-entropy",
            "--targets", rows,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let out = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        Self.expectClose(
            Self.flat(out.gradient_weights, out.gradient_biases), ProductFixtures.gradient, 1e-12, "gradient")
        #expect(out.hvp_weights == nil && out.jvp == nil)
    }

    @Test func badProductOptionsAndFilesExitTwoNamingThePlace() throws {
        let p = try Self.write()
        let directory = try CLI.temporaryDirectory()
        let base = ["eval", "--model", p["m.json"]!, "--input", p["i.json"]!]
        expectUserError(try CLI.run(base + ["--hvp", p["v.json"]!]), "--hvp", "--loss")
        expectUserError(try CLI.run(base + ["--loss", "squared-error"]), "--targets")
        expectUserError(try CLI.run(base + ["--loss", "hinge", "--targets", p["y.json"]!]), "--loss", "hinge")
        expectUserError(
            try CLI.run(base + ["--loss", "squared-error", "--targets", p["y.json"]!]), "y.json", "labels")
        let badLabel = try CLI.write(#"{"labels": [0, 2, 1]}"#, "label.json", in: directory)
        expectUserError(
            try CLI.run(base + ["--loss", "softmax-cross-entropy", "--targets", badLabel]), "label.json", "labels[1]")
        let badWeights = try CLI.write(
            #"{"weights": [[[1, 0], [0, 1], [1, 1]], [[0, 0], [1, 0]]]}"#, "w.json", in: directory)
        expectUserError(try CLI.run(base + ["--jvp", badWeights]), "w.json", "weights[1]", "2×3")
        let shortInputs = try CLI.write(#"{"inputs": [[1, 0], [0, 1]]}"#, "short.json", in: directory)
        expectUserError(try CLI.run(base + ["--jvp", shortInputs]), "short.json", "\"inputs\"", "3×2")
        let empty = try CLI.write(#"{"tangents": []}"#, "empty.json", in: directory)
        expectUserError(try CLI.run(base + ["--jvp", empty]), "empty.json", "inputs")
        expectUserError(try CLI.run(base + ["--vjp", p["t.json"]!]), "t.json", "cotangents")
        let text = try CLI.write(#"{"cotangents": [[1, 0], [0, "x"], [1, 1]]}"#, "text.json", in: directory)
        expectUserError(try CLI.run(base + ["--vjp", text]), "text.json", "[1][1]")
    }
}
