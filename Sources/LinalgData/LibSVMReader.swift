import CLinalgText
import LinalgParallel

/// The rows of a libsvm file: a label per row and the features as a CSR matrix
/// (``SparseMatrix``: 0-based columns, increasing along a row), with each row's line in the file.
public struct SparseRows: Sendable {
    /// One label per row.
    public var labels: [Double]
    /// The features, `n × D` (`D`: the largest index written, counted from the first index).
    public var matrix: SparseMatrix<Double>
    /// The 1-based file line of each row.
    public var lineNumbers: [Int]
    /// The file the rows came from.
    public var source: String

    /// Rows from their parts.
    public init(labels: [Double], matrix: SparseMatrix<Double>, lineNumbers: [Int], source: String) {
        (self.labels, self.matrix, self.lineNumbers, self.source) = (labels, matrix, lineNumbers, source)
    }

    /// `D`.
    public var columnCount: Int { matrix.columns }
    /// `n + 1` offsets into ``columns`` and ``values``.
    public var rowStarts: [Int] { matrix.rowOffsets.map(Int.init) }
    /// The column of each nonzero (0-based).
    public var columns: [Int32] { matrix.columnIndices }
    /// The value of each nonzero.
    public var values: [Double] { matrix.values }

    /// The same rows with `count ≥ D` columns (a reader of part of a file widened to the whole's).
    public func widened(to count: Int) -> SparseRows {
        var rows = self
        rows.matrix = SparseMatrix(
            uncheckedRows: matrix.rows, columns: max(count, matrix.columns), rowOffsets: matrix.rowOffsets,
            columnIndices: matrix.columnIndices, values: matrix.values)
        return rows
    }

    /// The features' names: `f1` … `fD` (the file's indices from 1).
    public var featureNames: [String] { (0..<columnCount).map { "f\($0 + 1)" } }

    /// The rows as a dense table: `label`, then `f1` … `fD`, zeros where a row has no entry.
    public func table() throws(DataError) -> DataTable {
        let n = labels.count, width = columnCount + 1
        try MemoryBudget.checkNames(width, file: source)
        let cells = try MemoryBudget.product(n, width, what: "the dense table", file: source)
        _ = try MemoryBudget.bytes(
            count: cells, elementSize: 8, what: "the dense table (\(n) rows × \(width) columns)", file: source)
        var scalars = zeroedDoubles(cells)
        scalars.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                out[i * width] = labels[i]
                for k in Int(matrix.rowOffsets[i])..<Int(matrix.rowOffsets[i + 1]) {
                    out[i * width + 1 + Int(matrix.columnIndices[k])] = matrix.values[k]
                }
            }
        }
        let names = ["label"] + featureNames
        return DataTable(
            source: source, columnNames: names, values: Matrix(uncheckedRows: n, columns: width, storage: scalars),
            lineNumbers: lineNumbers)
    }
}

/// Where a libsvm file's feature indices start.
public enum LibSVMIndexBase: Sendable, Equatable {
    /// From the file, as scikit-learn's `zero_based="auto"`: one-based unless some index is 0.
    case automatic
    /// Index 0 is the first column.
    case zeroBased
    /// Index 1 is the first column (libsvm's own convention); an index 0 is an error.
    case oneBased
}

/// Reads libsvm/svmlight text (`label [qid:q] index:value … # comment`) into ``SparseRows``, in
/// parallel like the delimited reader: the file is cut at line starts, a first pass counts each
/// range's rows and nonzeros (and finds the first malformed line), a second fills the arrays.
public enum LibSVMReader {
    /// Reads the file at `path`, its indices starting as `indexBase` says.
    public static func read(
        contentsOf path: String, indexBase: LibSVMIndexBase = .automatic
    ) throws(DataError)
        -> SparseRows
    {
        try read(InputFile(path: path), indexBase: indexBase)
    }

    static func read(_ source: some ByteSource, indexBase: LibSVMIndexBase) throws(DataError) -> SparseRows {
        guard source.size > 0 else { throw DataError(file: source.name, message: "file is empty") }
        let rows = try read(source, range: 0..<source.size, indexBase: indexBase)
        guard !rows.rows.labels.isEmpty else { throw DataError(file: source.name, message: "no data rows") }
        return rows.rows
    }

    /// Reads `share` of the rows (the lines starting in its bytes, ``RowShare``), numbering
    /// lines from the share's start. A share cannot see the whole file's smallest index: automatic
    /// detection is one-based there (`--zero-based` for zero-based files).
    static func readShare(
        _ source: some ByteSource, share: RowShare, indexBase: LibSVMIndexBase
    ) throws(DataError) -> ShareRead {
        guard source.size > 0 else { throw DataError(file: source.name, message: "file is empty") }
        let range = try LineBlocks.share(share, of: 0..<source.size, in: source)
        let read = try read(source, range: range, indexBase: indexBase == .automatic ? .oneBased : indexBase)
        return ShareRead(rows: .sparse(read.rows), lines: read.lines)
    }

