extension MLP {
    // MARK: x_{l+1} = a(W_l x_l), one GEMM per layer

    /// The forward pass on the batch already in `workspace`'s `x₀`: `z_{l+1} = W_l x_l` (one
    /// GEMM, `h_{l+1} × h_l` times `h_l × B`), then `x_{l+1} = a(z_{l+1})` in place.
    @inlinable
    func forwardInWorkspace(_ parameters: UnsafePointer<Double>, _ workspace: MLPWorkspace) {
        let batch = workspace.batchSize
        let activations = workspace.activations   // one access to the class, not one per layer
        for l in 0..<layerCount {
            let rows = sizes[l + 1], inner = sizes[l]
            GemmKernel.run(transposeA: false, transposeB: false, m: rows, n: batch, k: inner, alpha: 1.0,
                           a: parameters + weightOffsets[l], lda: inner,
                           b: activations[l], ldb: batch,
                           beta: 0.0, c: activations[l + 1], ldc: batch)
            VectorMath.applyInPlace(activation(afterLayer: l), activations[l + 1], count: rows * batch)
        }
    }

    /// Copies a checked `h₀ × B` batch into the workspace's `x₀`, sizing it for `B`.
    @inlinable
    func load(_ x: Matrix<Double>, into workspace: MLPWorkspace) {
        precondition(workspace.sizes == sizes, "MLPWorkspace for sizes \(workspace.sizes) used with a net of sizes \(sizes)")
        workspace.prepare(batchSize: x.columns)
        x.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { workspace.activations[0].update(from: base, count: source.count) }
        }
    }

    /// `f(X)` for a batch `X` (`h₀ × B`, one column per sample), computed in `workspace`
    /// without allocating; the result stays in ``MLPWorkspace/output`` and every `x_l` in
    /// ``MLPWorkspace/activation(_:)`` for a following backward pass.
    public func forward(_ x: Matrix<Double>, workspace: MLPWorkspace) throws(LinalgError) {
        try validateInput(x)
        load(x, into: workspace)
        parameters.withUnsafeBufferPointer { forwardInWorkspace($0.baseAddress!, workspace) }
    }

    /// `f(X)`, `h_L × B`, for a batch `X` (`h₀ × B`).
    public func callAsFunction(_ x: Matrix<Double>) throws(LinalgError) -> Matrix<Double> {
        let workspace = MLPWorkspace(sizes: sizes, batchSize: x.columns)
        try forward(x, workspace: workspace)
        return workspace.output
    }

    /// `f(x)` for one input vector of `h₀` numbers.
    public func callAsFunction(_ x: [Double]) throws(LinalgError) -> [Double] {
        try self(Matrix(rows: x.count, columns: 1, scalars: x)).scalars
    }
}
