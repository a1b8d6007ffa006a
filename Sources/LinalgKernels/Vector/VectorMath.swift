import LinalgCore
import CLinalgKernels
import Dispatch

/// Vectorised elementary functions over contiguous buffers of `Double` (and, for the
/// activations, `Float`: see ``NeuralScalar``; single precision uses the degree-6 minimax
/// polynomial for `eʳ`, 8 lanes with AVX2 and 16 with AVX-512F).
///
/// `exp` uses the classic reduction `eᵗ = 2ⁿ eʳ`, `n = round(t / ln 2)`, `r = t − n ln 2`
/// (Cody–Waite, `ln 2` split in two parts), `|r| ≤ ln 2 / 2`, with a degree-11 polynomial for
/// `eʳ` (the Chebyshev interpolant on `|r| ≤ ln 2 / 2`, relative error `4.2·10⁻¹⁸`) and `2ⁿ`
/// assembled in the exponent bits. Its relative error is a few ulp over `t ∈ [−708, 709]`; arguments outside are
/// clamped, so `σ` saturates to 0 and 1 without NaN or overflow. The kernels are C with an
/// AVX2+FMA path chosen at run time (4 lanes, fused multiply-adds) and a scalar fallback.
public enum VectorMath {
    /// Whether the AVX2+FMA path is in use on this CPU.
    public static var isVectorised: Bool { linalg_kernels_vectorised() != 0 }
    /// Whether the AVX-512F kernels (the single-precision sigmoid) are in use on this CPU.
    public static var usesAVX512: Bool { linalg_kernels_avx512() != 0 }

    /// `x_i ← eˣⁱ` for `count` entries.
    @inlinable
    package static func expInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
        linalg_exp_inplace(x, count)
    }

    /// Below this many entries an element-wise pass stays on one core. Element-wise passes run
    /// between BLAS calls, whose worker threads keep spinning for a while after a call returns;
    /// extra threads of ours would then compete with them for the cores, so the split is only
    /// worth it for very large buffers.
    @usableFromInline package static let parallelThreshold = 1 << 22

    /// `x_i ← a(x_i)` for `count` entries: vectorised for the sigmoid, plain loops for the others
    /// (the ReLUs compile to vector selects); very large buffers are split across the cores.
    @inlinable
    package static func applyInPlace<S: NeuralScalar>(
        _ activation: Activation, _ x: UnsafeMutablePointer<S>, count: Int
    ) {
        if count < parallelThreshold {
            // One call, no chunking (one sample of a small net, or any batch short of the cores' threshold).
            switch activation {
            case .sigmoid: S.sigmoidInPlace(x, count: count)
            case .tanh: S.tanhInPlace(x, count: count)
            case .identity: break
            default: applyInChunks(activation, x, count: count)
            }
            return
        }
        applyInChunks(activation, x, count: count)
    }

    /// ``applyInPlace(_:_:count:)`` through ``forEachChunk(_:_:)``.
    @inlinable
    package static func applyInChunks<S: NeuralScalar>(
        _ activation: Activation, _ x: UnsafeMutablePointer<S>, count: Int
    ) {
        switch activation {
        case .sigmoid:
            forEachChunk(count) { range in S.sigmoidInPlace(x + range.lowerBound, count: range.count) }
        case .tanh:
            forEachChunk(count) { range in S.tanhInPlace(x + range.lowerBound, count: range.count) }
        case .identity:
            break
        case .relu:
            // One loop per kind, with nothing but the select inside, so that it vectorises.
            forEachChunk(count) { range in for i in range { x[i] = max(x[i], 0) } }
        case .leakyReLU(let slope):
            let s = S(slope)
            forEachChunk(count) { range in
                for i in range {
                    let z = x[i]
                    x[i] = z * (z > 0 ? 1 : s)
                }
            }
        case .softplus:
            // One libm call per entry.
            forEachChunk(count) { range in for i in range { x[i] = activation.value(x[i]) } }
        }
    }

    /// `v_i ← a'(x_i) v_i` for `count` entries, with `a'` written through the output `x = a(z)`:
    /// `x(1 − x)` for the sigmoid, `1 − x²` for tanh, 1 for the identity, `[x > 0]` (or the leaky
    /// slope) for the ReLUs, `1 − e^{−x}` for softplus.
    @inlinable @inline(__always)
    package static func scaleByDerivative<S: NeuralScalar>(
        _ activation: Activation, _ v: UnsafeMutablePointer<S>,
        output x: UnsafePointer<S>, count: Int
    ) {
        if count < 64 {
            // A few entries (one sample of a small net): inline, no call, and the common
            // activations without a switch per entry.
            switch activation {
            case .sigmoid: for i in 0..<count { v[i] *= x[i] * (1 - x[i]) }
            case .identity: break
            default: for i in 0..<count { v[i] *= activation.derivative(atOutput: x[i]) }
            }
            return
        }
        scaleByDerivativeInChunks(activation, v, output: x, count: count)
    }

    /// ``scaleByDerivative(_:_:output:count:)`` for 64 entries or more: C kernels or loops, split
    /// across the cores for very large buffers.
    @inlinable
    package static func scaleByDerivativeInChunks<S: NeuralScalar>(
        _ activation: Activation, _ v: UnsafeMutablePointer<S>,
        output x: UnsafePointer<S>, count: Int
    ) {
        switch activation {
        case .sigmoid:
            forEachChunk(count) { range in
                S.scaleBySigmoidSlope(v + range.lowerBound, output: x + range.lowerBound, count: range.count)
            }
        case .tanh:
            forEachChunk(count) { range in
                S.scaleByTanhSlope(v + range.lowerBound, output: x + range.lowerBound, count: range.count)
            }
        case .identity:
            break
        case .relu:
            forEachChunk(count) { range in for i in range { v[i] *= x[i] > 0 ? 1 : 0 } }
        case .leakyReLU(let slope):
            let s = S(slope)
            forEachChunk(count) { range in for i in range { v[i] *= x[i] > 0 ? 1 : s } }
        case .softplus:
            forEachChunk(count) { range in
                for i in range { v[i] *= activation.derivative(atOutput: x[i]) }
            }
        }
    }

    /// Runs `body` over `0..<count`, split across the cores when `count` is large. Inlined, so
    /// that below the threshold `body` is an ordinary loop the compiler can vectorise.
    @inlinable @inline(__always)
    package static func forEachChunk(_ count: Int, _ body: (Range<Int>) -> Void) {
        if count < parallelThreshold || ParallelChunks.blasPassCoreLimit <= 1 {
            body(0..<count)
            return
        }
        forEachChunkInParallel(count, body)
    }

    /// ``forEachChunk(_:_:)`` across the cores.
    @usableFromInline
    package static func forEachChunkInParallel(_ count: Int, _ body: (Range<Int>) -> Void) {
        let parts = ParallelChunks.blasPassCoreLimit
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            ParallelChunks.runWithSingleThreadedBLAS(count: count, parts: parts) { _, range in work.value(range) }
        }
    }
}
