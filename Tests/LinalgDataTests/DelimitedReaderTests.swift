import Foundation
import LinalgData
import LinalgParallel
import Testing

@Suite(.serialized) struct DelimitedReaderTests {
    @Test func acceptsByteOrderMarkCRLFBlankLinesAndQuotes() throws {
        let table = try DataTable(csvText: "\u{FEFF}a,\"y\"\r\n1.5,1\r\n\r\n-2,0\r\n", file: "t.csv")
        #expect(table.columnNames == ["a", "y"])
        #expect(table.values.rowArrays == [[1.5, 1], [-2, 0]])
        #expect(table.lineNumbers == [2, 4])
        #expect(
            throws: DataError(
                file: "t.csv", line: 2, column: 1, columnName: "a", message: "empty cell, expected a number")
        ) {
            try DataTable(csvText: "a,y\n,1\n", file: "t.csv")
        }
        let quoted = try DataTable(
            csvText: "\n  \n\"x, one\" , \"say \"\"hi\"\"\"\n \"1.5\" , +2 \n\"-3e2\",4", file: "q.csv")
        #expect(quoted.columnNames == ["x, one", "say \"hi\""])
        #expect(quoted.values.rowArrays == [[1.5, 2], [-300, 4]])
        #expect(quoted.lineNumbers == [4, 5])
    }

    @Test func numbersHaveTheBitsOfPythonsFloat() throws {
        let text = "x\n" + Fixtures.decimals.map(\.0).joined(separator: "\n") + "\n"
        let table = try DataTable(csvText: text, file: "d.csv")
        for (i, (decimal, bits)) in Fixtures.decimals.enumerated() {
            #expect(table.values[i, 0].bitPattern == bits, "\(decimal)")
        }
    }

    @Test func badCellsAreNamedByLineAndColumn() throws {
        func failure(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) -> DataError? {
            do { _ = try DataTable(csvText: text, file: "b.csv", delimiter: delimiter) } catch { return error }
            return nil
        }
        #expect(failure("a,b\n1,2\n3,x\n")?.description == "b.csv:3:2: 'x' is not a number (column \"b\")")
        #expect(failure("a,b\n1,2\n3,inf\n")?.message == "'inf' is not a finite number")
        #expect(failure("a,b\n1,1e400\n")?.message == "'1e400' is not a finite number")
        #expect(failure("a,b\n1,NaN\n")?.column == 2)
        #expect(failure("a,b\n1,2,3\n")?.message == "has 3 fields, the header has 2")
        #expect(failure("a,b\n1\n")?.message == "has 1 fields, the header has 2")
        #expect(failure("a,b\n2\0abc,1\n")?.message == "'2\\0abc' is not a number", "a NUL byte is not a number's end")
        #expect(failure("a,b\n\"1,2\n")?.column == 1)
        #expect(failure("a,b\n1;2\n")?.line == 2)
        #expect(failure("")?.message == "file is empty (expected a header row and data rows)")
        #expect(failure("a,b\n\n")?.message == "no data rows after the header")
        #expect(failure("a,,b\n1,2,3\n")?.message == "empty column name in the header")
        #expect(failure("a,b\n1,++2\n")?.column == 2)
        #expect(
            failure("a,b\n1,\(String(repeating: "9", count: 1000))x\n")?.message.count ?? 1000 < 120,
            "long text is shown truncated")
        let tsv = try DataTable(csvText: "a\tb\n1\t2\n", file: "t.tsv", delimiter: UInt8(ascii: "\t"))
        #expect(tsv.values.rowArrays == [[1, 2]])
        let semicolons = try DataTable(csvText: "a;b\n1.5;-2\n", file: "s.csv", delimiter: UInt8(ascii: ";"))
        #expect(semicolons.values.rowArrays == [[1.5, -2]])
        #expect(
            try DataTable(csvText: "a\n1e-400\n", file: "u.csv").values[0, 0] == 0, "underflow is zero, as in Python")
    }

    /// A table large enough to be split across cores reads the same with one core and with two,
    /// and an error is the same (the earliest in the file) however the file is split.
    @Test func resultIsTheSameWhateverTheCoreCount() throws {
        var generator = Xoshiro256StarStar(seed: 3)
        var lines = ["a,b,c,d,e"]
        for _ in 0..<60_000 {
            lines.append((0..<5).map { _ in "\(generator.nextNormal() * 1e3)" }.joined(separator: ","))
            if generator.nextUniform() < 0.01 { lines.append("") }
        }
        let text = lines.joined(separator: "\n")
        let path = try TestFiles.write(text, "big.csv")
        // The data layer's cores are ParallelChunks' limit (OpenBLAS.threadCount sets it too).
        defer { ParallelChunks.setCoreLimit(ProcessInfoCores.active) }
        ParallelChunks.setCoreLimit(1)
        let one = try DataTable(contentsOf: path)
        ParallelChunks.setCoreLimit(2)
        let two = try DataTable(contentsOf: path)
        #expect(one.values == two.values)
        #expect(one.lineNumbers == two.lineNumbers)
        #expect(one.rowCount == 60_000)
        #expect(one.values[59_999, 4] == Double(lines.last!.split(separator: ",")[4])!)

        var broken = lines
        broken[50_000] = "1,2,3,4,oops"
        broken[55_000] = "1,2,3"
        let brokenPath = try TestFiles.write(broken.joined(separator: "\n"), "broken.csv")
        for count in [1, 2] {
            ParallelChunks.setCoreLimit(count)
            #expect(
                throws: DataError(
                    file: brokenPath, line: 50_001, column: 5, columnName: "e", message: "'oops' is not a number")
            ) {
                try DataTable(contentsOf: brokenPath)
            }
        }
    }

    @Test func filesThatAreNotRegularAreRefusedWithTheReason() throws {
        let directory = try TestFiles.directory()
        let folder = directory.path + "/"
        #expect(throws: DataError(file: folder, message: "is a directory")) {
            try DataTable(contentsOf: folder, options: .init(format: .csv))
        }
        let missing = directory.appendingPathComponent("none.csv").path
        #expect(throws: DataError(file: missing, message: "no such file")) { try DataTable(contentsOf: missing) }
        let fifo = directory.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: DataError(file: fifo, message: "is a FIFO, not a regular file")) {
            try DataTable(contentsOf: fifo)
        }
        let loop = directory.appendingPathComponent("loop.csv").path
        #expect(symlink(loop, loop) == 0)
        #expect((try? DataTable(contentsOf: loop)) == nil)
        #expect(throws: DataError.self) {
            try DataTable(contentsOf: directory.appendingPathComponent("x.unknown").path)
        }
    }

    @Test func rowsClaimingMoreCellsThanTheFileHoldsAreRefusedWithoutAllocating() throws {
        // A 100,000-column header over short rows: the table would need 8 · 10⁵ · rows bytes.
        let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        let text = header + "\n" + String(repeating: "1\n", count: 1000)
        #expect(throws: DataError(file: "wide.csv", line: 2, message: "has 1 fields, the header has 100000")) {
            try DataTable(csvText: text, file: "wide.csv")
        }
    }
}
