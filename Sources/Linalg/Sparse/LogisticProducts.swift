#if canImport(Glibc)
import Glibc
#endif

/// The logistic objective through a ``LogisticDesign``: `L(θ)`, `∇L`, the Hessian's diagonal and
/// Hessian-vector products `∇²L v = Xᵀ D (X v_β + v₀) + 2λ v_β` at a point, with
/// `D = diag(w_i σ'(z_i))`, for parameters `θ = (β, β₀)` (`β₀` last, only with an intercept).
/// Each evaluation keeps its point's logits, residuals and weights `D` for the products that follow.
/// With row shares (an MPI job), the design holds this process's rows and each sum over rows — the
/// loss, the gradient with the diagonal, each product — is reduced over the shares in one call, so
/// every process sees the same values and takes the same steps.
final class LogisticProducts<Design: LogisticDesign>: TrustRegionObjective {
    let design: Design
    let labels: [Double], weights: [Double]?, offsets: [Double]?
    let lambda: Double, fitIntercept: Bool
    let rowShares: (any RowShareReduction)?
    let n: Int, d: Int, p: Int
    /// At the current point: logits, residuals `w(σ(z) − y)`, weights `wσ'(z)`.
    var logits: [Double], residuals: [Double], slopes: [Double]

    init(
        design: Design, labels: [Double], weights: [Double]?, offsets: [Double]?, lambda: Double, fitIntercept: Bool,
        rowShares: (any RowShareReduction)? = nil
    ) {
        (self.design, self.labels, self.weights, self.offsets) = (design, labels, weights, offsets)
        (self.lambda, self.fitIntercept, self.rowShares) = (lambda, fitIntercept, rowShares)
        (n, d) = (design.sampleCount, design.featureCount)
        p = d + (fitIntercept ? 1 : 0)
        logits = [Double](repeating: 0, count: n)
        residuals = logits
        slopes = logits
    }

    /// `L(θ)`, keeping the point's logits, residuals and weights.
    func evaluate(_ theta: [Double]) -> Double {
        theta.withUnsafeBufferPointer { t in
            logits.withUnsafeMutableBufferPointer { z in design.multiply(t.baseAddress!, into: z.baseAddress!) }
        }
        let intercept = fitIntercept ? theta[d] : 0
        var loss = 0.0
        for i in 0..<n {
            let z = logits[i] + intercept + (offsets?[i] ?? 0), w = weights?[i] ?? 1
            logits[i] = z
            let e = exp(-abs(z))
            loss += w * (Logistic.softplus(z, expMinusAbs: e) - labels[i] * z)
            residuals[i] = w * (Logistic.sigmoid(z, expMinusAbs: e) - labels[i])
            slopes[i] = w * Logistic.sigmoidSlope(expMinusAbs: e)
        }
        if let rowShares {
            var total = [loss]
            rowShares.sum(&total)
            loss = total[0]
        }
        var penalty = 0.0
        for j in 0..<d { penalty += theta[j] * theta[j] }
        return loss + lambda * penalty
    }

    /// `∇L(θ)` on its own (an evaluation, then the gradient pass).
    func gradient(at theta: [Double]) -> [Double] {
        _ = evaluate(theta)
        return gradientAndDiagonal(theta).gradient
    }

    /// `∇L` and the Hessian's diagonal at the last evaluated point `theta`.
    func gradientAndDiagonal(_ theta: [Double]) -> (gradient: [Double], diagonal: [Double]) {
        var gradient = [Double](repeating: 0, count: p), diagonal = gradient
        residuals.withUnsafeBufferPointer { r in
            slopes.withUnsafeBufferPointer { s in
                gradient.withUnsafeMutableBufferPointer { g in
                    diagonal.withUnsafeMutableBufferPointer { h in
                        design.gradientAndDiagonal(
                            residuals: r.baseAddress!, weights: s.baseAddress!, gradient: g.baseAddress!,
                            diagonal: h.baseAddress!)
                    }
                }
            }
        }
        if fitIntercept {
            gradient[d] = residuals.reduce(0, +)
            diagonal[d] = slopes.reduce(0, +)
        }
        if let rowShares {
            var both = gradient + diagonal
            rowShares.sum(&both)
            (gradient, diagonal) = (Array(both[..<p]), Array(both[p...]))
        }
        for j in 0..<d {
            gradient[j] += 2 * lambda * theta[j]
            diagonal[j] += 2 * lambda
        }
        return (gradient, diagonal)
    }

    /// `out = ∇²L v` at the last evaluated point (one fused pass over `X`, no allocation).
    func hessianProduct(_ v: [Double], into out: inout [Double]) {
        let shift = fitIntercept ? v[d] : 0
        let total = slopes.withUnsafeBufferPointer { s in
            v.withUnsafeBufferPointer { vp in
                out.withUnsafeMutableBufferPointer { o in
                    design.gramProduct(weights: s.baseAddress!, vp.baseAddress!, shift: shift, into: o.baseAddress!)
                }
            }
        }
        if fitIntercept { out[d] = total }
        rowShares?.sum(&out)
        for j in 0..<d { out[j] += 2 * lambda * v[j] }
    }

    /// Whether the logits separate the samples of positive weight strictly (λ = 0: no minimiser).
    func gradientUnit() -> Double {
        // Σ_i w_i |x̃_ij| per column (the intercept's column last), summed over the shares.
        var sums = design.weightedColumnSums(weights)
        if fitIntercept { sums.append(weights?.reduce(0, +) ?? Double(n)) }
        rowShares?.sum(&sums)
        return sums.max() ?? 0
    }

    func separates() -> Bool {
        let here = (0..<n).allSatisfy { i in
            (weights?[i] ?? 1) == 0 || (labels[i] == 1 ? logits[i] > 0 : logits[i] < 0)
        }
        // Separated when every share is: the largest "not separated" flag over the shares.
        var notSeparated = [here ? 0.0 : 1.0]
        rowShares?.maximum(&notSeparated)
        return notSeparated[0] == 0
    }
}
