extension Reference {
    /// The multilayer perceptron `f(x₀) = a_out(W_{L−1} σ(⋯ σ(W₀ x₀ + b₀) ⋯) + b_{L−1})` written the
    /// textbook way, in `Double`: one sample at a time, plain loops, a new array for every intermediate.
    public struct MLP: Sendable {
        /// `W_l`, `h_{l+1} × h_l`.
        public var weights: [Matrix<Double>]
        /// `b_l` (`h_{l+1}` entries) per layer, or `nil` for a net without biases.
        public var biases: [[Double]]?
        /// `σ` of the hidden layers.
        public var activation: Activation
        /// The activation of the last layer.
        public var outputActivation: Activation

        /// A net from its weights (shapes are trusted: this is an oracle, not an API).
        public init(
            weights: [Matrix<Double>], biases: [[Double]]? = nil, activation: Activation = .sigmoid,
            outputActivation: Activation = .identity
        ) {
            self.weights = weights
            self.biases = biases
            self.activation = activation
            self.outputActivation = outputActivation
        }

        func activation(afterLayer l: Int) -> Activation { l == weights.count - 1 ? outputActivation : activation }

        /// `[x₀, x₁, …, x_L]` with `x_{l+1} = a(W_l x_l + b_l)`.
        public func activations(_ x0: [Double]) -> [[Double]] {
            var xs = [x0]
            for (l, w) in weights.enumerated() {
                var z = Reference.matvec(w, xs[l])
                if let b = biases?[l] { z = zip(z, b).map { $0 + $1 } }
                xs.append(z.map { activation(afterLayer: l).value($0) })
            }
            return xs
        }

        /// `f(x₀)`.
        public func callAsFunction(_ x0: [Double]) -> [Double] { activations(x0).last! }

        /// `δ_l = ∂f/∂z_{l+1}` (`h_L × h_{l+1}`) for every layer: `δ_{L−1} = diag(a_out'(f))`,
        /// `δ_{l−1} = δ_l W_l diag(σ'(x_l))`.
        public func sensitivities(_ x0: [Double]) -> [Matrix<Double>] {
            let xs = activations(x0)
            let last = weights.count - 1
            let f = xs[last + 1]
            var delta = Matrix<Double>(uncheckedRows: f.count, columns: f.count)
            for i in f.indices { delta[i, i] = outputActivation.derivative(atOutput: f[i]) }
            var result = [delta]
            for l in stride(from: last, to: 0, by: -1) {
                var next = Reference.matmul(delta, weights[l])
                for i in 0..<next.rows {
                    for k in 0..<next.columns { next[i, k] *= activation.derivative(atOutput: xs[l][k]) }
                }
                delta = next
                result.insert(delta, at: 0)
            }
            return result
        }

        /// `df/dx₀ = δ₀ W₀` (`h_L × h₀`).
        public func inputJacobian(_ x0: [Double]) -> Matrix<Double> {
            Reference.matmul(sensitivities(x0)[0], weights[0])
        }

        /// `∂f_i/∂(W_l)_{jk} = (δ_l)_{ij} (x_l)_k`, flattened row-major (`h_L × h_{l+1} × h_l`).
        public func weightJacobian(_ x0: [Double], layer l: Int) -> [Double] {
            let delta = sensitivities(x0)[l], x = activations(x0)[l]
            var result: [Double] = []
            for i in 0..<delta.rows {
                for j in 0..<delta.columns {
                    for k in x.indices { result.append(delta[i, j] * x[k]) }
                }
            }
            return result
        }

        /// `∂loss/∂b_l = Δ_l` for one sample (see ``gradients(_:lossGradient:)``).
        public func biasGradients(_ x0: [Double], lossGradient g: [Double]) -> [[Double]] {
            let xs = activations(x0)
            let last = weights.count - 1
            var delta = zip(g, xs[last + 1]).map { $0 * outputActivation.derivative(atOutput: $1) }
            var result = [[Double]](repeating: [], count: weights.count)
            for l in stride(from: last, through: 0, by: -1) {
                result[l] = delta
                if l > 0 {
                    let back = Reference.matvec(weights[l].transposed(), delta)
                    delta = zip(back, xs[l]).map { $0 * activation.derivative(atOutput: $1) }
                }
            }
            return result
        }

