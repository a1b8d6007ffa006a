extension DataTable {
    /// Reads this reader's share of the rows of the file at `path` (``RowShare``: share
    /// `readers.readerIndex` of `readers.readerCount`), touching only the share's bytes: `.npy`
    /// and `.npz` arrays at the rows' offset, CSV/TSV and libsvm text by the byte range its lines
    /// start in. The shares of all readers, in order, are the rows of ``init(contentsOf:options:)``
    /// with the same lines, columns and values.
    ///
    /// Every reader must call this once for the file (it makes one collective call,
    /// ``SharedReading/exchange(_:)``): the readers learn how many lines precede their share, and
    /// for libsvm the width, the largest index over all shares. When any reader's share is bad,
    /// the earliest such reader throws its error, placed at its file line as a single reader
    /// would place it, and every other reader throws an error whose
    /// ``DataError/isReportedByAnotherReader`` is set (the message is shown once). A share that
    /// holds no rows (more readers than lines) is an error too.
    public init(
        contentsOf path: String, options: DataReadOptions = DataReadOptions(), sharedWith readers: some SharedReading
    ) throws(DataError) {
        switch try DataTable.sharedRows(path: path, options: options, readers: readers) {
        case .dense(let table): self = table
        case .sparse(let rows): self = try rows.table()
        }
    }

    /// This reader's share of the file's rows, read and then placed among the others' (the one
    /// collective call).
    static func sharedRows(
        path: String, options: DataReadOptions, readers: some SharedReading
    ) throws(DataError) -> ShareRead.Rows {
        let share = RowShare(index: readers.readerIndex, count: readers.readerCount)
        let local: Result<ShareRead, DataError>
        do throws(DataError) {
            local = .success(try DataTable.readShare(path: path, options: options, share: share))
        } catch {
            local = .failure(error)
        }
        let summary =
            switch local {
            case .success(let read): [0, read.lines, read.rowCount, read.sparseWidth]
            case .failure: [1, 0, 0, 0]
            }
        let all = readers.exchange(summary)
        precondition(all.count == share.count && all.allSatisfy { $0.count == 4 }, "SharedReading: bad exchange")
        return try DataTable.placed(local, among: all, share: share, file: path)
    }

    /// Reads `share` on its own (lines numbered as if it began the data).
    static func readShare(path: String, options: DataReadOptions, share: RowShare) throws(DataError) -> ShareRead {
        let format = try DataFormat.resolved(path: path, options: options)
        let file = try InputFile(path: path)
        switch format {
        case .csv, .tsv:
            return try DelimitedReader.readShare(file, delimiter: options.delimiter(for: format), share: share)
        case .npy:
            var stream = SourceStream(file, range: 0..<file.size)
            let read = try NumpyFile.read(&stream, share: share)
            return ShareRead(
                rows: .dense(try read.array.table(source: path, rowOffset: read.rows.lowerBound)), lines: 0)
        case .npz:
            let table = try NumpyArchive(file).dataSet(share: share).table(source: path)
            return ShareRead(rows: .dense(table), lines: 0)
        case .libsvm:
            return try LibSVMReader.readShare(file, share: share, indexBase: options.indexBase)
        }
    }

    /// The share's rows placed among the others' (`all[r]` = reader r's
    /// `[failed, lines, rows, sparse width]`): its lines shifted past the earlier shares' lines,
    /// libsvm rows as wide as the widest share; or the error this reader is to report.
    static func placed(
        _ local: Result<ShareRead, DataError>, among all: [[Int]], share: RowShare, file: String
    ) throws(DataError) -> ShareRead.Rows {
        let linesBefore = all[..<share.index].reduce(0) { $0 + $1[1] }
        if let firstFailed = all.firstIndex(where: { $0[0] != 0 }) {
            guard firstFailed == share.index, case .failure(var error) = local else {
                throw DataError.reportedByAnotherReader(file: file, reader: firstFailed)
            }
            error.line = error.line.map { $0 + linesBefore }
            throw error
        }
        guard case .success(let read) = local else { preconditionFailure("a failed share reported no failure") }
        let totalRows = all.reduce(0) { $0 + $1[2] }
        if let firstEmpty = all.firstIndex(where: { $0[2] == 0 }) {
            guard firstEmpty == share.index else {
                throw DataError.reportedByAnotherReader(file: file, reader: firstEmpty)
            }
            throw DataError(
                file: file,
                message: totalRows == 0
                    ? "no data rows"
                    : "\(totalRows) rows for \(share.count) readers: share \(share.index + 1) holds no rows; "
                        + "use fewer readers (ranks)")
        }
        switch read.rows {
        case .dense(var table):
            table.lineNumbers = table.lineNumbers.map { lines in lines.map { $0 + linesBefore } }
            return .dense(table)
        case .sparse(var sparse):
            sparse = sparse.widened(to: all.map { $0[3] }.max()!)
            sparse.lineNumbers = sparse.lineNumbers.map { $0 + linesBefore }
            return .sparse(sparse)
        }
    }
}

extension DataError {
    /// The error of a reader whose share was fine while reader `reader` (0-based) reported a
    /// problem of its own share.
    static func reportedByAnotherReader(file: String, reader: Int) -> DataError {
        var error = DataError(file: file, message: "reader \(reader + 1) could not read its share of the rows")
        error.isReportedByAnotherReader = true
        return error
    }
}