    /// Reads the lines in the bytes `range` (whole lines), numbering lines from its start, and
    /// counts its lines: the range is cut at line starts, a first pass counts each part's rows and
    /// nonzeros, and a second fills the arrays, each part from its own offsets.
    static func read(
        _ source: some ByteSource, range: Range<Int>, indexBase: LibSVMIndexBase
    ) throws(DataError) -> (rows: SparseRows, lines: Int) {
        let parts = ParallelChunks.parts(count: range.count, minimumPerChunk: DelimitedReader.bytesPerPart)
        let ranges = try LineBlocks.split(range, parts: parts, in: source)
        let scanFrom = indexBase == .oneBased ? 1 : 0
        let layout = try LibSVMLayout(
            counts: try count(source, ranges: ranges, firstIndex: scanFrom), file: source.name)
        // Automatic: one-based unless an index 0 was seen (scikit-learn's "auto").
        let firstIndex = indexBase == .zeroBased || (indexBase == .automatic && layout.smallest == 0) ? 0 : 1
        let rows = try fill(source, ranges: ranges, layout: layout, scanFrom: scanFrom, firstIndex: firstIndex)
        return (rows, layout.lineStart.last!)
    }

    /// The counting pass: each range's lines, rows, nonzeros and largest index (or its first
    /// malformed line).
    static func count(
        _ source: some ByteSource, ranges: [Range<Int>], firstIndex: Int
    ) throws(DataError)
        -> [LibSVMCount]
    {
        try parallelMap(ranges) { range throws(DataError) -> LibSVMCount in
            var count = LibSVMCount()
            try LineBlocks.forEach(in: source, range: range) { block, _ throws(DataError) in
                var rows = linalg_libsvm_rows()
                let result = linalg_scan_libsvm(
                    block.baseAddress?.assumingMemoryBound(to: CChar.self), block.count, Int64(firstIndex), &rows)
                if Int(result.status) != LINALG_SCAN_OK {
                    count.failure = error(result, block: block, firstLine: count.lines, file: source.name)
                    return false
                }
                count.lines += Int(result.lines)
                count.rows += Int(result.rows)
                count.nonzeros += Int(rows.nonzeros)
                count.largest = max(count.largest, Int(rows.largest_index))
                count.smallest = min(count.smallest, Int(rows.smallest_index))
                return true
            }
            return count
        }
    }

    /// The filling pass: every part scans its range again into the arrays at its offsets (indices
    /// from `scanFrom`); the columns are then counted from `firstIndex`.
    static func fill(
        _ source: some ByteSource, ranges: [Range<Int>], layout: LibSVMLayout, scanFrom: Int, firstIndex: Int
    ) throws(DataError) -> SparseRows {
        let arrays = LibSVMArrays(rows: layout.rowStart.last!, nonzeros: layout.nonzeroStart.last!)
        let failure = FirstFailure()
        let work = UncheckedSendable(source)
        ParallelChunks.run(count: ranges.count, parts: ranges.count) { part, _ in
            do throws(DataError) {
                try scan(
                    work.value, range: ranges[part], part: part, layout: layout, into: arrays, firstIndex: scanFrom)
            } catch {
                failure.record(part: part, error: error)
            }
        }
        if let error = failure.error { throw error }
        return arrays.rows(
            columnCount: max(0, layout.largest + 1 - firstIndex), firstIndex: firstIndex, file: source.name)
    }

    /// Scans `range`, part `part` of the file, into `arrays` from the part's offsets in `layout`.
    static func scan(
        _ source: some ByteSource, range: Range<Int>, part: Int, layout: LibSVMLayout, into arrays: LibSVMArrays,
        firstIndex: Int
    ) throws(DataError) {
        var row = layout.rowStart[part], nonzero = layout.nonzeroStart[part], line = layout.lineStart[part]
        try LineBlocks.forEach(in: source, range: range) { block, _ throws(DataError) in
            var rows = linalg_libsvm_rows(
                labels: arrays.labels + row, row_ends: arrays.rowEnds + row, indices: arrays.indices + nonzero,
                values: arrays.values + nonzero, line_of_row: arrays.lineOfRow + row,
                max_rows: Int64(layout.rowStart[part + 1] - row),
                max_nonzeros: Int64(layout.nonzeroStart[part + 1] - nonzero), nonzeros: 0, largest_index: 0,
                smallest_index: 0)
            let result = linalg_scan_libsvm(
                block.baseAddress?.assumingMemoryBound(to: CChar.self), block.count, Int64(firstIndex), &rows)
            if Int(result.status) != LINALG_SCAN_OK {
                throw error(result, block: block, firstLine: line, file: source.name)
            }
            // The scanner numbers row ends and lines within the block: make them the file's.
            for r in row..<(row + Int(result.rows)) {
                arrays.rowEnds[r] += Int64(nonzero)
                arrays.lineOfRow[r] += Int64(line + 1)
            }
            row += Int(result.rows)
            nonzero += Int(rows.nonzeros)
            line += Int(result.lines)
            return true
        }
    }

