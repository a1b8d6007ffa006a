import CLinalgKernels
import LinalgCore

/// A scalar a neural net computes in, `Float` or `Double`: BLAS products plus the vectorised
/// element-wise kernels of the forward and backward passes, each one call per buffer (C with
/// run-time AVX2+FMA dispatch), so generic net code never dispatches per element. A
/// `SIMDScalar` as well, so that reductions such as the bias gradients' row sums run in
/// `SIMD8` lanes.
public protocol NeuralScalar: BLASScalar, SIMDScalar {
    /// `x_i ← σ(x_i) = 1 / (1 + e^{−x_i})` for `count` entries, saturating to 0 and 1.
    static func sigmoidInPlace(_ x: UnsafeMutablePointer<Self>, count: Int)
    /// `x_i ← tanh x_i` for `count` entries (`Float`: a vectorised kernel within a few ulp;
    /// `Double`: libm's `tanh` per entry).
    static func tanhInPlace(_ x: UnsafeMutablePointer<Self>, count: Int)
    /// `v_i ← v_i x_i (1 − x_i)`: the sigmoid's slope through its output `x`.
    static func scaleBySigmoidSlope(_ v: UnsafeMutablePointer<Self>, output x: UnsafePointer<Self>, count: Int)
    /// `v_i ← v_i (1 − x_i²)`: the slope of tanh through its output `x`.
    static func scaleByTanhSlope(_ v: UnsafeMutablePointer<Self>, output x: UnsafePointer<Self>, count: Int)
    /// `m[(b·r + i)·w + k] *= s[b·w + k]`: each of `blocks` blocks of `rowsPerBlock` rows of width
    /// `w` scaled column-wise by its own row of `s`.
    static func scaleColumnBlocks(
        _ m: UnsafeMutablePointer<Self>, blocks: Int, rowsPerBlock: Int, width: Int, by s: UnsafePointer<Self>)
    /// Adam's step over `count` parameters (``AdamStep``); `reference` runs the portable kernel
    /// (the same bits) instead of the CPU's.
    static func adamStep(_ step: AdamStep<Self>, reference: Bool)
}

/// One Adam step over a parameter vector `θ` with gradient `g` and moments `m`, `v` (none
/// overlapping): `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `θ ← θ − s m / (√v / r + ε)`, with `s = α / (1 − β₁ᵗ)` and `r = √(1 − β₂ᵗ)`, every
/// operation rounded on its own.
public struct AdamStep<Scalar: NeuralScalar> {
    /// `θ` (updated in place) and its gradient `g`.
    public let theta: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>
    /// The moments `m` and `v` (updated in place).
    public let first: UnsafeMutablePointer<Scalar>, second: UnsafeMutablePointer<Scalar>
    /// The number of parameters.
    public let count: Int
    /// `β₁`, `β₂`, `s = α / (1 − β₁ᵗ)`, `r = √(1 − β₂ᵗ)` and `ε`.
    public let beta1: Scalar, beta2: Scalar, stepSize: Scalar, root: Scalar, epsilon: Scalar

    /// The step's buffers and constants.
    @inlinable
    public init(
        theta: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>, first: UnsafeMutablePointer<Scalar>,
        second: UnsafeMutablePointer<Scalar>, count: Int, beta1: Scalar, beta2: Scalar, stepSize: Scalar, root: Scalar,
        epsilon: Scalar
    ) {
        (self.theta, self.gradient, self.first, self.second, self.count) = (theta, gradient, first, second, count)
        (self.beta1, self.beta2, self.stepSize, self.root, self.epsilon) = (beta1, beta2, stepSize, root, epsilon)
    }
}

extension Double: NeuralScalar {
    @inlinable
    public static func tanhInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { x[i] = Double.tanh(x[i]) }
    }
    @inlinable
    public static func sigmoidInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
        linalg_sigmoid_inplace(x, count)
    }
    @inlinable
    public static func scaleBySigmoidSlope(
        _ v: UnsafeMutablePointer<Double>, output x: UnsafePointer<Double>, count: Int
    ) {
        linalg_scale_by_sigmoid_slope(v, x, count)
    }
    @inlinable
    public static func scaleByTanhSlope(_ v: UnsafeMutablePointer<Double>, output x: UnsafePointer<Double>, count: Int)
    {
        linalg_scale_by_tanh_slope(v, x, count)
    }
    @inlinable
    public static func scaleColumnBlocks(
        _ m: UnsafeMutablePointer<Double>, blocks: Int, rowsPerBlock: Int, width: Int, by s: UnsafePointer<Double>
    ) {
        linalg_scale_column_blocks(m, blocks, rowsPerBlock, width, s)
    }
    @inlinable
    public static func adamStep(_ a: AdamStep<Double>, reference: Bool) {
        (reference ? linalg_adam_f64_ref : linalg_adam_step_f64)(
            a.theta, a.gradient, a.first, a.second, a.count, a.beta1, a.beta2, a.stepSize, a.root, a.epsilon)
    }
}

extension Float: NeuralScalar {
    @inlinable
    public static func tanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        linalg_tanh_inplace_f32(x, count)
    }
    @inlinable
    public static func sigmoidInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        linalg_sigmoid_inplace_f32(x, count)
    }
    @inlinable
    public static func scaleBySigmoidSlope(_ v: UnsafeMutablePointer<Float>, output x: UnsafePointer<Float>, count: Int)
    {
        linalg_scale_by_sigmoid_slope_f32(v, x, count)
    }
    @inlinable
    public static func scaleByTanhSlope(_ v: UnsafeMutablePointer<Float>, output x: UnsafePointer<Float>, count: Int) {
        linalg_scale_by_tanh_slope_f32(v, x, count)
    }
    @inlinable
    public static func scaleColumnBlocks(
        _ m: UnsafeMutablePointer<Float>, blocks: Int, rowsPerBlock: Int, width: Int, by s: UnsafePointer<Float>
    ) {
        for b in 0..<blocks {
            let scale = s + b * width
            for r in 0..<rowsPerBlock {
                let row = m + (b * rowsPerBlock + r) * width
                for k in 0..<width { row[k] *= scale[k] }
            }
        }
    }
    @inlinable
    public static func adamStep(_ a: AdamStep<Float>, reference: Bool) {
        (reference ? linalg_adam_f32_ref : linalg_adam_step_f32)(
            a.theta, a.gradient, a.first, a.second, a.count, a.beta1, a.beta2, a.stepSize, a.root, a.epsilon)
    }
}
