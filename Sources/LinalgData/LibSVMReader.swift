import CLinalgText
import LinalgKernels

/// Rows of a sparse matrix in compressed sparse row form, with a label per row: row `i`'s
/// nonzeros are `values[rowStarts[i] ..< rowStarts[i+1]]` in columns `columns[…]` (0-based,
/// increasing along a row).
public struct SparseRows: Sendable {
    /// One label per row.
    public var labels: [Double]
    /// `n + 1` offsets into ``columns`` and ``values``.
    public var rowStarts: [Int]
    /// The column of each nonzero (0-based).
    public var columns: [Int32]
    /// The value of each nonzero.
    public var values: [Double]
    /// The number of columns (`D`: the largest index written, counted from the first).
    public var columnCount: Int
    /// The 1-based file line of each row.
    public var lineNumbers: [Int]
    /// The file the rows came from.
    public var source: String

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
                for k in rowStarts[i]..<rowStarts[i + 1] { out[i * width + 1 + Int(columns[k])] = values[k] }
            }
        }
        let names = ["label"] + (1..<width).map { "f\($0)" }
        return DataTable(
            source: source, columnNames: names, values: Matrix(uncheckedRows: n, columns: width, storage: scalars),
            lineNumbers: lineNumbers)
    }
}

/// Reads libsvm/svmlight text (`label [qid:q] index:value … # comment`) into ``SparseRows``, in
/// parallel like the delimited reader: the file is cut at line starts, a first pass counts each
/// range's rows and nonzeros (and finds the first malformed line), a second fills the arrays.
public enum LibSVMReader {
    /// Reads the file at `path`; indices start at `firstIndex` (1, or 0 for zero-based files).
    public static func read(contentsOf path: String, firstIndex: Int = 1) throws(DataError) -> SparseRows {
        try read(InputFile(path: path), firstIndex: firstIndex)
    }

    static func read(_ source: some ByteSource, firstIndex: Int) throws(DataError) -> SparseRows {
        guard source.size > 0 else { throw DataError(file: source.name, message: "file is empty") }
        let rows = try read(source, range: 0..<source.size, firstIndex: firstIndex)
        guard !rows.rows.labels.isEmpty else { throw DataError(file: source.name, message: "no data rows") }
        return rows.rows
    }

    /// Reads `share` of the rows (the lines starting in its bytes, ``RowShare``), numbering
    /// lines from the share's start.
    static func readShare(_ source: some ByteSource, share: RowShare, firstIndex: Int) throws(DataError) -> ShareRead {
        guard source.size > 0 else { throw DataError(file: source.name, message: "file is empty") }
        let range = try LineBlocks.share(share, of: 0..<source.size, in: source)
        let read = try read(source, range: range, firstIndex: firstIndex)
        return ShareRead(rows: .sparse(read.rows), lines: read.lines)
    }

