import BenchSupport
import Foundation
import Testing

@Suite struct TimingTests {
    @Test func summaryStatistics() {
        let odd = TimingSummary(samples: [3, 1, 2])
        #expect(odd.median == 2 && odd.min == 1 && odd.max == 3 && odd.repeats == 3)
        #expect(TimingSummary(samples: [4, 1, 2, 3]).median == 2.5)
    }

    @Test func measureTakesAtLeastTheMinimumSamples() {
        var calls = 0
        let summary = measure(budget: 0.01, minimumSamples: 3) { calls += 1 }
        #expect(
            summary.repeats >= 3 && calls > summary.repeats && summary.min <= summary.median
                && summary.median <= summary.max)
    }

    /// Two bodies of known relative cost (a 2 ms and a 1 ms sleep) timed in alternating blocks:
    /// every round times both, and the per-round ratio comes out near 2.
    @Test func blocksAlternateAndRatioTheMedians() {
        var slow = 0, fast = 0
        func twoMilliseconds() {
            slow += 1
            usleep(2000)
        }
        func oneMillisecond() {
            fast += 1
            usleep(1000)
        }
        let (first, second, ratio) = measureInBlocks(
            rounds: 3, blockBudget: 0.01, warmUp: 0, twoMilliseconds, oneMillisecond)
        #expect(first.repeats >= 3 * 5 && second.repeats >= 3 * 5)
        #expect(slow > first.repeats && fast > second.repeats, "each block warms up with one call first")
        #expect(first.min >= 0.002 && second.min >= 0.001)
        #expect(ratio > 1.2 && ratio < 3, "ratio \(ratio)")
    }
}
