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
            options: .init(indexBase: .zeroBased))
        #expect(zeroBased.values.rowArrays == [[0, 1, 0, 3]])
        // scikit-learn's dump_svmlight_file writes zero-based indices: found from the file.
        let detected = try LibSVMReader.read(contentsOf: try TestFiles.write("1 0:1 2:3\n0 1:2\n", "auto.svm"))
        #expect(detected.columnCount == 3 && detected.columns == [0, 2, 1])
        let oneBased = try LibSVMReader.read(contentsOf: try TestFiles.write("1 1:1 3:3\n", "one.svm"))
        #expect(oneBased.columnCount == 3 && oneBased.columns == [0, 2])
        // Pairs in any order are sorted along the row.
        let unsorted = try LibSVMReader.read(contentsOf: try TestFiles.write("1 4:4 1:1 3:3\n0 2:2\n", "u.svm"))
        #expect(unsorted.columns == [0, 2, 3, 1] && unsorted.values == [1, 3, 4, 2] && unsorted.rowStarts == [0, 3, 4])
    }

    @Test func malformedLinesAreNamed() throws {
        func failure(_ text: String) -> DataError? {
            do { _ = try LibSVMReader.read(contentsOf: try TestFiles.write(text, "b.svm")) } catch {
                return error as? DataError
            }
            return nil
        }
        let duplicate = failure("1 1:2\n1 5:1 2:3 5:4\n")
        #expect(duplicate?.line == 2 && duplicate?.column == 4, "an index twice: \(String(describing: duplicate))")
        #expect(duplicate?.message.contains("twice") == true)
        #expect(failure("1 1:2\n1 2:1 2:3\n")?.line == 2, "an index twice in order")
        #expect(failure("1 2147483648:1\n")?.message.contains("2³¹") == true, "an index beyond 2³¹ − 1")
        #expect(failure("x 1:2\n")?.message == "'x' is not a number")
        #expect(failure("1 1:2\n1 3\n")?.column == 2)
        #expect(failure("1 1:inf\n")?.message.contains("finite") == true)
        #expect(failure("1 99999999999:1\n") != nil)
        #expect(failure("# only comments\n")?.message == "no data rows")
    }
}
