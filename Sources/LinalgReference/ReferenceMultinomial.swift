#if canImport(Glibc)
import Glibc
#endif

extension Reference {
    /// Multinomial logistic regression written from the formulas, sample by sample, with
    /// `m` modelled classes (`modelled[k]` the class of parameter row `k`; a class not modelled
    /// has logit 0): `L(Θ) = Σ_i w_i [log Σ_c e^{z_ic} − z_{i,y_i}] + λ Σ_k ‖β_k‖²`, `Θ` row by row
    /// (each class's `d` coefficients, then its intercept when fitted).
    public struct MultinomialRegression: Sendable {
        /// `X`, `n × d`.
        public var x: Matrix<Double>
        /// Each row's class index.
        public var classes: [Int]
        /// `K`.
        public var classCount: Int
        /// The class of each parameter row.
        public var modelled: [Int]
        /// `λ` of `λ Σ_k ‖β_k‖²`.
        public var lambda: Double
        /// `w_i`, or `nil` for all ones.
        public var sampleWeights: [Double]?
        /// Whether each row of `Θ` ends with an intercept.
        public var fitIntercept: Bool
        /// `o_ic` (`n × K`) added to every class's logit, or `nil`.
        public var offsets: Matrix<Double>?

        /// The problem as given (not validated: this is an oracle, not an API).
        public init(
            x: Matrix<Double>, classes: [Int], classCount: Int, modelled: [Int], lambda: Double,
            sampleWeights: [Double]? = nil, fitIntercept: Bool, offsets: Matrix<Double>? = nil
        ) {
            self.offsets = offsets
            self.x = x
            self.classes = classes
            self.classCount = classCount
            self.modelled = modelled
            self.lambda = lambda
            self.sampleWeights = sampleWeights
            self.fitIntercept = fitIntercept
        }

        var width: Int { x.columns + (fitIntercept ? 1 : 0) }

        /// All `K` logits of sample `i` (a class not modelled: its offset, or 0).
        func logits(_ theta: [Double], _ i: Int) -> [Double] {
            var z = (0..<classCount).map { offsets?[i, $0] ?? 0 }
            for (k, c) in modelled.enumerated() {
                var sum = fitIntercept ? theta[k * width + x.columns] : 0
                for j in 0..<x.columns { sum += theta[k * width + j] * x[i, j] }
                z[c] += sum
            }
            return z
        }

        /// The softmax of sample `i`'s logits.
        public func probabilities(_ theta: [Double], _ i: Int) -> [Double] {
            let z = logits(theta, i)
            let e = z.map { exp($0) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }

        /// `x̃_i`: row `i` and a 1 for the intercept.
        func row(_ i: Int) -> [Double] { x.row(i) + (fitIntercept ? [1] : []) }

        /// `L(Θ) = Σ_i w_i (log Σ_c e^{z_ic} − z_{i,y_i}) + λ Σ_k ‖β_k‖²`, sample by sample.
        public func loss(_ theta: [Double]) -> Double {
            var total = 0.0
            for i in 0..<x.rows {
                let z = logits(theta, i)
                total += (sampleWeights?[i] ?? 1) * (log(z.map { exp($0) }.reduce(0, +)) - z[classes[i]])
            }
            for k in 0..<modelled.count {
                for j in 0..<x.columns { total += lambda * theta[k * width + j] * theta[k * width + j] }
            }
            return total
        }

        /// `∇L = Σ_i w_i (p_ic − [y_i = c]) x̃_i + 2λ(β_c, 0)` per modelled class, laid out as `Θ`.
        public func gradient(_ theta: [Double]) -> [Double] {
            var g = [Double](repeating: 0, count: theta.count)
            for i in 0..<x.rows {
                let p = probabilities(theta, i), xi = row(i), w = sampleWeights?[i] ?? 1
                for (k, c) in modelled.enumerated() {
                    let r = w * (p[c] - (classes[i] == c ? 1 : 0))
                    for j in 0..<width { g[k * width + j] += r * xi[j] }
                }
            }
            for k in 0..<modelled.count {
                for j in 0..<x.columns { g[k * width + j] += 2 * lambda * theta[k * width + j] }
            }
            return g
        }

        /// `Σ_i w_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ + 2λ I` (coefficients only), entry by entry.
        public func hessian(_ theta: [Double]) -> Matrix<Double> {
            let p = theta.count
            var h = Matrix<Double>(uncheckedRows: p, columns: p)
            for i in 0..<x.rows {
                let prob = probabilities(theta, i), xi = row(i), w = sampleWeights?[i] ?? 1
                for (k, c) in modelled.enumerated() {
                    for (l, e) in modelled.enumerated() {
                        let weight = w * prob[c] * ((c == e ? 1 : 0) - prob[e])
                        for a in 0..<width {
                            for b in 0..<width { h[k * width + a, l * width + b] += weight * xi[a] * xi[b] }
                        }
                    }
                }
            }
            for k in 0..<modelled.count { for j in 0..<x.columns { h[k * width + j, k * width + j] += 2 * lambda } }
            return h
        }
    }
}
