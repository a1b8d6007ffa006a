import Foundation
import LinalgData
import LinalgParallel
import Testing

/// A label column read as text: class names numbered in UTF-8 byte order, numbers kept as numbers,
/// quoted names holding the delimiter, and too many distinct texts an error at the row that
/// exceeds the limit, whatever the number of cores.
@Suite(.serialized) struct TextColumnTests {
    static func read(_ text: String, _ name: String, maxDistinct: Int = 1000) throws(DataError) -> DataTable {
        try read(path: try! TestFiles.write(text, name), maxDistinct: maxDistinct)
    }

    static func read(path: String, maxDistinct: Int = 1000) throws(DataError) -> DataTable {
        var options = DataReadOptions()
        options.textColumn = TextColumnOption(name: "label", maxDistinct: maxDistinct)
        return try DataTable(contentsOf: path, options: options)
    }

    @Test func namesBecomeClassIndicesInByteOrder() throws {
        let table = try Self.read(
            "a,label,b\n1,virginica,2\n3, setosa ,4\n5,\"ver, sicolor\",6\n7,setosa,8\n9,Zeta,1\n", "names.csv")
        #expect(table.levels["label"] == ["Zeta", "setosa", "ver, sicolor", "virginica"])
        #expect((0..<5).map { table.values[$0, 1] } == [3, 1, 2, 1, 0])
        #expect(table.values[2, 0] == 5 && table.values[2, 2] == 6, "the quoted comma is inside the field")
        #expect(table.lineNumbers == [2, 3, 4, 5, 6])
    }

    @Test func textsThatAreAllNumbersStayNumbers() throws {
        let table = try Self.read("label,a\n\"2\",1\n10,2\n 2.5 ,3\n", "numbers.csv")
        #expect(table.levels.isEmpty)
        #expect((0..<3).map { table.values[$0, 0] } == [2, 10, 2.5])
    }

    @Test func tooManyDistinctTextsAreNamedAtTheirRowOnAnyNumberOfCores() throws {
        var lines = ["a,label"]
        for i in 0..<120_000 { lines.append("\(i % 7),class\(i % 50 == 49 ? i : i % 5)") }
        let path = try TestFiles.write(lines.joined(separator: "\n") + "\n", "many.csv")
        defer { ParallelChunks.setCoreLimit(ProcessInfoCores.active) }
        for cores in [1, 2] {
            ParallelChunks.setCoreLimit(cores)
            // Rows 0…48 hold class0…class4; row 49 is the first with a sixth text (class49).
            #expect(
                throws: DataError(
                    file: path, line: 51, column: 2, columnName: "label",
                    message: "more than 5 distinct labels: a continuous column cannot be the label")
            ) {
                try Self.read(path: path, maxDistinct: 5)
            }
            let table = try Self.read(path: path, maxDistinct: 3_000)
            #expect(table.levels["label"]?.count == 5 + 120_000 / 50)
        }
        #expect(throws: DataError.self) { try Self.read("a,label\n1,\"open\n", "open.csv") }
    }
}
