/// Reusable buffers for the derivative products of one net shape and one batch size (JVP, VJP,
/// Hessian- and Gauss-Newton-vector products, per-sample gradient norms): an ``MLPWorkspace`` for
/// the primal pass and backprop (`x_l`, `Δ_l`, the gradient) plus the tangents they carry.
///
/// After the first call with a given batch size nothing is allocated. Not thread-safe.
public final class NetProductWorkspace<Scalar: NeuralScalar> {
    /// The primal activations `x_l`, the errors `Δ_l` and the gradient.
    public let base: MLPWorkspace<Scalar>
    /// The buffers that change with the batch size (behind a pointer, as in ``MLPWorkspace``).
    @usableFromInline
    struct BatchBuffers {
        /// `ẋ_l`, `h_l × B` for `l = 0 … L` (rows ``MLPWorkspace/rowStride`` apart).
        @usableFromInline var tangents: [UnsafeMutablePointer<Scalar>] = []
        /// `ż_{l+1}`, the tangent before the activation, `h_{l+1} × B`.
        @usableFromInline var preactivationTangents: [UnsafeMutablePointer<Scalar>] = []
        /// `Δ̇_l`, the tangent of `Δ_l` (second-order backprop), `h_{l+1} × B`.
        @usableFromInline var errorTangents: [UnsafeMutablePointer<Scalar>] = []
        /// `∂L/∂x₀ = W₀ᵀ Δ₀`, `h₀ × B`.
        @usableFromInline var inputCotangent: UnsafeMutablePointer<Scalar>?
        /// Per sample: `‖g_b‖²` of the per-sample gradients, and two column sums of squares.
        @usableFromInline var sampleNorms: UnsafeMutablePointer<Double>?
        @usableFromInline var columnSquares: UnsafeMutablePointer<Double>?
        /// Per sample: the clipping factor `min(1, C/‖g_b‖)`.
        @usableFromInline var sampleFactors: UnsafeMutablePointer<Scalar>?
        /// One parameter-shaped product per core of a split pass (the first is the result).
        @usableFromInline var products: [UnsafeMutablePointer<Scalar>] = []
        @usableFromInline var batchSize = -1
    }

    @usableFromInline let buffers: UnsafeMutablePointer<BatchBuffers>

    /// Buffers for a net with `sizes` and batches of `batchSize`; throws for sizes no net has, a
    /// negative batch, or buffers beyond ``SystemMemory/limit`` (about `7 Σ h_l` rows of the batch).
    public init(sizes: [Int], batchSize: Int) throws(LinalgError) {
        try NetProductWorkspace.checkFitsInMemory(sizes: sizes, batchSize: batchSize)
        base = try MLPWorkspace(sizes: sizes, batchSize: batchSize)
        buffers = .allocate(capacity: 1)
        buffers.initialize(to: BatchBuffers())
        prepareProducts(1)
        prepare(batchSize: batchSize)
    }

    deinit {
        freeBatchBuffers()
        for p in buffers.pointee.products { p.deallocate() }
        buffers.deinitialize(count: 1)
        buffers.deallocate()
    }

    /// The layer widths it was made for.
    @inlinable public var sizes: [Int] { base.sizes }
    /// The batch size it holds buffers for.
    @inlinable public var batchSize: Int { base.batchSize }
    @inlinable var tangents: [UnsafeMutablePointer<Scalar>] { buffers.pointee.tangents }
    @inlinable var preactivationTangents: [UnsafeMutablePointer<Scalar>] { buffers.pointee.preactivationTangents }
    @inlinable var errorTangents: [UnsafeMutablePointer<Scalar>] { buffers.pointee.errorTangents }
    @inlinable var inputCotangent: UnsafeMutablePointer<Scalar> { buffers.pointee.inputCotangent! }
    @inlinable var sampleNorms: UnsafeMutablePointer<Double> { buffers.pointee.sampleNorms! }
    @inlinable var columnSquares: UnsafeMutablePointer<Double> { buffers.pointee.columnSquares! }
    @inlinable var sampleFactors: UnsafeMutablePointer<Scalar> { buffers.pointee.sampleFactors! }

    /// The product buffer of core `part` of a split pass (part 0 holds the result); see
    /// ``prepareProducts(_:)``.
    @inlinable
    func product(_ part: Int) -> UnsafeMutablePointer<Scalar> { buffers.pointee.products[part] }

    /// Allocates product buffers for `parts` cores on first use.
    @usableFromInline
    func prepareProducts(_ parts: Int) {
        while buffers.pointee.products.count < parts {
            buffers.pointee.products.append(.allocate(capacity: max(1, base.parameterCount)))
        }
    }

