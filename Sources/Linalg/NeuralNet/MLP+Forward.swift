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
        _ = forwardInWorkspace(parameters, workspace, loading: nil) { _, _ in 0 }
    }

    /// ``forwardInWorkspace(_:_:)`` that first copies the batch `source` (`h₀ × B`, contiguous)
    /// into `x₀` unless it is `nil`, and afterwards runs `epilogue(part, columns)` for the
    /// samples `columns` of the output: on core `part` for its own share of a split batch (its
    /// copy, pass and epilogue then touch only that share, and no core waits for the other in
    /// between), once with part 0 for the whole batch otherwise.
    /// Returns whether `source` was all finite and the sum of the epilogue's values; a source
    /// with a non-finite entry may have been run through the pass (discard the results).
    @inlinable @inline(__always)
    func forwardInWorkspace(
        _ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>, loading source: UnsafePointer<Scalar>?,
        epilogue: (_ part: Int, _ columns: Range<Int>) -> Double
    ) -> (sourceIsFinite: Bool, epilogueSum: Double) {
        let batch = workspace.batchSize
        if splitsAcrossCores(batch: batch) {
            return forwardSplittingColumns(parameters, workspace, loading: source, epilogue: epilogue)
        }
        if let source, !workspace.loadColumns(source, columns: 0..<batch) { return (false, 0) }
        forwardColumns(parameters, workspace.activations, rowStride: workspace.rowStride, columns: 0..<batch)
        return (true, epilogue(0, 0..<batch))
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
        ParallelChunks.blasPassParts(count: batch, minimumPerChunk: minimumColumnsPerPart)
    }

    /// `Σ_l h_{l+1} h_l`: the multiply-adds of one sample's forward pass.
    @inlinable
    var multiplyAddsPerSample: Int { MLP.weightCount(sizes: sizes) }

    /// From this many multiply-adds in a forward pass (`B Σ h_{l+1} h_l`) the forward and
    /// backward passes are split across the cores by Linalg itself, with OpenBLAS
    /// single-threaded meanwhile (enough work per core to repay waking a thread many times over).
    @inlinable package static var columnSplitMultiplyAdds: Int { 1 << 23 }

    /// The forward pass with the batch's columns split across the cores (OpenBLAS single-threaded
    /// meanwhile), each core loading its share first and running `epilogue` on it last.
    @inlinable
    func forwardSplittingColumns(
        _ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>, loading source: UnsafePointer<Scalar>?,
        epilogue: (_ part: Int, _ columns: Range<Int>) -> Double
    ) -> (sourceIsFinite: Bool, epilogueSum: Double) {
        let batch = workspace.batchSize
        let parts = MLP.splitParts(batch: batch)
        let activations = UncheckedSendable(workspace.activations), space = UncheckedSendable(workspace)
        let weights = UncheckedSendable(parameters), ld = workspace.rowStride, input = UncheckedSendable(source)
        return withUnsafeTemporaryAllocation(of: (Bool, Double).self, capacity: parts) { results in
            let shares = UncheckedSendable(results)
            withoutActuallyEscaping(epilogue) { epilogue in
                let epilogue = UncheckedSendable(epilogue)
                ParallelChunks.runWithSingleThreadedBLAS(count: batch, parts: parts, alignment: 8) { part, columns in
                    let finite = input.value.map { space.value.loadColumns($0, columns: columns) } ?? true
                    forwardColumns(weights.value, activations.value, rowStride: ld, columns: columns)
                    shares.value.initializeElement(at: part, to: (finite, epilogue.value(part, columns)))
                }
            }
            // Summed in part order: the same batch on the same cores gives the same bits.
            var finite = true, sum = 0.0
            for share in results {
                finite = finite && share.0
                sum += share.1
            }
            return (finite, sum)
        }
    }

    /// The forward pass for the samples in `columns` (row-major `h_l × B` activations whose
    /// rows are `rowStride` apart). Without `includingOutputLayer` it stops at `x_{L−1}`, leaving
    /// `f = x_L` as it was.
    @inlinable @inline(__always)
    func forwardColumns(
        _ parameters: UnsafePointer<Scalar>, _ activations: [UnsafeMutablePointer<Scalar>],
        rowStride ld: Int, columns: Range<Int>, includingOutputLayer: Bool = true
    ) {
        let layers = includingOutputLayer ? layerCount : layerCount - 1
        // Two copies of the loop, so that a net without biases pays nothing for them.
        if hasBiases {
            forwardLayers(parameters, activations, rowStride: ld, columns: columns, layers: layers, biased: true)
        } else {
            forwardLayers(parameters, activations, rowStride: ld, columns: columns, layers: layers, biased: false)
        }
    }

    @inlinable @inline(__always)
    func forwardLayers(
        _ parameters: UnsafePointer<Scalar>, _ activations: [UnsafeMutablePointer<Scalar>],
        rowStride ld: Int, columns: Range<Int>, layers: Int, biased: Bool
    ) {
        let width = columns.count, first = columns.lowerBound
        for l in 0..<layers {
            let rows = sizes[l + 1], inner = sizes[l]
            let x = activations[l + 1] + first, w = parameters + weightOffsets[l], xIn = activations[l] + first
            if biased {
                // z = W x + b: every column starts as b, and the product adds W x (β = 1).
                if ld == 1 {
                    // One sample: the column is contiguous.
                    x.update(from: parameters + biasOffsets[l], count: rows)
                } else {
                    let b = parameters + biasOffsets[l]
                    VectorMath.fillRows(x, rows: rows, width: width, rowStride: ld) { b[$0] }
                }
                GemmKernel.run(
                    transposeA: false, transposeB: false, m: rows, n: width, k: inner, alpha: 1, a: w, lda: inner,
                    b: xIn, ldb: ld, beta: 1, c: x, ldc: ld)
            } else {
                GemmKernel.runOverwriting(
                    transposeA: false, transposeB: false, m: rows, n: width, k: inner, alpha: 1, a: w, lda: inner,
                    b: xIn, ldb: ld, c: x, ldc: ld)
            }
            let a = activation(afterLayer: l)
            if width == ld {
                VectorMath.applyInPlace(a, x, count: rows * ld)
            } else {
                VectorMath.applyInPlace(a, x, rows: rows, width: width, rowStride: ld)
            }
        }
    }

    /// Sizes `workspace` (made for this net's sizes) for batches of `batchSize`.
    @inlinable
    func prepare(_ workspace: MLPWorkspace<Scalar>, batchSize: Int) {
        precondition(
            workspace.sizes == sizes, "MLPWorkspace for sizes \(workspace.sizes) used with a net of sizes \(sizes)")
        workspace.prepare(batchSize: batchSize)
    }

    /// Loads `x` (of the input's shape, see ``validateInputShape(_:)``) into `workspace`, sized
    /// for it, and runs the forward pass and `epilogue` (see
    /// ``forwardInWorkspace(_:_:loading:epilogue:)``); returns whether `x` was all finite and the
    /// epilogue's sum.
    @inlinable @inline(__always)
    func loadAndForward(
        _ x: Matrix<Scalar>, _ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>,
        epilogue: (_ part: Int, _ columns: Range<Int>) -> Double
    ) -> (sourceIsFinite: Bool, epilogueSum: Double) {
        prepare(workspace, batchSize: x.columns)
        return x.withUnsafeBufferPointer {
            forwardInWorkspace(parameters, workspace, loading: $0.baseAddress, epilogue: epilogue)
        }
    }

    /// Throws the first NaN or ±∞ of `x` as the input's (after a load that found one).
    @inlinable
    func throwNonFiniteInput(_ x: Matrix<Scalar>) throws(LinalgError) {
        if let (i, j) = x.firstNonFinite { throw .nonFinite(what: "input", row: i, column: j) }
    }

    /// The forward pass of `x` (of the input's shape) in `workspace`; throws at the first NaN or
    /// ±∞ of `x`, found while it is loaded.
    @inlinable
    func forwardCheckingInput(_ x: Matrix<Scalar>, _ workspace: MLPWorkspace<Scalar>) throws(LinalgError) {
        let finite = parameters.withUnsafeBufferPointer {
            loadAndForward(x, $0.baseAddress!, workspace) { _, _ in 0 }.sourceIsFinite
        }
        if !finite { try throwNonFiniteInput(x) }
    }

    /// `f(X)` for a batch `X` (`h₀ × B`, one column per sample), computed in `workspace`
    /// without allocating; the result stays in ``MLPWorkspace/output`` and every `x_l` in
    /// ``MLPWorkspace/activation(_:)`` for a following backward pass.
    @inlinable
    public func forward(_ x: Matrix<Scalar>, workspace: MLPWorkspace<Scalar>) throws(LinalgError) {
        try validateInputShape(x)
        try forwardCheckingInput(x, workspace)
    }

    /// `f(X)`, `h_L × B`, for a batch `X` (`h₀ × B`).
    @inlinable
    public func callAsFunction(_ x: Matrix<Scalar>) throws(LinalgError) -> Matrix<Scalar> {
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        try forward(x, workspace: workspace)
        return workspace.output
    }

    /// `f(x)` for one input vector of `h₀` numbers.
    @inlinable
    public func callAsFunction(_ x: [Scalar]) throws(LinalgError) -> [Scalar] {
        try self(Matrix(rows: x.count, columns: 1, scalars: x)).scalars
    }
}
