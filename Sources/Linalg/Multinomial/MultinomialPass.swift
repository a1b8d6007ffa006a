#if canImport(Glibc)
import Glibc
#endif

/// What a ``MultinomialPass`` computes beside the loss `Σ_i w_i (log Σ_c e^{z_ic} − z_{i,y_i})`.
enum MultinomialEvaluation: Equatable {
    /// The loss alone (a line search's trial step).
    case loss
    /// The loss and `∇L = Rᵀ X̃`, `R = W (P − Y)` (`n × m`, the modelled classes).
    case lossAndGradient
    /// The loss, the gradient and the Hessian's blocks `X̃ᵀ diag(w ∘ p_k ∘ (δ_kl − p_l)) X̃`.
    case lossGradientAndHessian
    /// The loss, the gradient and the HC0 meat's blocks `X̃ᵀ diag(r_k ∘ r_l) X̃`.
    case lossGradientAndMeat

    var wantsGradient: Bool { self != .loss }
    var wantsMatrix: Bool { self == .lossGradientAndHessian || self == .lossGradientAndMeat }
}

/// One pass over `X` of the multinomial objective at `Θ` (`m × d̃`): the rows are split across the
/// cores, and each core works through its rows in cache-sized chunks: the chunk's rows `X̃_c` (with
/// a trailing 1 for the intercept), its logits `Z_c = X̃_c Θᵀ` (one GEMM), the stable softmax,
/// loss and residuals per row, then `R_cᵀ X̃_c` into its gradient and, for the matrix, one GEMM
/// `X̃_cᵀ diag(c) X̃_c` per pair of modelled classes `k ≤ l` (`m(m+1)/2` blocks from one pass over
/// `X`, not `m²` passes) into its `p × p` sum. The cores' sums are added in core order.
final class MultinomialPass: @unchecked Sendable {
    let problem: MultinomialProblem
    let evaluation: MultinomialEvaluation
    let m: Int, width: Int, p: Int, parts: Int, chunkRows: Int
    /// Per core: the chunk's `X̃_c`, a scaled copy, `Z_c` (then `P_c`), `R_c`.
    let rows: UnsafeMutablePointer<Double>, scaled: UnsafeMutablePointer<Double>
    let logits: UnsafeMutablePointer<Double>, residuals: UnsafeMutablePointer<Double>
    /// When given (`n × m`): every row's probabilities of the modelled classes, kept for the
    /// Hessian-vector products of Newton-CG.
    var probabilitiesOut: UnsafeMutablePointer<Double>? = nil
    /// Per core: its gradient (`p`), matrix (`p²`, when asked for), loss and the smallest
    /// probability of a sample's own class (the separation test).
    let gradients: UnsafeMutablePointer<Double>, matrices: UnsafeMutablePointer<Double>
    let losses: UnsafeMutablePointer<Double>, smallestOwnProbability: UnsafeMutablePointer<Double>
    /// `Θ`'s columns of the operand (`X̃_c` or `X_c`), packed for the scores kernel.
    let packed: UnsafeMutablePointer<Double>

    init(_ problem: MultinomialProblem, _ evaluation: MultinomialEvaluation) {
        self.problem = problem
        self.evaluation = evaluation
        m = problem.modelledClassCount
        width = problem.classWidth
        p = problem.parameterCount
        let n = problem.sampleCount
        // With the matrix: rows of about 256 KiB (X̃_c and its scaled copy stay in L2 while the
        // m(m+1)/2 products run); else 512 rows read in place.
        chunkRows = max(
            evaluation.wantsMatrix ? 64 : 16, min(evaluation.wantsMatrix ? 1024 : 512, 32768 / max(1, width)))
        let cost = evaluation.wantsMatrix ? m * (m + 1) / 2 * width : m
        parts = ParallelChunks.blasPassParts(
            count: n, minimumPerChunk: max(chunkRows, (1 << 20) / max(1, cost * width)))
        rows = .allocate(capacity: parts * chunkRows * width)
        scaled = .allocate(capacity: parts * chunkRows * width)
        logits = .allocate(capacity: parts * chunkRows * max(1, m))
        residuals = .allocate(capacity: parts * chunkRows * max(1, m))
        gradients = .allocate(capacity: parts * max(1, p))
        matrices = .allocate(capacity: evaluation.wantsMatrix ? parts * p * p : 1)
        losses = .allocate(capacity: parts)
        smallestOwnProbability = .allocate(capacity: parts)
        packed = .allocate(capacity: width * ClassProductKernels.panelWidth(classes: m))
    }

