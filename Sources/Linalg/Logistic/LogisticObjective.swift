import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Hands out piece numbers 0, 1, 2, … to the workers of a parallel pass, each number once.
final class PieceCounter: Sendable {
    private let counter = Atomic<Int>(0)
    func next() -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// The numerically stable pieces of the logistic loss, all through `e^{−|z|} ∈ (0, 1]`:
/// `log(1 + eᶻ) = max(z, 0) + log1p(e^{−|z|})`, `σ(z) = 1/(1 + e^{−|z|})` for `z ≥ 0` and
/// `e^{−|z|}/(1 + e^{−|z|})` otherwise, `σ'(z) = e^{−|z|}/(1 + e^{−|z|})²`: finite for every finite `z`.
enum Logistic {
    /// `h_i = w_i σ(z_i)(1 − σ(z_i)) = w_i e^{−|z_i|} / (1 + e^{−|z_i|})²` for `i` in `rows`
    /// (accurate in both tails; the exponentials vectorised).
    static func slopeWeights(
        _ z: UnsafePointer<Double>, _ weights: [Double]?, rows: Range<Int>,
        into h: UnsafeMutablePointer<Double>
    ) {
        expOfMinusAbs(z + rows.lowerBound, count: rows.count, into: h + rows.lowerBound)
        for i in rows { h[i] = (weights?[i] ?? 1) * h[i] / ((1 + h[i]) * (1 + h[i])) }
    }

    /// `z_i ← z_i + β₀ + o_i` for `i` in `rows` (nothing to do without either).
    static func addIntercept(
        _ intercept: Double, offsets: [Double]?, rows: Range<Int>, to z: UnsafeMutablePointer<Double>
    ) {
        if let offsets {
            for i in rows { z[i] += intercept + offsets[i] }
        } else if intercept != 0 {
            for i in rows { z[i] += intercept }
        }
    }

    /// `e_i = e^{−|z_i|} ∈ (0, 1]` for `count` entries (vectorised).
    static func expOfMinusAbs(_ z: UnsafePointer<Double>, count: Int, into e: UnsafeMutablePointer<Double>) {
        for i in 0..<count { e[i] = -abs(z[i]) }
        VectorMath.expInPlace(e, count: count)
    }
}

extension LogisticProblem {
    /// `β₁² + … + β_d²` (the intercept is not penalised).
    func penaltyNorm(_ beta: UnsafePointer<Double>) -> Double {
        var sum = 0.0
        for j in 0..<featureCount { sum += beta[j] * beta[j] }
        return sum
    }

    // MARK: z = Xβ + β₀ + o, L = Σ w_i [log(1 + e^{z_i}) − y_i z_i] + λβᵀβ
    //       ∇L = Xᵀ(w ∘ (p − y)) + 2λβ

    /// `L(β)`, with the logits `z = Xβ (+ β₀) + o` left in the workspace.
    func loss(at beta: UnsafePointer<Double>, workspace: LogisticWorkspace) -> Double {
        lossPass(beta, workspace: workspace, gradient: nil)
    }

    /// `L(β)`, and `∇L(β)` into `gradient` (the intercept entry `Σ w_i(p_i − y_i)` last), with the
    /// logits left in the workspace.
    func lossAndGradient(
        at beta: UnsafePointer<Double>, workspace: LogisticWorkspace, into gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        lossPass(beta, workspace: workspace, gradient: gradient)
    }

