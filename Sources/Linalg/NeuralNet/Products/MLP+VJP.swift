extension MLP {
    // MARK: Δ_{L−1} = a_out'(z_L) ∘ G,  Δ_{l−1} = σ'(z_l) ∘ W_lᵀ Δ_l,  ∂/∂W_l = Δ_l x_lᵀ

    /// Backprop of the cotangent already in the workspace's `Δ_{L−1}` over the samples `samples`:
    /// their share of `∂/∂W_l = Δ_l x_lᵀ` and `∂/∂b_l = Δ_l 1` into `out` (laid out as ``parameters``),
    /// every `Δ_l` left in the workspace.
    @inlinable
    func backpropagateShare(
        _ parameters: UnsafePointer<Scalar>, _ base: MLPWorkspace<Scalar>, into out: UnsafeMutablePointer<Scalar>,
        samples: Range<Int>
    ) {
        let ld = base.rowStride, last = layerCount - 1, first = samples.lowerBound
        let errors = base.errors, activations = base.activations
        VectorMath.scaleByDerivative(
            outputActivation, errors[last] + first, output: activations[last + 1] + first, rows: sizes[last + 1],
            width: samples.count, rowStride: ld)
        for l in stride(from: last, through: 0, by: -1) {
            backwardLayer(
                l, parameters, errors: errors, activations: activations, gradient: out, rowStride: ld, scale: 1,
                samples: samples, biased: hasBiases)
        }
    }

    /// The vector-Jacobian product of the net at the batch `x` (`h₀ × B`) with the output
    /// cotangent `cotangent` (`G`, `h_L × B`): `∂⟨G, f⟩/∂x₀ = W₀ᵀ Δ₀` (`h₀ × B`) and
    /// `∂⟨G, f⟩/∂θ` summed over the batch. One forward pass and one backward pass
    /// (backprop with an arbitrary `∂L/∂f`). The results stay in
    /// ``NetProductWorkspace/inputGradient`` and ``NetProductWorkspace/parameterGradient``, and `f` in
    /// ``NetProductWorkspace/output`` unless `computingOutput` is false: then `output` is unspecified
    /// and, when the output layer is linear (its slope 1 whatever `f`), its GEMM is skipped, as a
    /// jitted JAX `vjp` whose primal output goes unused drops it.
    @inlinable
    public func vjp(
        _ x: Matrix<Scalar>, cotangent: Matrix<Scalar>, workspace space: NetProductWorkspace<Scalar>,
        computingOutput: Bool = true
    ) throws(LinalgError) {
        try load(x, into: space)
        try loadRows(
            cotangent, rows: outputSize, into: space.base.errors[layerCount - 1], space: space, name: "cotangent")
        let ld = space.base.rowStride, outputLayer = computingOutput || !outputLayerIsLinear
        parameters.withUnsafeBufferPointer { p in
            let parameters = p.baseAddress!
            let parts = runOverSamples(space) { part, columns in
                forwardColumns(
                    parameters, space.base.activations, rowStride: ld, columns: columns,
                    includingOutputLayer: outputLayer)
                backpropagateShare(
                    parameters, space.base, into: gradientBuffer(space.base, part: part), samples: columns)
                // ∂/∂x₀ = W₀ᵀ Δ₀ : (h₀ × h₁)(h₁ × B)
                GemmKernel.run(
                    transposeA: true, transposeB: false, m: inputSize, n: columns.count, k: sizes[1], alpha: 1,
                    a: parameters, lda: inputSize, b: space.base.errors[0] + columns.lowerBound, ldb: ld,
                    beta: 0, c: space.inputCotangent + columns.lowerBound, ldc: ld)
                return 0
            }.parts
            if parts > 1 { addPartialGradients(space.base, parts: parts) }
        }
    }

    /// The allocating form of ``vjp(_:cotangent:workspace:computingOutput:)``: `(∂/∂x₀, ∂/∂θ)`.
    @inlinable
    public func vjp(
        _ x: Matrix<Scalar>, cotangent: Matrix<Scalar>
    ) throws(LinalgError) -> (inputs: Matrix<Scalar>, parameters: NetParameters<Scalar>) {
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        try vjp(x, cotangent: cotangent, workspace: space, computingOutput: false)
        return (space.inputGradient, space.parameterGradient)
    }
}
