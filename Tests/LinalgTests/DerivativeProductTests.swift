import Linalg
import LinalgReference
import Testing

/// One net and loss under test: every activation, with and without biases, every loss.
struct ProductCase: CustomTestStringConvertible, Sendable {
    var activation: Activation
    var biases: Bool
    var loss: NetLoss
    var outputActivation: Activation = .identity
    var testDescription: String {
        "\(activation.name) \(biases ? "biased" : "unbiased") \(loss.rawValue)/\(outputActivation.name)"
    }
}

let productCases: [ProductCase] =
    Activation.allCases.flatMap { a in
        [true, false].flatMap { biases in NetLoss.allCases.map { ProductCase(activation: a, biases: biases, loss: $0) }
        }
    } + [
        ProductCase(activation: .softplus, biases: true, loss: .squaredError, outputActivation: .tanh),
        ProductCase(activation: .sigmoid, biases: false, loss: .squaredError, outputActivation: .sigmoid),
    ]

/// A net of sizes 3, 5, 4, 3, a batch of 4, targets for the loss, and random tangents.
struct ProductFixture<S: NeuralScalar> {
    var net: MLP<S>
    var reference: Reference.MLP
    var x: Matrix<S>, y: Matrix<S>, inputTangent: Matrix<S>
    var v: NetParameters<S>, u: NetParameters<S>
    let referenceLoss: Reference.MLP.Loss

    init(_ c: ProductCase, seed: UInt64 = 5, batch: Int = 4, sizes: [Int] = [3, 5, 4, 3]) throws {
        var g = Xoshiro256StarStar(seed: seed)
        let double = try MLP<Double>(
            fanInUniformSizes: sizes, biases: c.biases, activation: c.activation, outputActivation: c.outputActivation,
            seed: seed)
        net = double.converted(to: S.self)
        let back = net.converted(to: Double.self)
        reference = Reference.MLP(
            weights: back.weights, biases: back.biases, activation: c.activation, outputActivation: c.outputActivation)
        let h0 = sizes[0], hL = sizes.last!
        x = Matrix<Double>.random(rows: h0, columns: batch, distribution: .randn, using: &g).converted(to: S.self)
        inputTangent = Matrix<Double>.random(rows: h0, columns: batch, distribution: .randn, using: &g)
            .converted(to: S.self)
        var targets = Matrix<Double>(uncheckedRows: hL, columns: batch)
        for b in 0..<batch {
            for k in 0..<hL {
                switch c.loss {
                case .squaredError: targets[k, b] = g.nextNormal()
                case .sigmoidCrossEntropy: targets[k, b] = g.nextUniform() < 0.5 ? 0 : 1
                case .softmaxCrossEntropy: targets[k, b] = k == (b * 7) % hL ? 1 : 0
                }
            }
        }
        y = targets.converted(to: S.self)
        var tangent = NetParameters<S>(zerosLike: net), other = tangent
        for i in tangent.scalars.indices {
            tangent.scalars[i] = S(g.nextNormal())
            other.scalars[i] = S(g.nextNormal())
        }
        v = tangent
        u = other
        referenceLoss =
            switch c.loss {
            case .squaredError: .squaredError
            case .softmaxCrossEntropy: .softmaxCrossEntropy
            case .sigmoidCrossEntropy: .sigmoidCrossEntropy
            }
    }

    func column(_ m: Matrix<S>, _ b: Int) -> [Double] { m.column(b).map { Double($0) } }
    var flatV: [Double] { v.scalars.map { Double($0) } }
}

/// `max |a − b| / max(1, max |b|)`.
func relativeError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(_ a: [A], _ b: [B]) -> Double {
    precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count)")
    let scale = max(1, b.map { abs(Double($0)) }.max() ?? 0)
    return zip(a, b).map { abs(Double($0) - Double($1)) }.max().map { $0 / scale } ?? 0
}

/// JVP, VJP, HVP, Gauss-Newton products and per-sample gradients against the plain-Swift oracle and
/// central differences, in `Double` and `Float`.
@Suite struct DerivativeProductTests {
    static func tolerance<S: NeuralScalar>(_: S.Type) -> Double { S.self == Float.self ? 2e-4 : 1e-11 }

