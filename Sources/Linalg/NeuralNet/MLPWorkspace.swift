/// Reusable buffers for one net shape and one batch size: the forward activations `x_l`, the
/// backprop errors `Δ_l`, the gradient, and the Jacobian accumulators.
///
/// Create one per thread and pass it to every call: after the first call with a given batch
/// size nothing is allocated. A workspace is not thread-safe.
public final class MLPWorkspace<Scalar: NeuralScalar> {
    /// The layer widths it was made for.
    public let sizes: [Int]
    /// The buffers that change with the batch size. They live behind a pointer owned by the
    /// workspace, not in stored `var` properties: every access to a class's stored `var` pays a
    /// dynamic exclusivity check, and one-sample calls of a small net are made of little else.
    @usableFromInline
    struct BatchBuffers {
        @usableFromInline var batchSize: Int
        /// The distance between rows of `x_l` and `Δ_l`, ``MLPWorkspace/rowStride(forBatch:)`` of
        /// the batch size; stored because one-sample calls read it several times (deriving it
        /// each time cost 40-85 instructions per call of the exercise net).
        @usableFromInline var rowStride: Int
        /// `x_l`, `h_l × B` (rows `rowStride` apart), for `l = 0 … L` (`x_L = f`).
        @usableFromInline var activations: [UnsafeMutablePointer<Scalar>] = []
        /// `Δ_l = ∂loss/∂z_{l+1}`, `h_{l+1} × B` (rows `rowStride` apart).
        @usableFromInline var errors: [UnsafeMutablePointer<Scalar>] = []
        /// `δ_l = ∂f/∂z_{l+1}` for every sample, stacked: `(B·h_L) × h_{l+1}` (reverse mode).
        @usableFromInline var sensitivities: [UnsafeMutablePointer<Scalar>] = []
        /// Forward-mode tangents `∂x_l/∂x₀`, `h_l × (B·h₀)`, two buffers used alternately.
        @usableFromInline var tangents: [UnsafeMutablePointer<Scalar>] = []
        @usableFromInline var tangentCapacity = 0
        /// The activation slopes `a'(x_l)` of one layer, transposed to `B × h_l`.
        @usableFromInline var slopes: UnsafeMutablePointer<Scalar>?
        /// The gradients of the second, third, … core's samples in a split backward pass (the
        /// first core's go to `gradient`), added up afterwards; allocated on first use.
        @usableFromInline var partialGradients: [UnsafeMutablePointer<Scalar>] = []

        @usableFromInline init(batchSize: Int) {
            self.batchSize = batchSize
            rowStride = MLPWorkspace.rowStride(forBatch: batchSize)
        }
    }

    @usableFromInline let buffers: UnsafeMutablePointer<BatchBuffers>

    /// The batch size `B` it holds buffers for.
    @inlinable public var batchSize: Int { buffers.pointee.batchSize }
    /// The distance between consecutive rows of the activations `x_l` and errors `Δ_l`.
    @inlinable var rowStride: Int { buffers.pointee.rowStride }

    /// The row stride for a batch of `b`: `b`, or `b + 8` when rows of `b` scalars would be a
    /// multiple of 1 or 2 KiB apart. Rows a power of two apart map to the same L1 sets and evict each
    /// other in OpenBLAS's GEMMs over the activations. The 8 padding entries of each row stay zero.
    @inlinable
    static func rowStride(forBatch b: Int) -> Int { b >= 256 && b % 256 == 0 ? b + 8 : b }
    @inlinable var activations: [UnsafeMutablePointer<Scalar>] { buffers.pointee.activations }
    @inlinable var errors: [UnsafeMutablePointer<Scalar>] { buffers.pointee.errors }
    @inlinable var sensitivities: [UnsafeMutablePointer<Scalar>] { buffers.pointee.sensitivities }
    @inlinable var tangents: [UnsafeMutablePointer<Scalar>] { buffers.pointee.tangents }
    @inlinable var slopes: UnsafeMutablePointer<Scalar> { buffers.pointee.slopes! }
    @inlinable var partialGradients: [UnsafeMutablePointer<Scalar>] { buffers.pointee.partialGradients }

