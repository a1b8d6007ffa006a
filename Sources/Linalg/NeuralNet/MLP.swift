/// A multilayer perceptron without biases,
/// `f(x₀) = a_out(W_{L−1} σ(W_{L−2} ⋯ σ(W₀ x₀)))`, with `W_l ∈ ℝ^{h_{l+1} × h_l}`.
///
/// In the symbols of the derivation article: `z_{l+1} = W_l x_l`, `x_{l+1} = σ(z_{l+1})` for the
/// hidden layers `l + 1 < L`, and `f = x_L = a_out(z_L)` (identity by default, so
/// `f = W_{L−1} x_{L−1}` as in the exercise). A batch of `B` inputs is one `h₀ × B` matrix
/// whose columns are the samples; every layer is then one GEMM.
///
/// The weights are stored flat, `W₀` then `W₁` …, each row-major, so that an SGD step is one
/// update of one buffer.
public struct MLP: Sendable, Equatable {
    /// The layer widths `(h₀, h₁, …, h_L)`.
    public let sizes: [Int]
    /// The activation `σ` applied after every layer but the last.
    public var activation: Activation
    /// The activation applied to the last layer (`identity` in the exercise).
    public var outputActivation: Activation
    /// All weights, `W₀` first, each row-major.
    public internal(set) var parameters: [Double]
    /// Where `W_l` starts in ``parameters``.
    public let weightOffsets: [Int]

    /// The number of weight matrices `L`.
    @inlinable public var layerCount: Int { sizes.count - 1 }
    /// `h₀`.
    @inlinable public var inputSize: Int { sizes[0] }
    /// `h_L`.
    @inlinable public var outputSize: Int { sizes[sizes.count - 1] }

    /// A net from its weight matrices; throws when `columns(W_l) ≠ rows(W_{l−1})`, when a
    /// matrix is empty, or when a weight is not finite.
    public init(
        weights: [Matrix<Double>], activation: Activation = .sigmoid,
        outputActivation: Activation = .identity
    ) throws(LinalgError) {
        guard let first = weights.first else {
            throw .invalidValue(what: "MLP", detail: "needs at least one weight matrix")
        }
        var sizes = [first.columns]
        for (l, w) in weights.enumerated() {
            guard w.rows > 0, w.columns > 0 else {
                throw .shapeMismatch(
                    operation: "MLP", detail: "W_\(l) is \(w.rows)×\(w.columns); layers must not be empty")
            }
            guard w.columns == sizes[l] else {
                throw .shapeMismatch(
                    operation: "MLP",
                    detail:
                        "W_\(l) is \(w.rows)×\(w.columns) but layer \(l) has width \(sizes[l]) (columns of "
                        + "W_\(l) must equal rows of W_\(l - 1))"
                )
            }
            if let (i, j) = w.firstNonFinite { throw .nonFinite(what: "W_\(l)", row: i, column: j) }
            sizes.append(w.rows)
        }
        self.init(
            sizes: sizes, activation: activation, outputActivation: outputActivation,
            parameters: weights.flatMap(\.scalars))
    }

    /// The exercise's random net: `W_l = rand(h_{l+1}, h_l) / √h_{l+1}` from a seeded
    /// `Xoshiro256StarStar`, layer by layer, each row-major. Throws for fewer than two sizes
    /// or a size that is not positive.
    public init(
        sizes: [Int], activation: Activation = .sigmoid, outputActivation: Activation = .identity,
        seed: UInt64
    ) throws(LinalgError) {
        var generator = Xoshiro256StarStar(seed: seed)
        try self.init(sizes: sizes, activation: activation, outputActivation: outputActivation, using: &generator)
    }

