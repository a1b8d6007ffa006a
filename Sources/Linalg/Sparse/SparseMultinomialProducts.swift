#if canImport(Glibc)
import Glibc
#endif

/// The multinomial objective on CSR for ``TrustRegionNewton``: with `m` modelled classes, logits
/// `Z = X Bᵀ + 1 b₀ᵀ` (`n × m`; the reference class's logit 0 when `λ = 0`), `P = softmax(Z)`,
/// `L = Σ_i w_i (log Σ_c e^{z_ic} − z_{i,y_i}) + λ Σ_c ‖β_c‖²`, `∇L = Rᵀ X̃ + 2λB` with
/// `R = W(P − Y)`, the Hessian's diagonal `Σ_i w_i p_ic(1 − p_ic) x_ij² + 2λ`, and
/// `∇²L v = X̃ᵀ U + 2λ V` with `U_ic = w_i p_ic (ż_ic − Σ_c' p_ic' ż_ic')`, `Ż = X̃ Vᵀ`.
///
/// Each product walks the rows once; the parameters are read and written transposed (`d × m`, one
/// feature's `m` values side by side), so that a non-zero's work is one contiguous run of `m`.
final class SparseMultinomialProducts: TrustRegionObjective {
    let problem: SparseMultinomialProblem
    let n: Int, d: Int, m: Int, width: Int, p: Int
    var lambda: Double { problem.lambda }
    /// At the current point: `P` and the residuals `R` (`n × m`); `Ż` and then `U` of a product.
    var probabilities: [Double], residuals: [Double], directional: [Double]
    /// Transposed parameters or results, `d × m`, reused by every pass.
    var transposed: [Double], accumulated: [Double]

    init(_ problem: SparseMultinomialProblem) {
        self.problem = problem
        (n, d, m, width) = (problem.sampleCount, problem.featureCount, problem.modelledClassCount, problem.classWidth)
        p = problem.parameterCount
        probabilities = [Double](repeating: 0, count: max(1, n * m))
        residuals = probabilities
        directional = probabilities
        transposed = [Double](repeating: 0, count: max(1, d * m))
        accumulated = transposed
    }

    /// `out = X̃ Θᵀ` (`n × m`) for parameters laid out class by class.
    func scores(_ theta: [Double], into out: inout [Double]) {
        for c in 0..<m { for j in 0..<d { transposed[j * m + c] = theta[c * width + j] } }
        let x = problem.x
        for i in 0..<n {
            let row = i * m
            for c in 0..<m { out[row + c] = problem.fitIntercept ? theta[c * width + d] : 0 }
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                let v = x.values[k], column = Int(x.columnIndices[k]) * m
                for c in 0..<m { out[row + c] += v * transposed[column + c] }
            }
        }
    }

    /// `Θ-shaped out = X̃ᵀ A + 2λ Θ_β` for an `n × m` matrix `A` (the intercepts get `Σ_i A_ic`).
    func transposedProduct(_ a: [Double], penalised theta: [Double], into out: inout [Double]) {
        for k in accumulated.indices { accumulated[k] = 0 }
        let x = problem.x
        var sums = [Double](repeating: 0, count: m)
        for i in 0..<n {
            let row = i * m
            for c in 0..<m { sums[c] += a[row + c] }
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                let v = x.values[k], column = Int(x.columnIndices[k]) * m
                for c in 0..<m { accumulated[column + c] += v * a[row + c] }
            }
        }
        for c in 0..<m {
            for j in 0..<d { out[c * width + j] = accumulated[j * m + c] + 2 * lambda * theta[c * width + j] }
            if problem.fitIntercept { out[c * width + d] = sums[c] }
        }
    }

    func evaluate(_ theta: [Double]) -> Double {
        scores(theta, into: &probabilities)
        let reference = problem.lambda == 0
        var loss = 0.0
        for i in 0..<n {
            let row = i * m, w = problem.sampleWeights?[i] ?? 1
            var largest = reference ? 0.0 : -Double.infinity
            for c in 0..<m { largest = max(largest, probabilities[row + c]) }
            var total = reference ? exp(-largest) : 0
            for c in 0..<m { total += exp(probabilities[row + c] - largest) }
            let own = problem.classIndices[i], ownModelled = reference ? own - 1 : own
            let ownLogit = ownModelled >= 0 ? probabilities[row + ownModelled] : 0
            loss += w * (log(total) + largest - ownLogit)
            for c in 0..<m {
                let pc = exp(probabilities[row + c] - largest) / total
                probabilities[row + c] = pc
                residuals[row + c] = w * (pc - (c == ownModelled ? 1 : 0))
            }
        }
        var penalty = 0.0
        for c in 0..<m { for j in 0..<d { penalty += theta[c * width + j] * theta[c * width + j] } }
        return loss + lambda * penalty
    }

    func gradientAndDiagonal(_ theta: [Double]) -> (gradient: [Double], diagonal: [Double]) {
        var gradient = [Double](repeating: 0, count: p), diagonal = gradient
        transposedProduct(residuals, penalised: theta, into: &gradient)
        // diag: Σ_i w_i p_ic(1 − p_ic) x_ij², by the same walk with squared values.
        for k in accumulated.indices { accumulated[k] = 0 }
        let x = problem.x
        var sums = [Double](repeating: 0, count: m), slope = [Double](repeating: 0, count: m)
        for i in 0..<n {
            let row = i * m, w = problem.sampleWeights?[i] ?? 1
            for c in 0..<m {
                slope[c] = w * probabilities[row + c] * (1 - probabilities[row + c])
                sums[c] += slope[c]
            }
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                let v = x.values[k], column = Int(x.columnIndices[k]) * m
                for c in 0..<m { accumulated[column + c] += v * v * slope[c] }
            }
        }
        for c in 0..<m {
            for j in 0..<d { diagonal[c * width + j] = accumulated[j * m + c] + 2 * lambda }
            if problem.fitIntercept { diagonal[c * width + d] = sums[c] }
        }
        return (gradient, diagonal)
    }

    func hessianProduct(_ v: [Double], into out: inout [Double]) {
        var u = directional
        directional = []  // u is the buffer now: the writes below do not copy it
        defer { directional = u }
        scores(v, into: &u)
        for i in 0..<n {
            let row = i * m, w = problem.sampleWeights?[i] ?? 1
            var mean = 0.0
            for c in 0..<m { mean += probabilities[row + c] * u[row + c] }
            for c in 0..<m { u[row + c] = w * probabilities[row + c] * (u[row + c] - mean) }
        }
        transposedProduct(u, penalised: v, into: &out)
    }

    func gradientUnit() -> Double {
        var sums = [Double](repeating: 0, count: max(1, d))
        let x = problem.x
        for i in 0..<n {
            let w = problem.sampleWeights?[i] ?? 1
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                sums[Int(x.columnIndices[k])] += w * abs(x.values[k])
            }
        }
        let unit = sums.max() ?? 0
        return problem.fitIntercept ? max(unit, problem.sampleWeights?.reduce(0, +) ?? Double(n)) : unit
    }

    /// Every weighted sample's own class more probable than ½ (the dense solver's test).
    func separates() -> Bool {
        (0..<n).allSatisfy { i in
            let own = problem.classIndices[i], c = problem.lambda > 0 ? own : own - 1
            let pOwn = c >= 0 ? probabilities[i * m + c] : 1 - (0..<m).reduce(0) { $0 + probabilities[i * m + $1] }
            return (problem.sampleWeights?[i] ?? 1) == 0 || pOwn > 0.5
        }
    }
}
