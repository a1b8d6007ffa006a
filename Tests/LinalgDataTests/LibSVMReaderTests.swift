import Foundation
import LinalgData
import Testing

@Suite struct LibSVMReaderTests {
    @Test func readsLabelsFeaturesCommentsAndQueryIds() throws {
        let text = "# a comment\n+1 1:0.5 3:-2 # trailing\n\n-1 qid:3 2:1e-3\n1\t1:7   4:1.25\n"
        let path = try TestFiles.write(text, "a.svm")
        let rows = try LibSVMReader.read(contentsOf: path)
        #expect(rows.labels == [1, -1, 1])
        #expect(rows.rowStarts == [0, 2, 3, 5])
        #expect(rows.columns == [0, 2, 1, 0, 3])
        #expect(rows.values == [0.5, -2, 1e-3, 7, 1.25])
        #expect(rows.columnCount == 4)
        #expect(rows.lineNumbers == [2, 4, 5])
        let table = try DataTable(contentsOf: path)
        #expect(table.columnNames == ["label", "f1", "f2", "f3", "f4"])
        #expect(table.values.rowArrays == [[1, 0.5, 0, -2, 0], [-1, 0, 1e-3, 0, 0], [1, 7, 0, 0, 1.25]])
        let zeroBased = try DataTable(
            contentsOf: try TestFiles.write("0 0:1 2:3\n", "z.libsvm"),
            options: .init(zeroBasedIndices: true))
        #expect(zeroBased.values.rowArrays == [[0, 1, 0, 3]])
    }

    @Test func malformedLinesAreNamed() throws {
        func failure(_ text: String) -> DataError? {
            do { _ = try LibSVMReader.read(contentsOf: try TestFiles.write(text, "b.svm")) } catch {
                return error as? DataError
            }
            return nil
        }
        #expect(failure("1 1:2\n1 2:1 1:3\n")?.line == 2, "indices must increase")
        #expect(failure("1 0:2\n")?.message.contains("indices") == true, "one-based by default")
        #expect(failure("x 1:2\n")?.message == "'x' is not a number")
        #expect(failure("1 1:2\n1 3\n")?.column == 2)
        #expect(failure("1 1:inf\n")?.message.contains("finite") == true)
        #expect(failure("1 99999999999:1\n") != nil)
        #expect(failure("# only comments\n")?.message == "no data rows")
    }
}