    /// `∂loss/∂W_l` for all layers, then `∂loss/∂b_l`, laid out like ``MLP/parameters`` (room for
    /// the biases is kept whether or not the net has them).
    @usableFromInline let gradient: UnsafeMutablePointer<Scalar>
    @usableFromInline let parameterCount: Int

    /// Buffers for a net with `sizes` and batches of up to `batchSize` samples; throws, as the
    /// net's own initialisers do, for sizes no net has, a negative batch, or buffers beyond
    /// ``SystemMemory/limit``.
    public init(sizes: [Int], batchSize: Int) throws(LinalgError) {
        try MLP<Scalar>.validate(sizes: sizes)
        guard batchSize >= 0 else { throw .invalidValue(what: "batch size", detail: "must be ≥ 0, got \(batchSize)") }
        try Self.checkFitsInMemory(sizes: sizes, batchSize: batchSize)
        self.sizes = sizes
        buffers = .allocate(capacity: 1)
        buffers.initialize(to: BatchBuffers(batchSize: batchSize))
        let count = MLP<Scalar>.weightCount(sizes: sizes) + MLP<Scalar>.biasCount(sizes: sizes)
        parameterCount = count
        gradient = .allocate(capacity: max(1, count))
        allocateBatchBuffers()
    }

    /// Throws unless the buffers for `batchSize` samples (about `rowsPerWidth · Σ h_l` rows of the
    /// padded batch width: 3 for these, more for the workspaces built on one) fit in ``SystemMemory/limit``.
    static func checkFitsInMemory(
        sizes: [Int], batchSize: Int, rowsPerWidth: Int = 3, what: String = "MLP workspace"
    ) throws(LinalgError) {
        let width = sizes.reduce(0) { $0.addingReportingOverflow($1).partialValue }
        let stride = MLPWorkspace.rowStride(forBatch: max(1, batchSize))
        let (rows, rowsOverflow) = width.multipliedReportingOverflow(by: rowsPerWidth)
        let (entries, overflow) = rows.multipliedReportingOverflow(by: stride)
        let (bytes, bytesOverflow) = entries.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        guard rowsOverflow || overflow || bytesOverflow || bytes > SystemMemory.limit else { return }
        throw .invalidValue(
            what: what,
            detail: "sizes \(sizes) at batch \(batchSize) would need "
                + (overflow || bytesOverflow || rowsOverflow ? "more than 2^63 bytes" : SystemMemory.formatted(bytes))
                + "; " + SystemMemory.limitText)
    }

    deinit {
        freeBatchBuffers()
        buffers.deinitialize(count: 1)
        buffers.deallocate()
        gradient.deallocate()
    }

