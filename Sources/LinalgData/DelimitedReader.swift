import CLinalgText
import LinalgCore
import LinalgParallel
import Synchronization

/// Reads delimited numeric text (CSV, TSV): a header row of names, then rows of numbers.
///
/// The file is read in blocks, never whole: the header first, then the rest is cut at line
/// starts into one range per core (`ParallelChunks.coreLimit` bounds the cores: all of the
/// process's unless `OpenBLAS.threadCount` was set; reading never changes OpenBLAS's threads).
/// A first pass counts the data lines of each range, the table is allocated
/// once, and a second pass parses each range straight into its rows; the result and the error
/// reported are the same whatever the number of cores (the earliest bad line in the file wins,
/// and later ranges stop as soon as an earlier one has failed).
///
/// Numbers are parsed by `std::from_chars` (correctly rounded: the bits of Python's `float()`);
/// a leading `+`, surrounding spaces, double quotes around a field or a name, `\r\n` line ends,
/// a UTF-8 byte-order mark and blank lines are accepted. Every cell must be a finite number.
package enum DelimitedReader {
    /// Below this many data bytes one core reads everything.
    static let bytesPerPart = 1 << 20

    package static func read(
        _ source: some ByteSource, delimiter: UInt8, text: TextColumnOption? = nil
    ) throws(DataError) -> DataTable {
        let header = try Header(source, delimiter: delimiter)
        let rows = try read(source, delimiter: delimiter, header: header, data: header.end..<source.size, text: text)
        guard rows.table.rowCount > 0 else {
            throw DataError(file: source.name, message: "no data rows after the header")
        }
        return rows.table
    }

    /// Reads `share` of the rows: the lines starting in its bytes of the data (``RowShare``),
    /// their lines numbered as if they followed the header directly.
    static func readShare(_ source: some ByteSource, delimiter: UInt8, share: RowShare) throws(DataError) -> ShareRead {
        let header = try Header(source, delimiter: delimiter)
        let data = try LineBlocks.share(share, of: header.end..<source.size, in: source)
        let rows = try read(source, delimiter: delimiter, header: header, data: data)
        return ShareRead(rows: .dense(rows.table), lines: rows.lines)
    }

    /// Parses the rows in the bytes `data` (whole lines after `header`) into a table, and counts
    /// the bytes' lines; the table has no rows when the bytes hold only blank lines.
    static func read(
        _ source: some ByteSource, delimiter: UInt8, header: Header, data: Range<Int>, text: TextColumnOption? = nil
    ) throws(DataError) -> (table: DataTable, lines: Int) {
        let file = source.name
        let columns = header.names.count
        let parts = ParallelChunks.parts(count: data.count, minimumPerChunk: bytesPerPart)
        let ranges = try LineBlocks.split(data, parts: parts, in: source)

        let counts = try countLines(source, ranges: ranges)
        let rowCount = counts.reduce(0) { $0 + $1.rows }, lineCount = counts.reduce(0) { $0 + $1.lines }
        guard rowCount > 0 else {
            let empty = Matrix<Double>(uncheckedRows: 0, columns: columns)
            return (DataTable(source: file, columnNames: header.names, values: empty, lineNumbers: []), lineCount)
        }
        var firstRow = [0], firstLine = [header.lines]
        for count in counts {
            firstRow.append(firstRow.last! + count.rows)
            firstLine.append(firstLine.last! + count.lines)
        }

        // A row of D numbers takes at least 2D bytes (digits, separators, line end): a file
        // claiming more cells than its bytes can hold is malformed, found without allocating.
        let cells = try MemoryBudget.product(rowCount, columns, what: "the table", file: file)
        let backed = cells <= data.count / 2 + 1
        if backed { _ = try MemoryBudget.bytes(count: cells, elementSize: 8, what: "the table", file: file) }

        guard backed else {
            // Find the short row without allocating the table (a validation-only pass).
            if let error = scan(
                source, delimiter: delimiter, ranges: ranges, firstRow: firstRow, firstLine: firstLine,
                header: header.names, out: nil, lineNumbers: nil)
            {
                throw error
            }
            throw DataError(file: file, message: "has fewer bytes than \(rowCount) rows of \(columns) numbers need")
        }

        let layout = RowLayout(ranges: ranges, firstRow: firstRow, firstLine: firstLine, cells: cells)
        let table = try parseRows(source, delimiter: delimiter, header: header, layout: layout, text: text)
        return (table, lineCount)
    }

    /// Where each range's rows and lines start, and the table's size.
    struct RowLayout {
        var ranges: [Range<Int>], firstRow: [Int], firstLine: [Int], cells: Int
        var rowCount: Int { firstRow.last! }
    }

    /// Pass 2: each range parsed into its rows (and a text column's texts into classes).
    static func parseRows(
        _ source: some ByteSource, delimiter: UInt8, header: Header, layout: RowLayout, text: TextColumnOption?
    ) throws(DataError) -> DataTable {
        let (rowCount, cells, columns, file) = (layout.rowCount, layout.cells, header.names.count, source.name)
        var failure: DataError?, levels: [String]?
        var lineNumbers = [Int](repeating: 0, count: rowCount)
        let textColumn = text.flatMap { option in
            header.names.firstIndex(of: option.name).map {
                TextColumn(column: $0, maxDistinct: option.maxDistinct, parts: layout.ranges.count, rows: rowCount)
            }
        }
        let scalars = uninitializedDoubles(cells) { buffer, initialized in
            HugePages.advise(buffer.baseAddress!, count: cells)
            lineNumbers.withUnsafeMutableBufferPointer { lines in
                failure = scan(
                    source, delimiter: delimiter, ranges: layout.ranges, firstRow: layout.firstRow,
                    firstLine: layout.firstLine, header: header.names, out: buffer.baseAddress!,
                    lineNumbers: lines.baseAddress!, text: textColumn)
                if failure == nil, let textColumn {
                    let finished = textColumn.finish(
                        into: buffer.baseAddress!, columns: columns, rowStarts: layout.firstRow)
                    levels = finished.levels
                    if let row = finished.excess {
                        failure = textColumn.tooMany(line: lines[row], header: header.names, file: file)
                    }
                }
            }
            initialized = failure == nil ? cells : 0
        }
        if let failure { throw failure }
        let values = Matrix(uncheckedRows: rowCount, columns: columns, storage: scalars)
        var table = DataTable(source: file, columnNames: header.names, values: values, lineNumbers: lineNumbers)
        if let levels, let textColumn { table.levels[header.names[textColumn.column]] = levels }
        return table
    }

    /// Pass 1: the lines and the data lines (not blank) of each range.
    static func countLines(
        _ source: some ByteSource, ranges: [Range<Int>]
    ) throws(DataError)
        -> [(lines: Int, rows: Int)]
    {
        try parallelMap(ranges) { range throws(DataError) -> (lines: Int, rows: Int) in
            var lines = 0, rows = 0
            try LineBlocks.forEach(in: source, range: range) { block, _ throws(DataError) in
                var blockLines: Int64 = 0, blockRows: Int64 = 0
                linalg_count_lines(
                    block.baseAddress?.assumingMemoryBound(to: CChar.self), block.count, &blockLines, &blockRows)
                lines += Int(blockLines)
                rows += Int(blockRows)
                return true
            }
            return (lines, rows)
        }
    }

    /// Parses each range into its rows (`out`, `lineNumbers` may be `nil`: validation only) on
    /// its own core; returns the error of the earliest failing range, if any.
    static func scan(
        _ source: some ByteSource, delimiter: UInt8, ranges: [Range<Int>], firstRow: [Int], firstLine: [Int],
        header: [String], out: UnsafeMutablePointer<Double>?,
        lineNumbers: UnsafeMutablePointer<Int>?, text: TextColumn? = nil
    ) -> DataError? {
        let failure = FirstFailure()
        let out = out.map(UncheckedSendable.init), lineOut = lineNumbers.map(UncheckedSendable.init)
        let work = UncheckedSendable(source)
        ParallelChunks.run(count: ranges.count, parts: ranges.count) { part, _ in
            var state = RangeScan(
                part: part, firstRow: firstRow[part], rowLimit: firstRow[part + 1], line: firstLine[part],
                delimiter: delimiter, header: header, file: work.value.name, text: text)
            do throws(DataError) {
                try LineBlocks.forEach(in: work.value, range: ranges[part]) { block, _ throws(DataError) in
                    if failure.isSet(before: part) { return false }
                    if let error = state.scan(block, out: out?.value, lineNumbers: lineOut?.value) {
                        failure.record(part: part, error: error)
                        return false
                    }
                    return true
                }
            } catch {
                failure.record(part: part, error: error)
            }
        }
        return failure.error
    }

    /// One range's scan: the next row and line, and the text column's spans of its rows.
    struct RangeScan {
        let part: Int, firstRow: Int, rowLimit: Int, delimiter: UInt8, header: [String], file: String
        let text: TextColumn?
        var row: Int, line: Int
        /// The text column's spans of this range's rows (2 offsets per row, into each block).
        var spans: [Int64]

        init(
            part: Int, firstRow: Int, rowLimit: Int, line: Int, delimiter: UInt8, header: [String], file: String,
            text: TextColumn?
        ) {
            (self.part, self.firstRow, self.rowLimit, self.delimiter) = (part, firstRow, rowLimit, delimiter)
            (self.header, self.file, self.text, row, self.line) = (header, file, text, firstRow, line)
            spans = [Int64](repeating: 0, count: text == nil ? 0 : 2 * (rowLimit - firstRow))
        }

        /// Parses one block of whole lines into its rows (`out`, `lineNumbers` may be `nil`:
        /// validation only); the error it stopped at, if any.
        mutating func scan(
            _ block: UnsafeRawBufferPointer, out: UnsafeMutablePointer<Double>?, lineNumbers: UnsafeMutablePointer<Int>?
        ) -> DataError? {
            let columns = header.count, row = self.row, capacity = Int64(rowLimit - row)
            let base = block.baseAddress?.assumingMemoryBound(to: CChar.self), rows = out.map { $0 + row * columns }
            let lineStart = lineNumbers.map { $0 + row }, textColumn = Int64(text?.column ?? -1)
            let (delimiter, rowLimit, hasText, offset) = (
                self.delimiter, self.rowLimit, text != nil, 2 * (row - firstRow)
            )
            let result = spans.withUnsafeMutableBufferPointer { spans in
                let blockSpans = hasText ? spans.baseAddress! + offset : nil
                return lineStart.map { lineStart in
                    lineStart.withMemoryRebound(to: Int64.self, capacity: rowLimit - row) { lines in
                        linalg_scan_delimited(
                            base, block.count, CChar(bitPattern: delimiter), columns, rows, lines, capacity,
                            textColumn, blockSpans)
                    }
                }
                    ?? linalg_scan_delimited(
                        base, block.count, CChar(bitPattern: delimiter), columns, rows, nil, capacity, textColumn,
                        blockSpans)
            }
            // Line indices within the block → 1-based file lines.
            if let lineStart { for r in 0..<Int(result.rows) { lineStart[r] = lineStart[r] + line + 1 } }
            if Int(result.status) != LINALG_SCAN_OK {
                return DelimitedReader.error(result, block: block, firstLine: line, header: header, file: file)
            }
            if let text, let lineStart,
                let excess = spans.withUnsafeBufferPointer({
                    text.record(
                        part: part, row: row, count: Int(result.rows), spans: $0.baseAddress! + offset, block: block)
                })
            {
                return text.tooMany(line: lineStart[excess], header: header, file: file)
            }
            self.row += Int(result.rows)
            line += Int(result.lines)
            return nil
        }
    }

    /// The error a scan stopped with, placed at its file line and column.
    static func error(
        _ result: linalg_scan_result, block: UnsafeRawBufferPointer, firstLine: Int, header: [String],
        file: String
    ) -> DataError {
        let line = firstLine + Int(result.lines) + 1
        let text = excerpt(UnsafeRawBufferPointer(rebasing: block[Int(result.error_begin)..<Int(result.error_end)]))
        let column = Int(result.field)
        let name = column < header.count ? header[column] : nil
        switch Int(result.status) {
        case LINALG_SCAN_FIELD_COUNT:
            return DataError(
                file: file, line: line, message: "has \(result.fields) fields, the header has \(header.count)")
        case LINALG_SCAN_EMPTY_CELL:
            return DataError(
                file: file, line: line, column: column + 1, columnName: name, message: "empty cell, expected a number")
        case LINALG_SCAN_NOT_FINITE:
            return DataError(
                file: file, line: line, column: column + 1, columnName: name,
                message: "'\(text)' is not a finite number")
        case LINALG_SCAN_QUOTE:
            return DataError(
                file: file, line: line, column: column + 1, columnName: name,
                message: "'\(text)': a quoted field must close on its line, with nothing after the quote")
        case LINALG_SCAN_ROWS_CHANGED:
            return DataError(file: file, line: line, message: "the file changed while being read")
        default:
            return DataError(
                file: file, line: line, column: column + 1, columnName: name, message: "'\(text)' is not a number")
        }
    }
}

