import Linalg
import LinalgReference
import Testing

@Suite struct MLPTests {
    @Test(arguments: netCases)
    func forwardMatchesReferenceForEverySample(_ c: NetCase) throws {
        let (net, reference) = try makeNet(c)
        for batch in [1, 8, 300] {
            let x = inputs(c.sizes[0], batch)
            let f = try net(x)
            #expect(f.rows == c.sizes.last! && f.columns == batch)
            for b in 0..<batch {
                let expected = reference(x.column(b))
                for i in expected.indices { #expect(abs(f[i, b] - expected[i]) <= 1e-12 * max(1, abs(expected[i]))) }
            }
        }
    }

    @Test(arguments: netCases)
    func inputJacobianMatchesFiniteDifferencesAndReference(_ c: NetCase) throws {
        let (net, reference) = try makeNet(c)
        let x = inputs(c.sizes[0], 8)
        for mode in [JacobianMode.forward, .reverse, .automatic] {
            let jacobians = try net.inputJacobians(x, mode: mode)
            #expect(jacobians.count == 8)
            for b in 0..<8 {
                let x0 = x.column(b)
                let check = try FiniteDifferences.checkJacobian(jacobians[b], of: { try net($0) }, at: x0)
                #expect(check.passes(tolerance: 1e-7), "df/dx0 \(mode) sample \(b): \(check)")
                expectClose(jacobians[b], reference.inputJacobian(x0), tolerance: 1e-12, "df/dx0 \(mode) vs reference")
            }
        }
    }

    @Test(arguments: netCases)
    func weightJacobiansMatchFiniteDifferencesAndReference(_ c: NetCase) throws {
        let (net, reference) = try makeNet(c)
        for batch in [1, 8] {
            let x = inputs(c.sizes[0], batch)
            let tensors = try net.weightJacobians(x)
            #expect(tensors.count == net.layerCount)
            for l in 0..<net.layerCount {
                for b in [0, batch - 1] {
                    let tensor = tensors[l][b]
                    #expect(tensor.shape == (c.sizes.last!, c.sizes[l + 1], c.sizes[l]))
                    let x0 = x.column(b)
                    // f as a function of vec(W_l): column (j·h_l + k) of the FD Jacobian is ∂f/∂(W_l)_jk.
                    let numeric = try FiniteDifferences.jacobian(
                        of: { (flat: [Double]) in
                            var perturbed = net
                            try perturbed.setWeight(l, Matrix(rows: c.sizes[l + 1], columns: c.sizes[l], scalars: flat))
                            return try perturbed(x0)
                        }, at: net.weight(l).scalars)
                    let check = FiniteDifferences.compare(analytic: tensor.scalars, numeric: numeric.scalars)
                    #expect(check.passes(tolerance: 1e-7), "df/dW_\(l) sample \(b): \(check)")
                    let expected = reference.weightJacobian(x0, layer: l)
                    #expect(
                        FiniteDifferences.compare(analytic: tensor.scalars, numeric: expected).maxRelativeError <= 1e-12
                    )
                }
            }
        }
    }

    @Test(arguments: netCases)
    func backpropGradientMatchesFiniteDifferencesAndReference(_ c: NetCase) throws {
        let (net, reference) = try makeNet(c)
        for batch in [1, 8] {
            let x = inputs(c.sizes[0], batch)
            let y = inputs(c.sizes.last!, batch, seed: 77)
            let workspace = try MLPWorkspace<Double>(sizes: c.sizes, batchSize: batch)
            let loss = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
            let expected = reference.squaredError((0..<batch).map(x.column), targets: (0..<batch).map(y.column))
            #expect(abs(loss - expected.loss) <= 1e-12 * max(1, expected.loss))
            for l in 0..<net.layerCount {
                let analytic = workspace.gradient(l)
                expectClose(analytic, expected.gradients[l], tolerance: 1e-12, "∂loss/∂W_\(l) vs reference")
                let numeric = try FiniteDifferences.gradient(
                    of: { (flat: [Double]) in
                        var perturbed = net
                        try perturbed.setWeight(l, Matrix(rows: c.sizes[l + 1], columns: c.sizes[l], scalars: flat))
                        return try perturbed.squaredErrorAndGradient(
                            x, targets: y, workspace: try MLPWorkspace<Double>(sizes: c.sizes, batchSize: batch))
                    }, at: net.weight(l).scalars)
                let check = FiniteDifferences.compare(analytic: analytic.scalars, numeric: numeric)
                #expect(check.passes(tolerance: 1e-7), "∂loss/∂W_\(l) batch \(batch): \(check)")
            }
        }
    }