    deinit {
        rows.deallocate()
        scaled.deallocate()
        logits.deallocate()
        residuals.deallocate()
        gradients.deallocate()
        matrices.deallocate()
        losses.deallocate()
        smallestOwnProbability.deallocate()
        packed.deallocate()
    }

    /// Runs the pass at `theta` (`p` entries) on all cores.
    func run(at theta: UnsafePointer<Double>) {
        let n = problem.sampleCount
        let operandColumns = evaluation.wantsMatrix ? width : problem.featureCount
        ClassProductKernels.pack(classes: m, features: operandColumns, theta, ldv: width, into: packed)
        let results = UncheckedSendable((self, theta))
        ParallelChunks.runWithSingleThreadedBLAS(count: n, parts: parts) { part, range in
            let (pass, theta) = results.value
            pass.runPart(part, range, theta)
        }
    }

    /// One core's rows, chunk by chunk, into its own sums. For the matrix the chunk is copied with
    /// its column of ones (`X̃_c`, for the blocks' products); otherwise `X` is read in place and the
    /// intercepts are added to the logits and summed from the residuals separately.
    func runPart(_ part: Int, _ range: Range<Int>, _ theta: UnsafePointer<Double>) {
        let gradient = gradients + part * p, d = problem.featureCount
        gradient.update(repeating: 0, count: p)
        if evaluation.wantsMatrix { (matrices + part * p * p).update(repeating: 0, count: p * p) }
        var loss = 0.0, smallest = 1.0
        var start = range.lowerBound
        problem.x.withUnsafeBufferPointer { x in
            while start < range.upperBound {
                let chunk = start..<min(range.upperBound, start + chunkRows)
                let z = logits + part * chunkRows * m, r = residuals + part * chunkRows * m
                let (a, lda, k) = operand(chunk, part: part, x: x)
                // Z_c = X_c Bᵀ (+ b): r × m.
                if k > 0 {
                    ClassProductKernels.scores(
                        rows: chunk.count, features: k, classes: m, x: a, ldx: lda, packed: packed, z: z, ldz: m)
                } else {
                    z.update(repeating: 0, count: chunk.count * m)
                }
                if k < width { addIntercepts(theta, to: z, rows: chunk.count) }
                problem.addOffsets(rows: chunk, to: z)
                let terms = softmaxTerms(chunk, logits: z, residuals: r)
                loss += terms.loss
                smallest = min(smallest, terms.smallestOwnProbability)
                if let out = probabilitiesOut { (out + chunk.lowerBound * m).update(from: z, count: chunk.count * m) }
                if evaluation.wantsGradient && chunk.count > 0 {
                    // ∇L += R_cᵀ X̃_c: m × d̃, laid out as Θ.
                    if k > 0 {
                        ClassProductKernels.sums(
                            rows: chunk.count, features: k, classes: m, u: r, ldu: m, x: a, ldx: lda, s: gradient,
                            lds: width)
                    }
                    if k < width {
                        for i in 0..<chunk.count { for c in 0..<m { gradient[c * width + d] += r[i * m + c] } }
                    }
                }
                if evaluation.wantsMatrix { addBlocks(chunk, part: part, probabilities: z, residuals: r) }
                start = chunk.upperBound
            }
        }
        losses[part] = loss
        smallestOwnProbability[part] = smallest
    }

    /// The chunk's rows as a GEMM operand: `X̃_c` copied (width `d̃`) for the matrix, else `X`'s rows
    /// in place (width `d`, the intercepts handled apart); `(pointer, leading dimension, columns)`.
    func operand(_ chunk: Range<Int>, part: Int, x: UnsafeBufferPointer<Double>) -> (UnsafePointer<Double>, Int, Int) {
        let d = problem.featureCount
        if evaluation.wantsMatrix {
            let xc = rows + part * chunkRows * width
            load(chunk, into: xc)
            return (UnsafePointer(xc), width, width)
        }
        guard let base = x.baseAddress else { return (UnsafePointer(rows), max(1, d), 0) }
        return (base + chunk.lowerBound * d, max(1, d), d)
    }

