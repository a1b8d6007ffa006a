import LinalgData

extension DataOptions {
    /// This rank's rows of a libsvm file or a sparse `.npz`, as wide as the widest rank's: with
    /// `{rank}` in the path, the rank's own file read whole; otherwise its share of the one file
    /// (libsvm by bytes, the lines starting in the share's bytes; a sparse `.npz` read whole and cut
    /// to the share's rows). A libsvm file's automatic index base is one-based here, as no rank
    /// sees every index (`--zero-based` for zero-based files). Every rank calls this once, inside
    /// ``DistributedJob/agreeing(_:)``; a rank's file that is not sparse is an error.
    func readSparse(sharedWith job: DistributedJob) throws -> SparseInput {
        var options = try readOptions()
        if options.indexBase == .automatic { options.indexBase = .oneBased }
        if !DistributedJob.hasRankFiles(data), try resolvedFormat() == .libsvm {
            let rows = try SparseRows(contentsOf: data, indexBase: options.indexBase, sharedWith: job)
            return SparseInput(rows: rows, sampleWeights: nil, hasLabels: true)
        }
        // A rank's own file or the archive's share, then the widest rank's width in one exchange that
        // every rank makes (a failed read included, so that no rank waits).
        var local: Result<SparseInput, Error>
        do { local = .success(try readOwnRows(job: job, indexBase: options.indexBase)) } catch {
            local = .failure(error)
        }
        let width = job.exchange([(try? local.get())?.rows.columnCount ?? 0]).map { $0[0] }.max()!
        var input = try local.get()
        input.rows = input.rows.widened(to: width)
        return input
    }

    /// With `{rank}` in the path the rank's own file read whole; otherwise a sparse `.npz` read whole
    /// and cut to the rank's share of its rows (``RowShare``).
    private func readOwnRows(job: DistributedJob, indexBase: LibSVMIndexBase) throws -> SparseInput {
        var own = self
        own.data = job.dataPath(data)
        (own.zeroBased, own.oneBased) = (indexBase == .zeroBased, indexBase != .zeroBased)
        guard let whole = try own.readSparse() else { throw UserError("\(own.data): not a sparse file") }
        if DistributedJob.hasRankFiles(data) { return whole }
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
