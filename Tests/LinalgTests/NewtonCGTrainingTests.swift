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

    @Test func refusedCombinationsAreErrors() throws {
        var (net, samples) = try Self.linearProblem()
        var configuration = TrainingConfiguration(optimizer: .newtonCG(maxIterations: 5, damping: 1), epochs: 1)
        configuration.clipping = PerSampleClipping(maxNorm: 1)
        #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: configuration) }
        let weighted = try RegressionSamples(
            inputs: samples.inputs, targets: samples.targets, weights: Array(repeating: 1, count: samples.count))
        configuration.clipping = nil
        #expect(throws: LinalgError.self) { try net.train(on: weighted, configuration: configuration) }
        configuration.optimizer = .newtonCG(maxIterations: 0, damping: 1)
        #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: configuration) }
        configuration.optimizer = .newtonCG(maxIterations: 5, damping: 0)
        #expect(throws: LinalgError.self) { try net.train(on: samples, configuration: configuration) }
    }
}
