/// A dense three-index tensor `T[i, j, k]`, row-major (`k` fastest): the Jacobian
/// `∂f_i/∂(W_l)_{jk}` of a net's output with respect to one weight matrix, shape `h_L × h_{l+1} × h_l`.
public struct JacobianTensor: Sendable, Equatable {
    /// `(h_L, h_{l+1}, h_l)`.
    public let shape: (Int, Int, Int)
    /// The entries, `T[i, j, k]` at `(i · shape.1 + j) · shape.2 + k`.
    public let scalars: [Double]

    /// A tensor from its shape and row-major entries.
    public init(shape: (Int, Int, Int), scalars: [Double]) {
        precondition(
            shape.0 * shape.1 * shape.2 == scalars.count, "JacobianTensor: \(scalars.count) entries for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// `T[i, j, k]`.
    public subscript(i: Int, j: Int, k: Int) -> Double {
        precondition(
            i >= 0 && i < shape.0 && j >= 0 && j < shape.1 && k >= 0 && k < shape.2,
            "JacobianTensor index (\(i), \(j), \(k)) out of bounds for \(shape)")
        return scalars[(i * shape.1 + j) * shape.2 + k]
    }

    /// The slice `∂f_i/∂W_l` for one output `i`, an `h_{l+1} × h_l` matrix.
    public func slice(output i: Int) -> Matrix<Double> {
        return Matrix.block(i, rows: shape.1, columns: shape.2, of: scalars)
    }

    public static func == (lhs: JacobianTensor, rhs: JacobianTensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}
