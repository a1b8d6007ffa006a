import Linalg
import Testing

/// DP-SGD steps (`TrainingConfiguration.clipping`) against Opacus's `DPOptimizer` on the same batch
/// (``ClippingFixtures``, from scripts/make_dp_fixtures.py), and the seeded noise.
@Suite struct ClippingTests {
    static func fixture(_ loss: NetLoss) -> (before: [Double], x: [Double], y: [Double], after: [Double]) {
        loss == .squaredError
            ? (
                ClippingFixtures.squaredBefore, ClippingFixtures.squaredInputs, ClippingFixtures.squaredTargets,
                ClippingFixtures.squaredAfter
            )
            : (
                ClippingFixtures.softmaxBefore, ClippingFixtures.softmaxInputs, ClippingFixtures.softmaxTargets,
                ClippingFixtures.softmaxAfter
            )
    }

    /// The fixture's net after one full-batch SGD step with `clipping` (nil: a plain step).
    static func step(_ loss: NetLoss, clipping: PerSampleClipping?, seed: UInt64 = 0) throws -> [Double] {
        let (before, x, y, _) = fixture(loss)
        let sizes = ClippingFixtures.sizes, n = ClippingFixtures.samples
        var net = try MLP<Double>(fanInUniformSizes: sizes, biases: true, activation: .tanh, seed: 0)
        try net.setParameters(before)
        let samples = try RegressionSamples(
            inputs: Matrix(rows: n, columns: sizes[0], scalars: x),
            targets: Matrix(rows: n, columns: sizes.last!, scalars: y))
        var configuration = TrainingConfiguration(
            optimizer: .sgd, learningRate: ClippingFixtures.learningRate, epochs: 1, batchSize: n, seed: seed,
            loss: loss)
        configuration.clipping = clipping
        _ = try net.train(on: samples, configuration: configuration)
        return net.parameters
    }

    @Test(arguments: [NetLoss.squaredError, .softmaxCrossEntropy])
    func oneStepEqualsOpacus(_ loss: NetLoss) throws {
        let clipped = try Self.step(loss, clipping: PerSampleClipping(maxNorm: ClippingFixtures.maxNorm))
        let expected = Self.fixture(loss).after
        #expect(relativeError(clipped, expected) < 1e-12)
        // The clipping changed the step: a plain SGD step lands elsewhere.
        let plain = try Self.step(loss, clipping: nil)
        #expect(relativeError(plain, expected) > 1e-4)
    }

    @Test func noiseIsSeededAndScaledBySigmaC() throws {
        let (sigma, c) = (2.0, ClippingFixtures.maxNorm)
        let clean = try Self.step(.squaredError, clipping: PerSampleClipping(maxNorm: c))
        let noisy = try Self.step(
            .squaredError, clipping: PerSampleClipping(maxNorm: c, noiseMultiplier: sigma), seed: 3)
        let again = try Self.step(
            .squaredError, clipping: PerSampleClipping(maxNorm: c, noiseMultiplier: sigma), seed: 3)
        let other = try Self.step(
            .squaredError, clipping: PerSampleClipping(maxNorm: c, noiseMultiplier: sigma), seed: 4)
        #expect(noisy == again)
        #expect(noisy != other)
        // θ_noisy − θ_clean = −(α/B) σC ξ with ξ ~ N(0, I): its root mean square is about ασC/B.
        let scale = ClippingFixtures.learningRate * sigma * c / Double(ClippingFixtures.samples)
        let differences = zip(noisy, clean).map { ($0 - $1) / scale }
        let rms = (differences.reduce(0) { $0 + $1 * $1 } / Double(differences.count)).squareRoot()
        #expect(rms > 0.6 && rms < 1.5, "rms \(rms) of \(differences.count) normal draws")
    }

    @Test func badClippingSettingsAreErrors() throws {
        #expect(throws: LinalgError.self) { try PerSampleClipping(maxNorm: 0).validate() }
        #expect(throws: LinalgError.self) { try PerSampleClipping(maxNorm: 1, noiseMultiplier: -1).validate() }
        #expect(throws: LinalgError.self) { try PerSampleClipping(maxNorm: .infinity).validate() }
    }
}
