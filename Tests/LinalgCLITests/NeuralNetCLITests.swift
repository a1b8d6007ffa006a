import Foundation
import Linalg
import Testing

@Suite(.serialized) struct NeuralNetCLITests {
    let model = """
        {"activation": "sigmoid", "weights": [[[0.1, 0.2], [0.3, -0.4], [1, 2]], [[1, 0.5, -1], [0.25, -2, 3]]]}
        """
    let input = #"{"inputs": [[1, 2], [0.5, -1], [0.1, 0.3]]}"#

    @Test func gradcheckPassesForTheExerciseNet() throws {
        let result = try CLI.run(["gradcheck"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("df/dx0") && result.stdout.contains("df/dW_2"))
        #expect(result.stdout.contains("f(x_0) = ["))
        let batched = try CLI.run([
            "gradcheck", "--sizes", "5,7,3,4", "--batch", "3", "--seed", "4", "--activation", "tanh",
        ])
        #expect(batched.status == 0 && batched.stdout.contains("f(x_2)"))
    }

    @Test func evalFollowsTheJSONContractAndRoundTrips() throws {
        let directory = try CLI.temporaryDirectory()
        let modelPath = try CLI.write(model, "model.json", in: directory)
        let inputPath = try CLI.write(input, "input.json", in: directory)
        let result = try CLI.run(["eval", "--model", modelPath, "--input", inputPath, "--jacobians"])
        #expect(result.status == 0, "\(result.stderr)")
        // JSONDecoder parses numbers with correct rounding (JSONSerialization on Linux does not).
        let object = try JSONDecoder().decode(EvalOutput.self, from: Data(result.stdout.utf8))
        let outputs = object.outputs
        let jx = try #require(object.jacobian_x0)
        let jw = try #require(object.jacobian_weights)

        let net = try MLP<Double>(weights: [
            Matrix([[0.1, 0.2], [0.3, -0.4], [1, 2]]), Matrix([[1, 0.5, -1], [0.25, -2, 3]]),
        ])
        let x = try Matrix<Double>([[1, 0.5, 0.1], [2, -1, 0.3]])
        let f = try net(x)
        #expect(outputs.count == 3 && outputs[0].count == 2)
        for b in 0..<3 { #expect(outputs[b] == f.column(b), "numbers must round-trip exactly") }
        let expectedJx = try net.inputJacobians(x)
        #expect(jx.count == 3 && jx[1] == expectedJx[1].rowArrays)
        let tensors = try net.weightJacobians(x)
        #expect(
            jw.count == 2 && jw[0].count == 3 && jw[0][0].count == 2 && jw[0][0][0].count == 3
                && jw[0][0][0][0].count == 2)
        #expect(jw[1][2][1][0][2] == tensors[1][2][1, 0, 2])
        #expect(jw[0][1][0][2][1] == tensors[0][1][0, 2, 1])

        let plain = try CLI.run(["eval", "--model", modelPath, "--input", inputPath])
        let plainObject = try #require(
            try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        #expect(plainObject.keys.sorted() == ["outputs"])
    }

    @Test func evalOutputActivationIsOptional() throws {
        let directory = try CLI.temporaryDirectory()
        let modelPath = try CLI.write(
            #"{"activation": "tanh", "output_activation": "sigmoid", "weights": [[[2, -1]]]}"#, "m.json", in: directory)
        let inputPath = try CLI.write(#"{"inputs": [[0.5, 0.25]]}"#, "i.json", in: directory)
        let result = try CLI.run(["eval", "--model", modelPath, "--input", inputPath])
        #expect(result.stdout.contains(String(1 / (1 + Double.exp(-0.75)))))
    }

    @Test func reluFamilyInModelFilesAndGradcheck() throws {
        let directory = try CLI.temporaryDirectory()
        // W₀x = 2·0.5 − 1·2 = −1; leaky ReLU (0.2) gives −0.2; W₁ = [[3]] gives −0.6; then softplus.
        let modelPath = try CLI.write(
            #"{"activation": "leaky_relu", "leaky_slope": 0.2, "output_activation": "softplus", "#
                + #""weights": [[[2, -1]], [[3]]]}"#, "m.json", in: directory)
        let inputPath = try CLI.write(#"{"inputs": [[0.5, 2]]}"#, "i.json", in: directory)
        let result = try CLI.run(["eval", "--model", modelPath, "--input", inputPath])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = Activation.softplus.value(3 * Activation.leakyReLU(slope: 0.2).value(-1.0))
        #expect(result.stdout.contains(String(expected)), "\(result.stdout)")
        for activation in ["relu", "leaky_relu", "softplus"] {
            let check = try CLI.run(
                [
                    "gradcheck", "--sizes", "5,7,3,4", "--batch", "8", "--activation", activation,
                    "--output-activation", activation,
                ])
            #expect(check.status == 0, "\(activation): \(check.stdout)")
        }
        expectUserError(try CLI.run(["gradcheck", "--activation", "leaky_relu", "--leaky-slope", "-1"]), "slope")
    }

    @Test func evalBadInputsExitTwoWithAOneLineMessage() throws {
        let directory = try CLI.temporaryDirectory()
        let good = try CLI.write(self.model, "good.json", in: directory)
        let inputs = try CLI.write(input, "in.json", in: directory)
        func badModel(_ text: String) throws -> CLIResult {
            try CLI.run(["eval", "--model", try CLI.write(text, "bad.json", in: directory), "--input", inputs])
        }
        expectUserError(
            try CLI.run(["eval", "--model", directory.appendingPathComponent("missing.json").path, "--input", inputs]),
            "missing.json", "no such file")
        expectUserError(try badModel(#"{"weights": [[[1, 2]]"#), "bad.json", "malformed JSON")
        expectUserError(try badModel(#"{"weights": [[[1, 2], [3, 4], [5, 6]], [[1, 2]]]}"#), "bad.json", "W_1", "W_0")
        expectUserError(try badModel(#"{"activation": "gelu", "weights": [[[1, 2]]]}"#), "gelu")
        expectUserError(try badModel(#"{"weights": [[[1, "a"]]]}"#), "W_0[0][1]")
        expectUserError(try badModel(#"{"weights": [[[1, 2], [3]]]}"#), "W_0 row 1")
        expectUserError(try badModel(#"{"weights": [[[1, 1e999]]]}"#), "bad.json")
        let shortInput = try CLI.write(#"{"inputs": [[1, 2], [3]]}"#, "short.json", in: directory)
        expectUserError(try CLI.run(["eval", "--model", good, "--input", shortInput]), "short.json", "inputs[1]")
        let textInput = try CLI.write(#"{"inputs": [[1, null]]}"#, "null.json", in: directory)
        expectUserError(try CLI.run(["eval", "--model", good, "--input", textInput]), "null.json", "inputs[0][1]")
    }

    @Test func badSizesExitTwo() throws {
        expectUserError(try CLI.run(["gradcheck", "--sizes", "2"]), "--sizes")
        expectUserError(try CLI.run(["gradcheck", "--sizes", "2,0,2"]), "--sizes", "entry 1")
        expectUserError(try CLI.run(["gradcheck", "--sizes", "2,x"]), "--sizes")
        expectUserError(try CLI.run(["gradcheck", "--activation", "gelu"]), "gelu")
        expectUserError(try CLI.run(["train-identity", "--sizes", "2,10,3"]), "h_L")
        expectUserError(try CLI.run(["train-identity", "--lr", "-1"]), "--lr")
    }

    @Test func trainIdentityPrintsTheHeldOutLineAndLogs() throws {
        let directory = try CLI.temporaryDirectory()
        let log = directory.appendingPathComponent("loss.csv").path
        let result = try CLI.run(["train-identity", "--steps", "3000", "--seed", "2", "--log", log])
        #expect(result.status == 0, "\(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        let parts = last.split(separator: " ")
        #expect(parts.count == 3 && parts[0] == "heldout_mse")
        let initial = try #require(Double(parts[1].dropFirst("initial=".count)))
        let final = try #require(Double(parts[2].dropFirst("final=".count)))
        #expect(final < initial)
        let rows = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "step,loss" && rows.count == 3001)
        #expect(rows[1].hasPrefix("1,"))
    }
}
