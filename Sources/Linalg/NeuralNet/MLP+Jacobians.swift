/// How ``MLP/inputJacobians(_:mode:workspace:into:)`` accumulates the chain rule.
public enum JacobianMode: String, Sendable, CaseIterable {
    /// Forward when it needs fewer flops (roughly: fewer inputs than outputs), else reverse.
    case automatic
    /// Forward accumulation: `∂x_{l+1}/∂x₀ = diag(a'(x_{l+1})) W_l ∂x_l/∂x₀`, from `x₀` outwards.
    case forward
    /// Reverse accumulation: `δ_{l−1} = δ_l W_l diag(σ'(x_l))`, from `f` inwards.
    case reverse
}

extension MLP {
    /// The mode `.automatic` resolves to for this net.
    public func resolvedJacobianMode(_ mode: JacobianMode) -> JacobianMode {
        guard mode == .automatic else { return mode }
        // Both accumulations cost Σ_l h_{l+1} h_l multiply-adds times h₀ (forward) or h_L (reverse).
        return inputSize < outputSize ? .forward : .reverse
    }

    // MARK: δ_{L−1} = diag(a_out'(f)),  δ_{l−1} = δ_l W_l diag(σ'(x_l))   (reverse, all samples stacked)

    /// Fills the workspace sensitivities `δ_l = ∂f/∂z_{l+1}` (`h_L × h_{l+1}` per sample,
    /// stacked over the batch into `(B·h_L) × h_{l+1}`): one GEMM per layer for the whole batch.
    @inlinable
    func reverseSensitivities(_ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>) {
        workspace.prepareSensitivities()
        let batch = workspace.batchSize, ld = workspace.rowStride, outputs = outputSize, stacked = batch * outputs
        let last = layerCount - 1
        let sensitivities = workspace.sensitivities, activations = workspace.activations, slopes = workspace.slopes
        let top = sensitivities[last], f = activations[last + 1]
        top.update(repeating: 0, count: stacked * outputs)
        for b in 0..<batch {
            for i in 0..<outputs {
                top[(b * outputs + i) * outputs + i] = outputActivation.derivative(atOutput: f[i * ld + b])
            }
        }
        if last == 0 { return }
        // δ_{L−2} = diag(a_out'(f)) W_{L−1} diag(σ'(x_{L−1})): a scaling of W_{L−1}, no product needed.
        let width = sizes[last], wLast = parameters + weightOffsets[last]
        let below = sensitivities[last - 1]
        for b in 0..<batch {
            for i in 0..<outputs {
                let scale = top[(b * outputs + i) * outputs + i]
                let row = below + (b * outputs + i) * width, w = wLast + i * width
                for k in 0..<width { row[k] = scale * w[k] }
            }
        }
        scaleBySlopes(below, of: activations[last], width: width, batch: batch, rowStride: ld, slopes: slopes)
        // δ_{l−1} = δ_l W_l diag(σ'(x_l)): one GEMM for the whole batch, then each sample's
        // block of rows is scaled column-wise by its slopes.
        for l in stride(from: last - 1, to: 0, by: -1) {
            let width = sizes[l], next = sizes[l + 1]
            let below = sensitivities[l - 1]
            GemmKernel.run(
                transposeA: false, transposeB: false, m: stacked, n: width, k: next, alpha: 1.0,
                a: sensitivities[l], lda: next, b: parameters + weightOffsets[l], ldb: width,
                beta: 0.0, c: below, ldc: width)
            scaleBySlopes(below, of: activations[l], width: width, batch: batch, rowStride: ld, slopes: slopes)
        }
    }

    /// `δ[b·h_L + i, k] *= σ'(x[k, b])`: each sample's `h_L × h` block of stacked sensitivities
    /// scaled column-wise by the slopes of its hidden activation `x` (`h × B`, rows `rowStride` apart).
    @inlinable
    func scaleBySlopes(
        _ blocks: UnsafeMutablePointer<Scalar>, of x: UnsafePointer<Scalar>, width: Int, batch: Int,
        rowStride: Int, slopes: UnsafeMutablePointer<Scalar>
    ) {
        let outputs = outputSize
        if batch == 1 {
            // One sample: x is already a contiguous row of h slopes' arguments.
            for i in 0..<outputs {
                VectorMath.scaleByDerivative(activation, blocks + i * width, output: x, count: width)
            }
            return
        }
        transposedSlopes(of: x, rows: width, batch: batch, rowStride: rowStride, into: slopes)
        Scalar.scaleColumnBlocks(blocks, blocks: batch, rowsPerBlock: outputs, width: width, by: slopes)
    }