    func checkJVPAndVJP<S: NeuralScalar>(_ c: ProductCase, _: S.Type) throws {
        let t = try ProductFixture<S>(c)
        let tol = Self.tolerance(S.self)
        let (f, fDot) = try t.net.jvp(t.x, inputTangent: t.inputTangent, parameterTangent: t.v)
        let cotangent = t.y.withScalars(t.y.scalars.indices.map { S(Double($0 % 5) - 1.5) })
        let (inputs, parameters) = try t.net.vjp(t.x, cotangent: cotangent)
        var summed = [Double](repeating: 0, count: t.v.scalars.count)
        for b in 0..<t.x.columns {
            let expected = t.reference.jvp(
                t.column(t.x, b), inputTangent: t.column(t.inputTangent, b), parameterTangent: t.flatV)
            #expect(relativeError(f.column(b), expected.f) < tol, "f, sample \(b)")
            #expect(relativeError(fDot.column(b), expected.tangent) < tol, "ḟ, sample \(b)")
            let back = t.reference.vjp(t.column(t.x, b), cotangent: t.column(cotangent, b))
            #expect(relativeError(inputs.column(b), back.input) < tol, "∂/∂x₀, sample \(b)")
            for i in summed.indices { summed[i] += back.parameters[i] }
        }
        #expect(relativeError(parameters.scalars, summed) < tol, "∂/∂θ")
    }

    @Test(arguments: productCases) func jvpAndVJPEqualTheOracle(_ c: ProductCase) throws {
        try checkJVPAndVJP(c, Double.self)
        try checkJVPAndVJP(c, Float.self)
    }

