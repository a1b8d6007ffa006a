import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A value handed to worker threads of ``ParallelChunks`` that touch disjoint parts of it (a
/// pointer into a buffer each worker writes its own range of, or a closure run once per range).
@usableFromInline
package struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline package let value: Value
    @usableFromInline package init(_ value: Value) { self.value = value }
}

/// Splits `0..<count` into contiguous chunks processed on separate cores: the thread pool of
/// every layer, with no BLAS state (the kernel layer adds single-threaded BLAS around it).
@usableFromInline
package enum ParallelChunks {
    private static let limit = Atomic<Int>(Int.max)

    /// The most cores a pass uses: the cores the process may run on, and no more than the limit
    /// last set (``setCoreLimit(_:)``; the kernel layer sets it with OpenBLAS's thread count).
    @usableFromInline
    package static var coreLimit: Int { max(1, min(ProcessInfoCores.active, limit.load(ordering: .relaxed))) }

    /// Caps the cores of later passes at `cores` (at least 1).
    package static func setCoreLimit(_ cores: Int) { limit.store(max(1, cores), ordering: .relaxed) }

    /// The number of worker threads worth using for `count` items of which each chunk should
    /// have at least `minimumPerChunk`, within `limit`.
    @usableFromInline
    package static func parts(count: Int, minimumPerChunk: Int, limit: Int = coreLimit) -> Int {
        max(1, min(limit, count / max(1, minimumPerChunk)))
    }

    /// Runs `body(part, range)` for `parts` contiguous ranges covering `0..<count`, in parallel.
    /// Inner boundaries are multiples of `alignment` (say 8 doubles, so that two cores never
    /// write to one cache line).
    @usableFromInline
    package static func run(count: Int, parts: Int, alignment: Int = 1, _ body: @Sendable (Int, Range<Int>) -> Void) {
        if parts <= 1 {
            body(0, 0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part, chunk(part, of: parts, count: count, alignment: alignment))
        }
    }

    /// Part `part` of `0..<count` cut into `parts` nearly equal contiguous ranges whose inner
    /// boundaries are multiples of `alignment`.
    @usableFromInline
    package static func chunk(_ part: Int, of parts: Int, count: Int, alignment: Int = 1) -> Range<Int> {
        func boundary(_ part: Int) -> Int {
            part == parts ? count : min(count, (part * count / parts) / alignment * alignment)
        }
        return boundary(part)..<boundary(part + 1)
    }
}

/// The number of cores the process may use.
@usableFromInline
package enum ProcessInfoCores {
    @usableFromInline package static let active: Int = {
        #if canImport(Glibc)
        let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, n)
        #else
        return 1
        #endif
    }()
}
