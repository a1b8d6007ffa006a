import CLinalgText
import LinalgParallel

/// Writes a table as delimited text: a header of the column names (quoted where a name holds
/// the delimiter, a quote, a space or a line end), then each row's numbers as the shortest
/// decimals that read back to the same bits (`std::to_chars`), so that reading the file gives
/// the table again exactly.
public enum DelimitedWriter {
    /// Writes `table` to `path` with `delimiter` (`,` for CSV, tab for TSV), through a
    /// temporary file renamed into place.
    public static func write(
        _ table: DataTable, to path: String, delimiter: UInt8 = UInt8(ascii: ",")
    ) throws(DataError) {
        let output = try OutputFile(path: path)
        let header =
            table.columnNames.map { quoted($0, delimiter: delimiter) }
            .joined(separator: String(UnicodeScalar(delimiter))) + "\n"
        try output.write(Array(header.utf8))
        let (n, d) = (table.values.rows, table.values.columns)
        // Rows are formatted in blocks on all cores, then written in order.
        let rowsPerBlock = max(1, (1 << 20) / max(1, 24 * d))
        var start = 0
        let parts = ParallelChunks.parts(count: n, minimumPerChunk: rowsPerBlock)
        let perPart = (32 * d + 1) * rowsPerBlock
        var buffer = [UInt8](repeating: 0, count: perPart * parts)
        var lengths = [Int](repeating: 0, count: parts)
        while start < n {
            let (blockStart, stop) = (start, min(n, start + rowsPerBlock * parts))
            table.values.withUnsafeBufferPointer { values in
                buffer.withUnsafeMutableBufferPointer { bytes in
                    lengths.withUnsafeMutableBufferPointer { lengths in
                        let (v, b, l) = (
                            UncheckedSendable(UnsafeMutablePointer(mutating: values.baseAddress!)),
                            UncheckedSendable(bytes.baseAddress!), UncheckedSendable(lengths.baseAddress!)
                        )
                        ParallelChunks.run(count: stop - blockStart, parts: parts) { part, rows in
                            var cursor = b.value + part * perPart
                            let first = cursor
                            for i in rows {
                                let row = v.value + (blockStart + i) * d
                                cursor += linalg_format_row(
                                    row, d, CChar(bitPattern: delimiter),
                                    UnsafeMutableRawPointer(cursor).assumingMemoryBound(to: CChar.self))
                            }
                            l.value[part] = cursor - first
                        }
                    }
                }
            }
            for part in 0..<parts {
                try output.write(buffer[(part * perPart)..<(part * perPart + lengths[part])])
                lengths[part] = 0
            }
            start = stop
        }
        try output.commit()
    }

    /// A header name as written: in double quotes (inner quotes doubled) when it holds the
    /// delimiter, a quote, a space, a tab or a line end.
    static func quoted(_ name: String, delimiter: UInt8) -> String {
        let special: Set<UInt8> = [delimiter, UInt8(ascii: "\""), 0x20, 0x09, 0x0A, 0x0D]
        guard name.utf8.contains(where: special.contains) else { return name }
        return "\"" + name.replacingQuotes() + "\""
    }
}

extension String {
    func replacingQuotes() -> String {
        var out = ""
        for c in self { out += c == "\"" ? "\"\"" : String(c) }
        return out
    }
}
