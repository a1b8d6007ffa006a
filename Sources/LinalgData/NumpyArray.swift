import LinalgCore

/// A 1-D or 2-D numpy array read as `Double`s (row-major, whatever the file's order).
public struct NumpyArray: Sendable {
    /// `[n]` or `[n, d]`.
    public var shape: [Int]
    /// The entries in row-major order, converted to `Double` (exactly, except for 64-bit
    /// integers beyond 2⁵³, which round to nearest).
    public var values: [Double]

    /// The array as an `n × d` matrix (a 1-D array is one column).
    public var matrix: Matrix<Double> {
        Matrix(uncheckedRows: shape[0], columns: shape.count == 2 ? shape[1] : 1, storage: values)
    }

    /// The array as a table with columns named `0`, `1`, …; throws on a non-finite entry, and
    /// on an empty array unless it is a share (`rowOffset`: the file's rows before it).
    func table(source: String, rowOffset: Int? = nil) throws(DataError) -> DataTable {
        let matrix = self.matrix
        guard matrix.rows > 0 || rowOffset != nil, matrix.columns > 0 else {
            throw DataError(
                file: source, message: "the array is empty (shape (\(shape.map(String.init).joined(separator: ", "))))")
        }
        try MemoryBudget.checkNames(matrix.columns, file: source)
        var table = DataTable(source: source, columnNames: (0..<matrix.columns).map(String.init), values: matrix)
        table.rowOffset = rowOffset ?? 0
        try table.requireFinite()
        return table
    }
}

extension DataTable {
    /// Throws, naming row and column, when an entry is NaN or infinite (text readers check as
    /// they parse; binary formats are checked after reading).
    func requireFinite() throws(DataError) {
        if let (i, j) = values.firstNonFinite {
            throw error(row: i, column: j, "\(values[i, j]) is not a finite number")
        }
    }
}

/// Reading and writing `.npy` files.
public enum NumpyFile {
    /// Reads the `.npy` array at `path`.
    public static func read(contentsOf path: String) throws(DataError) -> NumpyArray {
        try read(InputFile(path: path))
    }

    static func read(_ source: some ByteSource) throws(DataError) -> NumpyArray {
        var stream = SourceStream(source, range: 0..<source.size)
        return try read(&stream)
    }

