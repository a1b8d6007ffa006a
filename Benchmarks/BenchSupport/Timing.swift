#if canImport(Glibc)
import Glibc
#endif

/// Median, min and max of repeated timings, in seconds per call.
public struct TimingSummary: Equatable, Sendable {
    public var median: Double
    public var min: Double
    public var max: Double
    /// How many timed samples the summary is over.
    public var repeats: Int

    /// The summary of `samples` (median of an even count: mean of the middle two).
    public init(samples: [Double]) {
        precondition(!samples.isEmpty, "TimingSummary needs at least one sample")
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
        repeats = sorted.count
    }
}

/// Monotonic time in seconds.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Times `body`: warm-up calls for `warmUp` seconds (at least one), then samples until `budget`
/// seconds are spent (at least `minimumSamples`, unless one call alone exceeds the budget). Calls
/// shorter than ~50 µs are batched `k` to a sample so the clock's resolution does not matter;
/// each sample is the time of one call.
///
/// The warm-up period is longer than OpenBLAS's idle spin: after a threaded BLAS call its worker
/// threads keep polling for about 0.1 s (2²⁸ cycles), and calls timed meanwhile share a core
/// with them (measured here: the logistic Hessian's first calls after a 1024³ dgemm at half speed).
public func measure(
    budget: Double, warmUp: Double = 0.15, minimumSamples: Int = 5, maximumSamples: Int = 200,
    _ body: () -> Void
) -> TimingSummary {
    TimingSummary(
        samples: sampleTimes(
            budget: budget, warmUp: warmUp, minimumSamples: minimumSamples, maximumSamples: maximumSamples, body))
}

/// The samples of ``measure(budget:warmUp:minimumSamples:maximumSamples:_:)``, seconds per call.
func sampleTimes(
    budget: Double, warmUp: Double, minimumSamples: Int = 5, maximumSamples: Int = 200, _ body: () -> Void
) -> [Double] {
    let warmStart = monotonicSeconds()
    body()
    let once = monotonicSeconds() - warmStart
    if once >= budget { return [once] }
    while monotonicSeconds() - warmStart < warmUp { body() }
    let innerCount = once >= 5e-5 ? 1 : Swift.max(1, Int(5e-5 / Swift.max(once, 1e-9)))
    var samples: [Double] = []
    let start = monotonicSeconds()
    while samples.count < maximumSamples && (samples.count < minimumSamples || monotonicSeconds() - start < budget) {
        let t0 = monotonicSeconds()
        for _ in 0..<innerCount { body() }
        samples.append((monotonicSeconds() - t0) / Double(innerCount))
        if samples.count >= 1 && samples[0] * Double(innerCount) > budget { break }
    }
    return samples
}

/// Times `first` and `second` alternately, one call each per round, for at least `rounds` rounds
/// and until `budget` seconds are spent: both see the same minutes of the machine's drifting
/// speed, so the ratio of their medians is meaningful where two separate `measure` calls are not.
/// Also returns the median of the per-round ratios `first / second`.
public func measureInterleaved(
    budget: Double, rounds: Int = 5, _ first: () -> Void, _ second: () -> Void
) -> (first: TimingSummary, second: TimingSummary, medianRatio: Double) {
    first()
    second()
    var a: [Double] = [], b: [Double] = [], ratios: [Double] = []
    let start = monotonicSeconds()
    while a.count < rounds || monotonicSeconds() - start < budget {
        let t0 = monotonicSeconds()
        first()
        let t1 = monotonicSeconds()
        second()
        let t2 = monotonicSeconds()
        a.append(t1 - t0)
        b.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
        if a.count >= 200 { break }
    }
    return (TimingSummary(samples: a), TimingSummary(samples: b), TimingSummary(samples: ratios).median)
}

/// Times `first` and `second` in alternating blocks, `rounds` of each, every block a
/// ``measure(budget:warmUp:minimumSamples:maximumSamples:_:)`` of `blockBudget` seconds after its
/// own warm-up: each round's two medians come from the same second of the machine's drifting
/// speed, and the warm-up keeps a block clear of the other's after-effects (OpenBLAS's spinning
/// workers after a threaded product). Returns every sample of each and the median of the
/// per-round ratios `first / second`.
public func measureInBlocks(
    rounds: Int, blockBudget: Double, warmUp: Double, _ first: () -> Void, _ second: () -> Void
) -> (first: TimingSummary, second: TimingSummary, medianRatio: Double) {
    precondition(rounds >= 1, "measureInBlocks needs at least one round")
    var a: [Double] = [], b: [Double] = [], ratios: [Double] = []
    for _ in 0..<rounds {
        let x = sampleTimes(budget: blockBudget, warmUp: warmUp, first)
        let y = sampleTimes(budget: blockBudget, warmUp: warmUp, second)
        a += x
        b += y
        ratios.append(TimingSummary(samples: x).median / TimingSummary(samples: y).median)
    }
    return (TimingSummary(samples: a), TimingSummary(samples: b), TimingSummary(samples: ratios).median)
}