    /// `z_ic += β_c0` for the chunk's `rows` rows.
    func addIntercepts(_ theta: UnsafePointer<Double>, to z: UnsafeMutablePointer<Double>, rows: Int) {
        let d = problem.featureCount
        for i in 0..<rows { for c in 0..<m { z[i * m + c] += theta[c * width + d] } }
    }

    /// `X̃_c`: the chunk's rows of `X`, each followed by a 1 when an intercept is fitted.
    func load(_ chunk: Range<Int>, into xc: UnsafeMutablePointer<Double>) {
        let d = problem.featureCount
        problem.x.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress else {
                for i in 0..<chunk.count { xc[i * width] = 1 }  // d = 0: the intercept's column only
                return
            }
            for (i, row) in chunk.enumerated() {
                (xc + i * width).update(from: base + row * d, count: d)
                if width > d { xc[i * width + d] = 1 }
            }
        }
    }

    /// Per row of the chunk: `log Σ_c e^{z_c}` (shifted by the largest logit; the reference
    /// class's logit is 0 with `K − 1` modelled classes), the loss term, the probabilities of the
    /// modelled classes (over `Z_c`) and the residuals `r_ik = w_i (p_ik − [y_i = c(k)])`. The
    /// exponentials of the whole chunk run in one vectorised call.
    func softmaxTerms(
        _ chunk: Range<Int>, logits z: UnsafeMutablePointer<Double>, residuals r: UnsafeMutablePointer<Double>
    ) -> (loss: Double, smallestOwnProbability: Double) {
        let withReference = m < problem.classCount, count = chunk.count
        // r ← z − max_c z_c per row (the reference's 0 included), then e^r in place.
        for i in 0..<count {
            let zi = z + i * m, ri = r + i * m
            var largest = withReference ? 0.0 : -Double.infinity
            for k in 0..<m { largest = max(largest, zi[k]) }
            for k in 0..<m { ri[k] = zi[k] - largest }
        }
        VectorMath.expInPlace(r, count: count * m)
        var loss = 0.0, smallest = 1.0
        for (i, row) in chunk.enumerated() {
            let zi = z + i * m, ri = r + i * m
            let w = problem.weight(row), label = problem.classIndices[row]
            var largest = withReference ? 0.0 : -Double.infinity
            for k in 0..<m { largest = max(largest, zi[k]) }
            var sum = withReference ? exp(-largest) : 0
            for k in 0..<m { sum += ri[k] }
            let logSum = largest + log(sum)
            let own = withReference ? (label == 0 ? 0 : label - 1) : label
            let ownLogit = withReference && label == 0 ? 0 : zi[own]
            loss += w * (logSum - ownLogit)
            if w > 0 { smallest = min(smallest, exp(ownLogit - logSum)) }
            for k in 0..<m {
                let probability = ri[k] / sum
                zi[k] = probability
                ri[k] = w * (probability - (problem.modelledClass(k) == label ? 1 : 0))
            }
        }
        return (loss, smallest)
    }

    /// The chunk's `X̃_cᵀ diag(c) X̃_c` into block `(k, l)`, `k ≤ l`, of the core's matrix, with
    /// `c_i = w_i p_ik (δ_kl − p_il)` (Hessian) or `r_ik r_il` (meat).
    func addBlocks(
        _ chunk: Range<Int>, part: Int, probabilities pc: UnsafePointer<Double>, residuals rc: UnsafePointer<Double>
    ) {
        let xc = rows + part * chunkRows * width, s = scaled + part * chunkRows * width
        let matrix = matrices + part * p * p
        let hessian = evaluation == .lossGradientAndHessian
        for k in 0..<m {
            for l in k..<m {
                for (i, row) in chunk.enumerated() {
                    let c =
                        hessian
                        ? problem.weight(row) * pc[i * m + k] * ((k == l ? 1 : 0) - pc[i * m + l])
                        : rc[i * m + k] * rc[i * m + l]
                    let source = xc + i * width, target = s + i * width
                    for j in 0..<width { target[j] = c * source[j] }
                }
                GemmKernel.run(
                    transposeA: true, transposeB: false, m: width, n: width, k: chunk.count, alpha: 1, a: xc,
                    lda: width, b: s, ldb: width, beta: 1, c: matrix + k * width * p + l * width, ldc: p)
            }
        }
    }
}
