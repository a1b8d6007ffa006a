/// A `.npz` file: numpy arrays in a zip archive, each member `NAME.npy`.
public struct NumpyArchive {
    let archive: ZipArchive

    /// Opens the archive at `path` and reads its directory.
    public init(contentsOf path: String) throws(DataError) {
        try self.init(InputFile(path: path))
    }

    init(_ source: any ByteSource) throws(DataError) {
        archive = try ZipArchive(source)
    }

    /// The arrays' names (members without the `.npy` ending), in archive order.
    public var arrayNames: [String] {
        archive.entries.map { $0.name.hasSuffix(".npy") ? String($0.name.dropLast(4)) : $0.name }
    }

    /// The array called `name`, or `nil` when there is none.
    public func array(named name: String) throws(DataError) -> NumpyArray? {
        guard let entry = archive.entries.first(where: { $0.name == name + ".npy" || $0.name == name }) else {
            return nil
        }
        var stream = try archive.stream(entry)
        return try NumpyFile.read(&stream)
    }

    /// `share` of the rows of the array called `name` (``RowShare``), with the whole array's row
    /// count, or `nil` when there is no such array.
    func array(
        named name: String, share: RowShare
    ) throws(DataError) -> (array: NumpyArray, rows: Range<Int>, totalRows: Int)? {
        guard let entry = archive.entries.first(where: { $0.name == name + ".npy" || $0.name == name }) else {
            return nil
        }
        var stream = try archive.stream(entry)
        return try NumpyFile.read(&stream, share: share)
    }

    /// The data set of a `.npz`: `X` (`n × d`), `y` (`n`, or `n × k` for several targets; `Y`
    /// is read when there is no `y`) and optional `sample_weight` (`n`), as one table (`X`'s
    /// columns named `0` … `d−1`, then `y`, or `y0` … `y{k−1}`, then `sample_weight`); with a
    /// `share`, only those rows of each array are read.
    func dataSet(share: RowShare? = nil) throws(DataError) -> NumpyDataSet {
        let file = archive.source.name
        func read(_ name: String) throws(DataError) -> (array: NumpyArray, rows: Range<Int>, totalRows: Int)? {
            if let share { return try array(named: name, share: share) }
            return try array(named: name).map { ($0, 0..<$0.shape[0], $0.shape[0]) }
        }
        guard let x = try read("X") else {
            throw DataError(file: file, message: "no array 'X' (arrays: \(arrayNames.joined(separator: ", ")))")
        }
        let rows = x.totalRows
        var extra: [(String, NumpyArray)] = []
        for (name, wide) in [("y", true), ("sample_weight", false)] {
            var found = try read(name)
            if found == nil && name == "y" { found = try read("Y") }
            guard let read = found else { continue }
            let array = read.array
            guard read.totalRows == rows, array.shape.count == 1 || wide || array.shape[1] == 1 else {
                let shape = ([read.totalRows] + array.shape.dropFirst()).map(String.init).joined(separator: ", ")
                let needed = wide ? "(\(rows),) or (\(rows), k)" : "(\(rows),)"
                throw DataError(
                    file: file,
                    message: "'\(name)' has shape (\(shape)); X has \(rows) rows, so it needs shape \(needed)")
            }
            extra.append((name, array))
        }
        return NumpyDataSet(x: x.array, columns: extra, rowOffset: share == nil ? nil : x.rows.lowerBound)
    }
}

/// `X` and the 1-D arrays beside it, joined into one table.
struct NumpyDataSet {
    var x: NumpyArray
    var columns: [(String, NumpyArray)]
    /// For a share of the file's rows: the rows before it (an empty share is then no error).
    var rowOffset: Int?

    /// The width of each array beside `X`: `k` for an `n × k` array, else 1.
    var columnWidths: [Int] { columns.map { $0.1.shape.count == 2 ? $0.1.shape[1] : 1 } }

    func table(source: String) throws(DataError) -> DataTable {
        let n = x.shape[0], d = x.shape.count == 2 ? x.shape[1] : 1
        let widths = columnWidths, width = d + widths.reduce(0, +)
        guard n > 0 || rowOffset != nil, d > 0 else { throw DataError(file: source, message: "'X' is empty") }
        try MemoryBudget.checkNames(width, file: source)
        let cells = try MemoryBudget.product(n, width, what: "the table", file: source)
        _ = try MemoryBudget.bytes(count: cells, elementSize: 8, what: "the table", file: source)
        var scalars = zeroedDoubles(cells)
        scalars.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { a in
                for i in 0..<n {
                    (out.baseAddress! + i * width).update(from: a.baseAddress! + i * d, count: d)
                    var at = i * width + d
                    for (k, column) in columns.enumerated() {
                        for c in 0..<widths[k] { out[at + c] = column.1.values[i * widths[k] + c] }
                        at += widths[k]
                    }
                }
            }
        }
        let names =
            (0..<d).map(String.init)
            + zip(columns, widths).flatMap { column, k in k == 1 ? [column.0] : (0..<k).map { "\(column.0)\($0)" } }
        var table = DataTable(
            source: source, columnNames: names, values: Matrix(uncheckedRows: n, columns: width, storage: scalars))
        table.rowOffset = rowOffset ?? 0
        try table.requireFinite()
        return table
    }
}