    /// The one pass over `X` behind ``loss(at:workspace:)`` and
    /// ``lossAndGradient(at:workspace:into:)``: each block of rows gives its logits (`gemv`) and,
    /// while still in cache, its share `X_bᵀ r_b` of the gradient (when one is asked for),
    /// `r = w ∘ (σ(z) − y)`. The rows are split across the cores like the Hessian's.
    private func lossPass(
        _ beta: UnsafePointer<Double>, workspace: LogisticWorkspace,
        gradient: UnsafeMutablePointer<Double>?
    ) -> Double {
        let n = sampleCount, d = featureCount
        let parts = workspace.parts, rowsPerBlock = workspace.evaluationRows
        // Per part: d gradient entries, then the intercept gradient and the loss.
        let partials = workspace.partials, stride = d + 2
        let intercept = fitIntercept ? beta[d] : 0
        x.withUnsafeBufferPointer { px in
            let xp = UncheckedSendable(
                UnsafeMutablePointer(mutating: px.baseAddress ?? UnsafePointer(workspace.logits)))
            let coefficients = UncheckedSendable(UnsafeMutablePointer(mutating: beta))
            let logits = UncheckedSendable(workspace.logits), residuals = UncheckedSendable(workspace.residuals)
            let sums = UncheckedSendable(partials)
            let labels = y, sampleWeights = self.sampleWeights, offsets = self.offsets, wantGradient = gradient != nil
            ParallelChunks.run(count: n, parts: parts) { part, rows in
                let partial = sums.value + part * stride
                partial.update(repeating: 0, count: stride)
                var start = rows.lowerBound
                while start < rows.upperBound {
                    let count = min(rowsPerBlock, rows.upperBound - start)
                    let z = logits.value + start, r = residuals.value + start
                    if d > 0 {
                        Double.blasGemv(
                            transpose: false, m: count, n: d, alpha: 1, a: BLASOperand(xp.value + start * d), lda: d,
                            x: BLASOperand(coefficients.value), incx: 1, beta: 0, y: BLASOperand(z), incy: 1)
                    } else {
                        z.update(repeating: 0, count: count)
                    }
                    // e_i = e^{−|z_i|} for the whole block (vectorised), then per sample
                    // log(1 + e^{z}) = max(z, 0) + log1p(e) and σ(z) = 1/(1 + e) or e/(1 + e).
                    Logistic.addIntercept(intercept, offsets: offsets, rows: start..<(start + count), to: logits.value)
                    Logistic.expOfMinusAbs(z, count: count, into: r)
                    var loss = 0.0, interceptGradient = 0.0
                    for i in 0..<count {
                        let w = sampleWeights?[start + i] ?? 1, label = labels[start + i]
                        let e = r[i], zi = z[i]
                        loss += w * (max(zi, 0) + log1p(e) - label * zi)
                        let sigma = zi >= 0 ? 1 / (1 + e) : e / (1 + e)
                        r[i] = w * (sigma - label)
                        interceptGradient += r[i]
                    }
                    partial[d] += interceptGradient
                    partial[d + 1] += loss
                    if wantGradient && d > 0 {
                        Double.blasGemv(
                            transpose: true, m: count, n: d, alpha: 1, a: BLASOperand(xp.value + start * d), lda: d,
                            x: BLASOperand(r), incx: 1, beta: 1, y: BLASOperand(partial), incy: 1)
                    }
                    start += count
                }
            }
        }
        var loss = lambda * penaltyNorm(beta)
        for part in 0..<parts { loss += partials[part * stride + d + 1] }
        if let gradient {
            for j in 0..<d { gradient[j] = 2 * lambda * beta[j] }
            var interceptGradient = 0.0
            for part in 0..<parts {
                let partial = partials + part * stride
                for j in 0..<d { gradient[j] += partial[j] }
                interceptGradient += partial[d]
            }
            if fitIntercept { gradient[d] = interceptGradient }
        }
        return loss
    }

    // MARK: ∇²L = Xᵀ diag(w ∘ p ∘ (1 − p)) X + 2λI   (blocked BᵀB on √h-scaled rows)

