/// An element-wise activation function `x = a(z)` of a neural-net layer.
///
/// Its derivative is expressed through the output `x`, which is what a forward pass keeps:
/// sigmoid `σ' = x(1 − x)`, tanh `1 − x²`, identity `1`.
public enum Activation: String, CaseIterable, Sendable, Codable {
    /// The logistic sigmoid `σ(z) = 1 / (1 + e^{−z})`.
    case sigmoid
    /// `tanh z`.
    case tanh
    /// `z` itself.
    case identity

    /// `a(z)`.
    @inlinable
    public func value<S: MatrixScalar>(_ z: S) -> S {
        switch self {
        case .sigmoid: return 1 / (1 + S.exp(-z))
        case .tanh: return S.tanh(z)
        case .identity: return z
        }
    }

    /// `a'(z)` written in terms of the output `x = a(z)`.
    @inlinable
    public func derivative<S: MatrixScalar>(atOutput x: S) -> S {
        switch self {
        case .sigmoid: return x * (1 - x)
        case .tanh: return 1 - x * x
        case .identity: return 1
        }
    }
}
