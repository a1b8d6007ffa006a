import Foundation
import Linalg
import LinalgData

/// Reading data files: a table of `n` rows of `d` full-precision normal deviates and a 0/1
/// label, written once into a temporary folder as CSV, `.npy` and libsvm (all `d` features
/// present), then read back whole.
enum IOCases {
    static func all(n: Int, d: Int) -> [BenchCase] {
        [
            read("io.csv_read", n: n, d: d) { directory, table in
                let path = directory.appendingPathComponent("table.csv").path
                try DelimitedWriter.write(table, to: path)
                return path
            },
            read("io.npy_read", n: n, d: d) { directory, table in
                let path = directory.appendingPathComponent("table.npy").path
                try NumpyFile.write(table.values, to: path)
                return path
            },
            read("io.libsvm_read", n: n, d: d) { directory, table in
                let path = directory.appendingPathComponent("table.svm").path
                var text = ""
                text.reserveCapacity(n * (d + 1) * 24)
                for i in 0..<n {
                    text += table.values[i, d] == 1 ? "+1" : "-1"
                    for j in 0..<d { text += " \(j + 1):\(table.values[i, j])" }
                    text += "\n"
                }
                try text.write(toFile: path, atomically: false, encoding: .utf8)
                return path
            },
        ]
    }

    static func read(_ name: String, n: Int, d: Int, write: @escaping (URL, DataTable) throws -> String) -> BenchCase {
        BenchCase(name: name, sizes: [n, d + 1], batch: nil, gemmBound: false, note: "whole file into a table") {
            var generator = Xoshiro256StarStar(seed: 5)
            var values = Matrix<Double>.random(rows: n, columns: d + 1, distribution: .randn, using: &generator)
            values.withUnsafeMutableBufferPointer { p in
                for i in 0..<n { p[i * (d + 1) + d] = p[i * (d + 1) + d] > 0 ? 1 : 0 }
            }
            let table = DataTable(source: name, columnNames: (0..<d).map { "x\($0)" } + ["y"], values: values)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "linalg-bench-\(UUID().uuidString)")
            try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = try! write(directory, table)
            return PreparedCase(
                linalg: { blackHole(try! DataTable(contentsOf: path)) },
                baseline: nil,
                flops: { nil })
        }
    }
}
