import Foundation
import Linalg
import LinalgReference
import Testing

/// The classification losses of a net: values against the formulas on the plain-Swift oracle's
/// outputs, gradients against the oracle's backprop of `softmax(f) − y` or `σ(f) − y` and against
/// central differences, and training to a high accuracy.
@Suite(.serialized) struct NetLossTests {
    /// A net with biases, a batch and one-hot (softmax) or 0/1 (sigmoid) targets.
    static func setup(_ loss: NetLoss, seed: UInt64 = 3) throws -> (MLP<Double>, Matrix<Double>, Matrix<Double>) {
        var g = Xoshiro256StarStar(seed: seed)
        let net = try MLP<Double>(
            fanInUniformSizes: [3, 6, 4], biases: true, activation: .tanh, outputActivation: .identity, seed: seed)
        let x = Matrix<Double>.random(rows: 3, columns: 9, distribution: .randn, using: &g)
        var y = try Matrix<Double>(rows: 4, columns: 9)
        for b in 0..<9 {
            if loss == .softmaxCrossEntropy {
                y[b % 4, b] = 1
            } else {
                for k in 0..<4 { y[k, b] = g.nextUniform() < 0.5 ? 0 : 1 }
            }
        }
        return (net, x, y)
    }

    /// The gradient the last `lossAndGradient` left in `workspace`: every `W_l` row-major, then
    /// every `b_l` (the order of ``MLP/parameters``).
    static func parameterGradient(_ net: MLP<Double>, _ workspace: MLPWorkspace<Double>) -> [Double] {
        (0..<net.layerCount).flatMap { workspace.gradient($0).scalars }
            + (0..<net.layerCount).flatMap { workspace.biasGradient($0) }
    }

    /// The gradient `workspace` holds (from `lossAndGradient` on `x`, `y`, `loss`, `weights`) against
    /// central differences of the same loss in every parameter.
    static func centralDifferences(
        _ net: MLP<Double>, _ x: Matrix<Double>, _ y: Matrix<Double>, _ loss: NetLoss, weights: [Double]?,
        _ workspace: MLPWorkspace<Double>
    ) -> DerivativeCheck {
        let analytic = parameterGradient(net, workspace)
        let numeric = FiniteDifferences.gradient(
            of: { (theta: [Double]) -> Double in
                var probe = net
                try! probe.setParameters(theta)
                return try! probe.lossAndGradient(x, targets: y, loss: loss, weights: weights, workspace: workspace)
            }, at: net.parameters)
        return FiniteDifferences.compare(analytic: analytic, numeric: numeric)
    }

    static func reference(_ net: MLP<Double>) -> Reference.MLP {
        Reference.MLP(
            weights: net.weights, biases: net.hasBiases ? (0..<net.layerCount).map { net.bias($0)! } : nil,
            activation: net.activation,
            outputActivation: net.outputActivation)
    }

    /// The loss of outputs `f` against targets `y` (one sample), and `∂/∂f`, from the formulas.
    static func formula(_ loss: NetLoss, _ f: [Double], _ y: [Double]) -> (Double, [Double]) {
        if loss == .softmaxCrossEntropy {
            let total = f.map { exp($0) }.reduce(0, +)
            let p = f.map { exp($0) / total }
            return (zip(y, f).reduce(0) { $0 + $1.0 * (log(total) - $1.1) }, zip(p, y).map { $0 - $1 })
        }
        let value = zip(f, y).reduce(0) { $0 + log(1 + exp($1.0)) - $1.1 * $1.0 }
        return (value, zip(f, y).map { 1 / (1 + exp(-$0)) - $1 })
    }

