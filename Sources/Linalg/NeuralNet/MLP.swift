/// A multilayer perceptron in `Float` or `Double`,
/// `f(x₀) = a_out(W_{L−1} σ(⋯ σ(W₀ x₀ + b₀) ⋯) + b_{L−1})`,
/// with `W_l ∈ ℝ^{h_{l+1} × h_l}` and optional biases `b_l ∈ ℝ^{h_{l+1}}` (the exercise's nets have none).
///
/// In the symbols of the derivation article: `z_{l+1} = W_l x_l + b_l`, `x_{l+1} = σ(z_{l+1})` for
/// the hidden layers `l + 1 < L`, and `f = x_L = a_out(z_L)` (identity by default, so
/// `f = W_{L−1} x_{L−1}` as in the exercise). A batch of `B` inputs is one `h₀ × B` matrix
/// whose columns are the samples; every layer is then one GEMM.
///
/// The parameters are stored flat, `W₀` … `W_{L−1}` (each row-major) then `b₀` … `b_{L−1}`, so
/// that an optimiser step is one update of one buffer. Every pass is generic over the scalar and
/// `@inlinable`, so a caller's module compiles it for `Float` or `Double` with no per-element
/// dispatch; `Float` doubles the GEMM rate at about `10⁻⁷` relative precision.
public struct MLP<Scalar: NeuralScalar>: Sendable, Equatable {
    /// The layer widths `(h₀, h₁, …, h_L)`.
    public let sizes: [Int]
    /// The activation `σ` applied after every layer but the last.
    public var activation: Activation
    /// The activation applied to the last layer (`identity` in the exercise).
    public var outputActivation: Activation
    /// All weights, `W₀` first, each row-major, then all biases when ``hasBiases``.
    public internal(set) var parameters: [Scalar]
    /// Where `W_l` starts in ``parameters``.
    @usableFromInline package let weightOffsets: [Int]
    /// Where `b_l` starts in ``parameters``; empty for a net without biases.
    public let biasOffsets: [Int]

    /// Whether the layers add biases `b_l`.
    @inlinable public var hasBiases: Bool { !biasOffsets.isEmpty }
    /// The number of weight matrices `L`.
    @inlinable public var layerCount: Int { sizes.count - 1 }
    /// `h₀`.
    @inlinable public var inputSize: Int { sizes[0] }
    /// `h_L`.
    @inlinable public var outputSize: Int { sizes[sizes.count - 1] }

