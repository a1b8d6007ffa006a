#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Sizes computed from a file's claims are checked before anything is allocated: with overflow
/// checks, and against the machine's physical memory, so that a small hostile file cannot make
/// the process allocate what it cannot back.
package enum MemoryBudget {
    /// The machine's physical memory in bytes.
    package static var physicalMemory: Int { SystemMemory.physicalBytes }

    private static let storedLimit = Atomic<Int>(0)

    /// The most bytes one allocation sized by a file may take: physical memory unless set
    /// (a fuzzer sets a small limit, so that a claim beyond it is found as an error).
    package static var limit: Int {
        get { storedLimit.load(ordering: .relaxed) > 0 ? storedLimit.load(ordering: .relaxed) : physicalMemory }
        set { storedLimit.store(newValue, ordering: .relaxed) }
    }

    /// `count · elementSize` bytes, or a thrown error naming `what` when the product overflows
    /// or exceeds ``limit``.
    package static func bytes(count: Int, elementSize: Int, what: String, file: String) throws(DataError) -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
        let limit = self.limit
        guard !overflow, count >= 0, bytes <= limit else {
            let needed = overflow ? "more than 2^63 bytes" : formatted(bytes)
            let limitText =
                limit == physicalMemory ? "this machine has \(formatted(limit))" : "the limit is \(formatted(limit))"
            throw DataError(file: file, message: "\(what) would need \(needed); \(limitText)")
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

    /// `1.5 GB`, `80 MB`: a size for messages.
    package static func formatted(_ bytes: Int) -> String { SystemMemory.formatted(bytes) }
}
