import ArgumentParser
import Foundation
import Linalg
import LinalgData

#if MPI
import LinalgMPI
#endif

/// The MPI job this process is a rank of, when `linalg` is built with the `MPI` trait and started
/// by `mpirun`; `nil` otherwise, and every command then runs as a single process.
///
/// Each rank holds a contiguous share of the rows (or its own file, when `--data` contains
/// `{rank}`); every sum over rows is all-reduced (``RowShareReduction``), so all ranks take the
/// same steps, and only rank 0 prints or writes. A rank's bad input is agreed on before any
/// computation: the rank that failed prints its message and every rank exits with status 2.
final class DistributedJob: DataParallelGroup, @unchecked Sendable {
    let rank: Int
    let size: Int
    #if MPI
    let communicator: Communicator
    #endif

    /// The job, or `nil` outside one. Bounds OpenBLAS to the cores per rank on this node.
    static let current: DistributedJob? = {
        #if MPI
        guard Communicator.isLaunchedByMPI else { return nil }
        do {
            let communicator = try Communicator.world()
            let local = Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "") ?? 1
            OpenBLAS.threadCount = max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
            return DistributedJob(communicator)
        } catch {
            printError("MPI: \(error)")
            exit(2)
        }
        #else
        return nil
        #endif
    }()

    #if MPI
    init(_ communicator: Communicator) {
        self.communicator = communicator
        rank = communicator.rank
        size = communicator.size
    }
    #else
    /// Never called: without the trait there is no job.
    private init() {
        rank = 0
        size = 1
    }
    #endif

    /// Whether this process prints and writes: rank 0 of a job, or a single process.
    static var isLeader: Bool { current.map { $0.rank == 0 } ?? true }

    func sum(_ values: UnsafeMutableBufferPointer<Double>) { reduce(values, maximum: false) }
    func maximum(_ values: UnsafeMutableBufferPointer<Double>) { reduce(values, maximum: true) }

    private func reduce(_ values: UnsafeMutableBufferPointer<Double>, maximum: Bool) {
        #if MPI
        do { try communicator.allreduce(values, maximum ? .maximum : .sum) } catch {
            printError("MPI rank \(rank): \(error)")
            communicator.abort(code: 2)
        }
        #endif
    }

    /// Runs `body` on every rank; when it throws on any rank, that rank reports its error and
    /// every rank exits with status 2 (one collective, so no rank is left waiting).
    /// `body` must make no collective call itself.
    func agreeing<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, Error>
        do { result = .success(try body()) } catch { result = .failure(error) }
        var failed = [0.0]
        if case .failure = result { failed[0] = 1 }
        failed.withUnsafeMutableBufferPointer { sum($0) }
        switch result {
        case .failure(let error):
            // This rank's own input: reported here, whichever rank it is.
            try reportingUserErrors(everyRank: true) { () throws -> Void in throw error }
            throw ExitCode(2)
        case .success(let value):
            if failed[0] > 0 { throw ExitCode(2) }
            return value
        }
    }

    /// The path of this rank's file: `{rank}` replaced by the rank, or the shared file.
    func dataPath(_ path: String) -> String { path.replacingOccurrences(of: "{rank}", with: String(rank)) }

    /// Whether each rank reads a file of its own (`{rank}` in the path).
    static func hasRankFiles(_ path: String) -> Bool { path.contains("{rank}") }

    /// This rank's contiguous share of a shared table's rows: `[⌊r n / P⌋, ⌊(r + 1) n / P⌋)`.
    func share(of table: DataTable) throws -> DataTable {
        let n = table.rowCount
        let lower = rank * n / size, upper = (rank + 1) * n / size
        guard upper > lower else {
            throw UserError("\(table.source): \(n) rows for \(size) ranks: rank \(rank) has no rows")
        }
        let d = table.columnCount
        var values = Matrix<Double>(rows: upper - lower, columns: d)
        for i in lower..<upper {
            for j in 0..<d { values[i - lower, j] = table.values[i, j] }
        }
        return DataTable(
            source: table.source, columnNames: table.columnNames, values: values,
            lineNumbers: table.lineNumbers.map { Array($0[lower..<upper]) })
    }
}