    /// The exercise's random net drawn from `generator` (see ``init(sizes:activation:outputActivation:seed:)``).
    public init(
        sizes: [Int], activation: Activation = .sigmoid, outputActivation: Activation = .identity,
        using generator: inout Xoshiro256StarStar
    ) throws(LinalgError) {
        try MLP.validate(sizes: sizes)
        var weights: [Matrix<Double>] = []
        for l in 0..<(sizes.count - 1) {
            let scale = 1 / Double(sizes[l + 1]).squareRoot()
            weights.append(
                Matrix<Double>.random(rows: sizes[l + 1], columns: sizes[l], distribution: .rand, using: &generator)
                    .map { $0 * scale })
        }
        try self.init(weights: weights, activation: activation, outputActivation: outputActivation)
    }

    /// Checks a list of layer widths: at least two, all positive.
    public static func validate(sizes: [Int]) throws(LinalgError) {
        guard sizes.count >= 2 else {
            throw .invalidValue(
                what: "sizes", detail: "need at least two layer sizes (input and output), got \(sizes.count)")
        }
        if let bad = sizes.firstIndex(where: { $0 <= 0 }) {
            throw .invalidValue(
                what: "sizes", detail: "size \(bad) is \(sizes[bad]); every layer needs a positive width")
        }
    }

    /// `Σ_l h_{l+1} h_l`: the number of weights of a net with `sizes`, and the multiply-adds of
    /// one sample's forward pass.
    @inlinable
    static func weightCount(sizes: [Int]) -> Int {
        var total = 0
        for l in 0..<(sizes.count - 1) { total += sizes[l + 1] * sizes[l] }
        return total
    }

    @usableFromInline
    init(sizes: [Int], activation: Activation, outputActivation: Activation, parameters: [Double]) {
        self.sizes = sizes
        self.activation = activation
        self.outputActivation = outputActivation
        self.parameters = parameters
        var offsets: [Int] = []
        var offset = 0
        for l in 0..<(sizes.count - 1) {
            offsets.append(offset)
            offset += sizes[l + 1] * sizes[l]
        }
        self.weightOffsets = offsets
        precondition(
            parameters.count == MLP.weightCount(sizes: sizes), "MLP: \(parameters.count) parameters for sizes \(sizes)")
    }

    /// `W_l` as a matrix (`h_{l+1} × h_l`).
    public func weight(_ l: Int) -> Matrix<Double> {
        precondition(l >= 0 && l < layerCount, "MLP.weight: layer \(l) of \(layerCount)")
        let start = weightOffsets[l]
        return Matrix(
            uncheckedRows: sizes[l + 1], columns: sizes[l],
            storage: Array(parameters[start..<(start + sizes[l + 1] * sizes[l])]))
    }

    /// All weight matrices `[W₀, …, W_{L−1}]`.
    public var weights: [Matrix<Double>] { (0..<layerCount).map(weight) }

    /// The activation applied after layer `l` (producing `x_{l+1}`).
    @inlinable
    public func activation(afterLayer l: Int) -> Activation {
        l == layerCount - 1 ? outputActivation : activation
    }

    /// Replaces `W_l` (same shape required).
    public mutating func setWeight(_ l: Int, _ w: Matrix<Double>) throws(LinalgError) {
        guard l >= 0, l < layerCount, w.rows == sizes[l + 1], w.columns == sizes[l] else {
            throw .shapeMismatch(
                operation: "MLP.setWeight",
                detail:
                    "W_\(l) must be "
                    + (l < layerCount && l >= 0 ? "\(sizes[l + 1])×\(sizes[l])" : "an existing layer")
                    + ", got \(w.rows)×\(w.columns)"
            )
        }
        parameters.replaceSubrange(weightOffsets[l]..<(weightOffsets[l] + w.scalars.count), with: w.scalars)
    }

    /// Checks that `x` is an `h₀ × B` batch of finite inputs.
    func validateInput(_ x: Matrix<Double>) throws(LinalgError) {
        guard x.rows == inputSize else {
            throw .shapeMismatch(
                operation: "MLP",
                detail: "input batch must be \(inputSize)×B (one column per sample), got \(x.rows)×\(x.columns)")
        }
        if let (i, j) = x.firstNonFinite { throw .nonFinite(what: "input", row: i, column: j) }
    }
}
