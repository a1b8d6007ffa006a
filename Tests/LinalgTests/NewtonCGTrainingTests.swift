import Linalg
import Testing

/// `Optimizer.newtonCG`: a few Hessian-free steps solve a linear least-squares problem (where the
/// Gauss-Newton matrix is the Hessian and each inexact Newton step gains digits); on the identity task it ends far
/// below Adam in the same epochs; combinations it does not take are errors.
@Suite struct NewtonCGTrainingTests {
    static func linearProblem() throws -> (MLP<Double>, RegressionSamples<Double>) {
        var g = Xoshiro256StarStar(seed: 4)
        let a = Matrix<Double>.random(rows: 2, columns: 3, distribution: .randn, using: &g)
        let x = Matrix<Double>.random(rows: 40, columns: 3, distribution: .randn, using: &g)
        let y = try BLAS.gemm(x, a, transposeB: true)
        let net = try MLP<Double>(sizes: [3, 2], activation: .identity, seed: 1)
        return (net, try RegressionSamples(inputs: x, targets: y))
    }

    @Test func fewStepsSolveLinearLeastSquares() throws {
        var (net, samples) = try Self.linearProblem()
        let before = try net.meanSquaredError(on: samples)
        let configuration = TrainingConfiguration(
            optimizer: .newtonCG(maxIterations: 20, damping: 1e-9), learningRate: 1, epochs: 6, batchSize: 40)
        _ = try net.train(on: samples, configuration: configuration)
        let after = try net.meanSquaredError(on: samples)
        #expect(before > 0.1 && after < 1e-12 * before, "mean squared error \(before) → \(after)")
    }

    @Test func identityTaskEndsFarBelowAdam() throws {
        var g = Xoshiro256StarStar(seed: 3)
        let x = Matrix<Double>.random(rows: 4000, columns: 2, distribution: .randn, using: &g)
        let samples = try RegressionSamples(inputs: x, targets: x)
        var newton = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 1), adam = newton
        _ = try newton.train(
            on: samples,
            configuration: TrainingConfiguration(
                optimizer: .newtonCG(maxIterations: 10, damping: 1), learningRate: 1, epochs: 8, batchSize: 1000))
        _ = try adam.train(on: samples, configuration: TrainingConfiguration(learningRate: 1e-2, epochs: 8))
        let (newtonLoss, adamLoss) = (try newton.meanSquaredError(on: samples), try adam.meanSquaredError(on: samples))
        #expect(newtonLoss < 0.1 * adamLoss, "newton-cg \(newtonLoss), adam \(adamLoss)")
    }

    /// A small regression set: `n` samples of 3 inputs, 2 targets.
    static func regression(n: Int) throws -> (x: [[Double]], y: [[Double]]) {
        var g = Xoshiro256StarStar(seed: 8)
        let x = (0..<n).map { _ in (0..<3).map { _ in g.nextNormal() } }
        let y = x.map { r in [r[0] * r[0] - 0.5 * r[1], r[2] * r[0] - 0.3] }
        return (x, y)
    }

    static func maxRelativeDifference(_ a: MLP<Double>, _ b: MLP<Double>) -> Double {
        zip(a.parameters, b.parameters).map { abs($0 - $1) / max(1, abs($1)) }.max()!
    }

    /// Integer weights train as the samples repeated that many times (full batches: the same mean
    /// loss and Gauss-Newton matrix, so the same steps to rounding).
    @Test func weightsActAsRepeatedSamples() throws {
        let (x, y) = try Self.regression(n: 60)
        let weights = (0..<60).map { Double(1 + $0 % 3) }
        var repeatedX: [[Double]] = [], repeatedY: [[Double]] = []
        for i in 0..<60 {
            for _ in 0..<Int(weights[i]) {
                repeatedX.append(x[i])
                repeatedY.append(y[i])
            }
        }
        let weighted = try RegressionSamples(inputs: Matrix(x), targets: Matrix(y), weights: weights)
        let repeated = try RegressionSamples(inputs: Matrix(repeatedX), targets: Matrix(repeatedY))
        var a = try MLP<Double>(sizes: [3, 6, 2], activation: .tanh, seed: 2), b = a
        let options = { (batch: Int) in
            TrainingConfiguration(
                optimizer: .newtonCG(maxIterations: 10, damping: 1), learningRate: 1, epochs: 6, batchSize: batch)
        }
        let reportA = try a.train(on: weighted, configuration: options(60))
        let reportB = try b.train(on: repeated, configuration: options(repeatedX.count))
        #expect(Self.maxRelativeDifference(a, b) < 1e-9, "\(Self.maxRelativeDifference(a, b))")
        let (la, lb) = (reportA.epochs.last!.trainingLoss, reportB.epochs.last!.trainingLoss)
        #expect(abs(la - lb) <= 1e-10 * lb && la < reportA.epochs[0].trainingLoss, "\(la) vs \(lb)")
    }

    /// Batches split across the processes of a group (threads here, MPI ranks in `linalg train`), each
    /// `G v` and trial loss reduced: the single process's parameters, with and without weights.
    @Test func sharedBatchesTakeTheSingleProcessSteps() throws {
        let (x, y) = try Self.regression(n: 90)
        for weights in [nil, (0..<90).map { 0.5 + Double($0 % 4) }] {
            let samples = try RegressionSamples(inputs: Matrix(x), targets: Matrix(y), weights: weights)
            let configuration = TrainingConfiguration(
                optimizer: .newtonCG(maxIterations: 8, damping: 1), learningRate: 1, epochs: 4, batchSize: 40)
            var single = try MLP<Double>(sizes: [3, 5, 2], activation: .sigmoid, seed: 6)
            let start = single
            _ = try single.train(on: samples, configuration: configuration)
            for processes in [2, 3] {
                let nets = try ThreadShares.run(shares: processes) { share in
                    var net = start
                    _ = try net.train(on: samples, configuration: configuration, group: share)
                    return net
                }
                for net in nets {
                    let difference = Self.maxRelativeDifference(net, single)
                    #expect(difference < 1e-10, "\(processes) processes, weighted \(weights != nil): \(difference)")
                }
            }
        }
    }

    @Test func refusedCombinationsAreErrors() throws {
        var (net, samples) = try Self.linearProblem()
        var configuration = TrainingConfiguration(optimizer: .newtonCG(maxIterations: 5, damping: 1), epochs: 1)
        configuration.clipping = PerSampleClipping(maxNorm: 1)
        #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: configuration) }
        configuration.clipping = nil
        configuration.optimizer = .newtonCG(maxIterations: 0, damping: 1)
        #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: configuration) }
        configuration.optimizer = .newtonCG(maxIterations: 5, damping: 0)
        #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: configuration) }
    }
}
