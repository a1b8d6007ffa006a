extension MLP {
    // MARK: H_ℓ ḟ, the loss's Hessian in f times a tangent, per sample

    /// `H_ℓ(f_b) ḟ_b` for the samples `columns` into `out` (`f`, `ḟ`, `out` with rows `rowStride`
    /// apart, targets `targetStride` apart): squared error `2ḟ`; sigmoid cross-entropy
    /// `σ(f)(1 − σ(f)) ∘ ḟ`; softmax cross-entropy `m (p ∘ ḟ − p (pᵀḟ))` with `p = softmax(f)` and
    /// `m = Σ_k y_k` (1 for one-hot targets). Each is positive semi-definite, so the Gauss-Newton matrix
    /// `Jᵀ H_ℓ J` is too.
    @inlinable
    static func lossHessianProduct(
        _ loss: NetLoss, _ f: UnsafePointer<Scalar>, tangent fDot: UnsafePointer<Scalar>,
        targets y: UnsafePointer<Scalar>, targetStride: Int, into out: UnsafeMutablePointer<Scalar>,
        rowStride ld: Int, rows: Int, columns: Range<Int>
    ) {
        switch loss {
        case .squaredError:
            for k in 0..<rows { for b in columns { out[k * ld + b] = 2 * fDot[k * ld + b] } }
        case .sigmoidCrossEntropy:
            for k in 0..<rows {
                for b in columns {
                    let e = Double.exp(-abs(Double(f[k * ld + b])))
                    // σ(1 − σ) = e^{−|f|} / (1 + e^{−|f|})², symmetric in f.
                    out[k * ld + b] = Scalar(e / ((1 + e) * (1 + e)) * Double(fDot[k * ld + b]))
                }
            }
        case .softmaxCrossEntropy:
            for b in columns {
                softmaxHessianProduct(
                    f + b, tangent: fDot + b, targets: y + b, targetStride: targetStride, into: out + b, rowStride: ld,
                    rows: rows)
            }
        }
    }

    /// One sample's `m (p ∘ ḟ − p (pᵀḟ))` (its column's entries `rowStride` apart).
    @inlinable
    static func softmaxHessianProduct(
        _ f: UnsafePointer<Scalar>, tangent fDot: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>,
        targetStride: Int, into out: UnsafeMutablePointer<Scalar>, rowStride ld: Int, rows: Int
    ) {
        var largest = -Double.infinity, mass = 0.0
        for k in 0..<rows {
            largest = max(largest, Double(f[k * ld]))
            mass += Double(y[k * targetStride])
        }
        var total = 0.0, weighted = 0.0
        for k in 0..<rows {
            let e = Double.exp(Double(f[k * ld]) - largest)
            total += e
            weighted += e * Double(fDot[k * ld])
        }
        let mean = weighted / total
        for k in 0..<rows {
            let p = Double.exp(Double(f[k * ld]) - largest) / total
            out[k * ld] = Scalar(mass * p * (Double(fDot[k * ld]) - mean))
        }
    }
}

extension NetLoss {
    /// Whether `H_ℓ ḟ` reads `f`: all but the squared error, whose Hessian is `2I`.
    @inlinable
    var hessianReadsOutput: Bool { self != .squaredError }
}
