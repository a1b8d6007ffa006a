#if MPI
import CLinalgMPI
#if canImport(Glibc)
import Glibc
#endif

/// An MPI call that failed, with Open MPI's own message for its error code.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    /// The MPI function that failed, e.g. `MPI_Allreduce`.
    public var call: String
    /// Its error code.
    public var code: Int32
    /// `MPI_Error_string` of the code.
    public var message: String

    public var description: String { "\(call) failed (\(code)): \(message)" }

    init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
        var length: Int32 = 0
        var text = [CChar](repeating: 0, count: Int(linalg_mpi_max_error_string()) + 1)
        MPI_Error_string(code, &text, &length)
        message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The reductions `Communicator.allreduce` applies element-wise.
public enum ReductionOperation: Sendable {
    /// `Σ_r v_r` (`MPI_SUM`).
    case sum
    /// `max_r v_r` (`MPI_MAX`).
    case maximum
    /// `min_r v_r` (`MPI_MIN`).
    case minimum

    var handle: MPI_Op? {
        switch self {
        case .sum: linalg_mpi_sum()
        case .maximum: linalg_mpi_max()
        case .minimum: linalg_mpi_min()
        }
    }
}

/// `MPI_COMM_WORLD` with a typed API: rank, size, all-reduce and broadcast of contiguous `Double`
/// buffers, barrier, abort. Errors are returned, not fatal (`MPI_ERRORS_RETURN`), and become
/// ``MPIError``s. One per process (``world()``); MPI is finalised at exit.
public final class Communicator: @unchecked Sendable {
    /// This process's rank, `0 ..< size`.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    let handle: MPI_Comm

    nonisolated(unsafe) private static var shared: Communicator?

    /// The world communicator, initialising MPI on first use (with thread support "funneled":
    /// only the main thread calls MPI; OpenBLAS and Linalg's worker threads do not).
    public static func world() throws(MPIError) -> Communicator {
        if let shared { return shared }
        var initialised: Int32 = 0
        MPI_Initialized(&initialised)
        if initialised == 0 {
            var provided: Int32 = 0
            let code = MPI_Init_thread(nil, nil, linalg_mpi_thread_funneled(), &provided)
            guard code == linalg_mpi_success() else { throw MPIError("MPI_Init_thread", code) }
            atexit { Communicator.finalize() }
        }
        let world: MPI_Comm = linalg_mpi_comm_world()!
        MPI_Comm_set_errhandler(world, linalg_mpi_errors_return())
        var rank: Int32 = 0, size: Int32 = 0
        try check("MPI_Comm_rank", MPI_Comm_rank(world, &rank))
        try check("MPI_Comm_size", MPI_Comm_size(world, &size))
        let communicator = Communicator(rank: Int(rank), size: Int(size), handle: world)
        shared = communicator
        return communicator
    }

    init(rank: Int, size: Int, handle: MPI_Comm) {
        self.rank = rank
        self.size = size
        self.handle = handle
    }

    /// Whether this process was started by `mpirun`/`mpiexec` (Open MPI sets `OMPI_COMM_WORLD_SIZE`).
    public static var isLaunchedByMPI: Bool { getenv("OMPI_COMM_WORLD_SIZE") != nil }

    static func check(_ call: String, _ code: Int32) throws(MPIError) {
        if code != linalg_mpi_success() { throw MPIError(call, code) }
    }

    /// Replaces every entry of `buffer` with its reduction over all ranks (`MPI_Allreduce` in
    /// place); every rank gets the same result.
    public func allreduce(
        _ buffer: UnsafeMutableBufferPointer<Double>, _ operation: ReductionOperation = .sum
    )
        throws(MPIError)
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try Communicator.check(
            "MPI_Allreduce",
            MPI_Allreduce(
                linalg_mpi_in_place(), base, Int32(buffer.count), linalg_mpi_double(), operation.handle,
                handle))
    }

    /// The in-place all-reduce of an array.
    public func allreduce(_ values: inout [Double], _ operation: ReductionOperation = .sum) throws(MPIError) {
        try values.withUnsafeMutableBufferPointer { (buffer) throws(MPIError) in try allreduce(buffer, operation) }
    }

    /// Copies `root`'s `buffer` into every rank's (`MPI_Bcast`).
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Double>, root: Int = 0) throws(MPIError) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try Communicator.check(
            "MPI_Bcast", MPI_Bcast(base, Int32(buffer.count), linalg_mpi_double(), Int32(root), handle))
    }

    /// Waits until every rank has called it.
    public func barrier() throws(MPIError) {
        try Communicator.check("MPI_Barrier", MPI_Barrier(handle))
    }

    /// Ends every rank of the job with `code` (`MPI_Abort`).
    public func abort(code: Int32) -> Never {
        MPI_Abort(handle, code)
        exit(code)
    }

    static func finalize() {
        var finalised: Int32 = 0
        MPI_Finalized(&finalised)
        if finalised == 0 { MPI_Finalize() }
    }
}
#endif
