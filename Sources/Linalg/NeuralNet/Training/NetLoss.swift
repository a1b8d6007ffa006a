/// The loss a net is trained on, summed over a batch's samples `b` (columns of `f` and `Y`).
public enum NetLoss: String, Sendable, CaseIterable {
    /// `Σ_b ‖f_b − y_b‖²`, `∂/∂f = 2(f − y)`; trained on its mean over the samples and the
    /// outputs (PyTorch's `MSELoss`).
    case squaredError = "squared-error"
    /// `Σ_b −Σ_k y_kb log softmax(f_b)_k` (`y_b` one-hot, or any distribution), the softmax and its
    /// log fused (`log Σ e^{f} − Σ y f`, shifted by the largest `f`), `∂/∂f = softmax(f) Σ_k y_k − y`;
    /// trained on its mean over the samples (PyTorch's `CrossEntropyLoss`). The last layer must be
    /// the identity.
    case softmaxCrossEntropy = "softmax-cross-entropy"
    /// `Σ_b Σ_k [log(1 + e^{f_kb}) − y_kb f_kb]` (`y ∈ [0, 1]`), stable through `e^{−|f|}`,
    /// `∂/∂f = σ(f) − y`; trained on its mean over the samples and the outputs (PyTorch's
    /// `BCEWithLogitsLoss`). The last layer must be the identity.
    case sigmoidCrossEntropy = "sigmoid-cross-entropy"

    /// What the summed loss of `samples` samples of `outputs` outputs is divided by for the training
    /// objective and the reported losses.
    @inlinable
    public func normaliser(samples: Int, outputs: Int) -> Double {
        normaliser(weight: Double(samples), outputs: outputs)
    }

    /// The same for weighted samples of total weight `weight` (`Σ_b w_b ℓ_b` is divided by it).
    @inlinable
    public func normaliser(weight: Double, outputs: Int) -> Double {
        self == .softmaxCrossEntropy ? weight : weight * Double(outputs)
    }

    /// Whether the targets are classes (and an accuracy is reported).
    public var isClassification: Bool { self != .squaredError }
}

extension MLP {
    /// The loss over the samples `columns` and `∂loss/∂f` into `g` (`f`, `g` with rows `rowStride`
    /// apart, targets with rows `targetStride` apart).
    @inlinable @inline(__always)
    static func lossResiduals(
        _ loss: NetLoss, _ f: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, targetStride: Int,
        into g: UnsafeMutablePointer<Scalar>, rowStride ld: Int, rows: Int, columns: Range<Int>
    ) -> Double {
        switch loss {
        case .squaredError:
            return squaredResiduals(
                f, targets: targets, targetStride: targetStride, into: g, rowStride: ld, rows: rows, columns: columns)
        case .softmaxCrossEntropy:
            return softmaxResiduals(
                f, targets: targets, targetStride: targetStride, into: g, rowStride: ld, rows: rows, columns: columns)
        case .sigmoidCrossEntropy:
            return sigmoidResiduals(
                f, targets: targets, targetStride: targetStride, into: g, rowStride: ld, rows: rows, columns: columns)
        }
    }

    /// ``lossResiduals(_:_:targets:targetStride:into:rowStride:rows:columns:)`` with a weight per
    /// sample (`weights[b]` for column `b`; `nil`: all 1): `Σ_b w_b ℓ_b` and `w_b ∂ℓ_b/∂f_b`.
    @inlinable
    static func weightedLossResiduals(
        _ loss: NetLoss, _ f: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, targetStride: Int,
        weights: UnsafePointer<Scalar>?, into g: UnsafeMutablePointer<Scalar>, rowStride ld: Int, rows: Int,
        columns: Range<Int>
    ) -> Double {
        guard let weights else {
            return lossResiduals(
                loss, f, targets: targets, targetStride: targetStride, into: g, rowStride: ld, rows: rows,
                columns: columns)
        }
        var total = 0.0
        for b in columns {
            let w = weights[b]
            let sample = lossResiduals(
                loss, f, targets: targets, targetStride: targetStride, into: g, rowStride: ld, rows: rows,
                columns: b..<(b + 1))
            total += w == 0 ? 0 : Double(w) * sample
            for k in 0..<rows { g[k * ld + b] *= w }
        }
        return total
    }

    /// Per sample `Σ_k y_k (log Σ_j e^{f_j} − f_k)` with `m = max f` shifted out, and
    /// `g_k = (Σ y) e^{f_k − m}/Σ_j e^{f_j − m} − y_k`.
    @inlinable
    static func softmaxResiduals(
        _ f: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, targetStride: Int,
        into g: UnsafeMutablePointer<Scalar>, rowStride ld: Int, rows: Int, columns: Range<Int>
    ) -> Double {
        var loss = 0.0
        for b in columns {
            var largest = -Double.infinity
            for k in 0..<rows { largest = max(largest, Double(f[k * ld + b])) }
            var total = 0.0, mass = 0.0, dot = 0.0
            for k in 0..<rows {
                let fk = Double(f[k * ld + b]), yk = Double(y[k * targetStride + b])
                total += Double.exp(fk - largest)
                mass += yk
                dot += yk * fk
            }
            loss += mass * (largest + Double.log(total)) - dot
            for k in 0..<rows {
                let p = Double.exp(Double(f[k * ld + b]) - largest) / total
                g[k * ld + b] = Scalar(mass * p - Double(y[k * targetStride + b]))
            }
        }
        return loss
    }

    /// Per entry `log(1 + e^{f}) − y f = max(f, 0) + log1p(e^{−|f|}) − y f` and `g = σ(f) − y`.
    @inlinable
    static func sigmoidResiduals(
        _ f: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, targetStride: Int,
        into g: UnsafeMutablePointer<Scalar>, rowStride ld: Int, rows: Int, columns: Range<Int>
    ) -> Double {
        var loss = 0.0
        for k in 0..<rows {
            for b in columns {
                let fk = Double(f[k * ld + b]), yk = Double(y[k * targetStride + b])
                let e = Double.exp(-abs(fk))
                loss += max(fk, 0) + Double.log1p(e) - yk * fk
                g[k * ld + b] = Scalar((fk >= 0 ? 1 / (1 + e) : e / (1 + e)) - yk)
            }
        }
        return loss
    }
}
