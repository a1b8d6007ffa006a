import ArgumentParser
import LinalgCore

/// `--max-memory`: the most memory that sizes computed from the input may ask for.
struct MemoryOptions: ParsableArguments {
    @Option(help: "The most memory the input may make linalg allocate, e.g. 8G or 512M (default: physical memory).")
    var maxMemory: String?

    /// Sets the limit every size check compares with; throws a one-line error for a bad value.
    func apply() throws {
        guard let maxMemory else { return }
        guard let bytes = MemoryOptions.parseSize(maxMemory) else {
            throw UserError("--max-memory: expected a size such as 8G, 512M or 100000000, got '\(maxMemory)'")
        }
        SystemMemory.limit = bytes
    }

    /// Parses `8G`, `512M`, `1.5GB`, `64k` or a number of bytes (decimal units); `nil` otherwise.
    static func parseSize(_ text: String) -> Int? {
        var digits = String(text.filter { $0 != " " }).uppercased()
        if digits.hasSuffix("B") { digits.removeLast() }
        let scales: [Character: Double] = ["K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        var scale = 1.0
        if let last = digits.last, let factor = scales[last] {
            scale = factor
            digits.removeLast()
        }
        guard let value = Double(digits), value.isFinite, value > 0, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }
}
