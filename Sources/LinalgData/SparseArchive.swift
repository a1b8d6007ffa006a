/// A sparse data set in a `.npz` as `scipy.sparse.save_npz` writes it: `data`, `indices`,
/// `indptr`, `format` (`csr` or `csc`) and `shape`, plus, for a data set, `y` and optionally
/// `sample_weight` as further arrays of the same archive. Every variant scipy writes is read:
/// stored or deflated members, float or integer `data`, 32- or 64-bit `indices` and `indptr`.
public struct SparseDataSet: Sendable {
    /// `X` as CSR (a CSC archive is converted).
    public var matrix: SparseMatrix<Double>
    /// `y`, when the archive has it.
    public var labels: [Double]?
    /// `sample_weight`, when the archive has it.
    public var sampleWeights: [Double]?
    /// The archive.
    public var source: String

    /// Whether the archive at `path` holds a sparse matrix (it has an array `indptr` and `format`).
    public static func isSparse(_ path: String) throws(DataError) -> Bool {
        let names = try NumpyArchive(contentsOf: path).arrayNames
        return names.contains("indptr") && names.contains("format")
    }

    /// Reads and checks the archive at `path`: throws, naming the array, when `indptr` is not
    /// monotone from 0 to the number of entries, an index is outside the shape, the shape exceeds
    /// 32-bit columns, a value is not finite, or `y`/`sample_weight` have another length.
    public init(contentsOf path: String) throws(DataError) {
        try self.init(archive: try NumpyArchive(contentsOf: path), path: path)
    }

    /// The same from the bytes of an archive (`name` for messages).
    public init(bytes: [UInt8], name: String) throws(DataError) {
        try self.init(archive: try NumpyArchive(MemorySource(bytes: bytes, name: name)), path: name)
    }

