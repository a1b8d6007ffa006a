import Foundation
import LinalgData
import Testing

@Suite struct DelimitedWriterTests {
    /// Written and read back, every double keeps its bits: random bit patterns (subnormals
    /// included), extremes, and names that need quotes.
    @Test func roundTripsEveryBitAndName() throws {
        var generator = Xoshiro256StarStar(seed: 11)
        var scalars: [Double] = [
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1, -0.0,
            1e22, 123456789,
        ]
        while scalars.count < 3000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { scalars.append(value) }
        }
        let table = DataTable(
            source: "t", columnNames: ["plain", "with,comma", "with \"quote\""],
            values: try Matrix(rows: 1000, columns: 3, scalars: scalars))
        let directory = try TestFiles.directory()
        for (name, delimiter) in [("r.csv", UInt8(ascii: ",")), ("r.tsv", UInt8(ascii: "\t"))] {
            let path = directory.appendingPathComponent(name).path
            try DelimitedWriter.write(table, to: path, delimiter: delimiter)
            let back = try DataTable(contentsOf: path)
            #expect(back.columnNames == table.columnNames)
            #expect(back.values.scalars.map(\.bitPattern) == table.values.scalars.map(\.bitPattern))
        }
        let npy = directory.appendingPathComponent("r.npy").path
        try NumpyFile.write(table.values, to: npy)
        #expect(
            try DataTable(contentsOf: npy).values.scalars.map(\.bitPattern) == table.values.scalars.map(\.bitPattern))
    }
}
