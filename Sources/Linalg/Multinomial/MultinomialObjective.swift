/// The multinomial objective and its derivatives at one `Θ`.
struct MultinomialState {
    /// `L(Θ)`, penalty included.
    var loss: Double
    /// `∇L(Θ)` (`p`, laid out as `Θ`), when computed.
    var gradient: [Double]
    /// `∇²L(Θ)` or the HC0 meat (`p × p`, exactly symmetric), when computed.
    var matrix: Matrix<Double>?
    /// `min_i p_{i,y_i}` over the samples of positive weight (1 for none).
    var smallestOwnProbability: Double
}

extension MultinomialProblem {
    // MARK: L(Θ) = Σ_i w_i (log Σ_c e^{z_ic} − z_{i,y_i}) + λ Σ_k ‖β_k‖²
    //       ∇L = Rᵀ X̃ + 2λ[β_k, 0]
    //       ∇²L = [X̃ᵀ diag(w ∘ p_k ∘ (δ_kl − p_l)) X̃] + 2λ I_coefficients

    /// One pass over `X` at `theta` (`p` entries): the cores' sums added in core order, then the
    /// penalty on the coefficients (not the intercepts) and, for a matrix, its upper triangle
    /// mirrored (the pass fills the blocks `k ≤ l`).
    func evaluate(_ theta: [Double], _ evaluation: MultinomialEvaluation) -> MultinomialState {
        evaluate(theta, pass: MultinomialPass(self, evaluation))
    }

    /// ``evaluate(_:_:)`` with a pass made by the caller (one that keeps the probabilities).
    func evaluate(_ theta: [Double], pass: MultinomialPass) -> MultinomialState {
        let p = parameterCount, evaluation = pass.evaluation
        theta.withUnsafeBufferPointer { pass.run(at: $0.baseAddress!) }
        var state = MultinomialState(
            loss: 0, gradient: [Double](repeating: 0, count: evaluation.wantsGradient ? p : 0), matrix: nil,
            smallestOwnProbability: 1)
        for part in 0..<pass.parts {
            state.loss += pass.losses[part]
            state.smallestOwnProbability = min(state.smallestOwnProbability, pass.smallestOwnProbability[part])
            if evaluation.wantsGradient { for j in 0..<p { state.gradient[j] += pass.gradients[part * p + j] } }
        }
        if evaluation.wantsMatrix { state.matrix = summedMatrix(pass) }
        addPenalty(theta, to: &state, hessian: evaluation == .lossGradientAndHessian)
        return state
    }

    /// The cores' `p × p` sums added in order, the upper triangle mirrored onto the lower.
    func summedMatrix(_ pass: MultinomialPass) -> Matrix<Double> {
        let p = parameterCount
        var matrix = Matrix<Double>(uncheckedRows: p, columns: p)
        matrix.withUnsafeMutableBufferPointer { h in
            for part in 0..<pass.parts {
                let partial = pass.matrices + part * p * p
                for i in 0..<p {
                    for j in i..<p { h[i * p + j] += partial[i * p + j] }
                }
            }
            for i in 0..<p {
                for j in 0..<i { h[i * p + j] = h[j * p + i] }
            }
        }
        return matrix
    }

    /// `λ Σ ‖β_k‖²` into the loss, `2λ β_k` into the gradient and `2λ` onto the Hessian's diagonal,
    /// for the coefficients only.
    func addPenalty(_ theta: [Double], to state: inout MultinomialState, hessian: Bool) {
        guard lambda > 0 else { return }
        let d = featureCount, width = classWidth, p = parameterCount
        for k in 0..<modelledClassCount {
            for j in 0..<d {
                let index = k * width + j
                state.loss += lambda * theta[index] * theta[index]
                if !state.gradient.isEmpty { state.gradient[index] += 2 * lambda * theta[index] }
                if hessian { state.matrix?.withUnsafeMutableBufferPointer { $0[index * p + index] += 2 * lambda } }
            }
        }
    }
}