    init(archive: NumpyArchive, path: String) throws(DataError) {
        func array(_ name: String) throws(DataError) -> [Double] {
            guard let found = try archive.array(named: name) else {
                throw DataError(file: path, message: "a sparse archive needs an array '\(name)'")
            }
            return found.values
        }
        let format = try archive.text(named: "format")
        guard format == "csr" || format == "csc" else {
            throw DataError(file: path, message: "format '\(format)' is not supported (csr and csc are)")
        }
        let shape = try array("shape")
        guard shape.count == 2, shape.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 9.2e18 }) else {
            throw DataError(file: path, message: "'shape' must hold two counts, got \(shape)")
        }
        let (rows, columns) = (Int(shape[0]), Int(shape[1]))
        let (outer, inner) = format == "csr" ? (rows, columns) : (columns, rows)
        guard inner <= Int(Int32.max), outer <= Int(Int32.max) else {
            throw DataError(file: path, message: "shape (\(rows), \(columns)): indices must stay below 2³¹")
        }
        if format == "csc" {
            // The CSR offsets of a CSC archive: one per row, which the file's arrays do not back.
            _ = try MemoryBudget.bytes(count: rows + 1, elementSize: 8, what: "the row offsets", file: path)
        }
        let pointers = try array("indptr"), indices = try array("indices"), values = try array("data")
        try Self.check(pointers: pointers, indices: indices, values: values, outer: outer, inner: inner, file: path)
        matrix =
            format == "csr"
            ? Self.rowMajor(pointers, indices, values, rows: rows, columns: columns, file: path)
            : Self.transposed(pointers, indices, values, rows: rows, columns: columns)
        var labels = try archive.array(named: "y")?.values
        if labels == nil { labels = try archive.array(named: "Y")?.values }
        self.labels = labels
        sampleWeights = try archive.array(named: "sample_weight")?.values
        source = path
        for (name, column) in [("y", labels), ("sample_weight", sampleWeights)] {
            if let column, column.count != rows {
                throw DataError(file: path, message: "'\(name)' has \(column.count) entries; X has \(rows) rows")
            }
        }
    }

    /// `indptr` from 0, non-decreasing, ending at the number of entries; indices within `inner`
    /// and increasing (or unique after sorting) along each outer line; finite values.
    static func check(
        pointers: [Double], indices: [Double], values: [Double], outer: Int, inner: Int, file: String
    ) throws(DataError) {
        guard pointers.count == outer + 1, pointers.first == 0, Int(pointers.last!) == indices.count,
            indices.count == values.count
        else {
            throw DataError(
                file: file,
                message: "'indptr' has \(pointers.count) entries ending at \(pointers.last ?? -1) for \(outer) lines, "
                    + "'indices' \(indices.count) and 'data' \(values.count)")
        }
        for line in 0..<outer {
            guard pointers[line] <= pointers[line + 1] else {
                throw DataError(file: file, message: "'indptr' decreases at entry \(line + 1)")
            }
            var previous = -1.0
            for k in Int(pointers[line])..<Int(pointers[line + 1]) {
                let index = indices[k]
                guard index >= 0, index < Double(inner), index == index.rounded() else {
                    throw DataError(file: file, message: "'indices'[\(k)] = \(index) is outside 0 ..< \(inner)")
                }
                guard index > previous else {
                    throw DataError(file: file, message: "'indices' are not increasing along line \(line) (at \(k))")
                }
                guard values[k].isFinite else {
                    throw DataError(file: file, message: "'data'[\(k)] = \(values[k]) is not finite")
                }
                previous = index
            }
        }
    }

    static func rowMajor(
        _ pointers: [Double], _ indices: [Double], _ values: [Double], rows: Int, columns: Int, file: String
    ) -> SparseMatrix<Double> {
        SparseMatrix(
            uncheckedRows: rows, columns: columns, rowOffsets: pointers.map { Int64($0) },
            columnIndices: indices.map { Int32($0) }, values: values)
    }

    /// CSR from CSC: entries counted per row, then placed column by column (so each row's columns
    /// come out increasing).
    static func transposed(
        _ pointers: [Double], _ indices: [Double], _ values: [Double], rows: Int, columns: Int
    ) -> SparseMatrix<Double> {
        var offsets = [Int64](repeating: 0, count: rows + 1)
        for index in indices { offsets[Int(index) + 1] += 1 }
        for i in 0..<rows { offsets[i + 1] += offsets[i] }
        var next = offsets, outIndices = [Int32](repeating: 0, count: indices.count)
        var outValues = [Double](repeating: 0, count: values.count)
        for column in 0..<columns {
            for k in Int(pointers[column])..<Int(pointers[column + 1]) {
                let row = Int(indices[k]), at = Int(next[row])
                outIndices[at] = Int32(column)
                outValues[at] = values[k]
                next[row] += 1
            }
        }
        return SparseMatrix(
            uncheckedRows: rows, columns: columns, rowOffsets: offsets, columnIndices: outIndices, values: outValues)
    }
}

extension NumpyArchive {
    /// The text of a 0-d string array (`format` of a scipy archive: `|S3` bytes or `<U3` UTF-32).
    func text(named name: String) throws(DataError) -> String {
        let file = archive.source.name
        guard let entry = archive.entries.first(where: { $0.name == name + ".npy" || $0.name == name }) else {
            throw DataError(file: file, message: "a sparse archive needs an array '\(name)'")
        }
        var stream = try archive.stream(entry)
        let bytes = try stream.readBytes(min(stream.remaining, 4096))
        guard bytes.count >= 10, bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw DataError(file: file, message: "'\(name)' is not a .npy array")
        }
        let length =
            bytes[6] == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : bytes.count >= 12
                ? Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24 : Int.max
        let start = (bytes[6] == 1 ? 10 : 12) + length
        guard start <= bytes.count else { throw DataError(file: file, message: "'\(name)' has a truncated header") }
        let header = String(decoding: bytes[(bytes[6] == 1 ? 10 : 12)..<start], as: UTF8.self)
        let payload = Array(bytes[start...])
        if header.contains("'|S") {
            return String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self)
        }
        if header.contains("'<U") {
            var text = ""
            for k in stride(from: 0, to: payload.count - 3, by: 4) {
                let scalar =
                    UInt32(payload[k]) | UInt32(payload[k + 1]) << 8 | UInt32(payload[k + 2]) << 16
                    | UInt32(payload[k + 3]) << 24
                guard scalar != 0, let unicode = Unicode.Scalar(scalar) else { break }
                text.unicodeScalars.append(unicode)
            }
            return text
        }
        throw DataError(file: file, message: "'\(name)' is not a string array")
    }
}
