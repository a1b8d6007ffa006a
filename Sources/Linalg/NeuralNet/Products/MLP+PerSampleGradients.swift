extension MLP {
    // MARK: ‖∇_θ ℓ_b‖² = Σ_l ‖Δ_{l,b}‖² (‖x_{l,b}‖² + [biases])   (Goodfellow 2015)
    //
    // Sample b's gradient of a dense layer is the outer product Δ_{l,b} x_{l,b}ᵀ, whose Frobenius norm
    // is ‖Δ_{l,b}‖ ‖x_{l,b}‖, and its bias gradient is Δ_{l,b}: the norms need the columns of Δ_l and
    // x_l only, never the B gradients. Scaling Δ_l's columns by the clipping factors before the
    // weight-gradient GEMMs then gives the clipped sum from the same factors.

    /// The backward pass of `scale · ∂ℓ/∂f` (already in the workspace's `Δ_{L−1}`) for the samples
    /// `samples`, every `Δ_l` kept and no weight gradient formed: one GEMM per layer but the first.
    @inlinable
    func errorsOnlyBackward(_ parameters: UnsafePointer<Scalar>, _ base: MLPWorkspace<Scalar>, samples: Range<Int>) {
        let ld = base.rowStride, last = layerCount - 1, first = samples.lowerBound, width = samples.count
        let errors = base.errors, activations = base.activations
        VectorMath.scaleByDerivative(
            outputActivation, errors[last] + first, output: activations[last + 1] + first, rows: sizes[last + 1],
            width: width, rowStride: ld)
        for l in stride(from: last, to: 0, by: -1) {
            let rows = sizes[l + 1], inner = sizes[l]
            GemmKernel.run(
                transposeA: true, transposeB: false, m: inner, n: width, k: rows, alpha: 1,
                a: parameters + weightOffsets[l], lda: inner, b: errors[l] + first, ldb: ld,
                beta: 0, c: errors[l - 1] + first, ldc: ld)
            VectorMath.scaleByDerivative(
                activation, errors[l - 1] + first, output: activations[l] + first, rows: inner, width: width,
                rowStride: ld)
        }
    }

    /// `sums[b] = Σ_r a[r, b]²` over `rows` rows of the `width` columns (rows `rowStride` apart).
    @inlinable
    static func columnSquares(
        _ a: UnsafePointer<Scalar>, rows: Int, width: Int, rowStride ld: Int, into sums: UnsafeMutablePointer<Double>
    ) {
        sums.update(repeating: 0, count: width)
        for r in 0..<rows {
            let row = a + r * ld
            for b in 0..<width {
                let value = Double(row[b])
                sums[b] += value * value
            }
        }
    }

    /// `‖∇_θ ℓ_b‖²` into the workspace's sample norms for the samples `samples`, from the `Δ_l` and `x_l`
    /// of a pass.
    @inlinable
    func sampleSquaredNorms(_ space: NetProductWorkspace<Scalar>, samples: Range<Int>) {
        let base = space.base, ld = base.rowStride, first = samples.lowerBound, width = samples.count
        let norms = space.sampleNorms + first
        let errorSquares = space.columnSquares + first, inputSquares = space.columnSquares + space.batchSize + first
        norms.update(repeating: 0, count: width)
        let bias: Double = hasBiases ? 1 : 0
        for l in 0..<layerCount {
            MLP.columnSquares(
                base.errors[l] + first, rows: sizes[l + 1], width: width, rowStride: ld, into: errorSquares)
            MLP.columnSquares(
                base.activations[l] + first, rows: sizes[l], width: width, rowStride: ld, into: inputSquares)
            for b in 0..<width { norms[b] += errorSquares[b] * (inputSquares[b] + bias) }
        }
    }

    /// Forward pass, per-sample `scale · ∂ℓ_b/∂f`, errors-only backward and the squared norms over
    /// `samples` (targets with rows `targetStride` apart); returns their loss `Σ_b ℓ_b`.
    @inlinable
    func perSampleNormPass(
        _ parameters: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, targetStride: Int, loss: NetLoss,
        scale: Scalar, _ space: NetProductWorkspace<Scalar>, samples: Range<Int>
    ) -> Double {
        let base = space.base, ld = base.rowStride, last = layerCount - 1
        forwardColumns(parameters, base.activations, rowStride: ld, columns: samples)
        let value = MLP.lossResiduals(
            loss, base.activations[last + 1], targets: y, targetStride: targetStride, into: base.errors[last],
            rowStride: ld, rows: outputSize, columns: samples)
        if scale != 1 {
            for r in 0..<outputSize { for b in samples { base.errors[last][r * ld + b] *= scale } }
        }
        errorsOnlyBackward(parameters, base, samples: samples)
        sampleSquaredNorms(space, samples: samples)
        return value
    }

    /// The norms `‖∇_θ ℓ_b‖` of the `B` per-sample gradients of `loss` (``NetLoss``, one sample's
    /// term `ℓ_b`), without forming them: a forward pass, a backward pass without the weight-gradient
    /// GEMMs, and column norms of `Δ_l` and `x_l`. Returns `Σ_b ℓ_b`; the norms stay in
    /// ``NetProductWorkspace/perSampleGradientNorms``.
    @inlinable
    public func perSampleGradientNorms(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, workspace space: NetProductWorkspace<Scalar>
    ) throws(LinalgError) -> Double {
        try perSampleGradientNorms(x, targets: targets, loss: loss, scale: 1, workspace: space)
    }

    /// ``perSampleGradientNorms(_:targets:loss:workspace:)`` of `scale · ℓ_b`.
    @inlinable
    func perSampleGradientNorms(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, scale: Scalar,
        workspace space: NetProductWorkspace<Scalar>
    ) throws(LinalgError) -> Double {
        try load(x, into: space)
        try checkTargets(targets, batch: x.columns, loss: loss)
        return parameters.withUnsafeBufferPointer { p in
            targets.withUnsafeBufferPointer { y in
                let parameters = p.baseAddress!, y = y.baseAddress!
                return runOverSamples(space) { _, columns in
                    perSampleNormPass(
                        parameters, targets: y, targetStride: x.columns, loss: loss, scale: scale, space,
                        samples: columns)
                }.sum
            }
        }
    }

    /// The allocating form of ``perSampleGradientNorms(_:targets:loss:workspace:)``.
    @inlinable
    public func perSampleGradientNorms(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss
    ) throws(LinalgError) -> [Double] {
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        _ = try perSampleGradientNorms(x, targets: targets, loss: loss, workspace: space)
        return space.perSampleGradientNorms
    }
}
