import CLinalgBLAS
import Synchronization

/// Keeps OpenBLAS single-threaded while Linalg's own parallel passes run, and owns OpenBLAS's
/// (process-global) thread count meanwhile.
///
/// Passes running at once (calls on several threads) share one state: the first one in saves the
/// configured count and sets 1, the last one out restores it. A count set through
/// ``OpenBLAS/threadCount`` while passes run is recorded and applied when the last one ends, so
/// neither a pass nor a user's setting undoes the other.
@usableFromInline
package enum SingleThreadedBLAS {
    private static let state = Mutex<(active: Int, configured: Int)>((0, 1))

    package static func enter() {
        state.withLock { state in
            if state.active == 0 {
                state.configured = Int(openblas_get_num_threads())
                openblas_set_num_threads(1)
            }
            state.active += 1
        }
    }

    package static func leave() {
        state.withLock { state in
            state.active -= 1
            if state.active == 0 { openblas_set_num_threads(Int32(state.configured)) }
        }
    }

    /// Runs `body` with OpenBLAS single-threaded: for work whose parallel parts are Linalg's own and
    /// whose BLAS calls are small (LAPACK's `dsyev` threads its `dsymv` even at n = 10, and an
    /// OpenBLAS thread once woken spins on a core for about 0.1 s, taking it from the passes).
    package static func during<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        enter()
        defer { leave() }
        return try body()
    }

    /// The configured count: OpenBLAS's own, or the one to restore while passes run.
    package static var threadCount: Int {
        state.withLock { state in state.active > 0 ? state.configured : Int(openblas_get_num_threads()) }
    }

    /// Sets the count now, or records it for when the running passes end.
    package static func setThreadCount(_ count: Int) {
        state.withLock { state in
            if state.active > 0 { state.configured = count } else { openblas_set_num_threads(Int32(count)) }
        }
    }
}
