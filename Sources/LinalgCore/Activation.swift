/// An element-wise activation function `x = a(z)` of a neural-net layer.
///
/// Its derivative is expressed through the output `x`, which is what a forward pass keeps:
/// sigmoid `σ' = x(1 − x)`, tanh `1 − x²`, identity `1`, ReLU `[x > 0]`, leaky ReLU
/// `[x > 0] + s[x ≤ 0]` (`x > 0` exactly when `z > 0`, since the slope `s ≥ 0`), softplus
/// `σ(z) = 1 − e^{−x}` (as `−expm1(−x)`, accurate where `x` is tiny).
public enum Activation: Sendable, Hashable, Codable {
    /// The logistic sigmoid `σ(z) = 1 / (1 + e^{−z})`.
    case sigmoid
    /// `tanh z`.
    case tanh
    /// `z` itself.
    case identity
    /// `max(z, 0)`.
    case relu
    /// `z` for `z > 0`, `s z` otherwise, with a slope `s ≥ 0` (0.01 is usual).
    case leakyReLU(slope: Double)
    /// `log(1 + e^z)`, computed as `max(z, 0) + log1p(e^{−|z|})` (no overflow).
    case softplus

    /// One of each kind (the leaky ReLU with slope 0.01), in the order of ``names``.
    public static let allCases: [Activation] = [
        .sigmoid, .tanh, .relu, .leakyReLU(slope: 0.01), .softplus, .identity,
    ]

    /// The names model files and the command line use: `sigmoid`, `tanh`, `relu`, `leaky_relu`,
    /// `softplus`, `identity`.
    public static let names = allCases.map(\.name)

    /// The activation called `name`; a leaky ReLU takes `leakySlope`. `nil` for an unknown name.
    public init?(name: String, leakySlope: Double = 0.01) {
        switch name {
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "identity": self = .identity
        case "relu": self = .relu
        case "leaky_relu": self = .leakyReLU(slope: leakySlope)
        case "softplus": self = .softplus
        default: return nil
        }
    }

    /// Its name in model files and on the command line.
    public var name: String {
        switch self {
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .identity: "identity"
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .softplus: "softplus"
        }
    }

    /// `a(z)`.
    @inlinable
    public func value<S: MatrixScalar>(_ z: S) -> S {
        switch self {
        case .sigmoid: return 1 / (1 + S.exp(-z))
        case .tanh: return S.tanh(z)
        case .identity: return z
        case .relu: return z > 0 ? z : 0
        case .leakyReLU(let slope): return z > 0 ? z : S(slope) * z
        case .softplus: return max(z, 0) + S.log1p(S.exp(-abs(z)))
        }
    }

    /// `a'(z)` written in terms of the output `x = a(z)`.
    @inlinable
    public func derivative<S: MatrixScalar>(atOutput x: S) -> S {
        switch self {
        case .sigmoid: return x * (1 - x)
        case .tanh: return 1 - x * x
        case .identity: return 1
        case .relu: return x > 0 ? 1 : 0
        case .leakyReLU(let slope): return x > 0 ? 1 : S(slope)
        case .softplus: return -S.expm1(-x)
        }
    }

    /// `a''(z)` written in terms of the output `x = a(z)`: sigmoid `x(1 − x)(1 − 2x)`, tanh
    /// `−2x(1 − x²)`, softplus `σ(z)(1 − σ(z)) = (1 − e^{−x}) e^{−x}`, and 0 for the piecewise-linear
    /// ones (the ReLUs' kink, where `a''` does not exist, is taken as 0, as automatic differentiation
    /// does).
    @inlinable
    public func secondDerivative<S: MatrixScalar>(atOutput x: S) -> S {
        switch self {
        case .sigmoid: return x * (1 - x) * (1 - 2 * x)
        case .tanh: return -2 * x * (1 - x * x)
        case .identity, .relu, .leakyReLU: return 0
        case .softplus:
            let e = S.exp(-x)
            return -S.expm1(-x) * e
        }
    }

    /// Whether `a''` is 0 everywhere (the identity and the ReLUs).
    @inlinable
    public var isPiecewiseLinear: Bool {
        switch self {
        case .identity, .relu, .leakyReLU: return true
        case .sigmoid, .tanh, .softplus: return false
        }
    }
}
