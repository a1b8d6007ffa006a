/// How to read a data file.
public struct DataReadOptions: Sendable {
    /// The format; `nil` infers it from the path's extension (``DataFormat/init(path:)``).
    public var format: DataFormat?
    /// The field separator of delimited text: `,` for CSV, tab for TSV unless set (`;` for
    /// semicolon-separated files).
    public var delimiter: UInt8?
    /// libsvm: where the indices start (from the file unless set).
    public var indexBase: LibSVMIndexBase
    /// CSV/TSV: a column of class labels to read as text (any field, quoted fields may hold the
    /// delimiter): the texts are numbered in order (numerically when all are numbers, else by
    /// UTF-8 bytes) and kept in ``DataTable/levels`` unless they are the numbers themselves.
    public var textColumn: TextColumnOption? = nil

    /// Options with the format inferred from the path, the format's own delimiter, and libsvm
    /// indices based as the file shows unless set.
    public init(format: DataFormat? = nil, delimiter: UInt8? = nil, indexBase: LibSVMIndexBase = .automatic) {
        self.format = format
        self.delimiter = delimiter
        self.indexBase = indexBase
    }

    /// The field separator for delimited text of `format`: ``delimiter`` when set, else tab for TSV
    /// and `,` otherwise.
    func delimiter(for format: DataFormat) -> UInt8 {
        delimiter ?? (format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ","))
    }
}

extension DataTable {
    /// Reads a table from `path` in any format of the data layer:
    /// - CSV/TSV: the header's names and the rows' numbers;
    /// - `.npy`: a 1-D or 2-D array, columns named `0`, `1`, …;
    /// - `.npz`: `X`'s columns named `0` … `d−1`, then `y`, then `sample_weight` when present;
    /// - libsvm: `label`, then `f1` … `fD` (`D` the largest index), zeros where a row has no entry.
    ///
    /// Throws a ``DataError`` naming the file and, for text, the line and column of the first
    /// problem; every value must be finite.
    public init(contentsOf path: String, options: DataReadOptions = DataReadOptions()) throws(DataError) {
        let format = try DataFormat.resolved(path: path, options: options)
        self = try DataTable.read(InputFile(path: path), format: format, options: options)
    }

    /// Reads a table from bytes in memory, as ``init(contentsOf:options:)`` reads a file;
    /// `name` stands for the file in errors.
    public init(
        bytes: [UInt8], name: String, format: DataFormat, options: DataReadOptions = DataReadOptions()
    ) throws(DataError) {
        self = try DataTable.read(MemorySource(bytes: bytes, name: name), format: format, options: options)
    }

    static func read(
        _ file: some ByteSource, format: DataFormat, options: DataReadOptions
    ) throws(DataError) -> DataTable {
        switch format {
        case .csv, .tsv:
            return try DelimitedReader.read(file, delimiter: options.delimiter(for: format), text: options.textColumn)
        case .npy:
            return try NumpyFile.read(file).table(source: file.name)
        case .npz:
            return try NumpyArchive(file).dataSet().table(source: file.name)
        case .libsvm:
            return try LibSVMReader.read(file, indexBase: options.indexBase).table()
        }
    }

    /// The column names of a CSV/TSV file's header (without reading its rows), or `nil` for the
    /// other formats.
    public static func header(
        ofFile path: String, options: DataReadOptions = DataReadOptions()
    ) throws(DataError)
        -> [String]?
    {
        let format = try DataFormat.resolved(path: path, options: options)
        guard format == .csv || format == .tsv else { return nil }
        return try Header(InputFile(path: path), delimiter: options.delimiter(for: format)).names
    }

    /// Parses delimited text held in memory; `file` names it in errors.
    public init(csvText text: String, file: String, delimiter: UInt8 = UInt8(ascii: ",")) throws(DataError) {
        self = try DelimitedReader.read(MemorySource(bytes: Array(text.utf8), name: file), delimiter: delimiter)
    }
}
