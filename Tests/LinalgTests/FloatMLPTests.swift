import Linalg
import LinalgReference
import Testing

/// `Float` nets against the `Double` reference: the same weights rounded to `Float`, so the
/// difference is rounding alone. Each layer's products of `h` terms and the activations each add
/// a few units of `ε_f = 1.2·10⁻⁷` relative; 1e-5 relative to the largest entry covers these
/// nets with margin (the documented Float tolerance of values and derivatives).
let floatTolerance = 1e-5

@Suite struct FloatMLPTests {
    @Test(arguments: netCases)
    func floatForwardAndDerivativesAgreeWithTheDoubleReference(_ c: NetCase) throws {
        let (net64, reference) = try makeBiasedNet(c)
        // The reference must see the Float net's own parameters, which are rounded.
        let net = net64.converted(to: Float.self)
        let rounded = net.converted(to: Double.self)
        let oracle = Reference.MLP(
            weights: rounded.weights, biases: rounded.biases, activation: c.activation,
            outputActivation: c.outputActivation)
        _ = reference
        let x64 = inputs(c.sizes[0], 8).converted(to: Float.self).converted(to: Double.self)
        let x = x64.converted(to: Float.self)
        let f = try net(x).converted(to: Double.self)
        let jacobians = try net.inputJacobians(x)
        let factors = try net.weightJacobianFactors(x)
        for b in 0..<8 {
            let x0 = x64.column(b)
            let expected = try Matrix(rows: c.sizes.last!, columns: 1, scalars: oracle(x0))
            let actual = try Matrix(rows: c.sizes.last!, columns: 1, scalars: f.column(b))
            expectClose(actual, expected, tolerance: floatTolerance, "f in Float")
            expectClose(
                jacobians[b].converted(to: Double.self), oracle.inputJacobian(x0), tolerance: floatTolerance,
                "df/dx0 in Float")
            let sensitivities = oracle.sensitivities(x0)
            for l in 0..<net.layerCount {
                expectClose(
                    factors.sensitivity(layer: l, sample: b).converted(to: Double.self), sensitivities[l],
                    tolerance: floatTolerance, "df/db_\(l) in Float")
                let tensor = factors.tensor(layer: l, sample: b).scalars
                let check = FiniteDifferences.compare(analytic: tensor, numeric: oracle.weightJacobian(x0, layer: l))
                #expect(check.maxRelativeError <= floatTolerance, "df/dW_\(l) in Float: \(check)")
            }
        }
    }

    @Test(arguments: netCases)
    func floatFiniteDifferenceCheckPassesItsTolerance(_ c: NetCase) throws {
        let (net64, _) = try makeBiasedNet(c)
        let net = net64.converted(to: Float.self)
        let report = try net.checkDerivatives(inputs(c.sizes[0], 2).converted(to: Float.self))
        #expect(report.maxRelativeError <= MLP<Float>.derivativeTolerance, "\(c): \(report)")
        #expect(MLP<Float>.derivativeTolerance == 1e-2 && MLP<Double>.derivativeTolerance == 1e-6)
    }

    @Test func floatGradientMatchesTheDoubleGradientOfTheSameNet() throws {
        let sizes = [16, 32, 8]
        let net64 = try MLP<Double>(
            weights: try MLP<Double>(sizes: sizes, activation: .tanh, seed: 3).weights, biases: randomBiases(sizes),
            activation: .tanh
        ).converted(to: Float.self).converted(to: Double.self)
        let net = net64.converted(to: Float.self)
        let x = inputs(16, 300).converted(to: Float.self), y = inputs(8, 300, seed: 4).converted(to: Float.self)
        let workspace = try MLPWorkspace<Float>(sizes: sizes, batchSize: 300)
        let workspace64 = try MLPWorkspace<Double>(sizes: sizes, batchSize: 300)
        let loss = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
        let loss64 = try net64.squaredErrorAndGradient(
            x.converted(to: Double.self), targets: y.converted(to: Double.self), workspace: workspace64)
        #expect(abs(loss - loss64) <= floatTolerance * loss64)
        for l in 0..<2 {
            expectClose(workspace.gradient(l).converted(to: Double.self), workspace64.gradient(l), tolerance: 1e-4)
            let bias = workspace.biasGradient(l).map { Double($0) }, bias64 = workspace64.biasGradient(l)
            let scale = bias64.map(abs).max()!
            for (a, b) in zip(bias, bias64) { #expect(abs(a - b) <= 1e-4 * scale) }
        }
    }

    @Test func conversionRoundsEveryParameterAndKeepsTheShape() throws {
        let net = try MLP<Double>(weights: [try Matrix([[0.1, 0.2]])], biases: [[1.0 / 3]], activation: .relu)
        let single = net.converted(to: Float.self)
        #expect(single.parameters == [Float(0.1), Float(0.2), Float(1.0 / 3)])
        #expect(single.sizes == net.sizes && single.activation == .relu && single.hasBiases)
        #expect(single.converted(to: Float.self) == single)
    }
}
