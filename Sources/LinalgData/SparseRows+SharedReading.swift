extension SparseRows {
    /// This reader's share of the rows of the libsvm file at `path`, straight to CSR (never a dense
    /// table): the lines that start in the share's bytes (``RowShare``), numbered as in the whole
    /// file, as wide as the widest share. The shares of all readers, in order, are the rows of
    /// ``LibSVMReader/read(contentsOf:indexBase:)``. A share cannot see the whole file's smallest
    /// index, so automatic detection is one-based here (`.zeroBased` for zero-based files).
    ///
    /// Every reader must call this once for the file (one collective call,
    /// ``SharedReading/exchange(_:)``); errors are reported once, as for
    /// ``DataTable/init(contentsOf:options:sharedWith:)``.
    public init(
        contentsOf path: String, indexBase: LibSVMIndexBase = .automatic, sharedWith readers: some SharedReading
    ) throws(DataError) {
        var options = DataReadOptions(indexBase: indexBase)
        options.format = .libsvm
        guard case .sparse(let rows) = try DataTable.sharedRows(path: path, options: options, readers: readers) else {
            preconditionFailure("a libsvm share is read as sparse rows")
        }
        self = rows
    }

    /// The rows `range` of these (a reader's share of rows read whole), their lines kept.
    public func rows(_ range: Range<Int>) -> SparseRows {
        SparseRows(
            labels: Array(labels[range]), matrix: matrix.rows(Array(range)), lineNumbers: Array(lineNumbers[range]),
            source: source)
    }
}
