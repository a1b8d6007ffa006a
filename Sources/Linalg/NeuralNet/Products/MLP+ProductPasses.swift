extension MLP {
    // MARK: Running a pass over the batch's samples, split across the cores

    /// Runs `body(part, columns)` over the batch held by `space`: once for the whole batch, or, when
    /// the forward pass would split (``splitsAcrossCores(batch:)``), once per core on its share of the
    /// samples with OpenBLAS single-threaded (no core waits for the other between layers). Returns
    /// the sum of `body`'s values, added in part order, and the number of parts.
    @inlinable
    func runOverSamples(
        _ space: NetProductWorkspace<Scalar>, _ body: (_ part: Int, _ columns: Range<Int>) -> Double
    ) -> (sum: Double, parts: Int) {
        let batch = space.batchSize
        guard splitsAcrossCores(batch: batch) else { return (body(0, 0..<batch), 1) }
        let parts = MLP.splitParts(batch: batch)
        space.base.preparePartialGradients(parts - 1)
        space.prepareProducts(parts)
        let sum = withUnsafeTemporaryAllocation(of: Double.self, capacity: parts) { results in
            let shares = UncheckedSendable(results)
            withoutActuallyEscaping(body) { body in
                let body = UncheckedSendable(body)
                ParallelChunks.runWithSingleThreadedBLAS(count: batch, parts: parts, alignment: 8) { part, columns in
                    shares.value.initializeElement(at: part, to: body.value(part, columns))
                }
            }
            var sum = 0.0
            for value in results { sum += value }
            return sum
        }
        return (sum, parts)
    }

    /// Whether the output layer is the identity: its slope is 1 whatever `z_L`, so a pass that needs
    /// derivatives of `f` but not `f` itself can skip the output layer's GEMM.
    @inlinable
    var outputLayerIsLinear: Bool {
        if case .identity = outputActivation { return true }
        return false
    }

    /// The gradient buffer core `part` writes: the workspace's own for the first.
    @inlinable
    func gradientBuffer(_ base: MLPWorkspace<Scalar>, part: Int) -> UnsafeMutablePointer<Scalar> {
        part == 0 ? base.gradient : base.partialGradients[part - 1]
    }

    /// `product₀ += Σ_k product_k` over the other cores' products, each core adding up one range of
    /// the parameters in the same order.
    @inlinable
    func addPartialProducts(_ space: NetProductWorkspace<Scalar>, parts: Int) {
        guard parts > 1 else { return }
        let count = MLP.weightCount(sizes: sizes) + (hasBiases ? MLP.biasCount(sizes: sizes) : 0)
        let products = UncheckedSendable((0..<parts).map(space.product))
        ParallelChunks.runWithSingleThreadedBLAS(count: count, parts: parts, alignment: 16) { _, range in
            let sum = products.value[0]
            for k in 1..<parts {
                let partial = products.value[k]
                for i in range { sum[i] += partial[i] }
            }
        }
    }

    /// Copies `x` into `space`'s `x₀`, sized for it; throws at its first NaN or ±∞.
    @inlinable
    func load(_ x: Matrix<Scalar>, into space: NetProductWorkspace<Scalar>) throws(LinalgError) {
        try validateInputShape(x)
        precondition(space.sizes == sizes, "NetProductWorkspace for sizes \(space.sizes) used with sizes \(sizes)")
        space.prepare(batchSize: x.columns)
        space.hasBiases = hasBiases
        let finite = x.withUnsafeBufferPointer { source in
            source.baseAddress.map { space.base.loadColumns($0, columns: 0..<x.columns) } ?? true
        }
        if !finite { try throwNonFiniteInput(x) }
    }

    /// Copies `m` (`rows × B`, checked, finite) into a buffer of `space` with its row stride.
    @inlinable
    func loadRows(
        _ m: Matrix<Scalar>, rows: Int, into destination: UnsafeMutablePointer<Scalar>,
        space: NetProductWorkspace<Scalar>, name: String
    ) throws(LinalgError) {
        guard m.rows == rows, m.columns == space.batchSize else {
            throw .shapeMismatch(
                operation: "MLP", detail: "\(name) must be \(rows)×\(space.batchSize), got \(m.rows)×\(m.columns)")
        }
        if let (i, j) = m.firstNonFinite { throw .nonFinite(what: name, row: i, column: j) }
        m.withUnsafeBufferPointer { source in
            if let p = source.baseAddress { space.base.copyRows(rows, from: p, into: destination) }
        }
    }

    /// Throws unless `v` is shaped as this net's parameters.
    @inlinable
    func checkParameterShape(_ v: NetParameters<Scalar>, name: String) throws(LinalgError) {
        guard v.sizes == sizes, v.hasBiases == hasBiases else {
            throw .shapeMismatch(
                operation: "MLP",
                detail: "\(name) is shaped for sizes \(v.sizes)\(v.hasBiases ? " with" : " without") biases; the net "
                    + "has sizes \(sizes)\(hasBiases ? " with" : " without") biases")
        }
    }

    /// Throws unless `y` is `h_L × B` and finite and `loss` can be taken of this net's output.
    @inlinable
    func checkTargets(_ y: Matrix<Scalar>, batch: Int, loss: NetLoss) throws(LinalgError) {
        guard y.rows == outputSize, y.columns == batch else {
            throw .shapeMismatch(
                operation: "MLP", detail: "targets must be \(outputSize)×\(batch), got \(y.rows)×\(y.columns)")
        }
        if let (i, j) = y.firstNonFinite { throw .nonFinite(what: "targets", row: i, column: j) }
        if loss.isClassification && outputActivation != .identity {
            throw .invalidValue(
                what: "loss", detail: "\(loss.rawValue) takes the logits: the last layer's activation must be identity")
        }
    }
}
