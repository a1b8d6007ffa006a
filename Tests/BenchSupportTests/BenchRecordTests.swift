import BenchSupport
import Foundation
import Testing

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
