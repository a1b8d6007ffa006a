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
