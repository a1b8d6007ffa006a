extension MLP {
    // MARK: ż_{l+1} = W_l ẋ_l + Ẇ_l x_l + ḃ_l,  ẋ_{l+1} = a'(z_{l+1}) ∘ ż_{l+1}

    /// The forward-mode pass over the samples `columns`, after the primal pass: the tangents `ẋ_l`
    /// of every layer from `ẋ₀` (in the workspace's first tangent when `inputTangent`, else 0) and the
    /// parameter tangent `v` (laid out as ``parameters``; `nil`: 0). Two GEMMs per layer. With
    /// `keepPreactivations`, `ż_{l+1}` stays in the workspace too (second-order backprop needs it).
    @inlinable
    func tangentColumns(
        _ parameters: UnsafePointer<Scalar>, tangent v: UnsafePointer<Scalar>?, inputTangent: Bool,
        _ space: NetProductWorkspace<Scalar>, columns: Range<Int>, keepPreactivations: Bool
    ) {
        let ld = space.base.rowStride, first = columns.lowerBound, width = columns.count
        let activations = space.base.activations, tangents = space.tangents
        for l in 0..<layerCount {
            let rows = sizes[l + 1], inner = sizes[l]
            let zDot = (keepPreactivations ? space.preactivationTangents[l] : tangents[l + 1]) + first
            // ż accumulates its terms: the first product overwrites it unless ḃ started it.
            var started = false
            func add(_ a: UnsafePointer<Scalar>, times b: UnsafePointer<Scalar>) {
                if started {
                    GemmKernel.run(
                        transposeA: false, transposeB: false, m: rows, n: width, k: inner, alpha: 1, a: a, lda: inner,
                        b: b + first, ldb: ld, beta: 1, c: zDot, ldc: ld)
                } else {
                    GemmKernel.runOverwriting(
                        transposeA: false, transposeB: false, m: rows, n: width, k: inner, alpha: 1, a: a, lda: inner,
                        b: b + first, ldb: ld, c: zDot, ldc: ld)
                }
                started = true
            }
            if let v, hasBiases {
                let bias = v + biasOffsets[l]
                VectorMath.fillRows(zDot, rows: rows, width: width, rowStride: ld) { bias[$0] }
                started = true
            }
            if l > 0 || inputTangent { add(parameters + weightOffsets[l], times: tangents[l]) }
            if let v { add(v + weightOffsets[l], times: activations[l]) }
            if !started { VectorMath.fillRows(zDot, rows: rows, width: width, rowStride: ld) { _ in 0 } }
            let xDot = tangents[l + 1] + first
            if keepPreactivations {
                for r in 0..<rows { (xDot + r * ld).update(from: zDot + r * ld, count: width) }
            }
            VectorMath.scaleByDerivative(
                activation(afterLayer: l), xDot, output: activations[l + 1] + first, rows: rows, width: width,
                rowStride: ld)
        }
    }

    /// The Jacobian-vector product of the net at the batch `x` (`h₀ × B`): `f(x)` and
    /// `ḟ = ∂f/∂x₀ · ẋ₀ + Σ_l ∂f/∂W_l · Ẇ_l + ∂f/∂b_l · ḃ_l`, column by column,
    /// for the tangent `inputTangent` of the inputs (`h₀ × B`) and `parameterTangent` of the
    /// parameters (either may be `nil`, meaning 0). One forward pass carrying the tangents: three
    /// GEMMs per layer with both tangents. The results stay in ``NetProductWorkspace/output`` and
    /// ``NetProductWorkspace/outputTangent``; nothing is allocated once the workspace has the batch
    /// size.
    @inlinable
    public func jvp(
        _ x: Matrix<Scalar>, inputTangent: Matrix<Scalar>? = nil, parameterTangent: NetParameters<Scalar>? = nil,
        workspace space: NetProductWorkspace<Scalar>
    ) throws(LinalgError) {
        if let parameterTangent { try checkParameterShape(parameterTangent, name: "parameter tangent") }
        try load(x, into: space)
        if let inputTangent {
            try loadRows(inputTangent, rows: inputSize, into: space.tangents[0], space: space, name: "input tangent")
        }
        let hasInputTangent = inputTangent != nil, ld = space.base.rowStride
        parameters.withUnsafeBufferPointer { p in
            (parameterTangent?.scalars ?? []).withUnsafeBufferPointer { tangent in
                let v = parameterTangent == nil ? nil : tangent.baseAddress
                _ = runOverSamples(space) { _, columns in
                    forwardColumns(p.baseAddress!, space.base.activations, rowStride: ld, columns: columns)
                    tangentColumns(
                        p.baseAddress!, tangent: v, inputTangent: hasInputTangent, space, columns: columns,
                        keepPreactivations: false)
                    return 0
                }
            }
        }
    }

    /// The allocating form of ``jvp(_:inputTangent:parameterTangent:workspace:)``: `(f(x), ḟ)`.
    @inlinable
    public func jvp(
        _ x: Matrix<Scalar>, inputTangent: Matrix<Scalar>? = nil, parameterTangent: NetParameters<Scalar>? = nil
    ) throws(LinalgError) -> (output: Matrix<Scalar>, tangent: Matrix<Scalar>) {
        let space = try NetProductWorkspace<Scalar>(sizes: sizes, batchSize: x.columns)
        try jvp(x, inputTangent: inputTangent, parameterTangent: parameterTangent, workspace: space)
        return (space.output, space.outputTangent)
    }
}