    /// Writes the full symmetric `p × p` Hessian into `hessian` (row-major): the weighted Gram
    /// matrix ``weightedGram(_:workspace:into:)`` of the slope weights `h_i = w_i σ'(z_i)`, plus
    /// `2λ` on the diagonal of the coefficients.
    ///
    /// With ``HessianLogits/computed(from:)`` the logits `z = Xβ (+ β₀) + o` are formed block by
    /// block in the same pass (so `X` is read from memory once) and left in the workspace; with
    /// ``HessianLogits/inWorkspace`` the workspace already holds them (from the last evaluation).
    func hessian(logits source: HessianLogits, workspace: LogisticWorkspace, into hessian: UnsafeMutablePointer<Double>)
    {
        weightedGram(.slopes(source), workspace: workspace, into: hessian)
        let p = parameterCount
        for j in 0..<featureCount { hessian[j * p + j] += 2 * lambda }
    }

    /// Writes `X̃ᵀ diag(g) X̃` into `gram` (`p × p`, full, row-major), where `x̃_i` is `x_i` with a
    /// trailing 1 when an intercept is fitted. The `Xᵀ diag(g) X` part is accumulated block by
    /// block: rows `√g_i x_i` are copied into a cache-sized block and `G ← G + BᵀB` by the
    /// register-tiled kernel (BLAS `syrk` without AVX2), so no `n × d` copy of `X` is made. The
    /// rows are cut into pieces, each with its own partial sum, which the cores take one after
    /// another (each core with its own block); the partials are added in piece order at the end,
    /// so the result is the same whichever core took which piece.
    ///
    /// `g` is `h = w ∘ σ'(z)` (``GramWeights/slopes(_:)``: the Hessian's data part) or `r ∘ r`
    /// with the residuals `r = w ∘ (σ(z) − y)` of the last loss-and-gradient pass
    /// (``GramWeights/squaredResiduals``: the "meat" `Σ w_i²(p_i − y_i)² x̃_i x̃_iᵀ` of the HC0
    /// sandwich covariance).
    func weightedGram(_ weights: GramWeights, workspace: LogisticWorkspace, into gram: UnsafeMutablePointer<Double>) {
        let n = sampleCount, d = featureCount, p = parameterCount
        let h = workspace.slopeWeights, z = workspace.logits
        var beta: UnsafePointer<Double>? = nil
        switch weights {
        case .slopes(.computed(let b)): beta = b
        case .slopes(.inWorkspace): break
        case .squaredResiduals:
            for i in 0..<n { h[i] = workspace.residuals[i] * workspace.residuals[i] }
        }
        let weightsGiven = if case .squaredResiduals = weights { true } else { false }
        gram.update(repeating: 0, count: p * p)
        if let beta, d == 0 || n == 0 {
            z.update(repeating: 0, count: n)
            Logistic.addIntercept(fitIntercept ? beta[d] : 0, offsets: offsets, rows: 0..<n, to: z)
        }
        if d > 0 && n > 0 {
            x.withUnsafeBufferPointer { px in
                let pass = WeightedGramPass(
                    problem: self, x: px.baseAddress!, beta: beta, weightsGiven: weightsGiven, workspace: workspace)
                ParallelChunks.run(count: workspace.parts, parts: workspace.parts) { worker, _ in
                    pass.run(worker: worker)
                }
                pass.addPartials(into: gram, leadingDimension: p)
                if fitIntercept {
                    // G[d, j] = Σ_i g_i x_ij = (Xᵀg)_j
                    Double.blasGemv(
                        transpose: true, m: n, n: d, alpha: 1, a: BLASOperand(px.baseAddress!), lda: d,
                        x: BLASOperand(h), incx: 1,
                        beta: 0, y: BLASOperand(gram + d * p), incy: 1)
                }
            }
        }
        if fitIntercept {
            // G[d, d] = Σ_i g_i
            var total = 0.0
            if d == 0 && !weightsGiven { Logistic.slopeWeights(z, sampleWeights, rows: 0..<n, into: h) }
            for i in 0..<n { total += h[i] }
            gram[d * p + d] = total
        }
        BLAS.mirrorLowerToUpper(gram, n: p, ld: p)
    }
}

/// Which weights `g_i` ``LogisticProblem/weightedGram(_:workspace:into:)`` sums `g_i x̃_i x̃_iᵀ` with.
enum GramWeights {
    /// `h_i = w_i σ'(z_i)`, from the logits found as given.
    case slopes(HessianLogits)
    /// `r_i²`, the residuals `r = w ∘ (σ(z) − y)` of the last loss-and-gradient pass squared.
    case squaredResiduals
}

/// The blocked `Σ_i h_i x_i x_iᵀ` of the Hessian (lower triangle), on all cores.
///
/// The rows are cut into ``LogisticWorkspace/pieces`` contiguous pieces, each with its own
/// `paddedWidth²` partial sum; the cores take the next piece as they finish one (a core slowed by
/// a neighbour takes fewer), and ``addPartials(into:leadingDimension:)`` adds the partials in piece
/// order, so the result does not depend on which core took which piece. Each core works through
/// its piece in cache-sized chunks of rows: the chunk's logits (when `β` is given), its weights
/// `h_i = w_i σ'(z_i)`, then blocks of rows `√h_i x_i` multiplied into the partial sum.
struct WeightedGramPass: @unchecked Sendable {
    let x: UnsafePointer<Double>
    let beta: UnsafePointer<Double>?
    let intercept: Double
    let sampleWeights: [Double]?, offsets: [Double]?
    let n: Int, d: Int
    let logits: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>
    let blocks: UnsafeMutablePointer<Double>, partials: UnsafeMutablePointer<Double>
    let rowsPerBlock: Int, chunkRows: Int, paddedWidth: Int, pieces: Int, tiled: Bool
    /// Whether the weights are in place already (else `h_i = w_i σ'(z_i)` is computed per chunk).
    let weightsGiven: Bool
    let claims = PieceCounter()

