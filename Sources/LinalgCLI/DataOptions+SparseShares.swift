import LinalgData

extension DataOptions {
    /// This rank's rows of a libsvm file or a sparse `.npz`, as wide as the widest rank's: with
    /// `{rank}` in the path, the rank's own file read whole; otherwise its share of the one file
    /// (libsvm by bytes, the lines starting in the share's bytes; a sparse `.npz` read whole and cut
    /// to the share's rows). A libsvm file's automatic index base is one-based here, as no rank
    /// sees every index (`--zero-based` for zero-based files). Every rank calls this once, inside
    /// ``DistributedJob/agreeing(_:)``; `nil` (on every rank) for a file that is not sparse.
    func readSparse(sharedWith job: DistributedJob) throws -> SparseInput? {
        var options = try readOptions()
        if options.indexBase == .automatic { options.indexBase = .oneBased }
        if !DistributedJob.hasRankFiles(data), try resolvedFormat() == .libsvm {
            let rows = try SparseRows(contentsOf: data, indexBase: options.indexBase, sharedWith: job)
            return SparseInput(rows: rows, sampleWeights: nil, hasLabels: true)
        }
        // A rank's own file or the archive's share, then one exchange every rank makes (a failed
        // read included, so that no rank waits): the widest rank's width, and whether all are sparse.
        var local: Result<SparseInput?, Error>
        do { local = .success(try readOwnRows(job: job, indexBase: options.indexBase)) } catch {
            local = .failure(error)
        }
        let found = (try? local.get()).flatMap { $0 }
        let all = job.exchange([found?.rows.columnCount ?? 0, found == nil ? 0 : 1])
        guard var input = try local.get() else {
            if all.contains(where: { $0[1] == 1 }) { throw UserError("\(data): rank \(job.rank)'s file is not sparse") }
            return nil
        }
        if let other = all.firstIndex(where: { $0[1] == 0 }) {
            throw UserError("\(data): rank \(other)'s file is not sparse, rank \(job.rank)'s is")
        }
        input.rows = input.rows.widened(to: all.map { $0[0] }.max()!)
        return input
    }

    /// With `{rank}` in the path the rank's own file read whole; otherwise a sparse `.npz` read whole
    /// and cut to the rank's share of its rows (``RowShare``); `nil` when the file is not sparse.
    private func readOwnRows(job: DistributedJob, indexBase: LibSVMIndexBase) throws -> SparseInput? {
        if DistributedJob.hasRankFiles(data) {
            var own = self
            own.data = job.dataPath(data)
            (own.zeroBased, own.oneBased) = (indexBase == .zeroBased, indexBase != .zeroBased)
            return try own.readSparse()
        }
        guard let whole = try readSparse() else { return nil }
        let share = RowShare(index: job.rank, count: job.size).rows(of: whole.rows.labels.count)
        guard !share.isEmpty else {
            throw UserError(
                "\(data): \(whole.rows.labels.count) rows for \(job.size) ranks: rank \(job.rank) holds no rows; "
                    + "use fewer ranks")
        }
        return SparseInput(
            rows: whole.rows.rows(share), sampleWeights: whole.sampleWeights.map { Array($0[share]) },
            hasLabels: whole.hasLabels)
    }
}