        /// `∂loss/∂W_l` for one sample by backprop: `Δ_{L−1} = a_out'(f) ∘ g`,
        /// `Δ_{l−1} = σ'(x_l) ∘ W_lᵀ Δ_l`, `∂loss/∂W_l = Δ_l x_lᵀ`, with `g = ∂loss/∂f`.
        public func gradients(_ x0: [Double], lossGradient g: [Double]) -> [Matrix<Double>] {
            let xs = activations(x0)
            let last = weights.count - 1
            var delta = zip(g, xs[last + 1]).map { $0 * outputActivation.derivative(atOutput: $1) }
            var grads = [Matrix<Double>](repeating: Matrix(uncheckedRows: 0, columns: 0), count: weights.count)
            for l in stride(from: last, through: 0, by: -1) {
                var grad = Matrix<Double>(uncheckedRows: delta.count, columns: xs[l].count)
                for j in delta.indices { for k in xs[l].indices { grad[j, k] = delta[j] * xs[l][k] } }
                grads[l] = grad
                if l > 0 {
                    let back = Reference.matvec(weights[l].transposed(), delta)
                    delta = zip(back, xs[l]).map { $0 * activation.derivative(atOutput: $1) }
                }
            }
            return grads
        }

        /// `Σ_b ‖f(x_b) − y_b‖²` and its gradients, summed sample by sample.
        public func squaredError(
            _ inputs: [[Double]], targets: [[Double]]
        ) -> (loss: Double, gradients: [Matrix<Double>]) {
            var loss = 0.0
            var total = weights.map { Matrix<Double>(uncheckedRows: $0.rows, columns: $0.columns) }
            for (x, y) in zip(inputs, targets) {
                let f = self(x)
                let residual = zip(f, y).map { $0 - $1 }
                loss += residual.reduce(0) { $0 + $1 * $1 }
                let grads = gradients(x, lossGradient: residual.map { 2 * $0 })
                for l in total.indices { total[l] = total[l].elementwise(grads[l], +) }
            }
            return (loss, total)
        }

        /// `mean_b ‖f(x_b) − x_b‖²` over the columns of `x`.
        public func identityError(_ x: Matrix<Double>) -> Double {
            var total = 0.0
            for b in 0..<x.columns {
                let input = x.column(b)
                total += zip(self(input), input).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            return total / Double(max(1, x.columns))
        }

        /// SGD towards the identity with the same sample stream as Linalg's `MLP.trainIdentity`
        /// (held-out `randn(h₀ × count)` first, then `randn(h₀ × B)` per step, row-major):
        /// `W_l ← W_l − (α/B) Σ_b ∂‖f(x_b) − x_b‖²/∂W_l`. Returns the per-step loss and the
        /// held-out error before and after.
        public mutating func trainIdentity(
            steps: Int, learningRate: Double, batchSize: Int = 1, seed: UInt64,
            heldOutCount: Int = 1000
        ) -> (history: [Double], initial: Double, final: Double) {
            var generator = Xoshiro256StarStar(seed: seed)
            let h0 = weights[0].columns
            let heldOut = Matrix<Double>.random(
                rows: h0, columns: heldOutCount, distribution: .randn, using: &generator)
            let initial = identityError(heldOut)
            var history: [Double] = []
            for _ in 0..<steps {
                let batch = Matrix<Double>.random(rows: h0, columns: batchSize, distribution: .randn, using: &generator)
                let samples = (0..<batchSize).map(batch.column)
                let (loss, grads) = squaredError(samples, targets: samples)
                history.append(loss / Double(batchSize))
                for l in weights.indices {
                    weights[l] = weights[l].elementwise(grads[l]) { $0 - learningRate / Double(batchSize) * $1 }
                }
            }
            return (history, initial, identityError(heldOut))
        }
    }
}
