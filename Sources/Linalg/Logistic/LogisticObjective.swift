#if canImport(Glibc)
import Glibc
#endif

extension LogisticProblem {
    /// `β₁² + … + β_d²` (the intercept is not penalised).
    func penaltyNorm(_ beta: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        for j in 0..<featureCount { sum += beta[j] * beta[j] }
        return sum
    }

    // MARK: z = Xβ + β₀ + o, L = Σ w_i [log(1 + e^{z_i}) − y_i z_i] + λβᵀβ
    //       ∇L = Xᵀ(w ∘ (p − y)) + 2λβ

    /// `L(β)`, with the logits `z = Xβ (+ β₀) + o` left in the workspace.
    func loss(at beta: UnsafeBufferPointer<Double>, workspace: LogisticWorkspace) -> Double {
        lossPass(beta, workspace: workspace, gradient: nil)
    }

    /// `L(β)`, and `∇L(β)` into `gradient` (the intercept entry `Σ w_i(p_i − y_i)` last), with the
    /// logits left in the workspace.
    func lossAndGradient(
        at beta: UnsafeBufferPointer<Double>, workspace: LogisticWorkspace,
        into gradient: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        lossPass(beta, workspace: workspace, gradient: gradient)
    }

    /// The one pass over `X` behind ``loss(at:workspace:)`` and
    /// ``lossAndGradient(at:workspace:into:)``: each block of rows gives its logits (`gemv`) and,
    /// while still in cache, its share `X_bᵀ r_b` of the gradient (when one is asked for),
    /// `r = w ∘ (σ(z) − y)`. The rows are split across the cores like the Hessian's.
    private func lossPass(
        _ beta: UnsafeBufferPointer<Double>, workspace: LogisticWorkspace,
        gradient: UnsafeMutableBufferPointer<Double>?
    ) -> Double {
        let n = sampleCount, d = featureCount
        let parts = workspace.parts, rowsPerBlock = workspace.evaluationRows
        // Per part: d gradient entries, then the intercept gradient and the loss.
        let partials = workspace.partials, stride = d + 2
        let intercept = fitIntercept ? beta[d] : 0
        x.withUnsafeBufferPointer { px in
            let xp = UncheckedSendable(px), coefficients = UncheckedSendable(beta)
            let sums = UncheckedSendable(partials), wantGradient = gradient != nil
            ParallelChunks.runWithSingleThreadedBLAS(count: n, parts: parts) { part, rows in
                let partial = sums.value + part * stride
                partial.update(repeating: 0, count: stride)
                var start = rows.lowerBound
                while start < rows.upperBound {
                    let block = start..<min(rows.upperBound, start + rowsPerBlock)
                    lossBlock(
                        block, x: xp.value, beta: coefficients.value, intercept: intercept, workspace: workspace,
                        into: partial, gradient: wantGradient)
                    start = block.upperBound
                }
            }
        }
        // The parts' sums into part 0's slot, then (for a split data set) over the row shares.
        for part in 1..<max(parts, 1) {
            let partial = partials + part * stride
            for k in 0..<stride { partials[k] += partial[k] }
        }
        sumOverShares(UnsafeMutableBufferPointer(start: partials, count: stride))
        let loss = lambda * penaltyNorm(beta) + partials[d + 1]
        if let gradient {
            for j in 0..<d { gradient[j] = 2 * lambda * beta[j] + partials[j] }
            if fitIntercept { gradient[d] = partials[d] }
        }
        return loss
    }

    /// One block of rows of the loss pass: `z_b = X_b β + β₀ + o_b` (`gemv`), then `e = e^{−|z|}`
    /// (vectorised) into `r`, the residuals `r_b` and the block's loss from it, and with `gradient`
    /// `X_bᵀ r_b` while the rows are in cache. Adds to `partial`: `d` gradient entries, `Σr`, the loss.
    private func lossBlock(
        _ block: Range<Int>, x: UnsafeBufferPointer<Double>, beta: UnsafeBufferPointer<Double>, intercept: Double,
        workspace: LogisticWorkspace, into partial: UnsafeMutablePointer<Double>, gradient: Bool
    ) {
        let d = featureCount, count = block.count
        let z = workspace.logits + block.lowerBound, r = workspace.residuals + block.lowerBound
        if d > 0 {
            Double.blasGemv(
                transpose: false, m: count, n: d, alpha: 1, a: BLASOperand(x.baseAddress! + block.lowerBound * d),
                lda: d, x: BLASOperand(beta.baseAddress!), incx: 1, beta: 0, y: BLASOperand(z), incy: 1)
        } else {
            z.update(repeating: 0, count: count)
        }
        Logistic.addIntercept(intercept, offsets: offsets, rows: block, to: workspace.logits)
        Logistic.expOfMinusAbs(z, count: count, into: r)
        let (loss, residualSum) = Logistic.lossAndResiduals(
            workspace.logits, expMinusAbs: workspace.residuals, labels: y, weights: sampleWeights, rows: block,
            into: workspace.residuals)
        partial[d] += residualSum
        partial[d + 1] += loss
        if gradient && d > 0 {
            Double.blasGemv(
                transpose: true, m: count, n: d, alpha: 1, a: BLASOperand(x.baseAddress! + block.lowerBound * d),
                lda: d, x: BLASOperand(r), incx: 1, beta: 1, y: BLASOperand(partial), incy: 1)
        }
    }

