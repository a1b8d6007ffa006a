import ArgumentParser
import LinalgData
#if canImport(Glibc)
import Glibc
#endif

/// `linalg convert`: reads a table in any format of the data layer and writes it as `.npy`,
/// `.csv` or `.tsv`, bit for bit.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract:
            "Convert a data file (csv, tsv, npy, npz, libsvm) to .npy (one 2-D <f8 array) or .csv/.tsv, bit-exact."
    )

    @OptionGroup var input: DataOptions
    @Option(help: "The output file: .npy, .csv or .tsv.") var output: String

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try reportingUserErrors {
            try memory.apply()
            guard let format = DataFormat(path: output), [.npy, .csv, .tsv].contains(format) else {
                throw UserError("--output: '\(output)' must end in .npy, .csv or .tsv")
            }
            if sameFile(input.data, output) {
                throw UserError("--output: '\(output)' is the input file; it would be overwritten")
            }
            let table = try input.readTable()
            switch format {
            case .npy: try NumpyFile.write(table.values, to: output)
            case .tsv: try DelimitedWriter.write(table, to: output, delimiter: UInt8(ascii: "\t"))
            default: try DelimitedWriter.write(table, to: output)
            }
        }
    }
}