    init(
        problem: LogisticProblem, x: UnsafePointer<Double>, beta: UnsafePointer<Double>?, weightsGiven: Bool,
        workspace: LogisticWorkspace
    ) {
        self.x = x
        self.beta = beta
        self.weightsGiven = weightsGiven
        n = problem.sampleCount
        d = problem.featureCount
        intercept = problem.fitIntercept ? beta?[d] ?? 0 : 0
        sampleWeights = problem.sampleWeights
        offsets = problem.offsets
        logits = workspace.logits
        weights = workspace.slopeWeights
        blocks = workspace.blocks
        partials = workspace.partials
        rowsPerBlock = workspace.blockRows
        chunkRows = workspace.evaluationRows
        paddedWidth = workspace.paddedWidth
        pieces = workspace.pieces
        tiled = workspace.usesTiledKernel
    }

    /// The rows of piece `piece`.
    func rows(of piece: Int) -> Range<Int> { (piece * n / pieces)..<((piece + 1) * n / pieces) }

    /// The partial sum of piece `piece`.
    func partial(_ piece: Int) -> UnsafeMutablePointer<Double> { partials + piece * paddedWidth * paddedWidth }

    /// One core's share: pieces claimed one after another until none is left. The next piece is
    /// claimed with the last chunk of the current one, so that its first rows can be prefetched.
    func run(worker: Int) {
        let block = blocks + worker * rowsPerBlock * paddedWidth
        var piece = claims.next()
        guard piece < pieces else { return }
        var upcoming = pieces
        var start = rows(of: piece).lowerBound
        partial(piece).update(repeating: 0, count: paddedWidth * paddedWidth)
        while true {
            let end = rows(of: piece).upperBound
            let chunk = start..<min(end, start + chunkRows)
            prepare(chunk)
            var following = chunk.upperBound..<end
            if following.isEmpty {
                upcoming = claims.next()
                if upcoming < pieces { following = rows(of: upcoming) }
            }
            multiply(chunk, into: partial(piece), block: block, prefetching: following.prefix(chunkRows))
            start = chunk.upperBound
            if start == end {
                guard upcoming < pieces else { return }
                piece = upcoming
                upcoming = pieces
                start = rows(of: piece).lowerBound
                partial(piece).update(repeating: 0, count: paddedWidth * paddedWidth)
            }
        }
    }

