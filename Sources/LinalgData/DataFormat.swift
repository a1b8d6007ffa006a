/// The file formats of the data layer.
public enum DataFormat: String, CaseIterable, Sendable {
    /// Comma-separated numbers under a header row.
    case csv
    /// Tab-separated numbers under a header row.
    case tsv
    /// One numpy array (`.npy`, versions 1.0, 2.0 and 3.0).
    case npy
    /// A zip archive of numpy arrays (`numpy.savez` or `numpy.savez_compressed`).
    case npz
    /// libsvm/svmlight text: `label index:value …` per line.
    case libsvm

    /// The format a path's extension names (`.csv .tsv .npy .npz .svm .libsvm`, any case), or `nil`.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "npy": self = .npy
        case "npz": self = .npz
        case "svm", "libsvm", "svmlight": self = .libsvm
        default: return nil
        }
    }
}

extension DataFormat {
    /// The format `options` name, else the one `path`'s extension says; throws when neither does.
    static func resolved(path: String, options: DataReadOptions) throws(DataError) -> DataFormat {
        guard let format = options.format ?? DataFormat(path: path) else {
            throw DataError(
                file: path,
                message: "unknown format: name it with --format (csv, tsv, npy, npz, libsvm) "
                    + "or use the extension .csv, .tsv, .npy, .npz, .svm or .libsvm")
        }
        return format
    }
}
