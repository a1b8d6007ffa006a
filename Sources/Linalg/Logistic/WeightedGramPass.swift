import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The blocked `Σ_i g_i x_i x_iᵀ` of the Hessian (lower triangle), on all cores, with the
/// vectors of the same pass: `Xᵀg` and `Σg` (the intercept's row) and, for a loss-and-gradient
/// evaluation, `Xᵀr`, `Σr` and the loss.
///
/// The rows are cut into ``LogisticWorkspace/pieces`` contiguous pieces, each with its own
/// `paddedWidth²` partial sum; the cores take the next piece as they finish one (a core slowed by
/// a neighbour takes fewer), and ``addPartials(into:leadingDimension:)`` adds the partials in piece
/// order, so the result does not depend on which core took which piece. Each core works through
/// its piece in cache-sized chunks of rows: the chunk's logits (when `β` is given), its weights
/// `h_i = w_i σ'(z_i)` (and loss and residuals), the chunk's vector products while it is in cache,
/// then blocks of rows `√h_i x_i` multiplied into the partial sum.
struct WeightedGramPass: @unchecked Sendable {
    let x: UnsafePointer<Double>
    let beta: UnsafePointer<Double>?
    let intercept: Double
    let sampleWeights: [Double]?, offsets: [Double]?
    let n: Int, d: Int
    let logits: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>
    let blocks: UnsafeMutablePointer<Double>, partials: UnsafeMutablePointer<Double>
    let rowsPerBlock: Int, chunkRows: Int, paddedWidth: Int, pieces: Int, tiled: Bool
    /// Where the weights come from, and whether the loss and gradient are computed too.
    let evaluation: GramEvaluation
    let fitIntercept: Bool
    let labels: [Double]
    let residuals: UnsafeMutablePointer<Double>
    /// Per piece `2d + 3` numbers: `Xᵀg` (d), `Σg`, `Xᵀr` (d), `Σr`, the loss.
    let pieceVectors: UnsafeMutablePointer<Double>
    let claims = PieceCounter()

    init(
        problem: LogisticProblem, x: UnsafePointer<Double>, beta: UnsafePointer<Double>?, evaluation: GramEvaluation,
        workspace: LogisticWorkspace
    ) {
        self.x = x
        self.beta = beta
        self.evaluation = evaluation
        fitIntercept = problem.fitIntercept
        labels = problem.y
        residuals = workspace.residuals
        pieceVectors = workspace.pieceVectors
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

    /// The vectors of piece `piece`: `Xᵀg`, `Σg`, `Xᵀr`, `Σr`, loss.
    func vectors(_ piece: Int) -> UnsafeMutablePointer<Double> { pieceVectors + piece * (2 * d + 3) }

    /// Zeroes the sums of a piece before its first chunk.
    func startPiece(_ piece: Int) {
        partial(piece).update(repeating: 0, count: paddedWidth * paddedWidth)
        vectors(piece).update(repeating: 0, count: 2 * d + 3)
    }

    /// One core's share: pieces claimed one after another until none is left. The next piece is
    /// claimed with the last chunk of the current one, so that its first rows can be prefetched.
    func run(worker: Int) {
        let block = blocks + worker * rowsPerBlock * paddedWidth
        var piece = claims.next()
        guard piece < pieces else { return }
        var upcoming = pieces
        var start = rows(of: piece).lowerBound
        startPiece(piece)
        while true {
            let end = rows(of: piece).upperBound
            let chunk = start..<min(end, start + chunkRows)
            prepare(chunk, into: vectors(piece))
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
                startPiece(piece)
            }
        }
    }

    /// The chunk's logits `z = Xβ + β₀ + o` (when `β` is given) and weights `h_i = w_i σ'(z_i)`;
    /// with ``GramEvaluation/lossGradientAndSlopes`` also its loss `Σ w_i [log(1 + e^{z_i}) − y_i z_i]`, residuals
    /// `r_i = w_i(σ(z_i) − y_i)` and `X_cᵀ r`, `Σ r_i`; with an intercept `X_cᵀ h` and `Σ h_i`; the
    /// sums are added to the piece's `vectors`.
    func prepare(_ chunk: Range<Int>, into vectors: UnsafeMutablePointer<Double>) {
        let rows = x + chunk.lowerBound * d
        if let beta {
            Double.blasGemv(
                transpose: false, m: chunk.count, n: d, alpha: 1, a: BLASOperand(rows), lda: d,
                x: BLASOperand(beta), incx: 1, beta: 0, y: BLASOperand(logits + chunk.lowerBound), incy: 1)
            Logistic.addIntercept(intercept, offsets: offsets, rows: chunk, to: logits)
        }
        switch evaluation {
        case .lossGradientAndSlopes:
            // e_i = e^{−|z_i|} (vectorised) into the weights, then the loss and r from it, and
            // h = w σ'(z) over it.
            Logistic.expOfMinusAbs(logits + chunk.lowerBound, count: chunk.count, into: weights + chunk.lowerBound)
            let (loss, residualSum) = Logistic.lossAndResiduals(
                logits, expMinusAbs: weights, labels: labels, weights: sampleWeights, rows: chunk, into: residuals)
            Logistic.slopeWeights(expMinusAbs: weights, sampleWeights, rows: chunk, into: weights)
            vectors[2 * d + 1] += residualSum
            vectors[2 * d + 2] += loss
            Double.blasGemv(
                transpose: true, m: chunk.count, n: d, alpha: 1, a: BLASOperand(rows), lda: d,
                x: BLASOperand(residuals + chunk.lowerBound), incx: 1, beta: 1, y: BLASOperand(vectors + d + 1),
                incy: 1)
        case .slopes:
            Logistic.slopeWeights(logits, sampleWeights, rows: chunk, into: weights)
        case .givenWeights:
            break
        }
        if fitIntercept {
            Double.blasGemv(
                transpose: true, m: chunk.count, n: d, alpha: 1, a: BLASOperand(rows), lda: d,
                x: BLASOperand(weights + chunk.lowerBound), incx: 1, beta: 1, y: BLASOperand(vectors), incy: 1)
            for i in chunk { vectors[d] += weights[i] }
        }
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

/// What a ``WeightedGramPass`` computes beside `Σ g_i x̃_i x̃_iᵀ`, and where its weights `g` come from.
enum GramEvaluation {
    /// `g` is in the workspace's weights already (the HC0 meat's `r_i²`).
    case givenWeights
    /// `g = h = w ∘ σ'(z)`, computed per chunk (the Hessian).
    case slopes
    /// `g = h`, and the loss, the residuals `r = w ∘ (σ(z) − y)`, `Xᵀr` and `Σr` of the same pass.
    case lossGradientAndSlopes
}

/// Hands out piece numbers 0, 1, 2, … to the workers of a parallel pass, each number once.
final class PieceCounter: Sendable {
    private let counter = Atomic<Int>(0)
    func next() -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue }
}
