/// The rows of a data set split into shares held by several processes (the ranks of an MPI job):
/// every sum over rows that the logistic fit needs — the loss, `Xᵀr`, `X̃ᵀ diag(h) X̃`, the
/// column summaries, the separation test, the inference's counts — is computed on the local share
/// and then combined by these reductions, so that every process holds the same totals and takes
/// the same Newton steps (no broadcast of `β` is needed).
///
/// Each call is a collective: every process must make the same calls in the same order, which the
/// solver guarantees since its control flow depends only on reduced values. A failure of the
/// transport (a process that died) is not recoverable by the caller: a conformance ends the job.
public protocol RowShareReduction: AnyObject, Sendable {
    /// Replaces each entry with its sum over all shares.
    func sum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Replaces each entry with its maximum over all shares.
    func maximum(_ values: UnsafeMutableBufferPointer<Double>)
}

extension LogisticProblem {
    /// Sums `count` values at `values` over the row shares (nothing to do for one process).
    @inline(__always)
    func sumOverShares(_ values: UnsafeMutablePointer<Double>, count: Int) {
        rowShares?.sum(UnsafeMutableBufferPointer(start: values, count: count))
    }

    /// `values` summed over the row shares.
    func sumOverShares(_ values: [Double]) -> [Double] {
        guard let rowShares else { return values }
        var result = values
        result.withUnsafeMutableBufferPointer { rowShares.sum($0) }
        return result
    }
}

/// Processes that train one net together, data-parallel: each takes its share of every global
/// mini-batch (``columns(ofBatch:)``), the gradients and losses are summed by one reduction per
/// step, and every process applies the same update, so their parameters stay identical.
public protocol DataParallelGroup: RowShareReduction {
    /// This process's index, `0 ..< size`.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
}

extension DataParallelGroup {
    /// This process's contiguous share `[⌊r B / P⌋, ⌊(r + 1) B / P⌋)` of a batch of `batch` samples.
    public func columns(ofBatch batch: Int) -> Range<Int> { (rank * batch / size)..<((rank + 1) * batch / size) }
}
