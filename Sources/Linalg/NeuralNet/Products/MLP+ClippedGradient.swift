extension MLP {
    // MARK: Σ_b c_b ∇_θ ℓ_b with c_b = min(1, C / (‖∇_θ ℓ_b‖ + 10⁻⁶))   (DP-SGD's clipping)

    /// The clipped gradient of `loss` over the batch (Abadi et al. 2016): every sample's gradient
    /// `g_b = ∇_θ ℓ_b` scaled by `c_b = min(1, C/(‖g_b‖ + 10⁻⁶))` (Opacus's factor, whose `10⁻⁶` keeps
    /// a zero gradient finite), summed, from the per-sample factors `Δ_{l,b}`, `x_{l,b}` of one forward and
    /// one backward pass (the columns of every `Δ_l` scaled by `c_b` before the weight-gradient GEMMs).
    /// Returns `Σ_b ℓ_b`; the clipped sum stays in ``NetProductWorkspace/parameterGradient`` and the
    /// unclipped norms in ``NetProductWorkspace/perSampleGradientNorms``. Throws for `maxNorm ≤ 0`.
    @inlinable
    public func clippedGradient(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, maxNorm: Double,
        workspace space: NetProductWorkspace<Scalar>
    ) throws(LinalgError) -> Double {
        try clippedGradient(x, targets: targets, loss: loss, maxNorm: maxNorm, scale: 1, workspace: space)
    }

    /// ``clippedGradient(_:targets:loss:maxNorm:workspace:)`` of the per-sample terms `scale · ℓ_b`.
    @inlinable
    func clippedGradient(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, maxNorm: Double, scale: Scalar,
        workspace space: NetProductWorkspace<Scalar>
    ) throws(LinalgError) -> Double {
        guard maxNorm > 0, maxNorm.isFinite else {
            throw .invalidValue(what: "maxNorm", detail: "the clipping norm must be finite and > 0, got \(maxNorm)")
        }
        try load(x, into: space)
        try checkTargets(targets, batch: x.columns, loss: loss)
        return parameters.withUnsafeBufferPointer { p in
            targets.withUnsafeBufferPointer { y in
                clippedGradientPass(
                    p.baseAddress!, targets: y.baseAddress!, targetStride: x.columns, loss: loss, maxNorm: maxNorm,
                    scale: scale, space)
            }
        }
    }

    /// The pass of ``clippedGradient(_:targets:loss:maxNorm:workspace:)`` on the batch already in the
    /// workspace's `x₀`, with targets `targetStride` apart: `Σ_b ℓ_b`, the clipped sum in the workspace.
    @inlinable
    func clippedGradientPass(
        _ parameters: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, targetStride: Int, loss: NetLoss,
        maxNorm: Double, scale: Scalar, _ space: NetProductWorkspace<Scalar>
    ) -> Double {
        let (total, parts) = runOverSamples(space) { part, columns in
            let value = perSampleNormPass(
                parameters, targets: y, targetStride: targetStride, loss: loss, scale: scale, space, samples: columns)
            let factors = space.sampleFactors
            for b in columns { factors[b] = Scalar(min(1, maxNorm / (space.sampleNorms[b].squareRoot() + 1e-6))) }
            scaledWeightGradients(
                space.base, factors: factors, into: gradientBuffer(space.base, part: part), samples: columns)
            return value
        }
        if parts > 1 { addPartialGradients(space.base, parts: parts) }
        return total
    }

    /// `Σ_b c_b Δ_{l,b} x_{l,b}ᵀ` and `Σ_b c_b Δ_{l,b}` for every layer over `samples` into `out`: each
    /// `Δ_l`'s columns scaled by `factors` in place, then one GEMM per layer.
    @inlinable
    func scaledWeightGradients(
        _ base: MLPWorkspace<Scalar>, factors: UnsafePointer<Scalar>, into out: UnsafeMutablePointer<Scalar>,
        samples: Range<Int>
    ) {
        let ld = base.rowStride, first = samples.lowerBound, width = samples.count
        for l in 0..<layerCount {
            let rows = sizes[l + 1], inner = sizes[l], delta = base.errors[l]
            for r in 0..<rows { for b in samples { delta[r * ld + b] *= factors[b] } }
            GemmKernel.run(
                transposeA: false, transposeB: true, m: rows, n: inner, k: width, alpha: 1,
                a: delta + first, lda: ld, b: base.activations[l] + first, ldb: ld,
                beta: 0, c: out + weightOffsets[l], ldc: inner)
            if hasBiases {
                VectorMath.scaledRowSums(
                    delta + first, rows: rows, width: width, rowStride: ld, scale: 1, into: out + biasOffsets[l])
            }
        }
    }

    /// The allocating form of ``clippedGradient(_:targets:loss:maxNorm:workspace:)``: the loss, the
    /// clipped sum and the per-sample norms before clipping.
    @inlinable
    public func clippedGradient(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss, maxNorm: Double
    ) throws(LinalgError) -> (loss: Double, gradient: NetParameters<Scalar>, norms: [Double]) {
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        let value = try clippedGradient(x, targets: targets, loss: loss, maxNorm: maxNorm, workspace: space)
        return (value, space.parameterGradient, space.perSampleGradientNorms)
    }

    /// Every sample's gradient `∇_θ ℓ_b`, one row each (`B × |θ|`, laid out as ``parameters``), built
    /// from the factors `Δ_{l,b} x_{l,b}ᵀ`; throws when `B |θ|` scalars exceed ``SystemMemory/limit``.
    /// The norms alone (``perSampleGradientNorms(_:targets:loss:)``) need none of this memory.
    public func perSampleGradients(
        _ x: Matrix<Scalar>, targets: Matrix<Scalar>, loss: NetLoss
    ) throws(LinalgError) -> Matrix<Scalar> {
        let count = parameters.count
        let (entries, overflow) = x.columns.multipliedReportingOverflow(by: count)
        let (bytes, bytesOverflow) = entries.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        guard !overflow, !bytesOverflow, bytes <= SystemMemory.limit else {
            throw .invalidValue(
                what: "per-sample gradients",
                detail: "\(x.columns) samples × \(count) parameters would need "
                    + (overflow || bytesOverflow ? "more than 2^63 bytes" : SystemMemory.formatted(bytes)) + "; "
                    + SystemMemory.limitText + " (the norms alone need none of it)")
        }
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        _ = try perSampleGradientNorms(x, targets: targets, loss: loss, workspace: space)
        var result = [Scalar](repeating: 0, count: entries)
        let ld = space.base.rowStride
        for b in 0..<x.columns {
            for l in 0..<layerCount {
                let delta = space.base.errors[l], input = space.base.activations[l]
                for i in 0..<sizes[l + 1] {
                    let d = delta[i * ld + b], row = b * count + weightOffsets[l] + i * sizes[l]
                    for k in 0..<sizes[l] { result[row + k] = d * input[k * ld + b] }
                    if hasBiases { result[b * count + biasOffsets[l] + i] = d }
                }
            }
        }
        return Matrix(uncheckedRows: x.columns, columns: count, storage: result)
    }
}