    /// The chunk's logits `z = Xβ + β₀ + o` (when `β` is given) and weights `h_i = w_i σ'(z_i)`.
    func prepare(_ chunk: Range<Int>) {
        if let beta {
            Double.blasGemv(
                transpose: false, m: chunk.count, n: d, alpha: 1, a: BLASOperand(x + chunk.lowerBound * d), lda: d,
                x: BLASOperand(beta), incx: 1, beta: 0, y: BLASOperand(logits + chunk.lowerBound), incy: 1)
            Logistic.addIntercept(intercept, offsets: offsets, rows: chunk, to: logits)
        }
        if !weightsGiven { Logistic.slopeWeights(logits, sampleWeights, rows: chunk, into: weights) }
    }

    /// `partial ← partial + BᵀB` for the blocks of rows `B = diag(√h) X_chunk` (lower triangle),
    /// while the rows `next` are fetched into L2, a share per block, so that the next chunk's
    /// `gemv` finds them there.
    func multiply(
        _ chunk: Range<Int>, into partial: UnsafeMutablePointer<Double>,
        block: UnsafeMutablePointer<Double>, prefetching next: Range<Int>
    ) {
        let nextBytes = next.count * d * MemoryLayout<Double>.stride
        let blockCount = (chunk.count + rowsPerBlock - 1) / rowsPerBlock
        let bytesPerBlock = (nextBytes + blockCount - 1) / blockCount
        var blockStart = chunk.lowerBound, prefetchOffset = 0
        while blockStart < chunk.upperBound {
            let count = min(rowsPerBlock, chunk.upperBound - blockStart)
            ScalingKernels.scaleRowsBySqrt(
                into: block, stride: paddedWidth, from: x + blockStart * d,
                weights: weights + blockStart, rows: count, columns: d)
            let prefetchBytes = min(bytesPerBlock, nextBytes - prefetchOffset)
            let prefetch = UnsafeRawPointer(x + next.lowerBound * d) + prefetchOffset
            prefetchOffset += prefetchBytes
            if !tiled
                || !ScalingKernels.syrkLowerPadded(
                    rows: count, paddedWidth: paddedWidth, usedRows: d, a: block, c: partial,
                    prefetch: prefetch, prefetchBytes: prefetchBytes)
            {
                Double.blasSyrkLower(
                    transpose: true, n: paddedWidth, k: count, alpha: 1, a: BLASOperand(block), lda: paddedWidth,
                    beta: 1, c: BLASOperand(partial), ldc: paddedWidth)
            }
            blockStart += count
        }
    }

    /// `H[i, j] += Σ_pieces partial[i, j]` for `j ≤ i < d`, in piece order.
    func addPartials(into hessian: UnsafeMutablePointer<Double>, leadingDimension p: Int) {
        for piece in 0..<pieces {
            let partial = self.partial(piece)
            for i in 0..<d {
                for j in 0...i { hessian[i * p + j] += partial[i * paddedWidth + j] }
            }
        }
    }
}

/// Where the Hessian pass finds the logits `z = Xβ (+ β₀) + o` its weights `h_i = w_i σ'(z_i)` need.
enum HessianLogits {
    /// The workspace holds them (the last loss-and-gradient pass was at the same `β`).
    case inWorkspace
    /// Formed from `β` in the Hessian's own pass over `X`.
    case computed(from: UnsafePointer<Double>)
}

/// The exercise's objective and its derivatives as plain functions (part 2 of the exercise):
///
/// - `L(β) = −Σ_i w_i [y_i log σ(x_iᵀβ) + (1 − y_i) log(1 − σ(x_iᵀβ))] + λβᵀβ`
/// - `∇L(β) = Xᵀ(w ∘ (p − y)) + 2λβ`, with `p = σ(Xβ)`
/// - `∇²L(β) = Xᵀ diag(w ∘ p ∘ (1 − p)) X + 2λI`
///
/// With an intercept, `z = Xβ + β₀`, `∂L/∂β₀ = Σ w_i(p_i − y_i)`, and the intercept's row and
/// column of the Hessian are `Xᵀ(w ∘ p ∘ (1 − p))` and `Σ w_i p_i(1 − p_i)`, without the `2λ`.
public enum LogisticRegression {
    /// `L(β)`; finite for every finite `β`, however large the logits.
    public static func loss(_ beta: [Double], problem: LogisticProblem) throws(LinalgError) -> Double {
        try problem.validate(parameters: beta)
        return problem.workspaces.withWorkspace(for: problem) { workspace in
            beta.withUnsafeBufferPointer { b in
                problem.loss(at: b.baseAddress ?? UnsafePointer(workspace.logits), workspace: workspace)
            }
        }
    }

