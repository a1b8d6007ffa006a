import Linalg
import LinalgReference
import Testing

@Suite struct IdentityTrainingTests {
    @Test func defaultRunReducesHeldOutErrorBelowOnePercent() throws {
        var net = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 0)
        let report = try net.trainIdentity()
        #expect(report.lossHistory.count == 20_000)
        #expect(
            report.finalHeldOutError < 0.01 * report.initialHeldOutError,
            "initial \(report.initialHeldOutError), final \(report.finalHeldOutError)")
    }

    @Test func trainingIsReproducibleAndMatchesReference() throws {
        for batch in [1, 4, 256] {  // 256: rows padded in the workspace
            let steps = batch == 256 ? 20 : 200
            var a = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 3), b = a
            let config = IdentityTrainingConfiguration(
                steps: steps, learningRate: 0.01, batchSize: batch, seed: 11, heldOutCount: 50)
            let ra = try a.trainIdentity(config), rb = try b.trainIdentity(config)
            #expect(ra.lossHistory == rb.lossHistory && a == b)
            var reference = Reference.MLP(weights: try MLP<Double>(sizes: [2, 10, 10, 2], seed: 3).weights)
            let expected = reference.trainIdentity(
                steps: steps, learningRate: 0.01, batchSize: batch, seed: 11, heldOutCount: 50)
            #expect(
                FiniteDifferences.compare(analytic: ra.lossHistory, numeric: expected.history).maxRelativeError < 1e-10)
            #expect(abs(ra.finalHeldOutError - expected.final) < 1e-10)
            for l in 0..<3 { expectClose(a.weight(l), reference.weights[l], tolerance: 1e-10) }
        }
    }

    @Test func invalidTrainingSettingsAreTypedErrors() throws {
        var net = try MLP<Double>(sizes: [2, 10, 2], seed: 0)
        #expect(throws: LinalgError.self) { try net.trainIdentity(.init(learningRate: -1)) }
        #expect(throws: LinalgError.self) { try net.trainIdentity(.init(batchSize: 0)) }
        var notSquare = try MLP<Double>(sizes: [2, 10, 3], seed: 0)
        #expect(throws: LinalgError.self) { try notSquare.trainIdentity(.init(steps: 1)) }
    }
}