    /// `ḟ` against central differences of the forward pass along `(ẋ₀, v)`, and the adjoint identity
    /// `⟨G, J (ẋ₀, v)⟩ = ⟨Jᵀ G, (ẋ₀, v)⟩` tying the JVP to the VJP.
    @Test(arguments: productCases) func jvpMatchesFiniteDifferencesAndIsAdjointToVJP(_ c: ProductCase) throws {
        let t = try ProductFixture<Double>(c)
        let fDot = try t.net.jvp(t.x, inputTangent: t.inputTangent, parameterTangent: t.v).tangent
        let point = t.net.parameters + t.x.scalars, direction = t.v.scalars + t.inputTangent.scalars
        let numeric = FiniteDifferences.directionalDerivative(
            of: { (z: [Double]) -> [Double] in
                var probe = t.net
                try! probe.setParameters(Array(z[0..<t.net.parameters.count]))
                let x = t.x.withScalars(Array(z[t.net.parameters.count...]))
                return try! probe(x).scalars
            }, at: point, along: direction)
        #expect(relativeError(fDot.scalars, numeric) < 1e-7)
        let cotangent = t.y
        let (inputs, parameters) = try t.net.vjp(t.x, cotangent: cotangent)
        let left = zip(cotangent.scalars, fDot.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        let right = parameters.dot(t.v) + zip(inputs.scalars, t.inputTangent.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(left - right) <= 1e-12 * max(1, abs(left)))
    }

    func checkCurvature<S: NeuralScalar>(_ c: ProductCase, _: S.Type) throws {
        let t = try ProductFixture<S>(c)
        let tol = Self.tolerance(S.self)
        let (loss, gradient, hv) = try t.net.hvp(t.x, targets: t.y, loss: c.loss, vector: t.v)
        let (ggnLoss, gv) = try t.net.ggnvp(t.x, targets: t.y, loss: c.loss, vector: t.v)
        var value = 0.0
        var grads = [Double](repeating: 0, count: t.v.scalars.count), hvs = grads, gvs = grads
        for b in 0..<t.x.columns {
            let r = t.reference.hvp(t.column(t.x, b), target: t.column(t.y, b), loss: t.referenceLoss, vector: t.flatV)
            let ggn = t.reference.ggnvp(
                t.column(t.x, b), target: t.column(t.y, b), loss: t.referenceLoss, vector: t.flatV)
            value += r.value
            for i in grads.indices {
                grads[i] += r.gradient[i]
                hvs[i] += r.product[i]
                gvs[i] += ggn[i]
            }
        }
        #expect(abs(loss - value) <= tol * max(1, abs(value)))
        #expect(abs(ggnLoss - value) <= tol * max(1, abs(value)))
        #expect(relativeError(gradient.scalars, grads) < tol, "∂L/∂θ")
        #expect(relativeError(hv.scalars, hvs) < tol, "∇²L v")
        #expect(relativeError(gv.scalars, gvs) < tol, "Jᵀ H J v")
    }

    @Test(arguments: productCases) func hvpAndGGNEqualTheOracle(_ c: ProductCase) throws {
        try checkCurvature(c, Double.self)
        try checkCurvature(c, Float.self)
    }

    /// `∇²L v` against central differences of the gradient along `v`; `uᵀHv = vᵀHu`; `vᵀGv ≥ 0`.
    @Test(arguments: productCases) func hvpMatchesFiniteDifferencesAndIsSymmetric(_ c: ProductCase) throws {
        let t = try ProductFixture<Double>(c)
        let workspace = try MLPWorkspace<Double>(sizes: t.net.sizes, batchSize: t.x.columns)
        let numeric = FiniteDifferences.directionalDerivative(
            of: { (theta: [Double]) -> [Double] in
                var probe = t.net
                try! probe.setParameters(theta)
                _ = try! probe.lossAndGradient(t.x, targets: t.y, loss: c.loss, workspace: workspace)
                return NetLossTests.parameterGradient(probe, workspace).prefix(theta.count).map { $0 }
            }, at: t.net.parameters, along: t.v.scalars)
        let hv = try t.net.hvp(t.x, targets: t.y, loss: c.loss, vector: t.v).product
        #expect(relativeError(hv.scalars, numeric) < 1e-6)
        let hu = try t.net.hvp(t.x, targets: t.y, loss: c.loss, vector: t.u).product
        let (uHv, vHu) = (t.u.dot(hv), t.v.dot(hu))
        #expect(abs(uHv - vHu) <= 1e-12 * max(1, abs(uHv)))
        for tangent in [t.u, t.v] {
            let gv = try t.net.ggnvp(t.x, targets: t.y, loss: c.loss, vector: tangent).product
            #expect(tangent.dot(gv) >= -1e-12)
        }
    }

    /// Without the gradient, `∇²L v` has the same bits, and the workspace's gradient is the previous pass's,
    /// for a batch on one core and one split across the cores.
    @Test(arguments: [16, 1024]) func hvpWithoutTheGradientLeavesItAlone(_ batch: Int) throws {
        let c = ProductCase(activation: .sigmoid, biases: true, loss: .squaredError)
        let t = try ProductFixture<Double>(c, batch: batch, sizes: [64, 96, 64, 10])
        let space = try NetProductWorkspace<Double>(sizes: t.net.sizes, batchSize: batch)
        let value = try t.net.hvp(t.x, targets: t.y, loss: c.loss, vector: t.u, workspace: space)
        let (gradient, hu) = (space.parameterGradient, space.parameterProduct)
        let full = try t.net.hvp(t.x, targets: t.y, loss: c.loss, vector: t.v)
        let again = try t.net.hvp(
            t.x, targets: t.y, loss: c.loss, vector: t.v, workspace: space, computingGradient: false)
        #expect(again == value)
        #expect(space.parameterProduct.scalars == full.product.scalars)
        #expect(space.parameterGradient.scalars == gradient.scalars)
        #expect(space.parameterProduct.scalars != hu.scalars)
    }

    /// A VJP without `f` and a Gauss-Newton product without `L` have the same bits as with them; they
    /// skip the output layer (`output` keeps the previous pass's `f`) exactly when it is linear and,
    /// for the Gauss-Newton product, the loss's Hessian does not read `f`.
    @Test(
        arguments: [16, 1024],
        [
            ProductCase(activation: .tanh, biases: true, loss: .squaredError),
            ProductCase(activation: .sigmoid, biases: false, loss: .softmaxCrossEntropy),
            ProductCase(activation: .sigmoid, biases: true, loss: .squaredError, outputActivation: .sigmoid),
        ])
    func productsWithoutTheirOutputsAreTheSame(_ batch: Int, _ c: ProductCase) throws {
        let t = try ProductFixture<Double>(c, batch: batch, sizes: [64, 96, 64, 10])
        let space = try NetProductWorkspace<Double>(sizes: t.net.sizes, batchSize: batch)
        let other = t.x.map { 0.5 * $0 }
        let linear = c.outputActivation == .identity
        try t.net.vjp(t.x, cotangent: t.y, workspace: space)
        let (f, inputs, parameters) = (space.output, space.inputGradient, space.parameterGradient)
        try t.net.vjp(other, cotangent: t.y, workspace: space)
        let previous = space.output
        try t.net.vjp(t.x, cotangent: t.y, workspace: space, computingOutput: false)
        #expect(space.inputGradient == inputs)
        #expect(space.parameterGradient.scalars == parameters.scalars)
        #expect(space.output == (linear ? previous : f))

        let value = try t.net.ggnvp(t.x, targets: t.y, loss: c.loss, vector: t.v, workspace: space)
        let product = space.parameterProduct
        _ = try t.net.ggnvp(other, targets: t.y, loss: c.loss, vector: t.v, workspace: space)
        let none = try t.net.ggnvp(
            t.x, targets: t.y, loss: c.loss, vector: t.v, workspace: space, computingLoss: false)
        #expect(value > 0 && none == 0)
        #expect(space.parameterProduct.scalars == product.scalars)
        #expect(space.output == (linear && c.loss == .squaredError ? previous : f))
    }

    /// A net that is linear in θ with the squared error (one layer, identity): `∇²L = Jᵀ H J`.
    @Test func gaussNewtonEqualsTheHessianForALinearNet() throws {
        let c = ProductCase(activation: .identity, biases: true, loss: .squaredError)
        let t = try ProductFixture<Double>(c, sizes: [4, 3])
        let hv = try t.net.hvp(t.x, targets: t.y, loss: .squaredError, vector: t.v).product
        let gv = try t.net.ggnvp(t.x, targets: t.y, loss: .squaredError, vector: t.v).product
        #expect(relativeError(hv.scalars, gv.scalars) < 1e-13)
    }

    func checkPerSample<S: NeuralScalar>(_ c: ProductCase, _: S.Type) throws {
        let t = try ProductFixture<S>(c)
        let tol = Self.tolerance(S.self)
        let norms = try t.net.perSampleGradientNorms(t.x, targets: t.y, loss: c.loss)
        let each = try t.net.perSampleGradients(t.x, targets: t.y, loss: c.loss)
        let maxNorm = 0.7 * (norms.max() ?? 1)
        let clipped = try t.net.clippedGradient(t.x, targets: t.y, loss: c.loss, maxNorm: maxNorm)
        var expectedClipped = [Double](repeating: 0, count: t.v.scalars.count)
        for b in 0..<t.x.columns {
            let (_, g, _) = t.referenceLoss.derivatives(t.reference(t.column(t.x, b)), t.column(t.y, b))
            let gradient = t.reference.vjp(t.column(t.x, b), cotangent: g).parameters
            let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norms[b] - norm) <= tol * max(1, norm), "‖g_\(b)‖")
            #expect(relativeError(each.row(b), gradient) < tol, "g_\(b)")
            let factor = min(1, maxNorm / (norm + 1e-6))
            for i in expectedClipped.indices { expectedClipped[i] += factor * gradient[i] }
        }
        #expect(relativeError(clipped.gradient.scalars, expectedClipped) < tol, "clipped sum")
        #expect(relativeError(clipped.norms, norms) < tol)
    }

    @Test(arguments: productCases) func perSampleGradientsEqualTheOracle(_ c: ProductCase) throws {
        try checkPerSample(c, Double.self)
        try checkPerSample(c, Float.self)
    }

    /// A batch large enough to be split across the cores gives the sums of its halves' results.
    @Test(arguments: [true, false]) func splitBatchesAddUpTheirShares(_ biases: Bool) throws {
        let c = ProductCase(activation: .tanh, biases: biases, loss: .softmaxCrossEntropy)
        let t = try ProductFixture<Double>(c, batch: 1024, sizes: [64, 96, 64, 10])
        let first = try t.x.columnsPrefix(300), second = try columns(300..<1024, of: t.x)
        let y1 = try t.y.columnsPrefix(300), y2 = try columns(300..<1024, of: t.y)
        let whole = try t.net.hvp(t.x, targets: t.y, loss: c.loss, vector: t.v)
        let (a, b) = (
            try t.net.hvp(first, targets: y1, loss: c.loss, vector: t.v),
            try t.net.hvp(second, targets: y2, loss: c.loss, vector: t.v)
        )
        #expect(relativeError(whole.gradient.scalars, zip(a.gradient.scalars, b.gradient.scalars).map(+)) < 1e-12)
        #expect(relativeError(whole.product.scalars, zip(a.product.scalars, b.product.scalars).map(+)) < 1e-12)
        let ggn = try t.net.ggnvp(t.x, targets: t.y, loss: c.loss, vector: t.v).product.scalars
        let ggnParts = zip(
            try t.net.ggnvp(first, targets: y1, loss: c.loss, vector: t.v).product.scalars,
            try t.net.ggnvp(second, targets: y2, loss: c.loss, vector: t.v).product.scalars
        ).map(+)
        #expect(relativeError(ggn, ggnParts) < 1e-12)
        let norms = try t.net.perSampleGradientNorms(t.x, targets: t.y, loss: c.loss)
        let partNorms =
            try t.net.perSampleGradientNorms(first, targets: y1, loss: c.loss)
            + t.net.perSampleGradientNorms(second, targets: y2, loss: c.loss)
        #expect(relativeError(norms, partNorms) < 1e-12)
        let (inputs, parameters) = try t.net.vjp(t.x, cotangent: t.y)
        let (i1, p1) = try t.net.vjp(first, cotangent: y1)
        #expect(relativeError(try inputs.columnsPrefix(300).scalars, i1.scalars) < 1e-12)
        let p2 = try t.net.vjp(second, cotangent: y2).parameters
        #expect(relativeError(parameters.scalars, zip(p1.scalars, p2.scalars).map(+)) < 1e-12)
        let f = try t.net.jvp(t.x, parameterTangent: t.v).tangent
        #expect(
            relativeError(try f.columnsPrefix(300).scalars, try t.net.jvp(first, parameterTangent: t.v).tangent.scalars)
                < 1e-12)
    }

    /// Jacobians a chunk of samples at a time equal the whole batch's, chunk by chunk, in order.
    @Test func chunkedJacobiansEqualTheWholeBatch() throws {
        let t = try ProductFixture<Double>(
            ProductCase(activation: .softplus, biases: true, loss: .squaredError), batch: 7)
        let whole = try t.net.inputJacobians(t.x)
        let factors = try t.net.weightJacobianFactors(t.x)
        var seen: [Int] = []
        try t.net.inputJacobians(t.x, chunkSize: 3) { samples, jacobians in
            #expect(samples.count == jacobians.count && samples.count <= 3)
            for (i, jacobian) in jacobians.enumerated() {
                // A chunk's products may take another GEMM path than the batch's: equal to rounding.
                #expect(relativeError(jacobian.scalars, whole[samples.lowerBound + i].scalars) < 1e-14)
                seen.append(samples.lowerBound + i)
            }
        }
        #expect(seen == Array(0..<7))
        seen = []
        try t.net.weightJacobianFactors(t.x, chunkSize: 2) { samples, chunk in
            for i in 0..<samples.count {
                let b = samples.lowerBound + i
                seen.append(b)
                for l in 0..<t.net.layerCount {
                    let (delta, expected) = (
                        chunk.sensitivity(layer: l, sample: i), factors.sensitivity(layer: l, sample: b)
                    )
                    #expect(relativeError(delta.scalars, expected.scalars) < 1e-14)
                    #expect(relativeError(chunk.layerInputs[l].column(i), factors.layerInputs[l].column(b)) < 1e-14)
                }
            }
        }
        #expect(seen == Array(0..<7))
        #expect(throws: LinalgError.self) { try t.net.inputJacobians(t.x, chunkSize: 0) { _, _ in } }
    }

    @Test func badShapesAndValuesAreErrors() throws {
        let t = try ProductFixture<Double>(ProductCase(activation: .tanh, biases: true, loss: .squaredError))
        let other = try MLP<Double>(fanInUniformSizes: [3, 4, 3], biases: true, seed: 1)
        #expect(throws: LinalgError.self) { try t.net.jvp(t.x, parameterTangent: NetParameters(zerosLike: other)) }
        let wrong = try Matrix<Double>(rows: 2, columns: t.x.columns)
        #expect(throws: LinalgError.self) { try t.net.jvp(t.x, inputTangent: wrong) }
        var bad = t.inputTangent
        bad[1, 2] = .nan
        #expect(throws: LinalgError.self) { try t.net.jvp(t.x, inputTangent: bad) }
        #expect(throws: LinalgError.self) { try t.net.vjp(t.x, cotangent: wrong) }
        #expect(throws: LinalgError.self) { try t.net.hvp(t.x, targets: wrong, loss: .squaredError, vector: t.v) }
        #expect(throws: LinalgError.self) {
            try t.net.clippedGradient(t.x, targets: t.y, loss: .squaredError, maxNorm: 0)
        }
        let sigmoidOutput = try MLP<Double>(
            fanInUniformSizes: [3, 5, 4, 3], biases: true, outputActivation: .sigmoid, seed: 1)
        #expect(throws: LinalgError.self) {
            try sigmoidOutput.ggnvp(t.x, targets: t.y, loss: .softmaxCrossEntropy, vector: t.v)
        }
        #expect(throws: LinalgError.self) {
            try NetParameters(weights: [t.x], biases: nil, shapedAs: t.net)
        }
    }
}