    /// Throws unless the buffers for `batchSize` samples (about `7 Σ h_l` rows) fit in ``SystemMemory/limit``.
    static func checkFitsInMemory(sizes: [Int], batchSize: Int) throws(LinalgError) {
        try MLP<Scalar>.validate(sizes: sizes)
        guard batchSize >= 0 else { throw .invalidValue(what: "batch size", detail: "must be ≥ 0, got \(batchSize)") }
        try MLPWorkspace<Scalar>.checkFitsInMemory(
            sizes: sizes, batchSize: batchSize, rowsPerWidth: 7, what: "derivative-product workspace")
    }

    /// Makes room for batch size `b` (allocates only when it changes).
    @inlinable
    public func prepare(batchSize b: Int) {
        base.prepare(batchSize: b)
        if buffers.pointee.batchSize == b { return }
        reallocate(b)
    }

    @usableFromInline
    func reallocate(_ b: Int) {
        freeBatchBuffers()
        let ld = max(1, MLPWorkspace<Scalar>.rowStride(forBatch: b)), count = max(1, b)
        func zeroed(_ rows: Int) -> UnsafeMutablePointer<Scalar> {
            let p = UnsafeMutablePointer<Scalar>.allocate(capacity: rows * ld)
            p.initialize(repeating: 0, count: rows * ld)
            return p
        }
        buffers.pointee.tangents = sizes.map(zeroed)
        buffers.pointee.preactivationTangents = sizes.dropFirst().map(zeroed)
        buffers.pointee.errorTangents = sizes.dropFirst().map(zeroed)
        buffers.pointee.inputCotangent = zeroed(sizes[0])
        buffers.pointee.sampleNorms = .allocate(capacity: count)
        buffers.pointee.columnSquares = .allocate(capacity: 2 * count)
        buffers.pointee.sampleFactors = .allocate(capacity: count)
        buffers.pointee.batchSize = b
    }

    func freeBatchBuffers() {
        let old = buffers.pointee
        for p in old.tangents + old.preactivationTangents + old.errorTangents { p.deallocate() }
        old.inputCotangent?.deallocate()
        old.sampleNorms?.deallocate()
        old.columnSquares?.deallocate()
        old.sampleFactors?.deallocate()
        buffers.pointee = BatchBuffers(products: old.products)
    }

    // MARK: Results of the last call

    /// `f` of the last pass, `h_L × B`.
    public var output: Matrix<Scalar> { base.output }

    /// `ḟ = ẋ_L` of the last JVP, `h_L × B`.
    public var outputTangent: Matrix<Scalar> { rows(tangents[sizes.count - 1], count: sizes[sizes.count - 1]) }

    /// `∂L/∂x₀` of the last VJP, `h₀ × B`.
    public var inputGradient: Matrix<Scalar> { rows(inputCotangent, count: sizes[0]) }

    /// The parameter gradient of the last VJP, HVP or clipped gradient.
    public var parameterGradient: NetParameters<Scalar> { parameterVector(base.gradient) }

    /// The parameter-space product of the last HVP or Gauss-Newton-vector product.
    public var parameterProduct: NetParameters<Scalar> { parameterVector(product(0)) }

    /// `‖∇_θ ℓ_b‖` of every sample of the last per-sample pass.
    public var perSampleGradientNorms: [Double] {
        (0..<batchSize).map { sampleNorms[$0].squareRoot() }
    }

    func rows(_ p: UnsafeMutablePointer<Scalar>, count rows: Int) -> Matrix<Scalar> {
        let b = batchSize, ld = base.rowStride
        var scalars: [Scalar] = []
        scalars.reserveCapacity(rows * b)
        for r in 0..<rows { scalars.append(contentsOf: UnsafeBufferPointer(start: p + r * ld, count: b)) }
        return Matrix(uncheckedRows: rows, columns: b, storage: scalars)
    }

    func parameterVector(_ p: UnsafeMutablePointer<Scalar>) -> NetParameters<Scalar> {
        let weights = MLP<Scalar>.weightCount(sizes: sizes)
        let count = weights + (hasBiases ? MLP<Scalar>.biasCount(sizes: sizes) : 0)
        return NetParameters(
            uncheckedSizes: sizes, hasBiases: hasBiases, scalars: Array(UnsafeBufferPointer(start: p, count: count)))
    }

    /// Whether the last pass's net had biases (set by every pass).
    @usableFromInline var hasBiases = false
}
