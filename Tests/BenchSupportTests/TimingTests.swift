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
}
