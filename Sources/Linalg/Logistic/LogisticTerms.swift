#if canImport(Glibc)
import Glibc
#endif

/// The numerically stable pieces of the logistic loss, all through `e = e^{−|z|} ∈ (0, 1]`:
/// `log(1 + eᶻ) = max(z, 0) + log1p(e)`, `σ(z) = 1/(1 + e)` for `z ≥ 0` and `e/(1 + e)` otherwise,
/// `σ'(z) = e/(1 + e)²`: finite for every finite `z`, and accurate in both tails. Every pass over
/// the data (loss, gradient, Hessian, inference, metrics, prediction) takes its formulas from here.
enum Logistic {
    // MARK: One sample

    /// `log(1 + eᶻ) = max(z, 0) + log1p(e)`, given `e = e^{−|z|}`.
    @inline(__always)
    static func softplus(_ z: Double, expMinusAbs e: Double) -> Double { max(z, 0) + log1p(e) }

    /// `σ(z)`: `1/(1 + e)` for `z ≥ 0`, `e/(1 + e)` otherwise, given `e = e^{−|z|}`.
    @inline(__always)
    static func sigmoid(_ z: Double, expMinusAbs e: Double) -> Double { z >= 0 ? 1 / (1 + e) : e / (1 + e) }

    /// `σ(z) = 1/(1 + e^{−z})`, accurate in both tails.
    static func sigmoid(_ z: Double) -> Double { sigmoid(z, expMinusAbs: exp(-abs(z))) }

    /// `σ'(z) = σ(z)(1 − σ(z)) = e/(1 + e)²`, given `e = e^{−|z|}`.
    @inline(__always)
    static func sigmoidSlope(expMinusAbs e: Double) -> Double { e / ((1 + e) * (1 + e)) }

    /// The negative log-likelihood `log(1 + eᶻ) − yz` of label `y ∈ {0, 1}` at the logit `z`.
    static func negativeLogLikelihood(_ z: Double, label y: Double) -> Double {
        softplus(z, expMinusAbs: exp(-abs(z))) - y * z
    }

    // MARK: A block of samples (pointers indexed by sample, `rows` the block)

    /// `e_i = e^{−|z_i|} ∈ (0, 1]` for `count` entries (vectorised).
    static func expOfMinusAbs(_ z: UnsafePointer<Double>, count: Int, into e: UnsafeMutablePointer<Double>) {
        for i in 0..<count { e[i] = -abs(z[i]) }
        VectorMath.expInPlace(e, count: count)
    }

    /// `z_i ← z_i + β₀ + o_i` for `i` in `rows` (nothing to do without either).
    static func addIntercept(
        _ intercept: Double, offsets: [Double]?, rows: Range<Int>, to z: UnsafeMutablePointer<Double>
    ) {
        if let offsets {
            for i in rows { z[i] += intercept + offsets[i] }
        } else if intercept != 0 {
            for i in rows { z[i] += intercept }
        }
    }

    /// The residuals `r_i = w_i (σ(z_i) − y_i)` for `i` in `rows`, from the logits and
    /// `e_i = e^{−|z_i|}` (`e` may be `r`'s own buffer: each `e_i` is read before `r_i` is
    /// written); returns the block's loss `Σ w_i [log(1 + e^{z_i}) − y_i z_i]` and `Σ r_i`.
    @inline(__always)
    static func lossAndResiduals(
        _ z: UnsafePointer<Double>, expMinusAbs e: UnsafePointer<Double>, labels: [Double], weights: [Double]?,
        rows: Range<Int>, into r: UnsafeMutablePointer<Double>
    ) -> (loss: Double, residualSum: Double) {
        var loss = 0.0, residualSum = 0.0
        for i in rows {
            let w = weights?[i] ?? 1, label = labels[i], ei = e[i], zi = z[i]
            loss += w * (softplus(zi, expMinusAbs: ei) - label * zi)
            let residual = w * (sigmoid(zi, expMinusAbs: ei) - label)
            r[i] = residual
            residualSum += residual
        }
        return (loss, residualSum)
    }

    /// `h_i = w_i σ'(z_i) = w_i e_i / (1 + e_i)²` for `i` in `rows`, from `e_i = e^{−|z_i|}` (`e`
    /// may be `h`'s own buffer).
    @inline(__always)
    static func slopeWeights(
        expMinusAbs e: UnsafePointer<Double>, _ weights: [Double]?, rows: Range<Int>,
        into h: UnsafeMutablePointer<Double>
    ) {
        for i in rows { h[i] = (weights?[i] ?? 1) * sigmoidSlope(expMinusAbs: e[i]) }
    }

    /// `h_i = w_i σ'(z_i)` for `i` in `rows`, from the logits (the exponentials vectorised).
    static func slopeWeights(
        _ z: UnsafePointer<Double>, _ weights: [Double]?, rows: Range<Int>, into h: UnsafeMutablePointer<Double>
    ) {
        expOfMinusAbs(z + rows.lowerBound, count: rows.count, into: h + rows.lowerBound)
        slopeWeights(expMinusAbs: h, weights, rows: rows, into: h)
    }
}