    /// `S[b, k] = σ'(x[k, b])` for an `h × B` activation `x` (rows `rowStride` apart): the hidden
    /// activation's slopes, one row per sample.
    @inlinable
    func transposedSlopes(
        of x: UnsafePointer<Scalar>, rows: Int, batch: Int, rowStride: Int,
        into s: UnsafeMutablePointer<Scalar>
    ) {
        for k in 0..<rows {
            for b in 0..<batch { s[b * rows + k] = activation.derivative(atOutput: x[k * rowStride + b]) }
        }
    }

    /// `df/dx₀` for every sample, stacked into `result` (`(B·h_L) × h₀`, rows `b·h_L ..< (b+1)·h_L`
    /// hold sample `b`'s `h_L × h₀` Jacobian
    /// `df/dx₀ = a_out'(z_L) W_{L−1} diag(σ'(z_{L−1})) ⋯ diag(σ'(z₁)) W₀`),
    /// computed with one GEMM per layer for the whole batch and no allocation after the first
    /// call. The mode picks forward or reverse accumulation (see ``JacobianMode``).
    @inlinable
    public func inputJacobians(
        _ x: Matrix<Scalar>, mode: JacobianMode = .automatic, workspace: MLPWorkspace<Scalar>,
        into result: inout Matrix<Scalar>
    ) throws(LinalgError) {
        try validateInputShape(x)
        guard result.rows == x.columns * outputSize, result.columns == inputSize else {
            throw .shapeMismatch(
                operation: "MLP.inputJacobians",
                detail: "result must be \(x.columns * outputSize)×\(inputSize), got \(result.rows)×\(result.columns)")
        }
        try forwardCheckingInput(x, workspace)
        let resolved = resolvedJacobianMode(mode)
        parameters.withUnsafeBufferPointer { p in
            let parameters = p.baseAddress!
            result.withUnsafeMutableBufferPointer { out in
                guard let out = out.baseAddress else { return }
                if resolved == .reverse {
                    reverseSensitivities(parameters, workspace)
                    GemmKernel.run(
                        transposeA: false, transposeB: false, m: workspace.batchSize * outputSize,
                        n: inputSize, k: sizes[1], alpha: 1.0,
                        a: workspace.sensitivities[0], lda: sizes[1], b: parameters, ldb: inputSize,
                        beta: 0.0, c: out, ldc: inputSize)
                } else {
                    forwardTangents(parameters, workspace, into: out)
                }
            }
        }
    }

    // MARK: T_{l+1} = diag(a'(x_{l+1})) W_l T_l,  T₁ = diag(a'(x₁)) W₀   (forward, all samples side by side)

    @inlinable
    func forwardTangents(
        _ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>,
        into out: UnsafeMutablePointer<Scalar>
    ) {
        workspace.prepareTangents()
        let batch = workspace.batchSize, ld = workspace.rowStride, inputs = inputSize, wide = batch * inputs
        var current = workspace.tangents[0], spare = workspace.tangents[1]
        // T₁[j, b·h₀ + k] = a'(x₁[j, b]) (W₀)_{jk}
        let x1 = workspace.activations[1], h1 = sizes[1]
        let a1 = activation(afterLayer: 0)
        for j in 0..<h1 {
            for b in 0..<batch {
                let slope = a1.derivative(atOutput: x1[j * ld + b])
                for k in 0..<inputs { current[j * wide + b * inputs + k] = slope * parameters[j * inputs + k] }
            }
        }
        for l in 1..<layerCount {
            let rows = sizes[l + 1], inner = sizes[l]
            GemmKernel.run(
                transposeA: false, transposeB: false, m: rows, n: wide, k: inner, alpha: 1.0,
                a: parameters + weightOffsets[l], lda: inner, b: current, ldb: wide,
                beta: 0.0, c: spare, ldc: wide)
            let x = workspace.activations[l + 1], a = activation(afterLayer: l)
            if a != .identity {
                for i in 0..<rows {
                    for b in 0..<batch {
                        let slope = a.derivative(atOutput: x[i * ld + b])
                        let row = spare + i * wide + b * inputs
                        for k in 0..<inputs { row[k] *= slope }
                    }
                }
            }
            swap(&current, &spare)
        }
        // out[(b·h_L + i)·h₀ + k] = T_L[i, b·h₀ + k]
        let outputs = outputSize
        for b in 0..<batch {
            for i in 0..<outputs {
                (out + (b * outputs + i) * inputs).update(from: current + i * wide + b * inputs, count: inputs)
            }
        }
    }

    /// `df/dx₀` for every sample of a batch `X` (`h₀ × B`): `B` matrices of shape `h_L × h₀`.
    public func inputJacobians(
        _ x: Matrix<Scalar>, mode: JacobianMode = .automatic
    ) throws(LinalgError) -> [Matrix<Scalar>] {
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        var stacked = try Matrix<Scalar>(rows: x.columns * outputSize, columns: inputSize)
        try inputJacobians(x, mode: mode, workspace: workspace, into: &stacked)
        return (0..<x.columns).map { b in
            Matrix.block(b, rows: outputSize, columns: inputSize, of: stacked.scalars)
        }
    }

