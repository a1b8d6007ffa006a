/// The readers of one file in a data-parallel job (the ranks of an MPI job, say): reader `index`
/// of `count` reads only the `index`-th contiguous share of the file's rows (``RowShare``).
///
/// A reader of text cannot know on its own how many lines precede its bytes, nor (for libsvm) the
/// largest index in the other shares; the readers therefore exchange a few counts once, in one
/// collective call, after each has read its share.
public protocol SharedReading {
    /// This reader's position, `0 ..< readerCount`.
    var readerIndex: Int { get }
    /// The number of readers.
    var readerCount: Int { get }
    /// A collective call every reader makes once per file, each with the same number of values:
    /// returns every reader's `values`, in reader order.
    func exchange(_ values: [Int]) -> [[Int]]
}

/// Share `index` of `count` of a file's rows.
///
/// Binary arrays (`.npy`, `.npz`) are split by rows: share `r` holds rows
/// `⌊r n / P⌋ ..< ⌊(r + 1) n / P⌋`, read at their offset. Text (CSV, TSV, libsvm) is split by
/// bytes: share `r` holds the lines that start in the bytes `⌊r B / P⌋ ..< ⌊(r + 1) B / P⌋` of the
/// data after the header (`B` of them), so a reader touches only its own bytes and a few
/// kilobytes at each end; shares then differ by a line or a few in length.
public struct RowShare: Sendable, Equatable {
    /// The share's position, `0 ..< count`.
    public var index: Int
    /// The number of shares.
    public var count: Int

    /// Share `index` of `count` (`0 ≤ index < count`).
    public init(index: Int, count: Int) {
        precondition(count > 0 && (0..<count).contains(index), "RowShare: share \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// This share of `n` rows: `⌊index · n / count⌋ ..< ⌊(index + 1) · n / count⌋`.
    public func rows(of n: Int) -> Range<Int> { bounds(of: n) }

    /// This share of `0 ..< total` split evenly (for rows or bytes), without overflow for any size
    /// a file can have.
    func bounds(of total: Int) -> Range<Int> {
        func position(_ k: Int) -> Int { count.dividingFullWidth(total.multipliedFullWidth(by: k)).quotient }
        return position(index)..<position(index + 1)
    }
}

/// One reader's share read on its own, before the readers have exchanged their counts: the
/// rows, with lines counted as if the share began the data, and what the others must know.
struct ShareRead {
    /// The rows: a table, or (libsvm) sparse rows densified once the width is agreed.
    enum Rows {
        case dense(DataTable)
        case sparse(SparseRows)
    }

    var rows: Rows
    /// The lines of the share's bytes (text; 0 for arrays), so the shares after it can place theirs.
    var lines: Int

    var rowCount: Int {
        switch rows {
        case .dense(let table): table.rowCount
        case .sparse(let sparse): sparse.labels.count
        }
    }

    /// libsvm: the feature columns the share's indices need (the table's width is the largest
    /// over all shares); 0 for formats whose width is in the file.
    var sparseWidth: Int {
        if case .sparse(let sparse) = rows { return sparse.columnCount }
        return 0
    }
}
