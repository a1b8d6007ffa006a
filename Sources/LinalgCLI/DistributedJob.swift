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
final class DistributedJob: DataParallelGroup, SharedReading, @unchecked Sendable {
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

    func sum(_ values: inout [Double]) { values.withUnsafeMutableBufferPointer { reduce($0, maximum: false) } }
    func maximum(_ values: inout [Double]) { values.withUnsafeMutableBufferPointer { reduce($0, maximum: true) } }

    private func reduce(_ values: UnsafeMutableBufferPointer<Double>, maximum: Bool) {
        #if MPI
        do { try communicator.allreduce(values, maximum ? .maximum : .sum) } catch {
            printError("MPI rank \(rank): \(error)")
            communicator.abort(code: 2)
        }
        #endif
    }

    /// Runs `body` on every rank; when it throws on any rank, the lowest such rank reports its
    /// error and every rank exits with status 2 (one collective, so no rank is left waiting, and
    /// one message). `body` may make collective calls only ones every rank makes.
    func agreeing<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, Error>
        do { result = .success(try body()) } catch { result = .failure(error) }
        // [any failure, size − rank of a rank with a message]: the maximum names the lowest
        // rank with something to say (an ExitCode was said, or is said, elsewhere).
        var failed = [0.0, 0.0]
        if case .failure(let error) = result {
            failed[0] = 1
            // A shared read's failure is said by the reader that met it; the others have nothing to say.
            let silent = error is ExitCode || (error as? DataError)?.isReportedByAnotherReader == true
            if !silent { failed[1] = Double(size - rank) }
        }
        maximum(&failed)
        switch result {
        case .failure(let error):
            guard Int(failed[1]) == size - rank else { throw ExitCode(2) }
            try reportingUserErrors(everyRank: true) { () throws -> Void in throw error }
            throw ExitCode(2)
        case .success(let value):
            if failed[0] > 0 { throw ExitCode(2) }
            return value
        }
    }

    /// `body` run by ``agreeing(_:)`` in a job, or simply run by a single process (`job` is `nil`).
    static func agreeing<T>(_ job: DistributedJob?, _ body: () throws -> T) throws -> T {
        guard let job else { return try body() }
        return try job.agreeing(body)
    }

    var readerIndex: Int { rank }
    var readerCount: Int { size }

    /// Every rank's `values`, by one sum over a rank × value buffer (each rank fills its row;
    /// counts are far below 2⁵³, so the doubles hold them exactly).
    func exchange(_ values: [Int]) -> [[Int]] {
        let k = values.count
        var buffer = [Double](repeating: 0, count: size * k)
        for (j, value) in values.enumerated() { buffer[rank * k + j] = Double(value) }
        sum(&buffer)
        return (0..<size).map { r in (0..<k).map { Int(buffer[r * k + $0]) } }
    }

    /// The sorted union of every rank's distinct `labels` (one sum; a rank with more than `limit` sends
    /// its `limit` smallest, enough to show that there are more than `limit − 1`).
    func unionOfLabels(_ labels: Set<Double>, limit: Int) -> [Double] {
        let local = labels.sorted().prefix(limit), width = limit + 1
        var buffer = [Double](repeating: 0, count: size * width)
        buffer[rank * width] = Double(local.count)
        for (j, label) in local.enumerated() { buffer[rank * width + 1 + j] = label }
        sum(&buffer)
        var union = Set<Double>()
        for r in 0..<size {
            for j in 0..<Int(buffer[r * width]) { union.insert(buffer[r * width + 1 + j]) }
        }
        return union.sorted()
    }

    /// The path of this rank's file: `{rank}` replaced by the rank, or the shared file.
    func dataPath(_ path: String) -> String { path.replacingOccurrences(of: "{rank}", with: String(rank)) }

    /// Whether each rank reads a file of its own (`{rank}` in the path).
    static func hasRankFiles(_ path: String) -> Bool { path.contains("{rank}") }

    /// Makes every rank's table (read from `data`) describe the same columns, in one exchange that every rank makes:
    /// libsvm tables are widened with zero columns to the widest rank's (a `{rank}` file need not
    /// hold the largest index), other tables must have the same column names on every rank; and
    /// returns whether any rank's labels are −1/+1, so that all ranks read the labels alike.
    func agreeOnColumns(
        of table: inout DataTable, from data: String, columns: LogisticColumns, signedLabels: Bool
    ) throws -> Bool {
        let all = exchange([table.columnCount, DistributedJob.fingerprint(table.columnNames), signedLabels ? 1 : 0])
        if columns.mapsSignedLabels {
            let width = all.map { $0[0] }.max()!
            if width > table.columnCount { table = try DistributedJob.widened(table, to: width) }
        } else if let other = all.firstIndex(where: { $0[0] != all[0][0] || $0[1] != all[0][1] }) {
            let what =
                all[other][0] != all[0][0]
                ? "has \(all[other][0]) columns, rank 0's has \(all[0][0])" : "has other column names than rank 0's"
            throw UserError("\(data): rank \(other)'s file \(what); every rank's file needs the same header")
        }
        return all.contains { $0[2] != 0 }
    }

    /// The table with zero columns `f…` appended up to `width` columns (libsvm's unwritten features).
    static func widened(_ table: DataTable, to width: Int) throws -> DataTable {
        let (n, d) = (table.rowCount, table.columnCount)
        var values = try Matrix<Double>(rows: n, columns: width)
        values.withUnsafeMutableBufferPointer { out in
            table.values.withUnsafeBufferPointer { source in
                for i in 0..<n { (out.baseAddress! + i * width).update(from: source.baseAddress! + i * d, count: d) }
            }
        }
        var widened = DataTable(
            source: table.source, columnNames: table.columnNames + (d..<width).map { "f\($0)" }, values: values,
            lineNumbers: table.lineNumbers)
        widened.rowOffset = table.rowOffset
        return widened
    }

    /// A 52-bit FNV-1a hash of the column names (exact in the doubles the exchange sums).
    static func fingerprint(_ names: [String]) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            for byte in name.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return Int(hash >> 12)
    }
}
