import BenchSupport
import Foundation
import Testing

@Suite struct FlopCountTests {
    @Test func gemmAndNetCounts() {
        #expect(FlopCount.gemm(m: 2, n: 3, k: 4) == 48)
        #expect(FlopCount.weightCount([2, 10, 10, 2]) == 140)
        #expect(FlopCount.mlpForward([2, 10, 10, 2], batch: 1) == 280)
        #expect(FlopCount.mlpForward([256, 512, 512, 256], batch: 1024) == 2 * 1024 * (131_072 + 262_144 + 131_072))
        // forward 280 + ∂W (280) + back-propagation through W_1, W_2 (2·(100 + 20)) = 800
        #expect(FlopCount.mlpGradient([2, 10, 10, 2], batch: 1) == 800)
        // h₀ = h_L = 2: reverse, the last layer (2·10) is a scaling.
        #expect(FlopCount.mlpInputJacobian([2, 10, 10, 2], batch: 1) == 280 + 2 * 2 * 120)
        // forward from h₀ = 2 < h_L = 8: the first layer (10·2) is a scaling.
        #expect(FlopCount.mlpInputJacobian([2, 10, 8], batch: 3) == 2 * 3 * 100 + 2 * 3 * 2 * 80)
        // only δ₀ = δ₁ W₁ is a product: 2·(10·10)
        #expect(FlopCount.mlpWeightJacobianFactors([2, 10, 10, 2], batch: 1) == 280 + 2 * 2 * 100)
        #expect(FlopCount.mlpWeightJacobianFactors([3, 4], batch: 5) == 2 * 5 * 12)
        #expect(FlopCount.sgd([2, 10, 10, 2], steps: 20_000) == 16_000_000)
        #expect(FlopCount.logisticHessian(n: 10, d: 3) == 10 * 3 * 4 + 60)
        #expect(FlopCount.logisticFit(n: 10, d: 3, iterations: 2) == 2 * (180 + 120) + 120)
    }
}

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

@Suite struct BenchRecordTests {
    @Test func jsonHasExactlyTheContractFields() throws {
        let timing = TimingSummary(samples: [0.5, 0.25, 1])
        let records = [
            BenchRecord(
                caseName: "gemm", sizes: [64, 64, 64], batch: nil, implementation: "linalg", timing: timing,
                flops: 1e9),
            BenchRecord(
                caseName: "logistic.fit", sizes: [100, 10], batch: 7, implementation: "reference", timing: timing,
                flops: nil),
        ]
        let data = try BenchRecord.json(records)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        let expectedKeys = [
            "batch", "case", "gflops", "implementation", "max_seconds", "median_seconds", "min_seconds", "repeats",
            "sizes",
        ]
        for object in array { #expect(object.keys.sorted() == expectedKeys) }
        #expect(array[0]["batch"] is NSNull && array[1]["gflops"] is NSNull)
        #expect(array[0]["case"] as? String == "gemm" && array[0]["sizes"] as? [Int] == [64, 64, 64])
        #expect(array[0]["gflops"] as? Double == 2 && array[1]["batch"] as? Int == 7)
        #expect(array[0]["median_seconds"] as? Double == 0.5 && array[0]["repeats"] as? Int == 3)
        let decoded = try JSONDecoder().decode([BenchRecord].self, from: data)
        #expect(decoded == records)
    }
}