    /// Reads the lines in the bytes `range` (whole lines), numbering lines from its start, and
    /// counts its lines.
    static func read(
        _ source: some ByteSource, range: Range<Int>, firstIndex: Int
    ) throws(DataError) -> (rows: SparseRows, lines: Int) {
        let file = source.name
        let parts = ParallelChunks.parts(count: range.count, minimumPerChunk: DelimitedReader.bytesPerPart)
        let ranges = try LineBlocks.split(range, parts: parts, in: source)
        let counts = try parallelMap(ranges) { range throws(DataError) -> LibSVMCount in
            var count = LibSVMCount()
            try LineBlocks.forEach(in: source, range: range) { block, _ throws(DataError) in
                var rows = linalg_libsvm_rows()
                let result = linalg_scan_libsvm(
                    block.baseAddress?.assumingMemoryBound(to: CChar.self), block.count,
                    Int64(firstIndex), &rows)
                if Int(result.status) != LINALG_SCAN_OK {
                    count.failure = error(result, block: block, firstLine: count.lines, file: file)
                    return false
                }
                count.lines += Int(result.lines)
                count.rows += Int(result.rows)
                count.nonzeros += Int(rows.nonzeros)
                count.largest = max(count.largest, Int(rows.largest_index))
                return true
            }
            return count
        }
        var linesSoFar = [0]
        for count in counts {
            if var failure = count.failure {
                // The line was counted from the range's start: place it in the file.
                failure.line = failure.line.map { $0 + linesSoFar.last! }
                throw failure
            }
            linesSoFar.append(linesSoFar.last! + count.lines)
        }
        let n = counts.reduce(0) { $0 + $1.rows }, nonzeros = counts.reduce(0) { $0 + $1.nonzeros }
        let largest = counts.map { $0.largest }.max() ?? -1
        var rowsSoFar = [0], nonzerosSoFar = [0]
        for count in counts {
            rowsSoFar.append(rowsSoFar.last! + count.rows)
            nonzerosSoFar.append(nonzerosSoFar.last! + count.nonzeros)
        }
        _ = try MemoryBudget.bytes(count: n, elementSize: 32, what: "\(n) rows", file: file)
        _ = try MemoryBudget.bytes(count: nonzeros, elementSize: 12, what: "\(nonzeros) entries", file: file)
        var labels = [Double](repeating: 0, count: n), rowEnds = [Int64](repeating: 0, count: n)
        var lineOfRow = [Int64](repeating: 0, count: n)
        var indices = [Int32](repeating: 0, count: nonzeros), values = [Double](repeating: 0, count: nonzeros)
        let failure = FirstFailure()
        let (rowStart, nonzeroStart, lineStart) = (rowsSoFar, nonzerosSoFar, linesSoFar)
        labels.withUnsafeMutableBufferPointer { labels in
            rowEnds.withUnsafeMutableBufferPointer { rowEnds in
                lineOfRow.withUnsafeMutableBufferPointer { lineOfRow in
                    indices.withUnsafeMutableBufferPointer { indices in
                        values.withUnsafeMutableBufferPointer { values in
                            let pointers = UncheckedSendable(
                                (
                                    labels.baseAddress!, rowEnds.baseAddress!, lineOfRow.baseAddress!,
                                    indices.baseAddress, values.baseAddress
                                ))
                            let work = UncheckedSendable(source)
                            ParallelChunks.run(count: ranges.count, parts: ranges.count) { part, _ in
                                var row = rowStart[part], nonzero = nonzeroStart[part], line = lineStart[part]
                                let (labels, rowEnds, lineOfRow, indices, values) = pointers.value
                                do throws(DataError) {
                                    try LineBlocks.forEach(in: work.value, range: ranges[part]) {
                                        block, _ throws(DataError) in
                                        var rows = linalg_libsvm_rows(
                                            labels: labels + row, row_ends: rowEnds + row,
                                            indices: indices.map { $0 + nonzero },
                                            values: values.map { $0 + nonzero }, line_of_row: lineOfRow + row,
                                            max_rows: Int64(rowStart[part + 1] - row),
                                            max_nonzeros: Int64(nonzeroStart[part + 1] - nonzero),
                                            nonzeros: 0, largest_index: 0)
                                        let result = linalg_scan_libsvm(
                                            block.baseAddress?.assumingMemoryBound(to: CChar.self), block.count,
                                            Int64(firstIndex), &rows)
                                        if Int(result.status) != LINALG_SCAN_OK {
                                            throw error(result, block: block, firstLine: line, file: file)
                                        }
                                        for r in row..<(row + Int(result.rows)) {
                                            rowEnds[r] += Int64(nonzero)
                                            lineOfRow[r] += Int64(line + 1)
                                        }
                                        row += Int(result.rows)
                                        nonzero += Int(rows.nonzeros)
                                        line += Int(result.lines)
                                        return true
                                    }
                                } catch {
                                    failure.record(part: part, error: error)
                                }
                            }
                        }
                    }
                }
            }
        }
        if let error = failure.error { throw error }
        let shift = Int32(firstIndex)
        let rows = SparseRows(
            labels: labels, rowStarts: [0] + rowEnds.map(Int.init), columns: indices.map { $0 - shift }, values: values,
            columnCount: max(0, largest + 1 - firstIndex), lineNumbers: lineOfRow.map(Int.init), source: file)
        return (rows, linesSoFar.last!)
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
            what = "'\(text)': indices must be integers, increasing along the line, from the first index"
        case LINALG_SCAN_BAD_PAIR: what = "'\(text)' is not of the form index:value"
        case LINALG_SCAN_ROWS_CHANGED: what = "the file changed while being read"
        default: what = "'\(text)' is not a number"
        }
        return DataError(file: file, line: line, column: Int(result.field) + 1, message: what)
    }
}

/// What the counting pass found in one range of a libsvm file.
struct LibSVMCount {
    var lines = 0, rows = 0, nonzeros = 0, largest = -1
    /// The first malformed line, its line counted from the range's start.
    var failure: DataError?
}
