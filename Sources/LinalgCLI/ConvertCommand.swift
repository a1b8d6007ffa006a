import ArgumentParser
import LinalgData
#if canImport(Glibc)
import Glibc
#endif

/// `linalg convert`: reads a table in any format of the data layer and writes it as `.npy`,
/// `.csv` or `.tsv`, bit for bit; sparse data (libsvm, a sparse `.npz`, or a table with `--sparse`)
/// as a sparse `.npz` (scipy's `save_npz` arrays with `y`) or a libsvm file.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Convert a data file (csv, tsv, npy, npz, libsvm) to .npy (one 2-D <f8 array) or .csv/.tsv, bit-exact; "
            + "sparse data to a sparse .npz (scipy.sparse.load_npz reads X) or libsvm."
    )

    @OptionGroup var input: DataOptions
    @Option(help: "The output file: .npy, .csv, .tsv, or for sparse data .npz or .svm/.libsvm.") var output: String
    @Flag(help: "Deflate the members of an .npz output.") var compress = false
    @Flag(help: "Write a table's non-zeros as a sparse .npz or libsvm file.") var sparse = false
    @Option(help: "With --sparse: the label column (y of the output; default: the last column).") var label: String?

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try reportingUserErrors {
            try memory.apply()
            guard let format = DataFormat(path: output), [.npy, .csv, .tsv, .npz, .libsvm].contains(format) else {
                throw UserError("--output: '\(output)' must end in .npy, .csv, .tsv, .npz or .svm/.libsvm")
            }
            if sameFile(input.data, output) {
                throw UserError("--output: '\(output)' is the input file; it would be overwritten")
            }
            if format == .npz || format == .libsvm { return try writeSparse(format) }
            let table = try isSparseArchive() ? try sparseArchiveAsTable() : try input.readTable()
            switch format {
            case .npy: try NumpyFile.write(table.values, to: output)
            case .tsv: try DelimitedWriter.write(table, to: output, delimiter: UInt8(ascii: "\t"))
            default: try DelimitedWriter.write(table, to: output)
            }
        }
    }

    /// Whether the input is a sparse `.npz` (scipy's arrays).
    func isSparseArchive() throws -> Bool {
        try input.resolvedFormat() == .npz && SparseDataSet.isSparse(input.data)
    }

    /// A sparse `.npz` as a dense table, as a dense `.npz` reads: the columns of `X` named `0` … `d−1`,
    /// then `y` and `sample_weight` when the archive has them. The `n × (d + 2)` numbers are allocated
    /// only when they fit in the memory limit (else an error says how much they would need).
    func sparseArchiveAsTable() throws -> DataTable {
        guard let found = try input.readSparse() else { throw UserError("\(input.data): not a sparse archive") }
        let x = found.rows.matrix, extra = (found.hasLabels ? 1 : 0) + (found.sampleWeights == nil ? 0 : 1)
        var values = try Matrix<Double>(rows: x.rows, columns: x.columns + extra)
        let width = values.columns
        values.withUnsafeMutableBufferPointer { out in
            for i in 0..<x.rows {
                for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                    out[i * width + Int(x.columnIndices[k])] = x.values[k]
                }
                if found.hasLabels { out[i * width + x.columns] = found.rows.labels[i] }
                if let weights = found.sampleWeights { out[i * width + width - 1] = weights[i] }
            }
        }
        let names =
            (0..<x.columns).map(String.init) + (found.hasLabels ? ["y"] : [])
            + (found.sampleWeights == nil ? [] : ["sample_weight"])
        return DataTable(source: input.data, columnNames: names, values: values)
    }

    /// Sparse output: the rows of a libsvm file or sparse `.npz` as they are, or with `--sparse` a
    /// table's non-zeros (its label column as `y`).
    func writeSparse(_ format: DataFormat) throws {
        var rows: SparseRows, weights: [Double]? = nil, labelled = true
        if let found = try input.readSparse() {
            (rows, weights, labelled) = (found.rows, found.sampleWeights, found.hasLabels)
        } else {
            guard sparse else {
                throw UserError("--output: '\(output)' is sparse; the input is a dense table (add --sparse)")
            }
            var table = try input.readTable()
            let column = try label.map { try table.columnIndex(named: $0, option: "--label") } ?? table.columnCount - 1
            let labels = table.removeColumns(at: [column])[0]
            rows = SparseRows(
                labels: labels, matrix: SparseMatrix(table.values), lineNumbers: table.lineNumbers ?? [],
                source: input.data)
        }
        // A .npz without 'y' stays without it; libsvm needs a label, 0 then.
        if !labelled { rows.labels = [Double](repeating: 0, count: rows.labels.count) }
        if format == .npz {
            try SparseDataSet.write(
                rows.matrix, labels: labelled ? rows.labels : nil, sampleWeights: weights, compress: compress,
                to: output)
        } else {
            try LibSVMWriter.write(rows, to: output)
        }
    }
}