    @Test(arguments: [NetLoss.softmaxCrossEntropy, .sigmoidCrossEntropy])
    func lossAndGradientMatchTheOracleAndCentralDifferences(_ loss: NetLoss) throws {
        let (net, x, y) = try Self.setup(loss)
        let workspace = try MLPWorkspace<Double>(sizes: net.sizes, batchSize: x.columns)
        let value = try net.lossAndGradient(x, targets: y, loss: loss, workspace: workspace)
        let reference = Self.reference(net)
        var expected = 0.0
        var gradients = net.weights.map { try! Matrix<Double>(rows: $0.rows, columns: $0.columns) }
        for b in 0..<x.columns {
            let (sampleLoss, g) = Self.formula(loss, reference(x.column(b)), y.column(b))
            expected += sampleLoss
            for (l, grad) in reference.gradients(x.column(b), lossGradient: g).enumerated() {
                gradients[l] = gradients[l].elementwise(grad, +)
            }
        }
        expectRelative([value], [expected], tolerance: 1e-13, "\(loss.rawValue) loss")
        for l in 0..<net.layerCount {
            expectClose(workspace.gradient(l), gradients[l], tolerance: 1e-12, "\(loss.rawValue) ∂/∂W_\(l)")
        }
        // Every parameter (weights and biases) against central differences of the loss.
        let check = Self.centralDifferences(net, x, y, loss, weights: nil, workspace)
        #expect(check.maxRelativeError < 1e-8, "\(loss.rawValue): \(check)")
    }

