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
        let analytic =
            (0..<net.layerCount).flatMap { workspace.gradient($0).scalars }
            + (0..<net.layerCount).flatMap { workspace.biasGradient($0) }
        let numeric = FiniteDifferences.gradient(
            of: { (theta: [Double]) -> Double in
                var probe = net
                try! probe.setParameters(theta)
                return try! probe.lossAndGradient(x, targets: y, loss: loss, workspace: workspace)
            }, at: net.parameters)
        let check = FiniteDifferences.compare(analytic: analytic, numeric: numeric)
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
}
