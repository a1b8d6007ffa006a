import ArgumentParser
import LinalgData

/// The options every command that reads a data file shares.
struct DataOptions: ParsableArguments {
    @Option(help: "The data file: .csv, .tsv, .npy, .npz, .svm/.libsvm (or name the format with --format).")
    var data: String
    @Option(help: "The format, when the extension does not say: csv, tsv, npy, npz, libsvm.")
    var format: String?
    @Option(help: "The field separator of delimited text: comma, tab, semicolon, or one character.")
    var delimiter: String?
    @Flag(help: "libsvm: feature indices start at 0 (default: from the file, one-based unless an index is 0).")
    var zeroBased = false
    @Flag(help: "libsvm: feature indices start at 1 (an index 0 is an error).")
    var oneBased = false

    /// The options as the data layer takes them; throws a one-line error for a bad value.
    func readOptions() throws -> DataReadOptions {
        guard !(zeroBased && oneBased) else { throw UserError("--zero-based and --one-based exclude each other") }
        var options = DataReadOptions(indexBase: zeroBased ? .zeroBased : oneBased ? .oneBased : .automatic)
        if let format {
            guard let parsed = DataFormat(rawValue: format.lowercased()) else {
                throw UserError("--format: unknown format '\(format)' (expected csv, tsv, npy, npz or libsvm)")
            }
            options.format = parsed
        }
        if let delimiter {
            switch delimiter.lowercased() {
            case "comma", ",": options.delimiter = UInt8(ascii: ",")
            case "tab", "\\t", "\t": options.delimiter = UInt8(ascii: "\t")
            case "semicolon", ";": options.delimiter = UInt8(ascii: ";")
            default:
                guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte != UInt8(ascii: "\""),
                    byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r")
                else {
                    throw UserError("--delimiter: expected comma, tab, semicolon or one character, got '\(delimiter)'")
                }
                options.delimiter = byte
            }
        }
        return options
    }

    /// The format the file is read as (for defaults that depend on it).
    func resolvedFormat() throws -> DataFormat? { try readOptions().format ?? DataFormat(path: data) }

    /// Reads the table; `text` names a column of class labels to read as text (CSV/TSV).
    func readTable(text: TextColumnOption? = nil) throws -> DataTable {
        var options = try readOptions()
        options.textColumn = text
        return try DataTable(contentsOf: data, options: options)
    }

    /// Reads this reader's share of the table's rows (every reader calls it once); an error that
    /// another reader reports ends this one with status 2 silently.
    func readTable(sharedWith readers: some SharedReading) throws -> DataTable {
        let options = try readOptions()
        return try DataTable(contentsOf: data, options: options, sharedWith: readers)
    }
}

/// The rows of a sparse file with what a sparse `.npz` may hold beside them.
struct SparseInput {
    /// The rows (a `.npz`'s numbered from 1 in messages; labels NaN when it has no `y`).
    var rows: SparseRows
    /// A `.npz`'s `sample_weight`, if any.
    var sampleWeights: [Double]?
    /// Whether the labels were in the file (always for libsvm; `y` for a `.npz`).
    var hasLabels: Bool
}

extension DataOptions {
    /// The rows of a libsvm file or a sparse `.npz` (scipy's arrays); `nil` for any other file.
    func readSparse() throws -> SparseInput? {
        let format = try resolvedFormat()
        if format == .libsvm {
            let rows = try LibSVMReader.read(contentsOf: data, indexBase: try readOptions().indexBase)
            return SparseInput(rows: rows, sampleWeights: nil, hasLabels: true)
        }
        guard format == .npz, try SparseDataSet.isSparse(data) else { return nil }
        let set = try SparseDataSet(contentsOf: data)
        let n = set.matrix.rows
        let rows = SparseRows(
            labels: set.labels ?? [Double](repeating: .nan, count: n), matrix: set.matrix,
            lineNumbers: (0..<n).map { $0 + 1 }, source: data)
        return SparseInput(rows: rows, sampleWeights: set.sampleWeights, hasLabels: set.labels != nil)
    }
}