    /// `∇L(β) = Xᵀ(w ∘ (σ(Xβ) − y)) + 2λβ` (intercept entry last, unpenalised).
    public static func gradient(_ beta: [Double], problem: LogisticProblem) throws(LinalgError) -> [Double] {
        try problem.validate(parameters: beta)
        var g = [Double](repeating: 0, count: problem.parameterCount)
        problem.workspaces.withWorkspace(for: problem) { workspace in
            beta.withUnsafeBufferPointer { b in
                g.withUnsafeMutableBufferPointer { out in
                    _ = problem.lossAndGradient(
                        at: b.baseAddress ?? UnsafePointer(workspace.logits), workspace: workspace,
                        into: out.baseAddress ?? workspace.residuals)
                }
            }
        }
        return g
    }

    /// `∇²L(β) = Xᵀ diag(w ∘ p ∘ (1 − p)) X + 2λI`, built block by block in one pass over `X`
    /// (register-tiled `BᵀB` kernel, or BLAS `syrk` without AVX2).
    public static func hessian(_ beta: [Double], problem: LogisticProblem) throws(LinalgError) -> Matrix<Double> {
        try problem.validate(parameters: beta)
        try problem.checkHessianFitsInMemory()
        let p = problem.parameterCount
        var result = Matrix<Double>(rows: p, columns: p)
        problem.workspaces.withWorkspace(for: problem) { workspace in
            beta.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { out in
                    if let base = out.baseAddress {
                        // One pass over X: the logits are formed block by block with the Hessian.
                        problem.hessian(
                            logits: .computed(from: b.baseAddress ?? UnsafePointer(workspace.logits)),
                            workspace: workspace, into: base)
                    }
                }
            }
        }
        return result
    }

    /// ``loss(_:problem:)`` for data given directly (see ``LogisticProblem`` for the checks).
    public static func loss(
        _ beta: [Double], x: Matrix<Double>, y: [Double], lambda: Double,
        sampleWeights: [Double]? = nil
    ) throws(LinalgError) -> Double {
        try loss(beta, problem: LogisticProblem(x: x, y: y, lambda: lambda, sampleWeights: sampleWeights))
    }

    /// ``gradient(_:problem:)`` for data given directly.
    public static func gradient(
        _ beta: [Double], x: Matrix<Double>, y: [Double], lambda: Double,
        sampleWeights: [Double]? = nil
    ) throws(LinalgError) -> [Double] {
        try gradient(beta, problem: LogisticProblem(x: x, y: y, lambda: lambda, sampleWeights: sampleWeights))
    }

    /// ``hessian(_:problem:)`` for data given directly.
    public static func hessian(
        _ beta: [Double], x: Matrix<Double>, y: [Double], lambda: Double,
        sampleWeights: [Double]? = nil
    ) throws(LinalgError) -> Matrix<Double> {
        try hessian(beta, problem: LogisticProblem(x: x, y: y, lambda: lambda, sampleWeights: sampleWeights))
    }
}
