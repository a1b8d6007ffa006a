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
    /// Transposed parameters or results, `d × m`, reused by every pass (`accumulated` has the `m`
    /// intercept sums after them, so that row shares reduce both in place); the second piece's partial sums.
    var transposed: [Double], accumulated: [Double], partial: [Double]
    /// Two pieces of rows (one for small problems), fixed by `n` and the non-zeros alone: the sums
    /// have the same bits on any number of cores.
    let pieces: [Range<Int>]

    init(_ problem: SparseMultinomialProblem) {
        self.problem = problem
        (n, d, m, width) = (problem.sampleCount, problem.featureCount, problem.modelledClassCount, problem.classWidth)
        p = problem.parameterCount
        probabilities = [Double](repeating: 0, count: max(1, n * m))
        residuals = probabilities
        directional = probabilities
        transposed = [Double](repeating: 0, count: max(1, d * m))
        accumulated = [Double](repeating: 0, count: d * m + m)
        let count = problem.x.nonzeroCount >= 65_536 && n >= 2 ? 2 : 1
        let rows = n
        pieces = (0..<count).map { (rows * $0 / count)..<(rows * ($0 + 1) / count) }
        partial = count > 1 ? transposed : [0]
    }

    /// `out = X̃ Θᵀ` (`n × m`) for parameters laid out class by class, the rows split across the cores.
    func scores(_ theta: [Double], into out: inout [Double]) {
        for c in 0..<m { for j in 0..<d { transposed[j * m + c] = theta[c * width + j] } }
        let intercepts = problem.fitIntercept ? (0..<m).map { theta[$0 * width + d] } : nil
        let (m, n) = (self.m, self.n)
        withCSR { x in
            transposed.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    (intercepts ?? []).withUnsafeBufferPointer { b in
                        let shared = UncheckedSendable(
                            (t.baseAddress!, o.baseAddress!, intercepts == nil ? nil : b.baseAddress))
                        ParallelChunks.run(count: n, parts: ParallelChunks.parts(count: n, minimumPerChunk: 1024)) {
                            _, rows in
                            let (t, o, b) = shared.value
                            Self.scoreRows(rows, x, m: m, transposed: t, intercepts: b, into: o)
                        }
                    }
                }
            }
        }
    }

    /// `Θ-shaped out = X̃ᵀ A + 2λ Θ_β` for an `n × m` matrix `A` (the intercepts get `Σ_i A_ic`); with
    /// `squared`, `X̃ᵀ` is taken entry by entry squared (the Hessian's diagonal) and `2λ` is added alone.
    func transposedProduct(_ a: [Double], penalised theta: [Double], squared: Bool = false, into out: inout [Double]) {
        let (m, pieces, count) = (self.m, self.pieces, d * self.m)
        var sums = [Double](repeating: 0, count: m * pieces.count)
        withCSR { x in
            a.withUnsafeBufferPointer { a in
                accumulated.withUnsafeMutableBufferPointer { acc in
                    partial.withUnsafeMutableBufferPointer { extra in
                        sums.withUnsafeMutableBufferPointer { s in
                            let shared = UncheckedSendable(
                                (a.baseAddress!, acc.baseAddress!, extra.baseAddress!, s.baseAddress!))
                            ParallelChunks.run(count: pieces.count, parts: pieces.count) { piece, _ in
                                let (a, acc, extra, s) = shared.value
                                let target = piece == 0 ? acc : extra + (piece - 1) * count
                                target.update(repeating: 0, count: count)
                                Self.accumulateRows(
                                    pieces[piece], x, m: m, rowValues: a, squared: squared, into: target,
                                    sums: s + piece * m)
                            }
                            for piece in 1..<max(1, pieces.count) {
                                let from = extra.baseAddress! + (piece - 1) * count
                                for k in 0..<count { acc[k] += from[k] }
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<m { accumulated[count + c] = (0..<pieces.count).reduce(0) { $0 + sums[$1 * m + c] } }
        // The data part (features, then intercepts) summed over the row shares, the penalty after.
        problem.rowShares?.sum(&accumulated)
        for c in 0..<m {
            for j in 0..<d {
                out[c * width + j] = accumulated[j * m + c] + 2 * lambda * (squared ? 1 : theta[c * width + j])
            }
            if problem.fitIntercept { out[c * width + d] = accumulated[count + c] }
        }
    }

    /// The CSR arrays as pointers for the duration of `body`.
    func withCSR<R>(_ body: (CSRPointers) -> R) -> R {
        problem.x.rowOffsets.withUnsafeBufferPointer { offsets in
            problem.x.columnIndices.withUnsafeBufferPointer { indices in
                problem.x.values.withUnsafeBufferPointer { values in
                    body(
                        CSRPointers(
                            offsets: offsets.baseAddress!,
                            indices: indices.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                            values: values.baseAddress ?? UnsafePointer(bitPattern: 8)!))
                }
            }
        }
    }

    /// `out[i, ·] = b + Σ_k x_ik t[j_k, ·]` for the rows `rows` (`t` is `d × m`).
    static func scoreRows(
        _ rows: Range<Int>, _ x: CSRPointers, m: Int, transposed t: UnsafePointer<Double>,
        intercepts b: UnsafePointer<Double>?, into out: UnsafeMutablePointer<Double>
    ) {
        for i in rows {
            let row = out + i * m
            if let b { row.update(from: b, count: m) } else { row.update(repeating: 0, count: m) }
            for k in Int(x.offsets[i])..<Int(x.offsets[i + 1]) {
                let v = x.values[k], column = t + Int(x.indices[k]) * m
                for c in 0..<m { row[c] += v * column[c] }
            }
        }
    }

    /// `acc[j_k, ·] += x_ik a[i, ·]` (or `x_ik² a[i, ·]`) and `sums += a[i, ·]` over the rows `rows`.
    static func accumulateRows(
        _ rows: Range<Int>, _ x: CSRPointers, m: Int, rowValues a: UnsafePointer<Double>, squared: Bool,
        into acc: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>
    ) {
        for i in rows {
            let row = a + i * m
            for c in 0..<m { sums[c] += row[c] }
            for k in Int(x.offsets[i])..<Int(x.offsets[i + 1]) {
                let v = squared ? x.values[k] * x.values[k] : x.values[k], column = acc + Int(x.indices[k]) * m
                for c in 0..<m { column[c] += v * row[c] }
            }
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
        if let shares = problem.rowShares {
            var total = [loss]
            shares.sum(&total)
            loss = total[0]
        }
        var penalty = 0.0
        for c in 0..<m { for j in 0..<d { penalty += theta[c * width + j] * theta[c * width + j] } }
        return loss + lambda * penalty
    }

    func gradientAndDiagonal(_ theta: [Double]) -> (gradient: [Double], diagonal: [Double]) {
        var gradient = [Double](repeating: 0, count: p), diagonal = gradient
        transposedProduct(residuals, penalised: theta, into: &gradient)
        // diag: Σ_i w_i p_ic(1 − p_ic) x_ij², by the same walk with squared values.
        for i in 0..<n {
            let row = i * m, w = problem.sampleWeights?[i] ?? 1
            for c in 0..<m { directional[row + c] = w * probabilities[row + c] * (1 - probabilities[row + c]) }
        }
        transposedProduct(directional, penalised: theta, squared: true, into: &diagonal)
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
        // The intercept's column (all ones) last, then the columns summed over the shares.
        if problem.fitIntercept { sums.append(problem.sampleWeights?.reduce(0, +) ?? Double(n)) }
        problem.rowShares?.sum(&sums)
        return sums.max() ?? 0
    }

    /// Every weighted sample's own class more probable than ½ (the dense solver's test).
    func separates() -> Bool {
        let here = (0..<n).allSatisfy { i in
            let own = problem.classIndices[i], c = problem.lambda > 0 ? own : own - 1
            let pOwn = c >= 0 ? probabilities[i * m + c] : 1 - (0..<m).reduce(0) { $0 + probabilities[i * m + $1] }
            return (problem.sampleWeights?[i] ?? 1) == 0 || pOwn > 0.5
        }
        var notSeparated = [here ? 0.0 : 1.0]
        problem.rowShares?.maximum(&notSeparated)
        return notSeparated[0] == 0
    }
}

/// A CSR matrix's arrays as pointers (valid while ``SparseMultinomialProducts/withCSR(_:)`` runs).
struct CSRPointers: @unchecked Sendable {
    let offsets: UnsafePointer<Int64>
    let indices: UnsafePointer<Int32>
    let values: UnsafePointer<Double>
}
