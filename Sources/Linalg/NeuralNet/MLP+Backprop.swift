extension MLP {
    // MARK: ∂loss/∂W_l = Δ_l x_lᵀ, ∂loss/∂b_l = Δ_l 1, Δ_{l−1} = a'(x_l) ∘ (W_lᵀ Δ_l)

    /// Backpropagation of `Δ_{L−1} = a_out'(f) ∘ ∂loss/∂f`, already in `workspace.errors[L−1]`
    /// as `∂loss/∂f`, after a forward pass: writes `scale · ∂loss/∂W_l = scale · Δ_l x_lᵀ` (and
    /// `scale · ∂loss/∂b_l = scale · Σ_b (Δ_l)_{·b}`) into the workspace gradient. Two GEMMs per layer.
    ///
    /// A large batch is split by samples, as in the forward pass: each core backpropagates its
    /// own samples through every layer (single-threaded GEMMs, no waiting for the other core
    /// between layers) into a gradient of its own, and the cores' gradients are added up last.
    @inlinable
    func backwardInWorkspace(_ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>, scale: Scalar) {
        let batch = workspace.batchSize, ld = workspace.rowStride
        let last = layerCount - 1
        if splitsAcrossCores(batch: batch) {
            backwardSplittingSamples(parameters, workspace, scale: scale)
            return
        }
        let errors = workspace.errors, activations = workspace.activations
        // Padding entries are zero in both, so the whole rows × stride block can be scaled.
        VectorMath.scaleByDerivative(
            outputActivation, errors[last], output: activations[last + 1],
            count: sizes[last + 1] * ld)
        let gradient = workspace.gradient
        for l in stride(from: last, through: 0, by: -1) {
            backwardLayer(
                l, parameters, errors: errors, activations: activations, gradient: gradient, rowStride: ld,
                scale: scale, samples: 0..<batch, biased: false)
        }
        // Each Δ_l stays in its own buffer, so the bias gradients can follow in a loop of their
        // own, and a net without biases pays nothing for them.
        if hasBiases {
            for l in 0...last {
                writeBiasGradient(
                    l, errors: errors, gradient: gradient, rowStride: ld, scale: scale, samples: 0..<batch)
            }
        }
    }

    /// ``backwardInWorkspace(_:_:scale:)`` with the samples split across the cores: core `k`
    /// writes the gradient of its samples into its own buffer (the workspace gradient for the
    /// first), then every core adds up one range of the parameters over the buffers, in order.
    @inlinable
    func backwardSplittingSamples(_ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>, scale: Scalar)
    {
        let batch = workspace.batchSize, parts = MLP.splitParts(batch: batch)
        workspace.preparePartialGradients(parts - 1)
        let weights = UncheckedSendable(parameters), space = UncheckedSendable(workspace)
        ParallelChunks.runWithSingleThreadedBLAS(count: batch, parts: parts, alignment: 8) { part, samples in
            backwardShare(weights.value, space.value, part: part, samples: samples, scale: scale)
        }
        addPartialGradients(workspace, parts: parts)
    }

    /// Backprop of the samples `samples` through every layer into core `part`'s gradient (the
    /// workspace gradient for part 0, else a partial gradient prepared beforehand), the output
    /// layer's `Δ_{L−1} = a_out'(f) ∘ ∂loss/∂f` included.
    @inlinable @inline(__always)
    func backwardShare(
        _ parameters: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>, part: Int, samples: Range<Int>,
        scale: Scalar
    ) {
        let ld = workspace.rowStride, last = layerCount - 1
        let errors = workspace.errors, activations = workspace.activations
        let gradient = part == 0 ? workspace.gradient : workspace.partialGradients[part - 1]
        let first = samples.lowerBound
        VectorMath.scaleByDerivative(
            outputActivation, errors[last] + first, output: activations[last + 1] + first, rows: sizes[last + 1],
            width: samples.count, rowStride: ld)
        for l in stride(from: last, through: 0, by: -1) {
            backwardLayer(
                l, parameters, errors: errors, activations: activations, gradient: gradient, rowStride: ld,
                scale: scale, samples: samples, biased: hasBiases)
        }
    }

    /// `gradient += Σ_k partial_k` over the first `parts − 1` partial gradients, each core adding
    /// up one range of the parameters in the same order.
    @inlinable
    func addPartialGradients(_ workspace: MLPWorkspace<Scalar>, parts: Int) {
        let count = MLP.weightCount(sizes: sizes) + (hasBiases ? MLP.biasCount(sizes: sizes) : 0)
        let gradient = UncheckedSendable(workspace.gradient), partials = UncheckedSendable(workspace.partialGradients)
        ParallelChunks.runWithSingleThreadedBLAS(count: count, parts: parts, alignment: 16) { _, range in
            let sum = gradient.value
            for k in 0..<(parts - 1) {
                let partial = partials.value[k]
                for i in range { sum[i] += partial[i] }
            }
        }
    }

    /// One layer of backprop over the samples `samples`: `scale · Δ_l x_lᵀ` (their share of
    /// `scale · ∂loss/∂W_l`, and with `biased` of `scale · ∂loss/∂b_l`, the row sums of `Δ_l`)
    /// into `gradient`, and, for `l > 0`, their columns of `Δ_{l−1} = a'(x_l) ∘ W_lᵀ Δ_l`.
    @inlinable @inline(__always)
    func backwardLayer(
        _ l: Int, _ parameters: UnsafePointer<Scalar>, errors: [UnsafeMutablePointer<Scalar>],
        activations: [UnsafeMutablePointer<Scalar>], gradient: UnsafeMutablePointer<Scalar>, rowStride ld: Int,
        scale: Scalar, samples: Range<Int>, biased: Bool
    ) {
        let rows = sizes[l + 1], inner = sizes[l]
        let first = samples.lowerBound, width = samples.count
        // ∂loss/∂W_l = Δ_l x_lᵀ : (h_{l+1} × B)(B × h_l)
        GemmKernel.run(
            transposeA: false, transposeB: true, m: rows, n: inner, k: width, alpha: scale,
            a: errors[l] + first, lda: ld, b: activations[l] + first, ldb: ld,
            beta: 0.0, c: gradient + weightOffsets[l], ldc: inner)
        if biased {
            writeBiasGradient(l, errors: errors, gradient: gradient, rowStride: ld, scale: scale, samples: samples)
        }
        guard l > 0 else { return }
        // Δ_{l−1} = a'(x_l) ∘ W_lᵀ Δ_l : (h_l × h_{l+1})(h_{l+1} × B)
        let delta = errors[l - 1] + first, x = activations[l] + first
        GemmKernel.run(
            transposeA: true, transposeB: false, m: inner, n: width, k: rows, alpha: 1.0,
            a: parameters + weightOffsets[l], lda: inner, b: errors[l] + first, ldb: ld,
            beta: 0.0, c: delta, ldc: ld)
        if width == ld {
            VectorMath.scaleByDerivative(activation, delta, output: x, count: inner * ld)
        } else {
            VectorMath.scaleByDerivative(activation, delta, output: x, rows: inner, width: width, rowStride: ld)
        }
    }

    /// `scale · ∂loss/∂b_l = scale · Δ_l 1` over the samples `samples`: the sum of each row of
    /// `Δ_l` over them.
    @inlinable @inline(__always)
    func writeBiasGradient(
        _ l: Int, errors: [UnsafeMutablePointer<Scalar>], gradient: UnsafeMutablePointer<Scalar>,
        rowStride ld: Int, scale: Scalar, samples: Range<Int>
    ) {
        let biasGradient = gradient + biasOffsets[l], delta = errors[l]
        if ld == 1 {
            // One sample: Δ_l is one contiguous column.
            if scale == 1 {
                biasGradient.update(from: delta, count: sizes[l + 1])
            } else {
                for j in 0..<sizes[l + 1] { biasGradient[j] = scale * delta[j] }
            }
            return
        }
        VectorMath.scaledRowSums(
            delta + samples.lowerBound, rows: sizes[l + 1], width: samples.count, rowStride: ld, scale: scale,
            into: biasGradient)
    }

    /// The gradient of a scalar loss with respect to every `W_l` (a vector–Jacobian product),
    /// given `G = ∂loss/∂f` (`h_L × B`, column `b` for sample `b`):
    /// `Δ_{L−1} = a_out'(f) ∘ G`, `Δ_{l−1} = σ'(x_l) ∘ (W_lᵀ Δ_l)`, `∂loss/∂W_l = Δ_l x_lᵀ`.
    /// Runs the forward pass itself; the gradients are left in ``MLPWorkspace/gradient(_:)``.
    @inlinable
    public func backpropagate(
        _ x: Matrix<Scalar>, lossGradient g: Matrix<Scalar>,
        workspace: MLPWorkspace<Scalar>
    ) throws(LinalgError) {
        try validateInputShape(x)
        guard g.rows == outputSize, g.columns == x.columns else {
            throw .shapeMismatch(
                operation: "MLP.backpropagate",
                detail: "∂loss/∂f must be \(outputSize)×\(x.columns), got \(g.rows)×\(g.columns)")
        }
        try forwardCheckingInput(x, workspace)
        parameters.withUnsafeBufferPointer { p in
            g.withUnsafeBufferPointer { source in
                if let base = source.baseAddress {
                    workspace.copyRows(outputSize, from: base, into: workspace.errors[layerCount - 1])
                }
            }
            backwardInWorkspace(p.baseAddress!, workspace, scale: 1)
        }
    }

    /// `∂loss/∂W_l` for every layer, as new matrices (the allocating form of
    /// ``backpropagate(_:lossGradient:workspace:)``; a net's bias gradients are in
    /// ``MLPWorkspace/biasGradient(_:)`` of that form).
    @inlinable
    public func weightGradients(
        _ x: Matrix<Scalar>, lossGradient g: Matrix<Scalar>
    ) throws(LinalgError) -> [Matrix<Scalar>] {
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        try backpropagate(x, lossGradient: g, workspace: workspace)
        return (0..<layerCount).map(workspace.gradient)
    }

    // MARK: loss = Σ_b ‖f(x_b) − y_b‖²

    /// The value and gradient of the squared error: returns `Σ_b ‖f(x_b) − y_b‖²` over the batch
    /// and leaves its gradient with respect to every `W_l` (`∂loss/∂f = 2(f − Y)`) in
    /// ``MLPWorkspace/gradient(_:)``.
    @inlinable
    public func squaredErrorAndGradient(
        _ x: Matrix<Scalar>, targets y: Matrix<Scalar>,
        workspace: MLPWorkspace<Scalar>
    ) throws(LinalgError) -> Double {
        try lossAndGradient(x, targets: y, loss: .squaredError, workspace: workspace)
    }

    /// The value and gradient of `loss` (``NetLoss``, summed over the batch): returns the loss and
    /// leaves its gradient with respect to every parameter in ``MLPWorkspace/gradient(_:)``.
    /// Targets are `h_L × B` (one-hot columns for the softmax cross-entropy). With `weights` (one
    /// per sample, finite, ≥ 0) the loss is `Σ_b w_b ℓ_b`.
    @inlinable
    public func lossAndGradient(
        _ x: Matrix<Scalar>, targets y: Matrix<Scalar>, loss: NetLoss, weights: [Scalar]? = nil,
        workspace: MLPWorkspace<Scalar>
    ) throws(LinalgError) -> Double {
        try validateInputShape(x)
        guard y.rows == outputSize, y.columns == x.columns else {
            throw .shapeMismatch(
                operation: "MLP.lossAndGradient",
                detail: "targets must be \(outputSize)×\(x.columns), got \(y.rows)×\(y.columns)")
        }
        if let weights {
            guard weights.count == x.columns else {
                throw .shapeMismatch(
                    operation: "MLP.lossAndGradient", detail: "\(weights.count) weights for \(x.columns) samples")
            }
            if let b = weights.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw .invalidValue(
                    what: "weights", detail: "sample \(b) has weight \(weights[b]); need finite and ≥ 0")
            }
        }
        prepare(workspace, batchSize: x.columns)
        let (finite, loss) = parameters.withUnsafeBufferPointer { p in
            y.withUnsafeBufferPointer { t in
                x.withUnsafeBufferPointer { source in
                    (weights ?? []).withUnsafeBufferPointer { w in
                        lossPass(
                            loss, p.baseAddress!, targets: t.baseAddress!, targetStride: y.columns,
                            weights: weights == nil ? nil : w.baseAddress, workspace: workspace, scale: 1,
                            loading: source.baseAddress)
                    }
                }
            }
        }
        if !finite { try throwNonFiniteInput(x) }
        // A NaN or ±∞ among the targets makes the sum non-finite, so they are looked for only
        // then (a non-finite sum with finite targets is the net's own overflow).
        if !loss.isFinite, let (i, j) = y.firstNonFinite { throw .nonFinite(what: "targets", row: i, column: j) }
        return loss
    }

    /// Forward pass, `loss = Σ ‖f − y‖²`, `∂loss/∂f = 2(f − y)`, backward pass with `scale`;
    /// the targets' rows are `targetStride` apart.
    @inlinable
    func squaredErrorStep(
        _ parameters: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, targetStride: Int,
        workspace: MLPWorkspace<Scalar>, scale: Scalar
    ) -> Double {
        lossPass(
            .squaredError, parameters, targets: targets, targetStride: targetStride, workspace: workspace, scale: scale,
            loading: nil
        ).loss
    }

    /// Forward pass, `loss`, `∂loss/∂f`, backward pass with `scale`, for `loss` (``NetLoss``), the
    /// samples weighted by `weights` (one per column; `nil`: all 1).
    @inlinable
    func lossStep(
        _ loss: NetLoss, _ parameters: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, targetStride: Int,
        weights: UnsafePointer<Scalar>? = nil, workspace: MLPWorkspace<Scalar>, scale: Scalar
    ) -> Double {
        lossPass(
            loss, parameters, targets: targets, targetStride: targetStride, weights: weights, workspace: workspace,
            scale: scale, loading: nil
        ).loss
    }

    /// ``lossStep(_:_:targets:targetStride:workspace:scale:)`` loading the batch `source`
    /// first unless it is `nil` (see ``forwardInWorkspace(_:_:loading:epilogue:)``). A split
    /// batch runs as one piece of work per core: its share's copy, forward pass, residuals and
    /// backward pass, then the cores' gradients are added up.
    @inlinable
    func lossPass(
        _ lossKind: NetLoss, _ parameters: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, targetStride: Int,
        weights: UnsafePointer<Scalar>? = nil, workspace: MLPWorkspace<Scalar>, scale: Scalar,
        loading source: UnsafePointer<Scalar>?
    ) -> (sourceIsFinite: Bool, loss: Double) {
        let batch = workspace.batchSize
        let f = workspace.activations[layerCount], g = workspace.errors[layerCount - 1], ld = workspace.rowStride
        let outputs = outputSize
        guard splitsAcrossCores(batch: batch) else {
            // One piece of work: the steps in order, with no closure in between (one-sample calls
            // of a small net are made of little else).
            if let source, !workspace.loadColumns(source, columns: 0..<batch) { return (false, 0) }
            forwardColumns(parameters, workspace.activations, rowStride: ld, columns: 0..<batch)
            let loss = MLP.weightedLossResiduals(
                lossKind, f, targets: targets, targetStride: targetStride, weights: weights, into: g, rowStride: ld,
                rows: outputs, columns: 0..<batch)
            backwardInWorkspace(parameters, workspace, scale: scale)
            return (true, loss)
        }
        let parts = MLP.splitParts(batch: batch)
        workspace.preparePartialGradients(parts - 1)
        let (finite, loss) = forwardSplittingColumns(parameters, workspace, loading: source) { part, columns in
            let loss = MLP.weightedLossResiduals(
                lossKind, f, targets: targets, targetStride: targetStride, weights: weights, into: g, rowStride: ld,
                rows: outputs, columns: columns)
            backwardShare(parameters, workspace, part: part, samples: columns, scale: scale)
            return loss
        }
        addPartialGradients(workspace, parts: parts)
        return (finite, loss)
    }

    /// `Σ (f − y)²` over the samples `columns` of `rows` outputs, writing `2(f − y)` into `g`
    /// (`f` and `g` with rows `rowStride` apart, `y` with rows `targetStride` apart).
    @inlinable @inline(__always)
    static func squaredResiduals(
        _ f: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, targetStride: Int,
        into g: UnsafeMutablePointer<Scalar>, rowStride ld: Int, rows: Int, columns: Range<Int>
    ) -> Double {
        var loss = 0.0
        let first = columns.lowerBound, width = columns.count
        // Four partial sums per row: one chain of dependent additions would cost an add latency
        // per entry.
        var partial: (Double, Double, Double, Double) = (0, 0, 0, 0)
        if width * MemoryLayout<Scalar>.stride <= VectorMath.rowPieceBytes {
            // Short rows (one sample, say): nothing worth prefetching.
            for i in 0..<rows {
                squaredResidualPiece(
                    f + i * ld + first, targets + i * targetStride + first, into: g + i * ld + first, count: width,
                    partial: &partial)
                loss += (partial.0 + partial.1) + (partial.2 + partial.3)
                partial = (0, 0, 0, 0)
            }
            return loss
        }
        // The pieces hold a multiple of four entries, so each partial sum takes the same entries
        // in the same order as over the whole row.
        VectorMath.forEachRowPiece(Scalar.self, rows: rows, width: width) { i, j, count, hasNextRow in
            let fi = f + i * ld + first + j, ti = targets + i * targetStride + first + j
            if hasNextRow {
                VectorMath.prefetch(fi + ld, count: count)
                VectorMath.prefetch(ti + targetStride, count: count)
            }
            squaredResidualPiece(fi, ti, into: g + i * ld + first + j, count: count, partial: &partial)
            if j + count == width {
                loss += (partial.0 + partial.1) + (partial.2 + partial.3)
                partial = (0, 0, 0, 0)
            }
        }
        return loss
    }

    /// `partial.k += Σ (f_b − y_b)²` over the entries `b ≡ k (mod 4)` of one piece of a row
    /// (the remainder into `partial.0`), writing `g_b = 2(f_b − y_b)`.
    @inlinable @inline(__always)
    static func squaredResidualPiece(
        _ f: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, into g: UnsafeMutablePointer<Scalar>, count: Int,
        partial: inout (Double, Double, Double, Double)
    ) {
        var b = 0
        while b + 4 <= count {
            let r0 = f[b] - y[b], r1 = f[b + 1] - y[b + 1], r2 = f[b + 2] - y[b + 2], r3 = f[b + 3] - y[b + 3]
            partial.0 += Double(r0 * r0)
            partial.1 += Double(r1 * r1)
            partial.2 += Double(r2 * r2)
            partial.3 += Double(r3 * r3)
            g[b] = 2 * r0
            g[b + 1] = 2 * r1
            g[b + 2] = 2 * r2
            g[b + 3] = 2 * r3
            b += 4
        }
        while b < count {
            let residual = f[b] - y[b]
            partial.0 += Double(residual * residual)
            g[b] = 2 * residual
            b += 1
        }
    }
}