/// The header row of a delimited file: its names, the lines up to it, and where the data start.
struct Header {
    var names: [String]
    /// Lines before the data (blank lines before the header, and the header itself).
    var lines: Int
    /// The byte offset after the header's line end.
    var end: Int

    init(_ source: some ByteSource, delimiter: UInt8) throws(DataError) {
        let file = source.name
        guard source.size > 0 else {
            throw DataError(file: file, message: "file is empty (expected a header row and data rows)")
        }
        var found: (bytes: [UInt8], lines: Int, end: Int)?
        var lines = 0
        try LineBlocks.forEach(in: source, range: 0..<source.size) { block, offset throws(DataError) in
            var start = 0
            while start < block.count {
                let stop = block[start...].firstIndex(of: UInt8(ascii: "\n")) ?? block.count
                lines += 1
                var line = Array(block[start..<stop])
                if offset == 0 && start == 0 && line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                    found = (line, lines, offset + min(stop + 1, block.count))
                    return false
                }
                start = stop + 1
            }
            return true
        }
        guard let found else {
            throw DataError(file: file, message: "file is empty (expected a header row and data rows)")
        }
        names = try Header.names(found.bytes, delimiter: delimiter, line: found.lines, file: file)
        self.lines = found.lines
        end = found.end
        if end >= source.size { throw DataError(file: file, message: "no data rows after the header") }
    }

    /// Splits a header line into names: fields separated by `delimiter`, spaces around them
    /// dropped, double quotes around a name removed (`""` inside quotes is one quote).
    static func names(_ line: [UInt8], delimiter: UInt8, line number: Int, file: String) throws(DataError) -> [String] {
        var names: [String] = []
        var i = 0
        let space: (UInt8) -> Bool = { $0 == 0x20 || ($0 == 0x09 && delimiter != 0x09) || $0 == 0x0D }
        while true {
            while i < line.count && space(line[i]) { i += 1 }
            var name: [UInt8] = []
            if i < line.count && line[i] == UInt8(ascii: "\"") {
                i += 1
                var closed = false
                while i < line.count {
                    if line[i] == UInt8(ascii: "\"") {
                        if i + 1 < line.count && line[i + 1] == UInt8(ascii: "\"") {
                            name.append(line[i]); i += 2; continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    name.append(line[i])
                    i += 1
                }
                while i < line.count && space(line[i]) { i += 1 }
                guard closed, i == line.count || line[i] == delimiter else {
                    throw DataError(
                        file: file, line: number, column: names.count + 1,
                        message:
                            "header name '\(excerpt(name))': a quoted name must close, with nothing after the quote")
                }
            } else {
                let start = i
                while i < line.count && line[i] != delimiter { i += 1 }
                var stop = i
                while stop > start && space(line[stop - 1]) { stop -= 1 }
                name = Array(line[start..<stop])
            }
            if name.isEmpty {
                throw DataError(
                    file: file, line: number, column: names.count + 1, message: "empty column name in the header")
            }
            names.append(String(decoding: name, as: UTF8.self))
            if i >= line.count { return names }
            i += 1  // the delimiter
            if i == line.count {
                throw DataError(
                    file: file, line: number, column: names.count + 1, message: "empty column name in the header")
            }
        }
    }
}

/// The earliest failing part of a parallel scan, and its error.
final class FirstFailure: Sendable {
    private let state = Mutex<(part: Int, error: DataError?)>((Int.max, nil))

    /// Keeps `error` if `part` precedes every part that failed so far.
    func record(part: Int, error: DataError) {
        state.withLock { if part < $0.part { $0 = (part, error) } }
    }

    /// Whether a part before `part` has failed (this part's result no longer matters).
    func isSet(before part: Int) -> Bool { state.withLock { $0.part < part } }

    var error: DataError? { state.withLock { $0.error } }
}

/// `transform` applied to each element on its own core (at most ``ParallelChunks/coreLimit`` at
/// once), results in order; the first error in element order is thrown.
func parallelMap<T, R>(_ items: [T], _ transform: (T) throws(DataError) -> R) throws(DataError) -> [R] {
    var results = [Result<R, DataError>?](repeating: nil, count: items.count)
    withoutActuallyEscaping(transform) { transform in
        let body: (Int) -> Result<R, DataError> = { part in
            do throws(DataError) { return .success(try transform(items[part])) } catch { return .failure(error) }
        }
        let work = UncheckedSendable(body)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer.baseAddress!)
            ParallelChunks.run(count: items.count, parts: items.count) { part, _ in
                out.value[part] = work.value(part)
            }
        }
    }
    return try results.map { result throws(DataError) in try result!.get() }
}
