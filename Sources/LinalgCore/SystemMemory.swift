#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The machine's physical memory, the limit that sizes computed from user input are checked
/// against before anything is allocated.
package enum SystemMemory {
    /// Physical memory in bytes (`sysconf`), or `Int.max` when the system does not say.
    package static let physicalBytes: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return Int.max }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? Int.max : bytes
    }()

    private static let storedLimit = Atomic<Int>(0)

    /// The most bytes that sizes computed from user input may ask for: physical memory unless
    /// set (the CLI's `--max-memory`; a fuzzer's small limit).
    package static var limit: Int {
        get {
            let stored = storedLimit.load(ordering: .relaxed)
            return stored > 0 ? stored : physicalBytes
        }
        set { storedLimit.store(max(0, newValue), ordering: .relaxed) }
    }

    /// `limit 23 GB` or `this machine has 25 GB`: the limit, as messages name it.
    package static var limitText: String {
        limit == physicalBytes ? "this machine has \(formatted(limit))" : "the limit is \(formatted(limit))"
    }

    /// `1.5 GB`, `80 MB`: a size for messages (decimal units).
    package static func formatted(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        let rounded = (value * 10).rounded() / 10
        return (rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)) + " " + units[unit]
    }
}