    // MARK: ∇²L = Xᵀ diag(w ∘ p ∘ (1 − p)) X + 2λI   (blocked BᵀB on √h-scaled rows)

    /// Writes the full symmetric `p × p` Hessian into `hessian` (row-major): the weighted Gram
    /// matrix ``weightedGram(_:workspace:into:)`` of the slope weights `h_i = w_i σ'(z_i)`, plus
    /// `2λ` on the diagonal of the coefficients.
    ///
    /// With ``HessianLogits/computed(from:)`` the logits `z = Xβ (+ β₀) + o` are formed block by
    /// block in the same pass (so `X` is read from memory once) and left in the workspace; with
    /// ``HessianLogits/inWorkspace`` the workspace already holds them (from the last evaluation).
    func hessian(
        logits source: HessianLogits, workspace: LogisticWorkspace, into hessian: UnsafeMutableBufferPointer<Double>
    ) {
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
    func weightedGram(
        _ weights: GramWeights, workspace: LogisticWorkspace, into gram: UnsafeMutableBufferPointer<Double>
    ) {
        let n = sampleCount, d = featureCount, p = parameterCount
        let h = workspace.slopeWeights, z = workspace.logits
        var beta: UnsafeBufferPointer<Double>? = nil
        switch weights {
        case .slopes(.computed(let b)): beta = b
        case .slopes(.inWorkspace): break
        case .squaredResiduals:
            for i in 0..<n { h[i] = workspace.residuals[i] * workspace.residuals[i] }
        case .sampleWeights:
            for i in 0..<n { h[i] = sampleWeights?[i] ?? 1 }
        }
        let evaluation: GramEvaluation = if case .slopes = weights { .slopes } else { .givenWeights }
        if d > 0 && n > 0 {
            runGramPass(beta: beta, evaluation, workspace: workspace, into: gram)
        } else {
            gram.update(repeating: 0)
            if let beta {
                z.update(repeating: 0, count: n)
                Logistic.addIntercept(fitIntercept ? beta[d] : 0, offsets: offsets, rows: 0..<n, to: z)
            }
            if fitIntercept {
                // G[d, d] = Σ_i g_i
                if evaluation == .slopes { Logistic.slopeWeights(z, sampleWeights, rows: 0..<n, into: h) }
                gram[d * p + d] = (0..<n).reduce(0) { $0 + h[$1] }
            }
        }
        // The lower triangle (the upper is zero until mirrored) over the row shares.
        sumOverShares(gram)
        if let base = gram.baseAddress { BLAS.mirrorLowerToUpper(base, n: p, ld: p) }
    }

    // MARK: L, ∇L and ∇²L in one pass over X

    /// `L(β)`, with `∇L(β)` into `gradient` and the full `∇²L(β)` into `hessian`, from one pass
    /// over `X`: each chunk of rows gives its logits, loss, residuals `r` and weights `h`, its
    /// share `X_cᵀ r` of the gradient and `Σ h_i x_i x_iᵀ` of the Hessian while it is in cache.
    /// The Newton solver evaluates a full step this way: when the step is accepted, the next
    /// iteration's Hessian (or the inference's, at the optimum) is already there. The logits and
    /// residuals are left in the workspace.
    func lossGradientAndHessian(
        at beta: UnsafeBufferPointer<Double>, workspace: LogisticWorkspace,
        gradient: UnsafeMutableBufferPointer<Double>, hessian: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        let n = sampleCount, d = featureCount, p = parameterCount
        guard d > 0 && n > 0 else {
            let loss = lossAndGradient(at: beta, workspace: workspace, into: gradient)
            self.hessian(logits: .inWorkspace, workspace: workspace, into: hessian)
            return loss
        }
        let pass = runGramPass(beta: beta, .lossGradientAndSlopes, workspace: workspace, into: hessian)
        var dataLoss = 0.0, interceptGradient = 0.0
        for j in 0..<d { gradient[j] = 0 }
        for piece in 0..<pass.pieces {
            let v = pass.vectors(piece)
            for j in 0..<d { gradient[j] += v[d + 1 + j] }
            interceptGradient += v[2 * d + 1]
            dataLoss += v[2 * d + 2]
        }
        if let rowShares {
            // One reduction per evaluation: the Hessian's lower triangle, Xᵀr, Σr and the loss.
            var packed = [Double](repeating: 0, count: p * (p + 1) / 2 + d + 2)
            var k = 0
            for i in 0..<p {
                for j in 0...i {
                    packed[k] = hessian[i * p + j]
                    k += 1
                }
            }
            for j in 0..<d { packed[k + j] = gradient[j] }
            packed[k + d] = interceptGradient
            packed[k + d + 1] = dataLoss
            rowShares.sum(&packed)
            k = 0
            for i in 0..<p {
                for j in 0...i {
                    hessian[i * p + j] = packed[k]
                    k += 1
                }
            }
            for j in 0..<d { gradient[j] = packed[k + j] }
            interceptGradient = packed[k + d]
            dataLoss = packed[k + d + 1]
        }
        let loss = lambda * penaltyNorm(beta) + dataLoss
        for j in 0..<d { gradient[j] += 2 * lambda * beta[j] }
        if fitIntercept { gradient[d] = interceptGradient }
        for j in 0..<d { hessian[j * p + j] += 2 * lambda }
        BLAS.mirrorLowerToUpper(hessian.baseAddress!, n: p, ld: p)  // p ≥ d > 0 here
        return loss
    }

    /// Runs ``WeightedGramPass`` on all cores (`d > 0`, `n > 0`) and writes the lower triangle of
    /// `X̃ᵀ diag(g) X̃` into `gram` (zeroed first), the intercept's row from the pieces' `Xᵀg`, `Σg`.
    @discardableResult
    private func runGramPass(
        beta: UnsafeBufferPointer<Double>?, _ evaluation: GramEvaluation, workspace: LogisticWorkspace,
        into gram: UnsafeMutableBufferPointer<Double>
    ) -> WeightedGramPass {
        let d = featureCount, p = parameterCount
        gram.update(repeating: 0)
        // d > 0 and n > 0: X and β are not empty.
        return x.withUnsafeBufferPointer { px in
            let pass = WeightedGramPass(
                problem: self, x: px.baseAddress!, beta: beta?.baseAddress, evaluation: evaluation,
                workspace: workspace)
            ParallelChunks.runWithSingleThreadedBLAS(count: workspace.parts, parts: workspace.parts) { worker, _ in
                pass.run(worker: worker)
            }
            pass.addPartials(into: gram.baseAddress!, leadingDimension: p)
            if fitIntercept {
                // G[d, j] = Σ_i g_i x_ij = (Xᵀg)_j and G[d, d] = Σ_i g_i, summed over the pieces in order.
                for piece in 0..<pass.pieces {
                    let v = pass.vectors(piece)
                    for j in 0...d { gram[d * p + j] += v[j] }
                }
            }
            return pass
        }
    }
}

/// Which weights `g_i` ``LogisticProblem/weightedGram(_:workspace:into:)`` sums `g_i x̃_i x̃_iᵀ` with.
enum GramWeights {
    /// `h_i = w_i σ'(z_i)`, from the logits found as given.
    case slopes(HessianLogits)
    /// `r_i²`, the residuals `r = w ∘ (σ(z) − y)` of the last loss-and-gradient pass squared.
    case squaredResiduals
    /// `w_i` (1 without weights): the weighted Gram matrix `X̃ᵀ W X̃` of the features alone.
    case sampleWeights
}

/// Where the Hessian pass finds the logits `z = Xβ (+ β₀) + o` its weights `h_i = w_i σ'(z_i)` need.
enum HessianLogits {
    /// The workspace holds them (the last loss-and-gradient pass was at the same `β`).
    case inWorkspace
    /// Formed from `β` in the Hessian's own pass over `X`.
    case computed(from: UnsafeBufferPointer<Double>)
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
                problem.loss(at: b, workspace: workspace)
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
                    _ = problem.lossAndGradient(at: b, workspace: workspace, into: out)
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
        var result = try Matrix<Double>(rows: p, columns: p)
        problem.workspaces.withWorkspace(for: problem) { workspace in
            beta.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { out in
                    // One pass over X: the logits are formed block by block with the Hessian.
                    problem.hessian(logits: .computed(from: b), workspace: workspace, into: out)
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
