#if canImport(Glibc)
import Glibc
#endif
import Linalg
import LinalgReference
import Testing

/// `y = sin(x₀) + x₁ x₂ / 2`, `x ~ randn(3)`, one sample per row.
func smoothRegression(_ n: Int, seed: UInt64) -> RegressionSamples<Double> {
    var generator = Xoshiro256StarStar(seed: seed)
    let x = Matrix<Double>.random(rows: n, columns: 3, distribution: .randn, using: &generator)
    var y = try! Matrix<Double>(rows: n, columns: 1)
    for i in 0..<n { y[i, 0] = sin(x[i, 0]) + x[i, 1] * x[i, 2] / 2 }
    return try! RegressionSamples(inputs: x, targets: y)
}

@Suite struct TrainingTests {
    /// One full-batch step of each optimizer against its formula, from the gradient of the mean
    /// squared error `(1/(n h_L)) Σ ‖f − y‖²`.
    @Test(arguments: [Optimizer.sgd, .momentum(0.9), .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)])
    func twoFullBatchStepsFollowTheOptimizerFormula(_ optimizer: Optimizer) throws {
        let samples = smoothRegression(40, seed: 1)
        let initial = try MLP<Double>(fanInUniformSizes: [3, 5, 1], activation: .tanh, seed: 2)
        var trained = initial
        let rate = 0.05
        let report = try trained.train(
            on: samples,
            configuration: TrainingConfiguration(optimizer: optimizer, learningRate: rate, epochs: 2, batchSize: 40))
        #expect(report.epochs.count == 2 && !report.stoppedEarly)
        // The mean-loss gradient at θ.
        func gradient(_ net: MLP<Double>) throws -> [Double] {
            let x = samples.inputs.transposed(), y = samples.targets.transposed()
            let workspace = try MLPWorkspace<Double>(sizes: net.sizes, batchSize: 40)
            _ = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
            let g =
                (0..<net.layerCount).flatMap { workspace.gradient($0).scalars }
                + (0..<net.layerCount).flatMap { workspace.biasGradient($0) }
            return g.map { $0 / 40 }
        }
        var theta = initial.parameters
        var first = [Double](repeating: 0, count: theta.count), second = first
        for t in 1...2 {
            var net = initial
            try net.setParameters(theta)
            let g = try gradient(net)
            for i in theta.indices {
                switch optimizer {
                case .sgd: theta[i] -= rate * g[i]
                case .momentum(let mu):
                    first[i] = t == 1 ? g[i] : mu * first[i] + g[i]
                    theta[i] -= rate * first[i]
                case .adam(let b1, let b2, let eps):
                    first[i] = b1 * first[i] + (1 - b1) * g[i]
                    second[i] = b2 * second[i] + (1 - b2) * g[i] * g[i]
                    let stepSize = rate / (1 - pow(b1, Double(t)))
                    theta[i] -=
                        stepSize * first[i] / (second[i].squareRoot() / (1 - pow(b2, Double(t))).squareRoot() + eps)
                case .newtonCG: Issue.record("newton-cg is tested in NewtonCGTrainingTests")
                }
            }
        }
        for (a, b) in zip(report.net.parameters, theta) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
    }

    @Test func adamLearnsASmoothFunctionReproduciblyInBothPrecisions() throws {
        let train = smoothRegression(2000, seed: 3), valid = smoothRegression(500, seed: 4)
        let configuration = TrainingConfiguration(learningRate: 1e-2, epochs: 30, batchSize: 32, seed: 5)
        var net = try MLP<Double>(fanInUniformSizes: [3, 32, 32, 1], activation: .tanh, seed: 6)
        let before = try net.meanSquaredError(on: valid)
        let report = try net.train(on: train, validation: valid, configuration: configuration)
        let after = try report.net.meanSquaredError(on: valid)
        #expect(report.epochs.last!.validationLoss == after)
        #expect(after < 0.05 * before, "validation MSE \(before) → \(after)")
        var again = try MLP<Double>(fanInUniformSizes: [3, 32, 32, 1], activation: .tanh, seed: 6)
        #expect(try again.train(on: train, validation: valid, configuration: configuration).net == report.net)

        let train32 = try RegressionSamples(
            inputs: train.inputs.converted(to: Float.self), targets: train.targets.converted(to: Float.self))
        let valid32 = try RegressionSamples(
            inputs: valid.inputs.converted(to: Float.self), targets: valid.targets.converted(to: Float.self))
        var single = try MLP<Float>(fanInUniformSizes: [3, 32, 32, 1], activation: .tanh, seed: 6)
        let report32 = try single.train(on: train32, validation: valid32, configuration: configuration)
        let after32 = try report32.net.meanSquaredError(on: valid32)
        #expect(after32 < 0.05 * before && abs(after32 - after) <= 0.5 * after, "Float \(after32) vs Double \(after)")
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        // A learning rate far too large: the validation error stops improving within a few epochs.
        let train = smoothRegression(200, seed: 7), valid = smoothRegression(100, seed: 8)
        var net = try MLP<Double>(fanInUniformSizes: [3, 16, 1], activation: .relu, seed: 1)
        let report = try net.train(
            on: train, validation: valid,
            configuration: TrainingConfiguration(
                optimizer: .sgd, learningRate: 0.5, epochs: 200, batchSize: 8, seed: 2, patience: 3))
        #expect(report.stoppedEarly && report.epochs.count == report.bestEpoch + 3)
        let best = report.epochs[report.bestEpoch - 1].validationLoss!
        #expect(report.epochs.allSatisfy { $0.validationLoss! >= best })
        #expect(try report.net.meanSquaredError(on: valid) == best)
    }

    @Test func badSettingsAndShapesAreTypedErrors() throws {
        let samples = smoothRegression(10, seed: 1)
        var net = try MLP<Double>(fanInUniformSizes: [3, 4, 1], seed: 0)
        for bad in [
            TrainingConfiguration(learningRate: 0), TrainingConfiguration(epochs: -1),
            TrainingConfiguration(batchSize: 0), TrainingConfiguration(patience: 0),
            TrainingConfiguration(optimizer: .momentum(1)),
        ] {
            #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: bad) }
        }
        var wrong = try MLP<Double>(fanInUniformSizes: [2, 4, 1], seed: 0)
        #expect(throws: LinalgError.self) { try wrong.train(on: samples) }
        #expect(throws: LinalgError.self) {
            try RegressionSamples(
                inputs: try Matrix<Double>(rows: 3, columns: 2), targets: try Matrix<Double>(rows: 2, columns: 1))
        }
        var bad = try Matrix<Double>(rows: 3, columns: 2)
        bad[2, 1] = .infinity
        #expect(throws: LinalgError.nonFinite(what: "inputs", row: 2, column: 1)) {
            try RegressionSamples(inputs: bad, targets: try Matrix<Double>(rows: 3, columns: 1))
        }
        // Divergence is reported, not returned as NaN parameters.
        var diverging = try MLP<Double>(fanInUniformSizes: [3, 4, 1], activation: .identity, seed: 0)
        #expect(throws: LinalgError.self) {
            try diverging.train(
                on: samples, configuration: TrainingConfiguration(optimizer: .sgd, learningRate: 1e6, epochs: 50))
        }
    }
}
