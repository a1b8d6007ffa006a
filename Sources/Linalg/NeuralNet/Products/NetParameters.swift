/// A vector in a net's parameter space `θ = (W₀, …, W_{L−1}, b₀, …, b_{L−1})`, laid out as
/// ``MLP/parameters``: every `W_l` row-major, then every `b_l` when the net has biases.
///
/// It is what derivative products take and return: a tangent `v` of a JVP, HVP or Gauss-Newton
/// product, a gradient `∂L/∂θ`, the product `∇²L · v`.
public struct NetParameters<Scalar: NeuralScalar>: Sendable, Equatable {
    /// The layer widths `(h₀, …, h_L)` of the net it belongs to.
    public let sizes: [Int]
    /// Whether it has a part for the biases.
    public let hasBiases: Bool
    /// All entries: the weights' parts, then the biases'.
    public var scalars: [Scalar]

    /// Zeros shaped as `net`'s parameters.
    public init(zerosLike net: MLP<Scalar>) {
        self.init(
            uncheckedSizes: net.sizes, hasBiases: net.hasBiases,
            scalars: Array(repeating: 0, count: net.parameters.count))
    }

    /// `net`'s own parameters.
    public init(of net: MLP<Scalar>) {
        self.init(uncheckedSizes: net.sizes, hasBiases: net.hasBiases, scalars: net.parameters)
    }

    /// A vector shaped as `net`'s parameters from one matrix per layer (`h_{l+1} × h_l`) and, for a
    /// net with biases, one vector per layer; a missing `weights` or `biases` part is zeros. Throws
    /// for a shape that is not the net's, biases for a net without them, or a value that is not finite.
    public init(weights: [Matrix<Scalar>]?, biases: [[Scalar]]?, shapedAs net: MLP<Scalar>) throws(LinalgError) {
        self.init(zerosLike: net)
        if let weights { try setWeights(weights) }
        if let biases { try setBiases(biases) }
    }

    @usableFromInline
    init(uncheckedSizes sizes: [Int], hasBiases: Bool, scalars: [Scalar]) {
        self.sizes = sizes
        self.hasBiases = hasBiases
        self.scalars = scalars
    }

    /// The number of layers `L`.
    @inlinable public var layerCount: Int { sizes.count - 1 }

    /// Where the part of `W_l` starts.
    @inlinable
    public func weightOffset(_ l: Int) -> Int {
        var offset = 0
        for i in 0..<l { offset += sizes[i + 1] * sizes[i] }
        return offset
    }

    /// Where the part of `b_l` starts (only for a vector with biases).
    @inlinable
    public func biasOffset(_ l: Int) -> Int {
        var offset = weightOffset(layerCount)
        for i in 0..<l { offset += sizes[i + 1] }
        return offset
    }

    /// The part of `W_l`, `h_{l+1} × h_l`.
    public func weight(_ l: Int) -> Matrix<Scalar> {
        let start = weightOffset(l), count = sizes[l + 1] * sizes[l]
        return Matrix(uncheckedRows: sizes[l + 1], columns: sizes[l], storage: Array(scalars[start..<(start + count)]))
    }

    /// Every weight part `[W₀, …, W_{L−1}]`.
    public var weights: [Matrix<Scalar>] { (0..<layerCount).map(weight) }

    /// The part of `b_l` (`h_{l+1}` entries), `nil` without biases.
    public func bias(_ l: Int) -> [Scalar]? {
        guard hasBiases else { return nil }
        let start = biasOffset(l)
        return Array(scalars[start..<(start + sizes[l + 1])])
    }

    /// Every bias part, `nil` without biases.
    public var biases: [[Scalar]]? { hasBiases ? (0..<layerCount).map { bias($0)! } : nil }

    /// `Σ_i u_i v_i` in `Double`.
    public func dot(_ other: NetParameters<Scalar>) -> Double {
        precondition(other.scalars.count == scalars.count, "NetParameters.dot: different shapes")
        var sum = 0.0
        for i in scalars.indices { sum += Double(scalars[i]) * Double(other.scalars[i]) }
        return sum
    }

    /// `‖v‖₂` in `Double`.
    public var norm: Double { dot(self).squareRoot() }

    mutating func setWeights(_ weights: [Matrix<Scalar>]) throws(LinalgError) {
        guard weights.count == layerCount else {
            throw .shapeMismatch(
                operation: "NetParameters", detail: "\(weights.count) weight matrices for \(layerCount) layers")
        }
        for (l, w) in weights.enumerated() {
            guard w.rows == sizes[l + 1], w.columns == sizes[l] else {
                throw .shapeMismatch(
                    operation: "NetParameters",
                    detail:
                        "weights[\(l)] is \(w.rows)×\(w.columns), the net's W_\(l) is \(sizes[l + 1])×\(sizes[l])")
            }
            if let (i, j) = w.firstNonFinite { throw .nonFinite(what: "weights[\(l)]", row: i, column: j) }
            scalars.replaceSubrange(weightOffset(l)..<(weightOffset(l) + w.scalars.count), with: w.scalars)
        }
    }

    mutating func setBiases(_ biases: [[Scalar]]) throws(LinalgError) {
        guard hasBiases else {
            throw .shapeMismatch(operation: "NetParameters", detail: "biases given for a net without biases")
        }
        guard biases.count == layerCount else {
            throw .shapeMismatch(
                operation: "NetParameters", detail: "\(biases.count) bias vectors for \(layerCount) layers")
        }
        for (l, b) in biases.enumerated() {
            guard b.count == sizes[l + 1] else {
                throw .shapeMismatch(
                    operation: "NetParameters",
                    detail: "biases[\(l)] has \(b.count) entries, the net's b_\(l) has \(sizes[l + 1])")
            }
            if let i = b.firstIndex(where: { !$0.isFinite }) {
                throw .nonFinite(what: "biases[\(l)]", row: i, column: 0)
            }
            scalars.replaceSubrange(biasOffset(l)..<(biasOffset(l) + b.count), with: b)
        }
    }
}
