import Linalg
import LinalgReference
import Testing

/// Random biases `b_l ~ randn / 2` for a net with `sizes`.
func randomBiases(_ sizes: [Int], seed: UInt64 = 9) -> [[Double]] {
    var generator = Xoshiro256StarStar(seed: seed)
    return sizes.dropFirst().map { h in (0..<h).map { _ in generator.nextNormal() / 2 } }
}

/// A net with biases and its reference.
func makeBiasedNet(_ c: NetCase) throws -> (MLP<Double>, Reference.MLP) {
    let plain = try MLP<Double>(sizes: c.sizes, activation: c.activation, outputActivation: c.outputActivation, seed: 1)
    let b = randomBiases(c.sizes)
    let net = try MLP<Double>(
        weights: plain.weights, biases: b, activation: c.activation, outputActivation: c.outputActivation)
    let reference = Reference.MLP(
        weights: plain.weights, biases: b, activation: c.activation, outputActivation: c.outputActivation)
    return (net, reference)
}

@Suite struct BiasedMLPTests {
    @Test(arguments: netCases)
    func forwardAndInputJacobianMatchTheReference(_ c: NetCase) throws {
        let (net, reference) = try makeBiasedNet(c)
        #expect(
            net.hasBiases
                && net.parameters.count == net.weights.map(\.scalars.count).reduce(0, +)
                    + c.sizes.dropFirst().reduce(0, +)
        )
        let x = inputs(c.sizes[0], 8)
        let f = try net(x)
        let jacobians = try net.inputJacobians(x)
        for b in 0..<8 {
            let expected = reference(x.column(b))
            for i in expected.indices { #expect(abs(f[i, b] - expected[i]) <= 1e-12 * max(1, abs(expected[i]))) }
            expectClose(jacobians[b], reference.inputJacobian(x.column(b)), tolerance: 1e-12, "df/dx0")
            let check = try FiniteDifferences.checkJacobian(jacobians[b], of: { try net($0) }, at: x.column(b))
            #expect(check.passes(tolerance: 1e-7), "df/dx0 sample \(b): \(check)")
        }
    }

    @Test(arguments: netCases)
    func biasJacobianIsTheSensitivityAndMatchesFiniteDifferences(_ c: NetCase) throws {
        let (net, reference) = try makeBiasedNet(c)
        let x = inputs(c.sizes[0], 3)
        let factors = try net.weightJacobianFactors(x)
        for b in 0..<3 {
            let x0 = x.column(b)
            let expected = reference.sensitivities(x0)
            for l in 0..<net.layerCount {
                let analytic = factors.sensitivity(layer: l, sample: b)
                expectClose(analytic, expected[l], tolerance: 1e-12, "df/db_\(l) vs reference")
                let start = net.biasOffsets[l], count = c.sizes[l + 1]
                let numeric = FiniteDifferences.jacobian(
                    of: { (flat: [Double]) -> [Double] in
                        var perturbed = net.parameters
                        perturbed.replaceSubrange(start..<(start + count), with: flat)
                        var moved = net
                        try! moved.setParameters(perturbed)
                        return try! moved(x0)
                    }, at: net.bias(l)!)
                let check = FiniteDifferences.compare(analytic: analytic.scalars, numeric: numeric.scalars)
                #expect(check.passes(tolerance: 1e-7), "df/db_\(l) sample \(b): \(check)")
            }
        }
        let report = try net.checkDerivatives(x)
        #expect(report.biasJacobians.count == net.layerCount)
        #expect(report.maxRelativeError <= MLP<Double>.derivativeTolerance, "\(report)")
    }

