@_exported import LinalgParallel

extension ParallelChunks {
    /// The most cores Linalg's own numerical passes use: ``coreLimit`` and no more than the
    /// threads OpenBLAS is configured for (``OpenBLAS/threadCount``), so that a user who limits
    /// BLAS to one thread gets single-core passes throughout.
    @usableFromInline
    package static var blasPassCoreLimit: Int { max(1, min(coreLimit, SingleThreadedBLAS.threadCount)) }

    /// ``parts(count:minimumPerChunk:limit:)`` within ``blasPassCoreLimit``.
    @usableFromInline
    package static func blasPassParts(count: Int, minimumPerChunk: Int) -> Int {
        parts(count: count, minimumPerChunk: minimumPerChunk, limit: blasPassCoreLimit)
    }

    /// ``run(count:parts:alignment:_:)`` with OpenBLAS single-threaded while the workers run
    /// (each worker's BLAS calls then run on its own core instead of competing for OpenBLAS's
    /// thread pool), restored afterwards.
    @usableFromInline
    package static func runWithSingleThreadedBLAS(
        count: Int, parts: Int, alignment: Int = 1, _ body: @Sendable (Int, Range<Int>) -> Void
    ) {
        if parts <= 1 {
            body(0, 0..<count)
            return
        }
        SingleThreadedBLAS.enter()
        defer { SingleThreadedBLAS.leave() }
        run(count: count, parts: parts, alignment: alignment, body)
    }
}