    @Test func directionalCheckOfALargeNetCatchesAWrongJacobian() throws {
        // 64 inputs × 48 outputs: the full FD Jacobian would need 128 evaluations; one
        // direction needs two.
        let net = try MLP<Double>(sizes: [64, 96, 80, 48], activation: .tanh, seed: 6)
        let x0 = inputs(64, 1, seed: 12).scalars
        var g = Xoshiro256StarStar(seed: 13)
        let v = (0..<64).map { _ in g.nextNormal() }
        let jacobian = try net.inputJacobians(Matrix(rows: 64, columns: 1, scalars: x0))[0]
        let jv = try BLAS.gemv(jacobian, v)
        let check = try FiniteDifferences.checkDirectional(jv, of: { try net($0) }, at: x0, along: v)
        #expect(check.passes(tolerance: 1e-7), "J v: \(check)")
        var wrong = jv
        wrong[5] *= 1.001
        let bad = try FiniteDifferences.checkDirectional(wrong, of: { try net($0) }, at: x0, along: v)
        #expect(!bad.passes(tolerance: 1e-7) && bad.worstIndex == 5)
    }

    @Test func vectorJacobianProductEqualsSumOfWeightJacobians() throws {
        let net = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 3)
        let x = inputs(2, 5), g = inputs(2, 5, seed: 4)
        let grads = try net.weightGradients(x, lossGradient: g)
        let tensors = try net.weightJacobians(x)
        for l in 0..<net.layerCount {
            var expected = try Matrix<Double>(rows: net.sizes[l + 1], columns: net.sizes[l])
            for b in 0..<5 { for i in 0..<2 { try BLAS.axpy(g[i, b], tensors[l][b].slice(output: i), &expected) } }
            expectClose(grads[l], expected, tolerance: 1e-12)
        }
    }

    @Test func batchedEqualsPerSample() throws {
        let net = try MLP<Double>(sizes: [5, 7, 3, 4], activation: .tanh, seed: 2)
        let x = inputs(5, 6)
        let batched = try net.inputJacobians(x)
        let factors = try net.weightJacobianFactors(x)
        for b in 0..<6 {
            let single = try Matrix(rows: 5, columns: 1, scalars: x.column(b))
            #expect(try net.inputJacobians(single)[0].isApproximatelyEqual(to: batched[b], relativeTolerance: 1e-14))
            #expect(
                try net(single).scalars.enumerated().allSatisfy {
                    abs($0.element - (try! net(x))[$0.offset, b]) < 1e-14
                })
            let singleFactors = try net.weightJacobianFactors(single)
            for l in 0..<3 {
                #expect(
                    singleFactors.sensitivity(layer: l, sample: 0)
                        .isApproximatelyEqual(to: factors.sensitivity(layer: l, sample: b), relativeTolerance: 1e-14))
            }
        }
    }

    /// The split path (batch × Σ h_{l+1}h_l ≥ ``MLP/columnSplitMultiplyAdds``) against the
    /// one-core path on 64-sample slices of the same batch, and a few samples against the reference.
    @Test(arguments: [
        (Activation.sigmoid, [64, 128, 96, 48], 345), (.tanh, [64, 128, 96, 48], 1031),
        (.sigmoid, [64, 128, 96, 1], 420), (.tanh, [64, 128, 96, 1], 1031),
        (.sigmoid, [64, 128, 96, 48], 512),
    ])  // 512: rows padded to 520 entries
    func batchesSplitAcrossCoresMatchSmallBatches(_ activation: Activation, sizes: [Int], batch: Int) throws {
        let madds = zip(sizes, sizes.dropFirst()).map { $0 * $1 }.reduce(0, +)
        #expect(
            batch * madds >= MLP<Double>.columnSplitMultiplyAdds && 64 * madds < MLP<Double>.columnSplitMultiplyAdds,
            "the batch must take the split path, its slices the one-core path")
        let (net, reference) = try makeNet(NetCase(sizes: sizes, activation: activation, outputActivation: .identity))
        let x = inputs(sizes[0], batch), y = inputs(sizes.last!, batch, seed: 5)
        let f = try net(x)
        let workspace = try MLPWorkspace<Double>(sizes: sizes, batchSize: batch)
        let loss = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
        var sliceLoss = 0.0
        var sliceGradients = try (0..<net.layerCount).map {
            try Matrix<Double>(rows: sizes[$0 + 1], columns: sizes[$0])
        }
        for start in stride(from: 0, to: batch, by: 64) {
            let samples = start..<min(batch, start + 64)
            let xs = try columns(samples, of: x), ys = try columns(samples, of: y)
            let fs = try net(xs)
            for (j, b) in samples.enumerated() {
                for i in 0..<sizes.last! {
                    #expect(abs(f[i, b] - fs[i, j]) <= 1e-13 * max(1, abs(fs[i, j])), "sample \(b) row \(i)")
                }
            }
            let sliceWorkspace = try MLPWorkspace<Double>(sizes: sizes, batchSize: samples.count)
            sliceLoss += try net.squaredErrorAndGradient(xs, targets: ys, workspace: sliceWorkspace)
            for l in 0..<net.layerCount {
                sliceGradients[l] = sliceGradients[l].elementwise(sliceWorkspace.gradient(l), +)
            }
        }
        #expect(abs(loss - sliceLoss) <= 1e-12 * sliceLoss)
        for l in 0..<net.layerCount {
            expectClose(
                workspace.gradient(l), sliceGradients[l], tolerance: 1e-11, "∂loss/∂W_\(l), split vs slices")
        }
        for b in [0, batch / 2 - 1, batch / 2, batch - 1] {
            let expected = reference(x.column(b))
            for i in expected.indices { #expect(abs(f[i, b] - expected[i]) <= 1e-12 * max(1, abs(expected[i]))) }
        }
        #expect(try net.squaredErrorAndGradient(x, targets: y, workspace: workspace) == loss, "repeatable")
    }

    /// Batches of a multiple of 256 samples keep their activations and errors in rows padded by
    /// 8 entries: every result against the per-sample reference (forward, loss gradient, input
    /// Jacobians in both modes, weight-Jacobian factors, SGD) at 256 and 512, and a workspace
    /// reused from 256 or 512 to 200 samples and back.
    @Test(arguments: [256, 512])
    func paddedBatchesMatchTheReference(_ batch: Int) throws {
        let c = NetCase(sizes: [2, 10, 10, 2], activation: .sigmoid, outputActivation: .tanh)
        let (net, reference) = try makeNet(c)
        let x = inputs(2, batch), y = inputs(2, batch, seed: 21)
        let columns = (0..<batch).map(x.column)
        let workspace = try MLPWorkspace<Double>(sizes: c.sizes, batchSize: batch)
        try net.forward(x, workspace: workspace)
        for b in [0, 1, batch / 2, batch - 1] {
            let expected = reference(columns[b])
            for i in 0..<2 { #expect(abs(workspace.output[i, b] - expected[i]) <= 1e-13, "f sample \(b)") }
            let hidden = reference.activations(columns[b])
            for l in 0...2 {
                for k in 0..<c.sizes[l] {
                    #expect(abs(workspace.activation(l)[k, b] - hidden[l][k]) <= 1e-13, "x_\(l) sample \(b)")
                }
            }
        }
        let loss = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
        let expected = reference.squaredError(columns, targets: (0..<batch).map(y.column))
        #expect(abs(loss - expected.loss) <= 1e-12 * expected.loss)
        for l in 0..<3 {
            expectClose(workspace.gradient(l), expected.gradients[l], tolerance: 1e-12, "∂loss/∂W_\(l)")
        }
        for mode in [JacobianMode.forward, .reverse] {
            var stacked = try Matrix<Double>(rows: 2 * batch, columns: 2)
            try net.inputJacobians(x, mode: mode, workspace: workspace, into: &stacked)
            for b in [0, batch / 2, batch - 1] {
                let j = reference.inputJacobian(columns[b])
                for i in 0..<2 {
                    for k in 0..<2 {
                        #expect(abs(stacked[2 * b + i, k] - j[i, k]) <= 1e-12, "\(mode) df/dx₀ sample \(b)")
                    }
                }
            }
        }
        let factors = try net.weightJacobianFactors(x)
        for b in [0, batch - 1] {
            let sensitivities = reference.sensitivities(columns[b])
            for l in 0..<3 {
                let delta = factors.sensitivity(layer: l, sample: b)
                for i in 0..<2 {
                    for k in 0..<c.sizes[l + 1] { #expect(abs(delta[i, k] - sensitivities[l][i, k]) <= 1e-12) }
                }
            }
        }
        let head = try x.columnsPrefix(200), headTargets = try y.columnsPrefix(200)
        // Unpadded rows:
        let headLoss = try net.squaredErrorAndGradient(head, targets: headTargets, workspace: workspace)
        #expect(
            abs(
                headLoss
                    - reference.squaredError(Array(columns.prefix(200)), targets: (0..<200).map(headTargets.column))
                    .loss) <= 1e-12 * headLoss)
        #expect(try net.squaredErrorAndGradient(x, targets: y, workspace: workspace) == loss, "reused workspace")
    }

    @Test func zeroBatchGivesEmptyResults() throws {
        let net = try MLP<Double>(sizes: [2, 3, 2], seed: 0)
        let empty = try Matrix<Double>(rows: 2, columns: 0)
        #expect(try net(empty).shape == (2, 0))
        #expect(try net.inputJacobians(empty).isEmpty)
    }

    @Test func workspaceIsReusedAcrossBatchSizes() throws {
        let net = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 5)
        let workspace = try MLPWorkspace<Double>(sizes: net.sizes, batchSize: 1)
        for batch in [1, 4, 1, 64] {
            let x = inputs(2, batch, seed: UInt64(batch))
            try net.forward(x, workspace: workspace)
            #expect(workspace.output == (try net(x)))
        }
    }

    @Test func automaticModePicksTheCheaperAccumulation() throws {
        #expect(try MLP<Double>(sizes: [2, 10, 10, 8], seed: 0).resolvedJacobianMode(.automatic) == .forward)
        #expect(try MLP<Double>(sizes: [8, 10, 10, 2], seed: 0).resolvedJacobianMode(.automatic) == .reverse)
    }

    @Test func exerciseInitialisationIsReproducibleAndScaled() throws {
        let a = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 0), b = try MLP<Double>(sizes: [2, 10, 10, 2], seed: 0)
        #expect(a == b)
        #expect(a != (try MLP<Double>(sizes: [2, 10, 10, 2], seed: 1)))
        let bound = 1 / Double(10).squareRoot()
        #expect(a.weight(0).scalars.allSatisfy { $0 >= 0 && $0 < bound })
        #expect(a.weight(2).shape == (2, 10))
    }

    @Test func badNetsAndInputsAreTypedErrors() throws {
        let w0 = try Matrix<Double>(rows: 3, columns: 2), w1 = try Matrix<Double>(rows: 2, columns: 4)
        let error = #expect(throws: LinalgError.self) { try MLP<Double>(weights: [w0, w1]) }
        #expect(error?.description.contains("W_1") == true)
        #expect(throws: LinalgError.self) { try MLP<Double>(weights: []) }
        #expect(throws: LinalgError.self) { try MLP<Double>(sizes: [2], seed: 0) }
        #expect(throws: LinalgError.self) { try MLP<Double>(sizes: [2, 0, 2], seed: 0) }
        var nanWeights = try Matrix<Double>(rows: 2, columns: 2)
        nanWeights[1, 0] = .nan
        #expect(throws: LinalgError.nonFinite(what: "W_0", row: 1, column: 0)) {
            try MLP<Double>(weights: [nanWeights])
        }
        let net = try MLP<Double>(sizes: [2, 3, 2], seed: 0)
        #expect(throws: LinalgError.self) { try net(try Matrix<Double>(rows: 3, columns: 1)) }
        var bad = try Matrix<Double>(rows: 2, columns: 2)
        bad[0, 1] = .infinity
        #expect(throws: LinalgError.nonFinite(what: "input", row: 0, column: 1)) { try net(bad) }
    }

    /// A NaN or ±∞ in the input or the targets is reported at its entry whether the batch is
    /// passed in one piece or split across the cores (then each core checks its own samples while
    /// loading them, and the targets are looked for once the loss is non-finite), by the forward
    /// pass, backprop and the squared error alike; the workspace computes correctly afterwards.
    @Test(arguments: [7, 2048])
    func nonFiniteInputsAndTargetsAreReportedAtTheirEntry(batch: Int) throws {
        let sizes = [64, 128, 32]
        let net = try MLP<Float>(sizes: sizes, seed: 3)
        var generator = Xoshiro256StarStar(seed: 5)
        let x = Matrix<Double>.random(rows: sizes[0], columns: batch, distribution: .randn, using: &generator)
            .converted(to: Float.self)
        let y = Matrix<Double>.random(rows: sizes[2], columns: batch, distribution: .randn, using: &generator)
            .converted(to: Float.self)
        let workspace = try MLPWorkspace<Float>(sizes: sizes, batchSize: 1)
        let expectedLoss = try net.squaredErrorAndGradient(x, targets: y, workspace: workspace)
        let expectedGradient = workspace.gradient(1)
        for (row, column, value) in [(5, batch - 1, Float.nan), (0, batch / 2, .infinity), (63, 0, -.infinity)] {
            var badX = x
            badX[row, column] = value
            let inputError = LinalgError.nonFinite(what: "input", row: row, column: column)
            #expect(throws: inputError) { try net.forward(badX, workspace: workspace) }
            #expect(throws: inputError) { try net.squaredErrorAndGradient(badX, targets: y, workspace: workspace) }
            #expect(throws: inputError) { try net.backpropagate(badX, lossGradient: y, workspace: workspace) }
            var badY = y
            badY[row % sizes[2], column] = value
            #expect(throws: LinalgError.nonFinite(what: "targets", row: row % sizes[2], column: column)) {
                try net.squaredErrorAndGradient(x, targets: badY, workspace: workspace)
            }
        }
        #expect(try net.squaredErrorAndGradient(x, targets: y, workspace: workspace) == expectedLoss)
        #expect(workspace.gradient(1) == expectedGradient)
    }
}
