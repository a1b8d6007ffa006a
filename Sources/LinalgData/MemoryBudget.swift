import LinalgCore

/// Sizes computed from a file's claims are checked before anything is allocated: with overflow
/// checks, and against `SystemMemory.limit` (physical memory unless `--max-memory` sets it), so
/// that a small hostile file cannot make the process allocate what it cannot back.
package enum MemoryBudget {
    /// `count · elementSize` bytes, or a thrown error naming `what` when the product overflows
    /// or exceeds `SystemMemory.limit`.
    package static func bytes(count: Int, elementSize: Int, what: String, file: String) throws(DataError) -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        let limit = SystemMemory.limit
        guard !overflow, count >= 0, bytes <= limit else {
            let needed = overflow ? "more than 2^63 bytes" : SystemMemory.formatted(bytes)
            throw DataError(file: file, message: "\(what) would need \(needed); \(SystemMemory.limitText)")
        }
        return bytes
    }

    /// Checks that `count` column names (a few dozen bytes each) fit the limit.
    package static func checkNames(_ count: Int, file: String) throws(DataError) {
        _ = try bytes(count: count, elementSize: 48, what: "names for \(count) columns", file: file)
    }

    /// `a · b` with an overflow check (element counts of claimed shapes).
    package static func product(_ a: Int, _ b: Int, what: String, file: String) throws(DataError) -> Int {
        let (count, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, a >= 0, b >= 0 else {
            throw DataError(file: file, message: "\(what): \(a) × \(b) entries overflow")
        }
        return count
    }
}
