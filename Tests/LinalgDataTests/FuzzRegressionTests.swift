import Foundation
import LinalgData
import Testing

/// Every input the fuzzer found (Fuzz/regressions) and every seed (Fuzz/corpus) is read again:
/// each must give a table or a `DataError`, never a crash or an allocation it cannot back.
@Suite struct FuzzRegressionTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    @Test(arguments: DataFormat.allCases)
    func foundInputsAreReadOrRefused(format: DataFormat) throws {
        var count = 0
        for folder in ["regressions", "corpus"] {
            let directory = Self.fuzzFolder.appendingPathComponent(folder).appendingPathComponent(format.rawValue)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            where !name.hasPrefix(".") {
                let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
                do {
                    let table = try DataTable(bytes: bytes, name: name, format: format)
                    #expect(table.values.firstNonFinite == nil, "\(name)")
                    if folder == "regressions" { #expect(table.rowCount * table.columnCount <= 1 << 24, "\(name)") }
                } catch {
                    #expect(!error.message.isEmpty && error.file == name, "\(name)")
                }
                if format == .npz {
                    do { _ = try SparseDataSet(bytes: bytes, name: name) } catch {
                        #expect(!error.message.isEmpty && error.file == name, "\(name)")
                    }
                }
                count += 1
            }
        }
        #expect(count > 0, "no corpus for \(format.rawValue)")
    }
}
