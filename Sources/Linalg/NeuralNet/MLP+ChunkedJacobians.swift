extension MLP {
    // MARK: Jacobians of a large batch, a chunk of samples at a time

    /// The samples of `x` in consecutive chunks of at most `chunkSize`: `body(range, chunk)` for each,
    /// `chunk` the columns `range` of `x`. Throws for `chunkSize < 1`.
    @inlinable
    func forEachChunk(
        of x: Matrix<Scalar>, chunkSize: Int, _ body: (Range<Int>, Matrix<Scalar>) throws -> Void
    ) throws {
        guard chunkSize >= 1 else {
            throw LinalgError.invalidValue(what: "chunk size", detail: "must be ≥ 1, got \(chunkSize)")
        }
        try validateInputShape(x)
        var start = 0
        while start < x.columns {
            let range = start..<min(x.columns, start + chunkSize)
            var scalars: [Scalar] = []
            scalars.reserveCapacity(x.rows * range.count)
            x.withUnsafeBufferPointer { p in
                for r in 0..<x.rows {
                    scalars.append(
                        contentsOf: UnsafeBufferPointer(
                            start: p.baseAddress! + r * x.columns + start, count: range.count))
                }
            }
            try body(range, Matrix(uncheckedRows: x.rows, columns: range.count, storage: scalars))
            start = range.upperBound
        }
    }

    /// `df/dx₀` for every sample of `x` (`h₀ × B`), computed `chunkSize` samples at a time and handed to
    /// `consumer(samples, jacobians)` chunk by chunk (`jacobians[i]` is sample `samples.lowerBound + i`,
    /// `h_L × h₀`): memory is bounded by the chunk, not the batch, as `torch.func.jacrev`'s `chunk_size`.
    public func inputJacobians(
        _ x: Matrix<Scalar>, chunkSize: Int, mode: JacobianMode = .automatic,
        _ consumer: (_ samples: Range<Int>, _ jacobians: [Matrix<Scalar>]) throws -> Void
    ) throws {
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: min(chunkSize, max(1, x.columns)))
        try forEachChunk(of: x, chunkSize: chunkSize) { range, chunk in
            var stacked = try Matrix<Scalar>(rows: range.count * outputSize, columns: inputSize)
            try inputJacobians(chunk, mode: mode, workspace: workspace, into: &stacked)
            try consumer(
                range,
                (0..<range.count).map { Matrix.block($0, rows: outputSize, columns: inputSize, of: stacked.scalars) })
        }
    }

    /// The factors of every `df/dW_l` (see ``WeightJacobianFactors``) for `x`, `chunkSize` samples at a
    /// time, handed to `consumer(samples, factors)` chunk by chunk (sample `samples.lowerBound + b` is
    /// the factors' sample `b`).
    public func weightJacobianFactors(
        _ x: Matrix<Scalar>, chunkSize: Int,
        _ consumer: (_ samples: Range<Int>, _ factors: WeightJacobianFactors<Scalar>) throws -> Void
    ) throws {
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: min(chunkSize, max(1, x.columns)))
        try forEachChunk(of: x, chunkSize: chunkSize) { range, chunk in
            try computeWeightJacobianFactors(chunk, workspace: workspace)
            try consumer(range, WeightJacobianFactors(workspace: workspace, outputs: outputSize))
        }
    }
}
