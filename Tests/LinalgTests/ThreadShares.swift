import Foundation
import Linalg

/// Row shares held by threads of this process, their reductions made through a shared board (as
/// the ranks of an MPI job make them through an allreduce): each round waits for every share's
/// values and returns their sum (or maximum), added in share order.
final class ThreadShares: @unchecked Sendable {
    let count: Int
    private let condition = NSCondition()
    private var posted: [[Double]?]
    private var round = 0
    private var combined: [Double] = []

    init(count: Int) {
        self.count = count
        posted = Array(repeating: nil, count: count)
    }

    /// The reduction as share `index` sees it (a process of a data-parallel group, too).
    final class Share: DataParallelGroup, @unchecked Sendable {
        let index: Int
        let board: ThreadShares
        var rank: Int { index }
        var size: Int { board.count }
        init(index: Int, board: ThreadShares) { (self.index, self.board) = (index, board) }
        func sum(_ values: inout [Double]) { values = board.post(values, from: index, maximum: false) }
        func maximum(_ values: inout [Double]) { values = board.post(values, from: index, maximum: true) }
    }

    func post(_ values: [Double], from index: Int, maximum: Bool) -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        let mine = round
        posted[index] = values
        if posted.allSatisfy({ $0 != nil }) {
            let all = posted.map { $0! }
            precondition(all.allSatisfy { $0.count == values.count }, "ThreadShares: shares reduce different lengths")
            combined = all.dropFirst().reduce(all[0]) { total, next in
                zip(total, next).map { maximum ? Swift.max($0, $1) : $0 + $1 }
            }
            posted = Array(repeating: nil, count: count)
            round += 1
            condition.broadcast()
        } else {
            while round == mine { condition.wait() }
        }
        return combined
    }

    /// `body(share)` run on a thread per share; the results in share order.
    static func run<T: Sendable>(shares: Int, _ body: @escaping @Sendable (Share) throws -> T) throws -> [T] {
        let board = ThreadShares(count: shares)
        let results = Results<T>(count: shares)
        let group = DispatchGroup()
        for index in 0..<shares {
            group.enter()
            Thread {
                results.set(index, Result { try body(Share(index: index, board: board)) })
                group.leave()
            }.start()
        }
        group.wait()
        return try results.values.map { try $0!.get() }
    }

    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<T, Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Result<T, Error>) { lock.withLock { values[index] = value } }
    }
}
