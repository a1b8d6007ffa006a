import Foundation
import Linalg
import Testing

@Suite(.serialized) struct TrainCLITests {
    /// The fixture's net: W0 (5 × 3), W1 (2 × 5), biases, tanh hidden, identity output.
    func fixtureNet() throws -> MLP<Double> {
        try MLP<Double>(
            weights: [
                try Matrix(rows: 5, columns: 3, scalars: TrainingFixtures.w0),
                try Matrix(rows: 2, columns: 5, scalars: TrainingFixtures.w1),
            ], biases: [TrainingFixtures.b0, TrainingFixtures.b1], activation: .tanh)
    }

    /// PyTorch's order (W0, b0, W1, b1) as ours (W0, W1, b0, b1).
    func inOurOrder(_ torch: [Double]) -> [Double] {
        Array(torch[0..<15]) + Array(torch[20..<30]) + Array(torch[15..<20]) + Array(torch[30..<32])
    }

    /// Three full-batch steps reproduce torch.optim.Adam and torch.optim.SGD(momentum=0.9) on
    /// nn.MSELoss to rounding: the same updates, the same loss scaling.
    @Test func fullBatchStepsMatchPyTorch() throws {
        let samples = try RegressionSamples(
            inputs: try Matrix(rows: 8, columns: 3, scalars: TrainingFixtures.x),
            targets: try Matrix(rows: 8, columns: 2, scalars: TrainingFixtures.y))
        let cases: [(Optimizer, Double, [Double])] = [
            (.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), 0.01, TrainingFixtures.afterAdam),
            (.momentum(0.9), 0.1, TrainingFixtures.afterMomentum),
        ]
        for (optimizer, rate, expected) in cases {
            var net = try fixtureNet()
            let report = try net.train(
                on: samples,
                configuration: TrainingConfiguration(optimizer: optimizer, learningRate: rate, epochs: 3, batchSize: 8))
            for (a, b) in zip(report.net.parameters, inOurOrder(expected)) {
                #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(optimizer): \(a) vs PyTorch \(b)")
            }
        }
    }

    @Test func trainOnNpzSavesLogsPlotsAndTheModelEvaluatesToTheSameBits() throws {
        let directory = try CLI.temporaryDirectory()
        let data = directory.appendingPathComponent("t.npz").path
        try TrainingFixtures.trainingNpz.write(to: URL(fileURLWithPath: data))
        for dtype in ["float64", "float32"] {
            let paths = ["m.json", "l.csv", "p.svg"].map { directory.appendingPathComponent(dtype + $0).path }
            let result = try CLI.run([
                "train", "--sizes", "3,5,2", "--data", data, "--validation", data, "--epochs", "4", "--batch", "3",
                "--activation", "tanh", "--lr", "0.01", "--dtype", dtype, "--save", paths[0], "--log", paths[1],
                "--plot", paths[2],
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("epoch 4/4") && result.stdout.contains("final train_mse="))
            let log = try String(contentsOfFile: paths[1], encoding: .utf8).split(separator: "\n")
            #expect(log.first == "epoch,train_loss,validation_loss,seconds,samples_per_second" && log.count == 5)
            #expect(try String(contentsOfFile: paths[2], encoding: .utf8).hasPrefix("<svg"))
            let model = try JSONDecoder().decode(
                ModelOutput.self, from: Data(contentsOf: URL(fileURLWithPath: paths[0])))
            #expect(model.dtype == dtype && model.biases?.count == 2 && model.activation == "tanh")
            let inputs = try CLI.write(#"{"inputs": [[0.5, -1, 2], [0.1, 0.2, 0.3]]}"#, "i.json", in: directory)
            let eval = try CLI.run(["eval", "--model", paths[0], "--input", inputs, "--jacobians"])
            #expect(eval.status == 0, "\(eval.stderr)")
            let output = try JSONDecoder().decode(EvalOutput.self, from: Data(eval.stdout.utf8))
            let x = try Matrix<Double>([[0.5, 0.1], [-1, 0.2], [2, 0.3]])
            if dtype == "float64" {
                let net = try model.net(Double.self)
                #expect(output.outputs == [try net(x).column(0), try net(x).column(1)])
                let factors = try net.weightJacobianFactors(x)
                #expect(output.jacobian_biases?[1][0] == factors.sensitivity(layer: 1, sample: 0).rowArrays)
                #expect(output.jacobian_biases?[0][1] == factors.sensitivity(layer: 0, sample: 1).rowArrays)
            } else {
                let net = try model.net(Float.self)
                let f = try net(x.converted(to: Float.self))
                #expect(output.outputs == [f.column(0).map { Double($0) }, f.column(1).map { Double($0) }])
            }
        }
    }

    @Test func trainReadsTableTargetsAndRefusesBadSettings() throws {
        let directory = try CLI.temporaryDirectory()
        var csv = "a,t1,b,c,t2\n"
        var generator = Xoshiro256StarStar(seed: 3)
        for _ in 0..<50 {
            let (a, b, c) = (generator.nextNormal(), generator.nextNormal(), generator.nextNormal())
            csv += "\(a),\(a + b),\(b),\(c),\(b * c)\n"
        }
        let data = try CLI.write(csv, "d.csv", in: directory)
        let ok = try CLI.run([
            "train", "--sizes", "3,8,2", "--data", data, "--targets", "t2,t1", "--epochs", "2", "--optimizer",
            "momentum",
            "--lr", "0.01", "--no-bias", "--activation", "relu",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("no biases") && ok.stdout.contains("relu hidden"))
        let failures: [([String], String)] = [
            (["--sizes", "3,8,1", "--targets", "t2,t1"], "maps 3 to 1"),
            (["--sizes", "5,8,1"], "4 inputs"),
            (["--sizes", "4,8,1", "--patience", "2"], "--patience needs --validation"),
            (["--sizes", "4,8,1", "--optimizer", "lbfgs"], "--optimizer"),
            (["--sizes", "3,8,2", "--targets", "t2,nope"], "nope"),
            (["--sizes", "4,8,1", "--lr", "-1"], "learning rate"),
            (["--sizes", "4,8,1", "--dtype", "float16"], "--dtype"),
            (["--sizes", "4,8,1", "--save", "/nonexistent/m.json"], "--save"),
        ]
        for (arguments, message) in failures {
            let result = try CLI.run(["train", "--data", data] + arguments)
            #expect(result.status == 2 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func evalAndGradcheckTakeDtypeAndTrainIdentitySaves() throws {
        let check = try CLI.run(["gradcheck", "--dtype", "float32", "--biases", "--sizes", "3,6,2", "--batch", "2"])
        #expect(check.status == 0 && check.stdout.contains("df/db_1") && check.stdout.contains("float32"), "\(check)")
        let directory = try CLI.temporaryDirectory()
        let saved = directory.appendingPathComponent("identity.json").path
        let trained = try CLI.run(["train-identity", "--steps", "200", "--dtype", "float32", "--save", saved])
        #expect(trained.status == 0 && trained.stdout.contains("heldout_mse"), "\(trained.stderr)")
        let model = try JSONDecoder().decode(ModelOutput.self, from: Data(contentsOf: URL(fileURLWithPath: saved)))
        #expect(model.dtype == "float32" && model.biases == nil)
        let inputs = try CLI.write(#"{"inputs": [[0.25, -0.5]]}"#, "i.json", in: directory)
        let single = try JSONDecoder().decode(
            EvalOutput.self, from: Data(try CLI.run(["eval", "--model", saved, "--input", inputs]).stdout.utf8))
        let double = try JSONDecoder().decode(
            EvalOutput.self,
            from: Data(try CLI.run(["eval", "--model", saved, "--input", inputs, "--dtype", "float64"]).stdout.utf8))
        let f = try model.net(Float.self)([0.25, -0.5]).map { Double($0) }
        #expect(single.outputs == [f])
        #expect(double.outputs == [try model.net(Double.self)([0.25, -0.5])])
        #expect(single.jacobian_biases == nil)
    }
}

extension TrainCLITests {
    /// `--clip-per-sample` trains (its steps are checked against Opacus in ClippingTests); a tiny clipping
    /// norm slows the descent against plain SGD; bad combinations exit 2 with the reason.
    @Test func clipPerSampleTrainsAndRefusesBadCombinations() throws {
        let directory = try CLI.temporaryDirectory()
        let data = directory.appendingPathComponent("t.npz").path
        try TrainingFixtures.trainingNpz.write(to: URL(fileURLWithPath: data))
        func finalLoss(_ extra: [String]) throws -> Double {
            let result = try CLI.run(
                [
                    "train", "--sizes", "3,5,2", "--data", data, "--epochs", "5", "--batch", "4", "--optimizer", "sgd",
                    "--lr", "0.2", "--dtype", "float64",
                ] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let line = try #require(result.stdout.split(separator: "\n").last { $0.contains("final train_mse=") })
            let after = try #require(line.split(separator: "final train_mse=").last)
            let value = after.prefix { !$0.isWhitespace && $0 != "," }
            return try #require(Double(value))
        }
        let plain = try finalLoss([])
        let clipped = try finalLoss(["--clip-per-sample", "1e-4"])
        let noisy = try finalLoss(["--clip-per-sample", "1e-4", "--noise-multiplier", "1"])
        #expect(clipped > plain && noisy.isFinite)
        let base = ["train", "--sizes", "3,5,2", "--data", data, "--epochs", "1"]
        expectUserError(try CLI.run(base + ["--noise-multiplier", "1"]), "--noise-multiplier", "--clip-per-sample")
        expectUserError(try CLI.run(base + ["--clip-per-sample", "0"]), "clipping norm")
        expectUserError(try CLI.run(base + ["--clip-per-sample", "1", "--noise-multiplier", "-2"]), "noise multiplier")
    }
}
