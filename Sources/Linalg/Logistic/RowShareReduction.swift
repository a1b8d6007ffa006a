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
    func sum(_ values: inout [Double])
    /// Replaces each entry with its maximum over all shares.
    func maximum(_ values: inout [Double])
}

extension LogisticProblem {
    /// Sums `values` (a workspace's buffer) over the row shares, in place (nothing to do for one
    /// process).
    @inline(__always)
    func sumOverShares(_ values: UnsafeMutableBufferPointer<Double>) {
        guard let rowShares else { return }
        var sums = Array(values)
        rowShares.sum(&sums)
        _ = values.update(fromContentsOf: sums)
    }

    /// `values` summed over the row shares.
    func sumOverShares(_ values: [Double]) -> [Double] {
        var result = values
        rowShares?.sum(&result)
        return result
    }
}