    @Test(arguments: netCases)
    func backpropGivesWeightAndBiasGradientsOfTheReference(_ c: NetCase) throws {
        let (net, reference) = try makeBiasedNet(c)
        for batch in [1, 8] {
            let x = inputs(c.sizes[0], batch), y = inputs(c.sizes.last!, batch, seed: 77)
            let workspace = try MLPWorkspace<Double>(sizes: c.sizes, batchSize: batch)
            let loss = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
            var expectedLoss = 0.0
            var expectedBias = c.sizes.dropFirst().map { [Double](repeating: 0, count: $0) }
            var expectedWeights = try net.weights.map { try Matrix<Double>(rows: $0.rows, columns: $0.columns) }
            for b in 0..<batch {
                let residual = zip(reference(x.column(b)), y.column(b)).map { $0 - $1 }
                expectedLoss += residual.map { $0 * $0 }.reduce(0, +)
                let g = residual.map { 2 * $0 }
                let perBias = reference.biasGradients(x.column(b), lossGradient: g)
                let perWeight = reference.gradients(x.column(b), lossGradient: g)
                for l in 0..<net.layerCount {
                    expectedBias[l] = zip(expectedBias[l], perBias[l]).map { $0 + $1 }
                    expectedWeights[l] = expectedWeights[l].elementwise(perWeight[l], +)
                }
            }
            #expect(abs(loss - expectedLoss) <= 1e-12 * max(1, expectedLoss))
            for l in 0..<net.layerCount {
                expectClose(workspace.gradient(l), expectedWeights[l], tolerance: 1e-12, "∂loss/∂W_\(l)")
                let bias = try Matrix(rows: 1, columns: c.sizes[l + 1], scalars: workspace.biasGradient(l))
                let expected = try Matrix(rows: 1, columns: c.sizes[l + 1], scalars: expectedBias[l])
                expectClose(bias, expected, tolerance: 1e-12, "∂loss/∂b_\(l)")
            }
            // The whole gradient, weights and biases, against central differences of the loss.
            let numeric = FiniteDifferences.gradient(
                of: { (theta: [Double]) -> Double in
                    var moved = net
                    try! moved.setParameters(theta)
                    return try! moved.squaredErrorAndGradient(
                        x, targets: y, workspace: try MLPWorkspace<Double>(sizes: c.sizes, batchSize: batch))
                }, at: net.parameters)
            let analytic =
                (0..<net.layerCount).flatMap { workspace.gradient($0).scalars }
                + (0..<net.layerCount).flatMap { workspace.biasGradient($0) }
            let check = FiniteDifferences.compare(analytic: analytic, numeric: numeric)
            #expect(check.passes(tolerance: 1e-7), "∂loss/∂θ batch \(batch): \(check)")
        }
    }

    /// A batch large enough to be split across the cores gives the gradients of its halves summed.
    @Test func splitBatchesWithBiasesAddUp() throws {
        let sizes = [64, 96, 80, 48]
        let plain = try MLP<Double>(sizes: sizes, activation: .tanh, seed: 6)
        let net = try MLP<Double>(weights: plain.weights, biases: randomBiases(sizes), activation: .tanh)
        let batch = 1024
        let x = inputs(sizes[0], batch), y = inputs(sizes.last!, batch, seed: 5)
        let whole = try MLPWorkspace<Double>(sizes: sizes, batchSize: batch)
        let loss = try net.squaredErrorAndGradient(x, targets: y, workspace: whole)
        var sumLoss = 0.0
        var sumBias = sizes.dropFirst().map { [Double](repeating: 0, count: $0) }
        var sumWeights = (0..<net.layerCount).map { [Double](repeating: 0, count: sizes[$0] * sizes[$0 + 1]) }
        for range in [0..<100, 100..<batch] {
            let part = try MLPWorkspace<Double>(sizes: sizes, batchSize: range.count)
            sumLoss += try net.squaredErrorAndGradient(
                try columns(range, of: x), targets: try columns(range, of: y), workspace: part)
            for l in 0..<net.layerCount {
                sumBias[l] = zip(sumBias[l], part.biasGradient(l)).map { $0 + $1 }
                sumWeights[l] = zip(sumWeights[l], part.gradient(l).scalars).map { $0 + $1 }
            }
        }
        #expect(abs(loss - sumLoss) <= 1e-10 * sumLoss)
        for l in 0..<net.layerCount {
            for (a, b) in zip(whole.biasGradient(l), sumBias[l]) { #expect(abs(a - b) <= 1e-9 * max(1, abs(b))) }
            for (a, b) in zip(whole.gradient(l).scalars, sumWeights[l]) {
                #expect(abs(a - b) <= 1e-9 * max(1, abs(b)))
            }
        }
    }

    @Test func badBiasesAreTypedErrors() throws {
        let w = try Matrix<Double>([[1, 2], [3, 4]])
        #expect(throws: LinalgError.self) { try MLP<Double>(weights: [w], biases: [[1]]) }
        #expect(throws: LinalgError.self) { try MLP<Double>(weights: [w], biases: [[1, 2], [3, 4]]) }
        #expect(throws: LinalgError.nonFinite(what: "b_0", row: 1, column: 0)) {
            try MLP<Double>(weights: [w], biases: [[1, .nan]])
        }
        let net = try MLP<Double>(weights: [w], biases: [[0.5, -0.5]])
        #expect(net.bias(0) == [0.5, -0.5] && net.biases! == [[0.5, -0.5]])
        #expect(try MLP<Double>(weights: [w]).bias(0) == nil)
    }
}
