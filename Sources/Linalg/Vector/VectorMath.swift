/// Vectorised elementary functions over contiguous buffers of `Double`, eight lanes at a time
/// (AVX/AVX-512 where the build targets it).
///
/// `exp` uses the classic reduction `eᵗ = 2ⁿ eʳ`, `n = round(t / ln 2)`, `r = t − n ln 2`
/// (Cody–Waite, `ln 2` split into two parts), `|r| ≤ ln 2 / 2`, with a degree-13 Taylor
/// polynomial for `eʳ` (truncation error below `2·10⁻¹⁸`) and `2ⁿ` assembled in the exponent
/// bits. Its relative error is a few ulp over `t ∈ [−708, 709]`; arguments outside are clamped,
/// so `σ` saturates to 0 and 1 without NaN or overflow.
public enum VectorMath {
    public typealias Lanes = SIMD8<Double>

    /// `eᵗ` lane-wise, for `t` clamped to `[−708, 709]`.
    @inlinable @inline(__always)
    public static func exp(_ t: Lanes) -> Lanes {
        let clamped = t.clamped(lowerBound: Lanes(repeating: -708), upperBound: Lanes(repeating: 709))
        // k = t·log2(e) + 1.5·2⁵², whose low mantissa bits then hold n = round(t / ln 2).
        let shifter = Lanes(repeating: 0x1.8p52)
        let scaled = clamped * Lanes(repeating: 1.4426950408889634) + shifter
        let n = scaled - shifter
        var r = clamped.addingProduct(n, Lanes(repeating: -6.93147180369123816490e-01))
        r = r.addingProduct(n, Lanes(repeating: -1.90821492927058770002e-10))
        // eʳ ≈ Σ_{i=0}^{13} rⁱ / i!  (Horner)
        var p = Lanes(repeating: 1.0 / 6227020800.0)
        p = p * r + Lanes(repeating: 1.0 / 479001600.0)
        p = p * r + Lanes(repeating: 1.0 / 39916800.0)
        p = p * r + Lanes(repeating: 1.0 / 3628800.0)
        p = p * r + Lanes(repeating: 1.0 / 362880.0)
        p = p * r + Lanes(repeating: 1.0 / 40320.0)
        p = p * r + Lanes(repeating: 1.0 / 5040.0)
        p = p * r + Lanes(repeating: 1.0 / 720.0)
        p = p * r + Lanes(repeating: 1.0 / 120.0)
        p = p * r + Lanes(repeating: 1.0 / 24.0)
        p = p * r + Lanes(repeating: 1.0 / 6.0)
        p = p * r + Lanes(repeating: 0.5)
        p = p * r + Lanes(repeating: 1.0)
        p = p * r + Lanes(repeating: 1.0)
        // 2ⁿ: (n + 1023) in the exponent field; n is read from the low bits of `scaled`.
        let bits = unsafeBitCast(scaled, to: SIMD8<UInt64>.self) &- unsafeBitCast(shifter, to: SIMD8<UInt64>.self)
        let twoToN = unsafeBitCast((bits &+ SIMD8<UInt64>(repeating: 1023)) &<< 52, to: Lanes.self)
        return p * twoToN
    }

    /// `x_i ← σ(x_i) = 1 / (1 + e^{−x_i})` for `count` entries.
    @inlinable
    public static func sigmoidInPlace(_ x: UnsafeMutablePointer<Double>, count: Int) {
        var index = 0
        let one = Lanes(repeating: 1)
        while index + 8 <= count {
            let raw = UnsafeMutableRawPointer(x + index)
            let z = raw.loadUnaligned(as: Lanes.self)
            raw.storeBytes(of: one / (one + exp(-z)), as: Lanes.self)
            index += 8
        }
        if index < count {
            var tail = Lanes(repeating: 0)
            for lane in 0..<(count - index) { tail[lane] = x[index + lane] }
            let result = one / (one + exp(-tail))
            for lane in 0..<(count - index) { x[index + lane] = result[lane] }
        }
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