    /// The error a scan stopped with; `firstLine` counts the lines before the block.
    static func error(
        _ result: linalg_scan_result, block: UnsafeRawBufferPointer, firstLine: Int,
        file: String
    ) -> DataError {
        let line = firstLine + Int(result.lines) + 1
        let text = excerpt(UnsafeRawBufferPointer(rebasing: block[Int(result.error_begin)..<Int(result.error_end)]))
        let what: String
        switch Int(result.status) {
        case LINALG_SCAN_NOT_FINITE: what = "'\(text)' is not a finite number"
        case LINALG_SCAN_BAD_INDEX:
            what = "'\(text)': indices must be integers from the first index (1, or 0 in a zero-based file) below 2³¹"
        case LINALG_SCAN_DUPLICATE_INDEX: what = "'\(text)': the index appears twice on the line"
        case LINALG_SCAN_BAD_PAIR: what = "'\(text)' is not of the form index:value"
        case LINALG_SCAN_ROWS_CHANGED: what = "the file changed while being read"
        default: what = "'\(text)' is not a number"
        }
        return DataError(file: file, line: line, column: Int(result.field) + 1, message: what)
    }
}

/// Where each part of a libsvm file starts in the rows, the nonzeros and the lines (prefix sums
/// of the counting pass, one more entry than parts), and the largest index; made only when every
/// part was read and the arrays fit in memory.
struct LibSVMLayout: Sendable {
    let rowStart: [Int], nonzeroStart: [Int], lineStart: [Int]
    let largest: Int, smallest: Int

    init(counts: [LibSVMCount], file: String) throws(DataError) {
        var rows = [0], nonzeros = [0], lines = [0]
        for count in counts {
            if var failure = count.failure {
                // The line was counted from the range's start: place it in the file.
                failure.line = failure.line.map { $0 + lines.last! }
                throw failure
            }
            rows.append(rows.last! + count.rows)
            nonzeros.append(nonzeros.last! + count.nonzeros)
            lines.append(lines.last! + count.lines)
        }
        let n = rows.last!, nonzeroCount = nonzeros.last!
        _ = try MemoryBudget.bytes(count: n, elementSize: 32, what: "\(n) rows", file: file)
        _ = try MemoryBudget.bytes(count: nonzeroCount, elementSize: 12, what: "\(nonzeroCount) entries", file: file)
        (rowStart, nonzeroStart, lineStart) = (rows, nonzeros, lines)
        largest = counts.map(\.largest).max() ?? -1
        smallest = counts.map(\.smallest).min() ?? Int.max
    }
}

/// The arrays the filling pass writes (each part its own rows and nonzeros, so the parts never
/// touch the same entries), turned into ``SparseRows`` at the end.
final class LibSVMArrays: @unchecked Sendable {
    let rowCount: Int, nonzeroCount: Int
    let labels: UnsafeMutablePointer<Double>, rowEnds: UnsafeMutablePointer<Int64>
    let lineOfRow: UnsafeMutablePointer<Int64>
    let indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>

    init(rows: Int, nonzeros: Int) {
        (rowCount, nonzeroCount) = (rows, nonzeros)
        labels = .allocate(capacity: max(1, rows))
        rowEnds = .allocate(capacity: max(1, rows))
        lineOfRow = .allocate(capacity: max(1, rows))
        indices = .allocate(capacity: max(1, nonzeros))
        values = .allocate(capacity: max(1, nonzeros))
    }

    deinit {
        labels.deallocate()
        rowEnds.deallocate()
        lineOfRow.deallocate()
        indices.deallocate()
        values.deallocate()
    }

    /// The rows, indices shifted to start at 0.
    func rows(columnCount: Int, firstIndex: Int, file: String) -> SparseRows {
        let shift = Int32(firstIndex)
        let matrix = SparseMatrix<Double>(
            uncheckedRows: rowCount, columns: columnCount,
            rowOffsets: [0] + UnsafeBufferPointer(start: rowEnds, count: rowCount),
            columnIndices: UnsafeBufferPointer(start: indices, count: nonzeroCount).map { $0 - shift },
            values: Array(UnsafeBufferPointer(start: values, count: nonzeroCount)))
        return SparseRows(
            labels: Array(UnsafeBufferPointer(start: labels, count: rowCount)), matrix: matrix,
            lineNumbers: UnsafeBufferPointer(start: lineOfRow, count: rowCount).map(Int.init), source: file)
    }
}

/// What the counting pass found in one range of a libsvm file.
struct LibSVMCount {
    var lines = 0, rows = 0, nonzeros = 0, largest = -1, smallest = Int.max
    /// The first malformed line, its line counted from the range's start.
    var failure: DataError?
}
