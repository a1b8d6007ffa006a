#if canImport(Glibc)
import Glibc
#endif

extension Reference {
    /// L2-regularised logistic regression written from the formulas, sample by sample:
    /// `L(β) = Σ_i w_i [log(1 + e^{z_i}) − y_i z_i] + λ Σ_{j<d} β_j²` with `z_i = x_iᵀβ (+ β₀)`.
    /// The intercept, if any, is the last parameter and is not penalised.
    public struct LogisticRegression: Sendable {
        /// `X`, `n × d`, one sample per row.
        public var x: Matrix<Double>
        /// Labels in {0, 1}.
        public var y: [Double]
        /// `λ` of `λ Σ_{j<d} β_j²`.
        public var lambda: Double
        /// Per-sample weights `w_i`, or `nil` for all ones.
        public var sampleWeights: [Double]?
        /// Whether `β` ends with an unpenalised intercept.
        public var fitIntercept: Bool
        /// Offsets `o_i` added to the logits, or `nil` for zeros.
        public var offsets: [Double]?

        /// The problem as given (not validated: this is an oracle, not an API).
        public init(
            x: Matrix<Double>, y: [Double], lambda: Double, sampleWeights: [Double]? = nil, fitIntercept: Bool = false,
            offsets: [Double]? = nil
        ) {
            self.x = x
            self.y = y
            self.lambda = lambda
            self.sampleWeights = sampleWeights
            self.fitIntercept = fitIntercept
            self.offsets = offsets
        }

        var d: Int { x.columns }
        func weight(_ i: Int) -> Double { sampleWeights?[i] ?? 1 }

        func logit(_ beta: [Double], _ i: Int) -> Double {
            var z = (fitIntercept ? beta[d] : 0) + (offsets?[i] ?? 0)
            for j in 0..<d { z += x[i, j] * beta[j] }
            return z
        }

        /// `(x_i, 1)` with an intercept, else `x_i`.
        func features(_ i: Int) -> [Double] { x.row(i) + (fitIntercept ? [1] : []) }

        /// `L(β)`.
        public func loss(_ beta: [Double]) -> Double {
            var total = 0.0
            for i in 0..<x.rows {
                let z = logit(beta, i)
                let softplus = max(z, 0) + log1p(exp(-abs(z)))
                total += weight(i) * (softplus - y[i] * z)
            }
            for j in 0..<d { total += lambda * beta[j] * beta[j] }
            return total
        }

        /// `∇L = Σ_i w_i (σ(z_i) − y_i) x_i + 2λβ`.
        public func gradient(_ beta: [Double]) -> [Double] {
            var g = [Double](repeating: 0, count: beta.count)
            for i in 0..<x.rows {
                let residual = weight(i) * (1 / (1 + exp(-logit(beta, i))) - y[i])
                for (j, v) in features(i).enumerated() { g[j] += residual * v }
            }
            for j in 0..<d { g[j] += 2 * lambda * beta[j] }
            return g
        }

        /// `∇²L = Σ_i w_i σ(z_i)(1 − σ(z_i)) x_i x_iᵀ + 2λI`.
        public func hessian(_ beta: [Double]) -> Matrix<Double> {
            var h = Matrix<Double>(uncheckedRows: beta.count, columns: beta.count)
            for i in 0..<x.rows {
                let p = 1 / (1 + exp(-logit(beta, i)))
                let s = weight(i) * p * (1 - p)
                let v = features(i)
                for a in v.indices { for b in v.indices { h[a, b] += s * v[a] * v[b] } }
            }
            for j in 0..<d { h[j, j] += 2 * lambda }
            return h
        }

        /// Plain Newton with Armijo halving: `Δ = −H⁻¹∇L` by the reference Cholesky, no damping.
        /// Stops when `‖∇L‖ ≤ tolerance · max(1, ‖∇L(β₀)‖)`; returns `β`, the iterations and
        /// the gradient norms.
        public func newton(
            tolerance: Double = 1e-10, maxIterations: Int = 100
        ) throws(LinalgError)
            -> (beta: [Double], iterations: Int, gradientNorms: [Double])
        {
            var beta = [Double](repeating: 0, count: d + (fitIntercept ? 1 : 0))
            var g = gradient(beta)
            var norms = [Reference.dot(g, g).squareRoot()]
            let threshold = tolerance * max(1, norms[0])
            var iterations = 0
            while norms.last! > threshold && iterations < maxIterations {
                let step = try Reference.solveSPD(hessian(beta), g.map { -$0 })
                let slope = Reference.dot(g, step)
                let current = loss(beta)
                var t = 1.0
                var trial = zip(beta, step).map { $0 + t * $1 }
                // Where loss differences are at rounding level, a full step is taken as it is.
                let roundoff = 64 * Double.ulpOfOne * max(1, abs(current))
                let atRoundoff = abs(loss(trial) - current) <= roundoff
                while !atRoundoff && loss(trial) > current + 1e-4 * t * slope && t > 1e-12 {
                    t /= 2
                    trial = zip(beta, step).map { $0 + t * $1 }
                }
                if t <= 1e-12 { break }
                beta = trial
                g = gradient(beta)
                norms.append(Reference.dot(g, g).squareRoot())
                iterations += 1
            }
            return (beta, iterations, norms)
        }
    }
}