    /// A net from its weight matrices and, optionally, one bias vector per layer; throws when
    /// `columns(W_l) ≠ rows(W_{l−1})`, when a matrix is empty, when `b_l` does not have
    /// `rows(W_l)` entries, or when a parameter is not finite.
    public init(
        weights: [Matrix<Scalar>], biases: [[Scalar]]? = nil, activation: Activation = .sigmoid,
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
        var parameters = weights.flatMap(\.scalars)
        if let biases {
            guard biases.count == weights.count else {
                throw .shapeMismatch(
                    operation: "MLP", detail: "\(biases.count) bias vectors for \(weights.count) layers")
            }
            for (l, b) in biases.enumerated() {
                guard b.count == sizes[l + 1] else {
                    throw .shapeMismatch(
                        operation: "MLP", detail: "b_\(l) has \(b.count) entries, layer \(l + 1) has \(sizes[l + 1])")
                }
                if let i = b.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "b_\(l)", row: i, column: 0) }
                parameters += b
            }
        }
        self.init(
            sizes: sizes, activation: activation, outputActivation: outputActivation, biases: biases != nil,
            parameters: parameters)
    }

    /// The exercise's random net: `W_l = rand(h_{l+1}, h_l) / √h_{l+1}` from a seeded
    /// `Xoshiro256StarStar`, layer by layer, each row-major (drawn in `Double`, then rounded to
    /// `Scalar`), no biases. Throws for fewer than two sizes or a size that is not positive.
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
        var weights: [Matrix<Scalar>] = []
        for l in 0..<(sizes.count - 1) {
            let scale = 1 / Double(sizes[l + 1]).squareRoot()
            weights.append(
                Matrix<Double>.random(rows: sizes[l + 1], columns: sizes[l], distribution: .rand, using: &generator)
                    .map { $0 * scale }.converted(to: Scalar.self))
        }
        try self.init(weights: weights, activation: activation, outputActivation: outputActivation)
    }

    /// A net initialised as PyTorch's `nn.Linear` layers are: every `W_l` and `b_l` entry drawn
    /// uniformly from `[−1/√h_l, 1/√h_l]` (`h_l` the layer's fan-in), in `Double` from a seeded
    /// `Xoshiro256StarStar`, layer by layer (`W_l` row-major, then `b_l`), rounded to `Scalar`.
    public init(
        fanInUniformSizes sizes: [Int], biases: Bool = true, activation: Activation = .sigmoid,
        outputActivation: Activation = .identity, seed: UInt64
    ) throws(LinalgError) {
        try MLP.validate(sizes: sizes)
        var generator = Xoshiro256StarStar(seed: seed)
        var weights: [Scalar] = [], biasValues: [Scalar] = []
        for l in 0..<(sizes.count - 1) {
            let bound = 1 / Double(sizes[l]).squareRoot()
            for _ in 0..<(sizes[l + 1] * sizes[l]) { weights.append(Scalar(bound * (2 * generator.nextUniform() - 1))) }
            if biases {
                for _ in 0..<sizes[l + 1] { biasValues.append(Scalar(bound * (2 * generator.nextUniform() - 1))) }
            }
        }
        self.init(
            sizes: sizes, activation: activation, outputActivation: outputActivation, biases: biases,
            parameters: weights + biasValues)
    }

    /// The same net in another precision (every parameter rounded to `Other`).
    public func converted<Other: NeuralScalar>(to _: Other.Type = Other.self) -> MLP<Other> {
        MLP<Other>(
            sizes: sizes, activation: activation, outputActivation: outputActivation, biases: hasBiases,
            parameters: parameters.map { Other($0) })
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

    /// `Σ_l h_{l+1}`: the number of biases of a net with `sizes`.
    @inlinable
    static func biasCount(sizes: [Int]) -> Int { sizes.dropFirst().reduce(0, +) }

    @usableFromInline
    init(sizes: [Int], activation: Activation, outputActivation: Activation, biases: Bool, parameters: [Scalar]) {
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
        var biasOffsets: [Int] = []
        if biases {
            for l in 0..<(sizes.count - 1) {
                biasOffsets.append(offset)
                offset += sizes[l + 1]
            }
        }
        self.biasOffsets = biasOffsets
        precondition(parameters.count == offset, "MLP: \(parameters.count) parameters for sizes \(sizes)")
    }

    /// `W_l` as a matrix (`h_{l+1} × h_l`).
    public func weight(_ l: Int) -> Matrix<Scalar> {
        precondition(l >= 0 && l < layerCount, "MLP.weight: layer \(l) of \(layerCount)")
        let start = weightOffsets[l]
        return Matrix(
            uncheckedRows: sizes[l + 1], columns: sizes[l],
            storage: Array(parameters[start..<(start + sizes[l + 1] * sizes[l])]))
    }

    /// All weight matrices `[W₀, …, W_{L−1}]`.
    public var weights: [Matrix<Scalar>] { (0..<layerCount).map(weight) }

    /// `b_l` (`h_{l+1}` entries); `nil` for a net without biases.
    public func bias(_ l: Int) -> [Scalar]? {
        precondition(l >= 0 && l < layerCount, "MLP.bias: layer \(l) of \(layerCount)")
        guard hasBiases else { return nil }
        return Array(parameters[biasOffsets[l]..<(biasOffsets[l] + sizes[l + 1])])
    }

    /// All bias vectors `[b₀, …, b_{L−1}]`; `nil` for a net without biases.
    public var biases: [[Scalar]]? { hasBiases ? (0..<layerCount).map { bias($0)! } : nil }

    /// The activation applied after layer `l` (producing `x_{l+1}`).
    @inlinable
    public func activation(afterLayer l: Int) -> Activation {
        l == layerCount - 1 ? outputActivation : activation
    }

    /// Replaces `W_l` (same shape required).
    public mutating func setWeight(_ l: Int, _ w: Matrix<Scalar>) throws(LinalgError) {
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

    /// Replaces all parameters (laid out as ``parameters``: weights, then biases); throws for a
    /// wrong count or a value that is not finite.
    public mutating func setParameters(_ values: [Scalar]) throws(LinalgError) {
        guard values.count == parameters.count else {
            throw .shapeMismatch(
                operation: "MLP.setParameters", detail: "\(values.count) values for \(parameters.count) parameters")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: "parameters", row: i, column: 0)
        }
        parameters = values
    }

    /// Throws unless `x` has one row per input (`h₀ × B`).
    @inlinable
    func validateInputShape(_ x: Matrix<Scalar>) throws(LinalgError) {
        guard x.rows == inputSize else {
            throw .shapeMismatch(
                operation: "MLP",
                detail: "input batch must be \(inputSize)×B (one column per sample), got \(x.rows)×\(x.columns)")
        }
    }
}