    /// Reads a header and the array after it from `stream`; the claimed size is checked against
    /// the bytes the stream holds before anything is allocated.
    package static func read(_ stream: inout some ByteStream) throws(DataError) -> NumpyArray {
        let (header, count) = try checkedHeader(&stream)
        let file = stream.name
        let (rows, columns) = header.tableShape
        _ = try MemoryBudget.bytes(count: count, elementSize: 8, what: "the array as doubles", file: file)
        var failure: DataError?
        var values = uninitializedDoubles(count) { buffer, initialized in
            HugePages.advise(buffer.baseAddress!, count: count)
            do throws(DataError) {
                try readValues(header, count: count, from: &stream, into: buffer.baseAddress!)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        if header.fortranOrder && header.shape.count == 2 && rows > 1 && columns > 1 {
            values = transposed(values, rows: columns, columns: rows)
        }
        try stream.drain()
        return NumpyArray(shape: header.shape, values: values)
    }

    /// The header at the front of `stream` and the number of items it claims, checked (with
    /// overflow checks) against the bytes the stream holds before anything is allocated.
    static func checkedHeader(_ stream: inout some ByteStream) throws(DataError) -> (NumpyHeader, count: Int) {
        let header = try NumpyHeader(&stream)
        let file = stream.name
        let (rows, columns) = header.tableShape
        let count = try MemoryBudget.product(rows, columns, what: "the array's shape", file: file)
        let bytes = try MemoryBudget.bytes(
            count: count, elementSize: header.itemSize, what: "the array's data", file: file)
        guard bytes <= stream.remaining else {
            throw DataError(
                file: file,
                message: "the header claims shape (\(header.shape.map(String.init).joined(separator: ", "))) "
                    + "of \(header.itemSize)-byte items, \(SystemMemory.formatted(bytes)); the file holds "
                    + "\(SystemMemory.formatted(stream.remaining))"
            )
        }
        return (header, count)
    }

    /// Reads `share` of the array's rows (``RowShare``) from `stream` at their offset, without
    /// reading the others (an archive's deflated entry is inflated up to the share): the array
    /// of the share's rows, and the rows of the whole array. The claimed size is checked against
    /// the stream as for a whole read; an archive entry's CRC-32 is not checked (not all of it is read).
    package static func read(
        _ stream: inout some ByteStream, share: RowShare
    ) throws(DataError) -> (array: NumpyArray, rows: Range<Int>, totalRows: Int) {
        let header = try checkedHeader(&stream).0
        let file = stream.name
        let (rows, columns) = header.tableShape
        let part = share.rows(of: rows), m = share.rows(of: rows).count
        let shareCount = m * columns
        _ = try MemoryBudget.bytes(count: shareCount, elementSize: 8, what: "the share as doubles", file: file)
        // Column-major: each column's share is a run of its own; C order: one run.
        let columnMajor = header.fortranOrder && header.shape.count == 2 && rows > 1 && columns > 1
        var failure: DataError?
        var values = uninitializedDoubles(shareCount) { buffer, initialized in
            initialized = 0
            guard shareCount > 0 else { return }
            do throws(DataError) {
                if columnMajor {
                    for j in 0..<columns {
                        try stream.skip((j == 0 ? part.lowerBound : rows - m) * header.itemSize)
                        try readValues(header, count: m, from: &stream, into: buffer.baseAddress! + j * m)
                    }
                } else {
                    try stream.skip(part.lowerBound * columns * header.itemSize)
                    try readValues(header, count: shareCount, from: &stream, into: buffer.baseAddress!)
                }
                initialized = shareCount
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if columnMajor && m > 1 { values = transposed(values, rows: columns, columns: m) }
        let shape = header.shape.count == 2 ? [m, columns] : [m]
        return (NumpyArray(shape: shape, values: values), part, rows)
    }

    /// Reads `count` items into `out` as `Double`s: `<f8` straight into place, other types
    /// through a block buffer.
    static func readValues(
        _ header: NumpyHeader, count: Int, from stream: inout some ByteStream,
        into out: UnsafeMutablePointer<Double>
    ) throws(DataError) {
        if header.kind == "f" && header.itemSize == 8 && !header.bigEndian {
            try stream.read(into: out, count: count * 8)
            return
        }
        let blockItems = 1 << 16
        let block = UnsafeMutableRawPointer.allocate(byteCount: blockItems * header.itemSize, alignment: 16)
        defer { block.deallocate() }
        var done = 0
        while done < count {
            let n = min(blockItems, count - done)
            try stream.read(into: block, count: n * header.itemSize)
            convert(block, count: n, header: header, into: out + done)
            done += n
        }
    }

    static func convert(
        _ raw: UnsafeMutableRawPointer, count n: Int, header: NumpyHeader, into out: UnsafeMutablePointer<Double>
    ) {
        func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
            let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
            return header.bigEndian ? T(bigEndian: v) : T(littleEndian: v)
        }
        switch (header.kind, header.itemSize) {
        case ("f", 8): for i in 0..<n { out[i] = Double(bitPattern: load(UInt64.self, i)) }
        case ("f", 4): for i in 0..<n { out[i] = Double(Float(bitPattern: load(UInt32.self, i))) }
        case ("i", 8): for i in 0..<n { out[i] = Double(load(Int64.self, i)) }
        case ("i", 4): for i in 0..<n { out[i] = Double(load(Int32.self, i)) }
        case ("i", 2): for i in 0..<n { out[i] = Double(load(Int16.self, i)) }
        case ("i", 1): for i in 0..<n { out[i] = Double(load(Int8.self, i)) }
        case ("u", 8): for i in 0..<n { out[i] = Double(load(UInt64.self, i)) }
        case ("u", 4): for i in 0..<n { out[i] = Double(load(UInt32.self, i)) }
        case ("u", 2): for i in 0..<n { out[i] = Double(load(UInt16.self, i)) }
        case ("u", 1): for i in 0..<n { out[i] = Double(load(UInt8.self, i)) }
        case ("b", 1): for i in 0..<n { out[i] = load(UInt8.self, i) != 0 ? 1 : 0 }
        default: preconditionFailure("NumpyHeader admits only the types above")
        }
    }

    /// The transpose of a row-major `rows × columns` buffer, in 32 × 32 blocks.
    static func transposed(_ values: [Double], rows: Int, columns: Int) -> [Double] {
        uninitializedDoubles(values.count) { out, initialized in
            values.withUnsafeBufferPointer { a in
                let tile = 32
                for i0 in stride(from: 0, to: rows, by: tile) {
                    for j0 in stride(from: 0, to: columns, by: tile) {
                        for i in i0..<min(rows, i0 + tile) {
                            for j in j0..<min(columns, j0 + tile) { out[j * rows + i] = a[i * columns + j] }
                        }
                    }
                }
            }
            initialized = values.count
        }
    }

    /// Writes `matrix` as a `<f8` C-order `.npy` file (shape `(rows, columns)`), through a
    /// temporary file renamed into place.
    public static func write(_ matrix: Matrix<Double>, to path: String) throws(DataError) {
        let output = try OutputFile(path: path)
        try output.write(NumpyHeader.encoded(shape: [matrix.rows, matrix.columns]))
        try output.write(matrix.scalars)
        try output.commit()
    }

    /// Writes `vector` as a 1-D `<f8` `.npy` file (shape `(n,)`), through a temporary file
    /// renamed into place.
    public static func write(_ vector: [Double], to path: String) throws(DataError) {
        let output = try OutputFile(path: path)
        try output.write(NumpyHeader.encoded(shape: [vector.count]))
        try output.write(vector)
        try output.commit()
    }
}
