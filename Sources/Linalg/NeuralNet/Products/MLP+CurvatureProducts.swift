extension MLP {
    // MARK: ∇²L v (forward over reverse) and Jᵀ H_ℓ J v (Gauss-Newton)

    /// The Hessian-vector product of the total loss `L(θ) = Σ_b ℓ(f(x_b; θ), y_b)` (``NetLoss``, summed
    /// over the batch): `∇²_θ L · v`, exact, by forward-over-reverse (Pearlmutter 1994): one forward
    /// pass carrying the tangents of `v` (`ż_l`, `ẋ_l`), then one backward pass carrying `Δ_l` and their
    /// tangents `Δ̇_l` (`a''` included). Returns `L`; `∇²L v` stays in
    /// ``NetProductWorkspace/parameterProduct`` and, with `computingGradient`, `∂L/∂θ` in
    /// ``NetProductWorkspace/parameterGradient`` (left as it was without: one GEMM per layer fewer,
    /// for a run of products at one point whose gradient is known, as in truncated Newton).
    /// `targets` are `h_L × B` (one-hot columns, or any distribution, for the softmax cross-entropy).
    @inlinable
    public func hvp(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, vector v: NetParameters<Scalar>,
        workspace space: NetProductWorkspace<Scalar>, computingGradient: Bool = true
    ) throws(LinalgError) -> Double {
        let ld = space.base.rowStride, last = layerCount - 1, batch = x.columns
        return try withCurvatureOperands(x, targets: targets, loss: loss, vector: v, space) { parameters, v, y in
            let f = space.base.activations[last + 1], fDot = space.tangents[last + 1]
            let (total, parts) = runOverSamples(space) { part, columns in
                forwardColumns(parameters, space.base.activations, rowStride: ld, columns: columns)
                tangentColumns(
                    parameters, tangent: v, inputTangent: false, space, columns: columns, keepPreactivations: true)
                let value = MLP.lossResiduals(
                    loss, f, targets: y, targetStride: batch, into: space.base.errors[last], rowStride: ld,
                    rows: outputSize, columns: columns)
                MLP.lossHessianProduct(
                    loss, f, tangent: fDot, targets: y, targetStride: batch, into: space.errorTangents[last],
                    rowStride: ld, rows: outputSize, columns: columns)
                secondOrderBackward(
                    parameters, tangent: v, space,
                    gradient: computingGradient ? gradientBuffer(space.base, part: part) : nil,
                    product: space.product(part), samples: columns)
                return value
            }
            if parts > 1 {
                if computingGradient { addPartialGradients(space.base, parts: parts) }
                addPartialProducts(space, parts: parts)
            }
            return total
        }
    }

    /// Checks `v`, loads `x` into `space` and checks the targets, then runs `body` with the parameters,
    /// `v` and the targets as pointers.
    @inlinable
    func withCurvatureOperands(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, vector v: NetParameters<Scalar>,
        _ space: NetProductWorkspace<Scalar>,
        _ body: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>) -> Double
    ) throws(LinalgError) -> Double {
        try checkParameterShape(v, name: "vector")
        try load(x, into: space)
        try checkTargets(targets, batch: x.columns, loss: loss)
        return parameters.withUnsafeBufferPointer { p in
            v.scalars.withUnsafeBufferPointer { tangent in
                targets.withUnsafeBufferPointer { y in body(p.baseAddress!, tangent.baseAddress!, y.baseAddress!) }
            }
        }
    }

    /// The allocating form of ``hvp(_:targets:loss:vector:workspace:computingGradient:)``: `(L, ∂L/∂θ, ∇²L v)`.
    @inlinable
    public func hvp(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, vector v: NetParameters<Scalar>
    ) throws(LinalgError) -> (loss: Double, gradient: NetParameters<Scalar>, product: NetParameters<Scalar>) {
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        let value = try hvp(x, targets: targets, loss: loss, vector: v, workspace: space)
        return (value, space.parameterGradient, space.parameterProduct)
    }

    /// The Gauss-Newton-vector product `G v = Jᵀ H_ℓ J v` of the total loss (Schraudolph 2002;
    /// Martens 2010), with `J = ∂f/∂θ` stacked over the batch and `H_ℓ` the loss's Hessian in `f`
    /// (exact; see ``lossHessianProduct``): one JVP for `J v`, `H_ℓ` per sample, one VJP. `G` is
    /// positive semi-definite, and equals `∇²L` where the net is linear in θ or the residuals vanish.
    /// Returns `L`; `G v` stays in ``NetProductWorkspace/parameterProduct``. Without `computingLoss`
    /// it returns 0 and leaves ``NetProductWorkspace/output`` unspecified; where `H_ℓ` does not read
    /// `f` (the squared error) and the output layer is linear, the output layer's GEMM is then
    /// skipped, as a jitted JAX product of `jvp` and `vjp` whose primal output goes unused drops it.
    @inlinable
    public func ggnvp(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, vector v: NetParameters<Scalar>,
        workspace space: NetProductWorkspace<Scalar>, computingLoss: Bool = true
    ) throws(LinalgError) -> Double {
        try withCurvatureOperands(x, targets: targets, loss: loss, vector: v, space) { parameters, v, y in
            ggnvpPass(
                parameters, tangent: v, targets: y, targetStride: x.columns, loss: loss, space,
                computingLoss: computingLoss)
        }
    }

    /// The pass of ``ggnvp(_:targets:loss:vector:workspace:computingLoss:)`` on the batch already in
    /// the workspace's `x₀` (targets `targetStride` apart): `L` (0 without `computingLoss`), and `G v`
    /// in the workspace's first product. Without `forward`, the activations of a previous pass at the
    /// same parameters are used as they are (a run of products at one point, as conjugate gradients
    /// makes, pays for the forward pass once) and the returned loss is 0. With `weights` (one per
    /// sample), `L = Σ_b w_b ℓ_b` and `G = Σ_b w_b J_bᵀ H_b J_b`.
    @inlinable
    func ggnvpPass(
        _ parameters: UnsafePointer<Scalar>, tangent v: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>,
        targetStride: Int, loss: NetLoss, weights: UnsafePointer<Scalar>? = nil, _ space: NetProductWorkspace<Scalar>,
        forward: Bool = true, computingLoss: Bool = true
    ) -> Double {
        let ld = space.base.rowStride, last = layerCount - 1
        let f = space.base.activations[last + 1], fDot = space.tangents[last + 1], g = space.base.errors[last]
        let outputLayer = computingLoss || loss.hessianReadsOutput || !outputLayerIsLinear
        let (total, parts) = runOverSamples(space) { part, columns in
            var value = 0.0
            if forward {
                forwardColumns(
                    parameters, space.base.activations, rowStride: ld, columns: columns,
                    includingOutputLayer: outputLayer)
                if computingLoss {
                    value = MLP.weightedLossResiduals(
                        loss, f, targets: y, targetStride: targetStride, weights: weights, into: g, rowStride: ld,
                        rows: outputSize, columns: columns)
                }
            }
            tangentColumns(
                parameters, tangent: v, inputTangent: false, space, columns: columns, keepPreactivations: false)
            // The backward pass of G v starts from H_ℓ J v in place of ∂ℓ/∂f.
            MLP.lossHessianProduct(
                loss, f, tangent: fDot, targets: y, targetStride: targetStride, into: g, rowStride: ld,
                rows: outputSize, columns: columns)
            if let weights {
                for b in columns { for k in 0..<outputSize { g[k * ld + b] *= weights[b] } }
            }
            backpropagateShare(parameters, space.base, into: space.product(part), samples: columns)
            return value
        }
        addPartialProducts(space, parts: parts)
        return total
    }

    /// `L = Σ_b w_b ℓ_b` of the batch already in the workspace's `x₀` (targets `targetStride` apart;
    /// `weights` `nil`: all 1): one forward pass, no derivative.
    @inlinable
    func lossValuePass(
        _ parameters: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, targetStride: Int, loss: NetLoss,
        weights: UnsafePointer<Scalar>? = nil, _ space: NetProductWorkspace<Scalar>
    ) -> Double {
        let ld = space.base.rowStride, last = layerCount - 1
        return runOverSamples(space) { _, columns in
            forwardColumns(parameters, space.base.activations, rowStride: ld, columns: columns)
            return MLP.weightedLossResiduals(
                loss, space.base.activations[last + 1], targets: y, targetStride: targetStride, weights: weights,
                into: space.base.errors[last], rowStride: ld, rows: outputSize, columns: columns)
        }.sum
    }

    /// The allocating form of ``ggnvp(_:targets:loss:vector:workspace:computingLoss:)``: `(L, G v)`.
    @inlinable
    public func ggnvp(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, vector v: NetParameters<Scalar>
    ) throws(LinalgError) -> (loss: Double, product: NetParameters<Scalar>) {
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        let value = try ggnvp(x, targets: targets, loss: loss, vector: v, workspace: space)
        return (value, space.parameterProduct)
    }
}
