import CLinalgKernels

/// Vectorised elementary functions over contiguous buffers of `Double`.
///
/// `exp` uses the classic reduction `eᵗ = 2ⁿ eʳ`, `n = round(t / ln 2)`, `r = t − n ln 2`
/// (Cody–Waite, `ln 2` split in two parts), `|r| ≤ ln 2 / 2`, with a degree-13 Taylor
/// polynomial for `eʳ` (truncation error below `2·10⁻¹⁸`) and `2ⁿ` assembled in the exponent
/// bits. Its relative error is a few ulp over `t ∈ [−708, 709]`; arguments outside are
/// clamped, so `σ` saturates to 0 and 1 without NaN or overflow. The kernels are C with an
/// AVX2+FMA path chosen at run time (4 lanes, fused multiply-adds) and a scalar fallback.
public enum VectorMath {
    /// Whether the AVX2+FMA path is in use on this CPU.
    public static var isVectorised: Bool { linalg_kernels_vectorised() != 0 }

    /// `x_i ← eˣⁱ` for `count` entries.
    @inlinable
    public static func expInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
        linalg_exp_inplace(x, count)
    }

    /// `x_i ← σ(x_i) = 1 / (1 + e^{−x_i})` for `count` entries.
    @inlinable
    public static func sigmoidInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
        linalg_sigmoid_inplace(x, count)
    }

    /// `x_i ← a(x_i)` for `count` entries: vectorised for the sigmoid, scalar for tanh.
    @inlinable
    public static func applyInPlace(_ activation: Activation, _ x: UnsafeMutablePointer<Double>, count: Int) {
        switch activation {
        case .sigmoid: sigmoidInPlace(x, count: count)
        case .tanh: for i in 0..<count { x[i] = Double.tanh(x[i]) }
        case .identity: break
        }
    }
}
