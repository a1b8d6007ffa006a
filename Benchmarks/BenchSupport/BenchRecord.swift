import Foundation

/// One line of `bench --json`: exactly the fields `case`, `sizes`, `batch`, `implementation`,
/// `median_seconds`, `min_seconds`, `max_seconds`, `gflops`, `repeats` (`batch` and `gflops`
/// are `null` when they do not apply).
public struct BenchRecord: Codable, Equatable, Sendable {
    public var caseName: String
    public var sizes: [Int]
    public var batch: Int?
    public var implementation: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double
    public var gflops: Double?
    public var repeats: Int

    public init(
        caseName: String, sizes: [Int], batch: Int?, implementation: String, timing: TimingSummary, flops: Double?
    ) {
        self.caseName = caseName
        self.sizes = sizes
        self.batch = batch
        self.implementation = implementation
        medianSeconds = timing.median
        minSeconds = timing.min
        maxSeconds = timing.max
        gflops = flops.map { $0 / timing.median / 1e9 }
        repeats = timing.repeats
    }

    enum CodingKeys: String, CodingKey {
        case caseName = "case", sizes, batch, implementation
        case medianSeconds = "median_seconds", minSeconds = "min_seconds", maxSeconds = "max_seconds"
        case gflops, repeats
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caseName, forKey: .caseName)
        try container.encode(sizes, forKey: .sizes)
        if let batch { try container.encode(batch, forKey: .batch) } else { try container.encodeNil(forKey: .batch) }
        try container.encode(implementation, forKey: .implementation)
        try container.encode(medianSeconds, forKey: .medianSeconds)
        try container.encode(minSeconds, forKey: .minSeconds)
        try container.encode(maxSeconds, forKey: .maxSeconds)
        if let gflops, gflops.isFinite {
            try container.encode(gflops, forKey: .gflops)
        } else {
            try container.encodeNil(forKey: .gflops)
        }
        try container.encode(repeats, forKey: .repeats)
    }

    /// The records as a JSON array, one object per record, keys in a stable order.
    public static func json(_ records: [BenchRecord]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(records)
    }
}