    @Test func softmaxTrainingSeparatesThreeClusters() throws {
        var g = Xoshiro256StarStar(seed: 11)
        let centres = [[2.0, 0], [-1, 1.7], [-1, -1.7]]
        var inputs: [[Double]] = [], targets: [[Double]] = []
        for i in 0..<600 {
            let c = i % 3
            inputs.append([centres[c][0] + 0.5 * g.nextNormal(), centres[c][1] + 0.5 * g.nextNormal()])
            targets.append((0..<3).map { $0 == c ? 1 : 0 })
        }
        let samples = try RegressionSamples(inputs: Matrix(inputs), targets: Matrix(targets))
        var net = try MLP<Double>(
            fanInUniformSizes: [2, 16, 3], biases: true, activation: .tanh, outputActivation: .identity, seed: 1)
        let report = try net.train(
            on: samples, validation: samples,
            configuration: TrainingConfiguration(
                learningRate: 0.01, epochs: 30, batchSize: 32, loss: .softmaxCrossEntropy))
        let last = try #require(report.epochs.last)
        #expect(try #require(last.validationAccuracy) > 0.97)
        #expect(try #require(last.validationLoss) < report.epochs[0].trainingLoss / 3)
        var sigmoidNet = try MLP<Double>(
            fanInUniformSizes: [2, 8, 3], biases: true, activation: .tanh, outputActivation: .sigmoid, seed: 1)
        #expect(throws: LinalgError.self) {
            try sigmoidNet.train(on: samples, configuration: TrainingConfiguration(loss: .sigmoidCrossEntropy))
        }
    }

    /// The fixture's net, its batch (`h₀ × B`, one sample per column) and targets (`h_L × B`).
    static func net(_ fixture: NetLossFixture) throws -> (MLP<Double>, Matrix<Double>, Matrix<Double>) {
        let sizes = [3, 5, 4], batch = fixture.sampleWeights.count
        let weights = try (0..<2).map { l in
            try Matrix(rows: sizes[l + 1], columns: sizes[l], scalars: fixture.weights[l])
        }
        let net = try MLP<Double>(
            weights: weights, biases: fixture.biases, activation: .tanh, outputActivation: .identity)
        let x = try Matrix(rows: batch, columns: sizes[0], scalars: fixture.inputs).transposed()
        let y = try Matrix(rows: batch, columns: sizes[2], scalars: fixture.targets).transposed()
        return (net, x, y)
    }

    /// PyTorch's `CrossEntropyLoss` / `BCEWithLogitsLoss` (mean reduction, and the weighted mean
    /// `Σ w_b ℓ_b / Σ w_b` of `reduction="none"`), value and every parameter's gradient, float64.
    @Test(arguments: [NetLossFixtures.softmax, NetLossFixtures.sigmoid])
    func lossesAndGradientsEqualPyTorch(_ fixture: NetLossFixture) throws {
        let (net, x, y) = try Self.net(fixture)
        let workspace = try MLPWorkspace<Double>(sizes: net.sizes, batchSize: x.columns)
        let cases: [(weights: [Double]?, loss: Double, gradient: [Double])] = [
            (nil, fixture.meanLoss, fixture.meanGradient),
            (fixture.sampleWeights, fixture.weightedLoss, fixture.weightedGradient),
        ]
        for (weights, loss, gradient) in cases {
            let sum = try net.lossAndGradient(x, targets: y, loss: fixture.loss, weights: weights, workspace: workspace)
            let total = weights?.reduce(0, +) ?? Double(x.columns)
            let normaliser = fixture.loss.normaliser(weight: total, outputs: net.outputSize)
            let ours = Self.parameterGradient(net, workspace)
            let label = "\(fixture.loss.rawValue)\(weights == nil ? "" : ", weighted")"
            expectRelative([sum / normaliser], [loss], tolerance: 1e-13, "\(label) loss")
            let largest = gradient.map(abs).max() ?? 1
            let error = zip(ours, gradient).map { abs($0 / normaliser - $1) }.max() ?? 0
            #expect(error <= 1e-13 * largest, "\(label) gradient: max |Δ| = \(error)")
        }
    }

    /// With weights the loss is `Σ_b w_b ℓ_b` (each `ℓ_b` a batch of one), and its gradient agrees
    /// with central differences, for every loss.
    @Test(arguments: NetLoss.allCases)
    func weightedLossIsTheWeightedSumAndItsGradientMatchesCentralDifferences(_ loss: NetLoss) throws {
        let (net, x, y) = try Self.setup(loss)
        let weights = (0..<x.columns).map { b in b == 4 ? 0 : 0.25 + Double(b % 3) * 0.6 }
        let workspace = try MLPWorkspace<Double>(sizes: net.sizes, batchSize: x.columns)
        let one = try MLPWorkspace<Double>(sizes: net.sizes, batchSize: 1)
        let value = try net.lossAndGradient(x, targets: y, loss: loss, weights: weights, workspace: workspace)
        let expected = try (0..<x.columns).reduce(0.0) { sum, b in
            let xb = try Matrix(rows: x.rows, columns: 1, scalars: x.column(b))
            let yb = try Matrix(rows: y.rows, columns: 1, scalars: y.column(b))
            return sum + weights[b] * (try net.lossAndGradient(xb, targets: yb, loss: loss, workspace: one))
        }
        expectRelative([value], [expected], tolerance: 1e-13, "\(loss.rawValue) weighted loss")
        let check = Self.centralDifferences(net, x, y, loss, weights: weights, workspace)
        #expect(check.maxRelativeError < 1e-8, "\(loss.rawValue): \(check)")
        #expect(throws: LinalgError.self) {
            try net.lossAndGradient(
                x, targets: y, loss: loss, weights: [1, -1] + weights.dropFirst(2), workspace: workspace)
        }
    }

    /// Integer weights train and score as repeated samples: a weight of 2 is the sample twice, 0
    /// drops it (one full-batch SGD epoch, so the shuffle does not matter), for every loss.
    @Test(arguments: NetLoss.allCases)
    func integerWeightsAreRepeatedSamples(_ loss: NetLoss) throws {
        let (start, x, y) = try Self.setup(loss)
        let counts = (0..<x.columns).map { $0 % 3 }  // 0, 1, 2, 0, 1, 2, …
        let rows = x.transposed(), targets = y.transposed()
        var repeated: [Int] = []
        for (b, count) in counts.enumerated() { repeated += Array(repeating: b, count: count) }
        let weighted = try RegressionSamples(inputs: rows, targets: targets, weights: counts.map(Double.init))
        let copies = try RegressionSamples(
            inputs: Matrix(repeated.map { rows.row($0) }), targets: Matrix(repeated.map { targets.row($0) }))
        var nets = [start, start]
        for (i, samples) in [weighted, copies].enumerated() {
            _ = try nets[i].train(
                on: samples,
                configuration: TrainingConfiguration(
                    optimizer: .sgd, learningRate: 0.5, epochs: 1, batchSize: samples.count, loss: loss))
        }
        #expect(zip(nets[0].parameters, nets[1].parameters).allSatisfy { abs($0 - $1) <= 1e-13 * max(1, abs($1)) })
        #expect(nets[0].parameters != start.parameters)
        let (a, b) = (try nets[0].evaluate(on: weighted, loss: loss), try nets[0].evaluate(on: copies, loss: loss))
        expectRelative([a.loss], [b.loss], tolerance: 1e-13, "\(loss.rawValue) evaluated loss")
        #expect(a.accuracy == b.accuracy || abs((a.accuracy ?? 0) - (b.accuracy ?? 0)) < 1e-15)
    }
}
