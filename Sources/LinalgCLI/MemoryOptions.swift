import ArgumentParser
import LinalgCore

/// `--max-memory`: the most memory that sizes computed from the input may ask for.
struct MemoryOptions: ParsableArguments {
    @Option(help: "The most memory the input may make linalg allocate, e.g. 8G or 512M (default: physical memory).")
    var maxMemory: String?

    /// Sets the limit every size check compares with; throws a one-line error for a bad value.
    func apply() throws {
        guard let maxMemory else { return }
        guard let bytes = SystemMemory.parseSize(maxMemory) else {
            throw UserError("--max-memory: expected a size such as 8G, 512M or 100000000, got '\(maxMemory)'")
        }
        SystemMemory.limit = bytes
    }
}
