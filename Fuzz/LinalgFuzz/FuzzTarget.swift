#if canImport(Glibc)
import Glibc
#endif
import LinalgCore
import LinalgData

/// The format under test: `LINALG_FUZZ_FORMAT` (csv, tsv, npy, npz, libsvm; default csv).
let fuzzFormat: DataFormat = {
    guard let name = getenv("LINALG_FUZZ_FORMAT") else { return .csv }
    return DataFormat(rawValue: String(cString: name)) ?? .csv
}()

/// Reads `bytes` as a table of the format under test: every input must give a table or a
/// `DataError`, never a crash, a hang or an allocation it cannot back.
func readOnce(_ bytes: [UInt8]) {
    // Claims beyond 256 MB are errors here, so that an input asking for more than it can back
    // is seen (libFuzzer's -rss_limit_mb then flags anything that slips through).
    SystemMemory.limit = 256 << 20
    _ = try? DataTable(bytes: bytes, name: "fuzz", format: fuzzFormat)
    // A .npz may also hold a sparse matrix (scipy's save_npz arrays).
    if fuzzFormat == .npz { _ = try? SparseDataSet(bytes: bytes, name: "fuzz") }
}

#if FUZZING
/// libFuzzer's driver (in the fuzzer runtime that `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// SwiftPM links an executable's entry point under this name; under the fuzzer it hands the
/// command line to libFuzzer, which calls back with each input.
@_cdecl("linalg_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        readOnce(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
#else
/// Without the fuzzer: reads each file named on the command line (replays a corpus).
@main
struct FuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n == 0 { break }
                bytes += chunk[0..<n]
            }
            fclose(file)
            readOnce(bytes)
        }
    }
}
#endif