    // MARK: ∂f_i/∂(W_l)_{jk} = (δ_l)_{ij} (x_l)_k

    /// The factored form of every `df/dW_l` for a batch: the sensitivities `δ_l = ∂f/∂z_{l+1}`
    /// and the layer inputs `x_l`, left in `workspace` (one GEMM per layer, no allocation after
    /// the first call). The Jacobian tensor is their outer product,
    /// `∂f_i/∂(W_l)_{jk} = (δ_l)_{ij} (x_l)_k`.
    @inlinable
    package func computeWeightJacobianFactors(_ x: Matrix<Scalar>, workspace: MLPWorkspace<Scalar>) throws(LinalgError)
    {
        try validateInputShape(x)
        try forwardCheckingInput(x, workspace)
        parameters.withUnsafeBufferPointer { reverseSensitivities($0.baseAddress!, workspace) }
    }

    /// The factors `δ_l` (per sample, `h_L × h_{l+1}`) and `x_l` (per sample, `h_l`) of every
    /// `df/dW_l`: the sensitivities `δ_l` and inputs `x_l` of one forward and one reverse pass.
    public func weightJacobianFactors(_ x: Matrix<Scalar>) throws(LinalgError) -> WeightJacobianFactors<Scalar> {
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        try computeWeightJacobianFactors(x, workspace: workspace)
        return WeightJacobianFactors(workspace: workspace, outputs: outputSize)
    }

    /// The full Jacobian tensors `∂f_i/∂(W_l)_{jk}` (`h_L × h_{l+1} × h_l`), indexed
    /// `[l][b]`. Memory grows as `B · h_L · Σ h_{l+1} h_l`: for large nets use the factors.
    public func weightJacobians(_ x: Matrix<Scalar>) throws(LinalgError) -> [[JacobianTensor]] {
        let factors = try weightJacobianFactors(x)
        return (0..<layerCount).map { l in (0..<x.columns).map { b in factors.tensor(layer: l, sample: b) } }
    }
}

/// The factors of the weight Jacobians of a batch: `∂f_i/∂(W_l)_{jk} = (δ_l)_{ij} (x_l)_k`, with
/// `δ_l = ∂f/∂z_{l+1} ∈ ℝ^{h_L × h_{l+1}}` and `x_l ∈ ℝ^{h_l}` for each sample. Since
/// `z_{l+1} = W_l x_l + b_l`, the bias Jacobian is the sensitivity itself: `∂f/∂b_l = δ_l`.
public struct WeightJacobianFactors<Scalar: NeuralScalar>: Sendable {
    /// `δ_l` for every sample, stacked: `(B·h_L) × h_{l+1}`, rows `b·h_L ..< (b+1)·h_L` for sample `b`.
    public let sensitivities: [Matrix<Scalar>]
    /// `x_l`, `h_l × B` (column `b` for sample `b`), for `l = 0 … L−1`.
    public let layerInputs: [Matrix<Scalar>]
    /// `h_L`.
    public let outputs: Int

    init(workspace: MLPWorkspace<Scalar>, outputs: Int) {
        let sizes = workspace.sizes, batch = workspace.batchSize
        sensitivities = (0..<(sizes.count - 1)).map {
            workspace.matrix(workspace.sensitivities[$0], rows: batch * outputs, columns: sizes[$0 + 1])
        }
        layerInputs = (0..<(sizes.count - 1)).map(workspace.activation)
        self.outputs = outputs
    }

    /// `δ_l` of sample `b`, `h_L × h_{l+1}`: also `∂f/∂b_l`, the Jacobian of the output with
    /// respect to the layer's biases.
    public func sensitivity(layer l: Int, sample b: Int) -> Matrix<Scalar> {
        let s = sensitivities[l]
        return Matrix.block(b, rows: outputs, columns: s.columns, of: s.scalars)
    }

    /// The tensor `∂f_i/∂(W_l)_{jk} = (δ_l)_{ij} (x_l)_k` of sample `b`.
    public func tensor(layer l: Int, sample b: Int) -> JacobianTensor {
        let delta = sensitivity(layer: l, sample: b), x = layerInputs[l].column(b)
        var scalars: [Double] = []
        scalars.reserveCapacity(delta.scalars.count * x.count)
        for d in delta.scalars { for xk in x { scalars.append(Double(d * xk)) } }
        return JacobianTensor(shape: (outputs, delta.columns, x.count), scalars: scalars)
    }
}
