import Synchronization

/// Reusable buffers of the logistic objective: `O(n + d²)` memory beside `X`. One call uses a
/// workspace at a time (``LogisticWorkspacePool`` hands each out to one caller), which is what
/// makes the unchecked `Sendable` sound.
final class LogisticWorkspace: @unchecked Sendable {
    let n: Int, d: Int, p: Int
    /// `z = Xβ (+ β₀) + o` of the last pass.
    let logits: UnsafeMutablePointer<Double>
    /// `r = w ∘ (σ(z) − y)` of the loss-and-gradient pass.
    let residuals: UnsafeMutablePointer<Double>
    /// `h = w ∘ σ'(z)` of the Hessian pass.
    let slopeWeights: UnsafeMutablePointer<Double>
    /// Per worker: a block of rows `√h_i x_i` (zero-padded to `paddedWidth` columns) for the
    /// Hessian; per piece of rows a `paddedWidth²` partial sum (also the loss/gradient partials,
    /// one per worker).
    let blocks: UnsafeMutablePointer<Double>
    let partials: UnsafeMutablePointer<Double>
    /// Per piece of the Hessian pass, `2d + 3` sums (``WeightedGramPass/vectors(_:)``).
    let pieceVectors: UnsafeMutablePointer<Double>
    /// Rows per Hessian block, and per block of the loss/gradient pass.
    let blockRows: Int
    let evaluationRows: Int
    /// `d` rounded up to the tile width of the Hessian kernel.
    let paddedWidth: Int
    /// Whether the Hessian uses the register-tiled AVX2 kernel (else BLAS `syrk`).
    let usesTiledKernel: Bool
    /// How many cores share the rows.
    let parts: Int
    /// ``ParallelChunks/coreLimit`` when it was made (a workspace made for another limit is not reused).
    let coreLimit: Int
    /// How many pieces of rows the Hessian pass hands out to the cores (one partial sum each).
    let pieces: Int

    /// Buffers for `n` samples and `d` features (plus an intercept).
    init(sampleCount n: Int, featureCount d: Int, fitIntercept: Bool) {
        self.n = n
        self.d = d
        self.p = d + (fitIntercept ? 1 : 0)
        logits = .allocate(capacity: max(1, n))
        residuals = .allocate(capacity: max(1, n))
        slopeWeights = .allocate(capacity: max(1, n))
        let tile = ScalingKernels.syrkTileWidth
        paddedWidth = (d + tile - 1) / tile * tile
        // The tiled kernel keeps a 6 × 8 or 4 × 8 tile of H in registers while a block of rows
        // streams from L1/L2 (about 52 KiB, so the block stays in L2 beside the prefetched next
        // rows); BLAS syrk packs its own panels and wants blocks of about 400 KiB (L2).
        usesTiledKernel = VectorMath.isVectorised && d <= 512
        let cacheBlock = usesTiledKernel ? 6_656 : 51_200
        blockRows = max(1, min(n, max(16, cacheBlock / max(1, paddedWidth))))
        evaluationRows = max(1, min(n, max(64, 51_200 / max(1, d))))
        // OpenBLAS's own threading splits syrk's small d × d output, which scales poorly for
        // d ≲ 500; splitting the n rows across the cores, one partial sum each, does not.
        coreLimit = ParallelChunks.blasPassCoreLimit
        parts = d <= 512 ? ParallelChunks.blasPassParts(count: n, minimumPerChunk: 4 * evaluationRows) : 1
        // The Hessian's rows in pieces of at least two chunks, four per core: a core that runs
        // slower (another tenant on its host core) takes fewer of them.
        pieces = parts > 1 ? max(parts, min(4 * parts, n / (2 * evaluationRows))) : 1
        blocks = .allocate(capacity: max(1, parts * blockRows * paddedWidth))
        partials = .allocate(capacity: max(1, max(pieces * paddedWidth * paddedWidth, parts * (d + 2))))
        pieceVectors = .allocate(capacity: pieces * (2 * d + 3))
    }

    /// Buffers sized for `problem`.
    convenience init(for problem: LogisticProblem) {
        self.init(
            sampleCount: problem.sampleCount, featureCount: problem.featureCount, fitIntercept: problem.fitIntercept)
    }

    deinit {
        logits.deallocate()
        residuals.deallocate()
        slopeWeights.deallocate()
        blocks.deallocate()
        partials.deallocate()
        pieceVectors.deallocate()
    }
}

/// The idle workspaces of one ``LogisticProblem``, kept between calls: allocating the `O(n)`
/// buffers anew would cost page faults on every call.
/// Each caller takes a workspace of its own (a new one when none is idle), so concurrent calls
/// on the same problem never share one; at most `capacity` are kept.
final class LogisticWorkspacePool: Sendable {
    private let idle = Mutex<[LogisticWorkspace]>([])
    private let capacity = 2

    init() {}

    /// An idle workspace, or a new one for `problem`; hand it back with ``giveBack(_:)``. Idle
    /// workspaces split for another core limit (`OpenBLAS/threadCount` changed) are dropped.
    private func take(for problem: LogisticProblem) -> LogisticWorkspace {
        let limit = ParallelChunks.blasPassCoreLimit
        return idle.withLock { pool in
            pool.removeAll { $0.coreLimit != limit }
            return pool.popLast()
        } ?? LogisticWorkspace(for: problem)
    }

    /// Keeps `workspace` for a later call (up to `capacity` are kept).
    private func giveBack(_ workspace: LogisticWorkspace) {
        idle.withLock { pool in
            if pool.count < capacity { pool.append(workspace) }
        }
    }

    /// Runs `body` with a workspace for `problem`, returned to the pool afterwards: the one way a
    /// workspace is borrowed.
    func withWorkspace<R, E: Error>(
        for problem: LogisticProblem, _ body: (LogisticWorkspace) throws(E) -> R
    ) throws(E) -> R {
        let workspace = take(for: problem)
        defer { giveBack(workspace) }
        return try body(workspace)
    }
}