    @usableFromInline
    func allocateBatchBuffers() {
        let b = max(1, batchSize), ld = max(1, rowStride)
        func zeroed(_ count: Int) -> UnsafeMutablePointer<Scalar> {
            let p = UnsafeMutablePointer<Scalar>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        buffers.pointee.activations = sizes.map { zeroed($0 * ld) }
        buffers.pointee.errors = sizes.dropFirst().map { zeroed($0 * ld) }
        buffers.pointee.slopes = .allocate(capacity: sizes.max()! * b)
        buffers.pointee.sensitivities = []
    }

    func freeBatchBuffers() {
        let old = buffers.pointee
        for p in old.activations + old.errors + old.sensitivities + old.tangents + old.partialGradients {
            p.deallocate()
        }
        old.slopes?.deallocate()
        buffers.pointee = BatchBuffers(batchSize: old.batchSize)
    }

    /// Makes room for batch size `b` (allocates only when it changes).
    @inlinable
    public func prepare(batchSize b: Int) {
        if b == batchSize { return }
        resize(b)
    }

    @usableFromInline
    func resize(_ b: Int) {
        freeBatchBuffers()
        buffers.pointee.batchSize = b
        buffers.pointee.rowStride = MLPWorkspace.rowStride(forBatch: b)
        allocateBatchBuffers()
    }

    /// Copies the samples `columns` of a contiguous `h₀ × B` batch into `x₀` and returns whether
    /// they were all finite (checked while copying).
    @inlinable
    func loadColumns(_ source: UnsafePointer<Scalar>, columns: Range<Int>) -> Bool {
        let b = batchSize, ld = rowStride, x0 = activations[0]
        if ld == b && columns.count == b {
            return NonFiniteScan.copy(source, to: x0, count: sizes[0] * b)
        }
        var finite = true
        let first = columns.lowerBound
        VectorMath.forEachRowPiece(Scalar.self, rows: sizes[0], width: columns.count) { r, j, count, hasNextRow in
            let from = source + r * b + first + j
            if hasNextRow { VectorMath.prefetch(from + b, count: count) }
            let copied = NonFiniteScan.copy(from, to: x0 + r * ld + first + j, count: count)
            finite = finite && copied
        }
        return finite
    }

    /// Copies `rows` rows of `batchSize` entries from a contiguous `rows × B` source into a
    /// buffer with rows ``rowStride`` apart.
    @inlinable
    func copyRows(_ rows: Int, from source: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>) {
        let b = batchSize, ld = rowStride
        if ld == b {
            destination.update(from: source, count: rows * b)
        } else {
            for r in 0..<rows { (destination + r * ld).update(from: source + r * b, count: b) }
        }
    }

    /// Allocates `count` gradient buffers for the cores after the first of a split backward pass
    /// on first use.
    @usableFromInline
    func preparePartialGradients(_ count: Int) {
        while buffers.pointee.partialGradients.count < count {
            buffers.pointee.partialGradients.append(.allocate(capacity: max(1, parameterCount)))
        }
    }

    /// Allocates the reverse-mode Jacobian buffers on first use.
    @usableFromInline
    func prepareSensitivities() {
        if !buffers.pointee.sensitivities.isEmpty { return }
        let rows = max(1, batchSize) * sizes[sizes.count - 1]
        buffers.pointee.sensitivities = (1..<sizes.count).map { .allocate(capacity: rows * sizes[$0]) }
    }

    /// Allocates the forward-mode tangent buffers on first use.
    @usableFromInline
    func prepareTangents() {
        let needed = (sizes.max() ?? 1) * max(1, batchSize) * sizes[0]
        if buffers.pointee.tangentCapacity >= needed { return }
        for p in buffers.pointee.tangents { p.deallocate() }
        buffers.pointee.tangents = [.allocate(capacity: needed), .allocate(capacity: needed)]
        buffers.pointee.tangentCapacity = needed
    }

    /// The output `f = x_L` of the last forward pass, `h_L × B`.
    public var output: Matrix<Scalar> { activation(sizes.count - 1) }

    /// The activation `x_l` of the last forward pass, `h_l × B`.
    public func activation(_ l: Int) -> Matrix<Scalar> {
        let rows = sizes[l], b = batchSize, ld = rowStride, x = activations[l]
        var scalars: [Scalar] = []
        scalars.reserveCapacity(rows * b)
        for r in 0..<rows { scalars.append(contentsOf: UnsafeBufferPointer(start: x + r * ld, count: b)) }
        return Matrix(uncheckedRows: rows, columns: b, storage: scalars)
    }

    /// The gradient `∂loss/∂W_l` of the last backward pass, `h_{l+1} × h_l`.
    public func gradient(_ l: Int) -> Matrix<Scalar> {
        var offset = 0
        for i in 0..<l { offset += sizes[i] * sizes[i + 1] }
        return matrix(gradient + offset, rows: sizes[l + 1], columns: sizes[l])
    }

    /// The gradient `∂loss/∂b_l` of the last backward pass of a net with biases, `h_{l+1}` entries.
    public func biasGradient(_ l: Int) -> [Scalar] {
        var offset = MLP<Scalar>.weightCount(sizes: sizes)
        for i in 0..<l { offset += sizes[i + 1] }
        return Array(UnsafeBufferPointer(start: gradient + offset, count: sizes[l + 1]))
    }

    func matrix(_ p: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int) -> Matrix<Scalar> {
        Matrix(
            uncheckedRows: rows, columns: columns, storage: Array(UnsafeBufferPointer(start: p, count: rows * columns)))
    }
}
