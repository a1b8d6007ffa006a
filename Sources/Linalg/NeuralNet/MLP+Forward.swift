extension MLP {
    // MARK: x_{l+1} = a(W_l x_l + b_l), one GEMM per layer

    /// The forward pass on the batch already in `workspace`'s `x₀`: `z_{l+1} = W_l x_l + b_l 1ᵀ`
    /// (one GEMM, `h_{l+1} × h_l` times `h_l × B`, accumulated onto the broadcast biases), then
    /// `x_{l+1} = a(z_{l+1})` in place.
    ///
    /// Samples are independent, so a large batch is split by columns: each core runs the whole
    /// pass on its share with a single-threaded GEMM, and the activation pass is split with it
    /// (one core applying σ after a multi-threaded GEMM would leave the other idle meanwhile).
    @inlinable
    func forwardInWorkspace(_ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>) {
        let batch = workspace.batchSize
        if splitsAcrossCores(batch: batch) {
            forwardSplittingColumns(parameters, workspace)
        } else {
            forwardColumns(parameters, workspace.activations, rowStride: workspace.rowStride, columns: 0..<batch)
        }
    }

    /// Whether a pass over a batch of `batch` is split across the cores: at least two parts of
    /// ``MLP/minimumColumnsPerPart`` samples and ``MLP/columnSplitMultiplyAdds`` multiply-adds.
    @inlinable
    func splitsAcrossCores(batch: Int) -> Bool {
        return batch >= 2 * MLP.minimumColumnsPerPart && batch * multiplyAddsPerSample >= MLP.columnSplitMultiplyAdds
    }

    /// The fewest samples a core takes of a split pass.
    @inlinable
    static var minimumColumnsPerPart: Int { 64 }

    /// How many cores share a split pass over `batch` samples.
    @inlinable
    static func splitParts(batch: Int) -> Int {
        ParallelChunks.parts(count: batch, minimumPerChunk: minimumColumnsPerPart)
    }

    /// `Σ_l h_{l+1} h_l`: the multiply-adds of one sample's forward pass.
    @inlinable
    var multiplyAddsPerSample: Int { MLP.weightCount(sizes: sizes) }

    /// From this many multiply-adds in a forward pass (`B Σ h_{l+1} h_l`) the forward and
    /// backward passes are split across the cores by Linalg itself, with OpenBLAS
    /// single-threaded meanwhile (enough work per core to repay waking a thread many times over).
    @inlinable package static var columnSplitMultiplyAdds: Int { 1 << 23 }

    /// The forward pass with the batch's columns split across the cores (OpenBLAS single-threaded
    /// meanwhile).
    @inlinable
    func forwardSplittingColumns(_ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>) {
        let batch = workspace.batchSize
        let parts = MLP.splitParts(batch: batch)
        let activations = UncheckedSendable(workspace.activations)
        let weights = UncheckedSendable(parameters), ld = workspace.rowStride
        ParallelChunks.run(count: batch, parts: parts, alignment: 8) { _, columns in
            forwardColumns(weights.value, activations.value, rowStride: ld, columns: columns)
        }
    }

    /// The forward pass for the samples in `columns` (row-major `h_l × B` activations whose
    /// rows are `rowStride` apart).
    @inlinable @inline(__always)
    func forwardColumns(
        _ parameters: UnsafePointer<Scalar>, _ activations: [UnsafeMutablePointer<Scalar>],
        rowStride ld: Int, columns: Range<Int>
    ) {
        // Two copies of the loop, so that a net without biases pays nothing for them.
        if hasBiases {
            forwardLayers(parameters, activations, rowStride: ld, columns: columns, biased: true)
        } else {
            forwardLayers(parameters, activations, rowStride: ld, columns: columns, biased: false)
        }
    }

    @inlinable @inline(__always)
    func forwardLayers(
        _ parameters: UnsafePointer<Scalar>, _ activations: [UnsafeMutablePointer<Scalar>],
        rowStride ld: Int, columns: Range<Int>, biased: Bool
    ) {
        let width = columns.count, first = columns.lowerBound
        for l in 0..<layerCount {
            let rows = sizes[l + 1], inner = sizes[l]
            let x = activations[l + 1] + first
            if biased {
                // z = W x + b: every column starts as b, and the product adds W x (β = 1).
                let b = parameters + biasOffsets[l]
                if ld == 1 {
                    // One sample: the column is contiguous.
                    x.update(from: b, count: rows)
                } else {
                    for r in 0..<rows {
                        let row = x + r * ld, value = b[r]
                        for j in 0..<width { row[j] = value }
                    }
                }
            }
            GemmKernel.run(
                transposeA: false, transposeB: false, m: rows, n: width, k: inner, alpha: 1,
                a: parameters + weightOffsets[l], lda: inner,
                b: activations[l] + first, ldb: ld,
                beta: biased ? 1 : 0, c: x, ldc: ld)
            let a = activation(afterLayer: l)
            if width == ld {
                VectorMath.applyInPlace(a, x, count: rows * ld)
            } else {
                for r in 0..<rows { VectorMath.applyInPlace(a, x + r * ld, count: width) }
            }
        }
    }

    /// Copies a checked `h₀ × B` batch into the workspace's `x₀`, sizing it for `B`.
    @inlinable
    func load(_ x: Matrix<Scalar>, into workspace: MLPWorkspace<Scalar>) {
        precondition(
            workspace.sizes == sizes, "MLPWorkspace for sizes \(workspace.sizes) used with a net of sizes \(sizes)")
        workspace.prepare(batchSize: x.columns)
        x.withUnsafeBufferPointer { source in
            if let base = source.baseAddress {
                workspace.copyRows(inputSize, from: base, into: workspace.activations[0])
            }
        }
    }

    /// `f(X)` for a batch `X` (`h₀ × B`, one column per sample), computed in `workspace`
    /// without allocating; the result stays in ``MLPWorkspace/output`` and every `x_l` in
    /// ``MLPWorkspace/activation(_:)`` for a following backward pass.
    @inlinable
    public func forward(_ x: Matrix<Scalar>, workspace: MLPWorkspace<Scalar>) throws(LinalgError) {
        try validateInput(x)
        load(x, into: workspace)
        parameters.withUnsafeBufferPointer { forwardInWorkspace($0.baseAddress!, workspace) }
    }

    /// `f(X)`, `h_L × B`, for a batch `X` (`h₀ × B`).
    @inlinable
    public func callAsFunction(_ x: Matrix<Scalar>) throws(LinalgError) -> Matrix<Scalar> {
        let workspace = MLPWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        try forward(x, workspace: workspace)
        return workspace.output
    }

    /// `f(x)` for one input vector of `h₀` numbers.
    @inlinable
    public func callAsFunction(_ x: [Scalar]) throws(LinalgError) -> [Scalar] {
        try self(Matrix(rows: x.count, columns: 1, scalars: x)).scalars
    }
}
