import Foundation
import LinalgData
import Testing

@Suite struct NumpyFileTests {
    let expected: [[Double]] = [[1.5, -2.25, 3.0], [4.0, 5.125, -6.5]]

    func table(_ data: Data, _ name: String = "a.npy") throws -> DataTable {
        try DataTable(contentsOf: try TestFiles.write(data, name))
    }

    @Test func readsEveryTypeOrderAndVersionNumpyWrites() throws {
        for fixture in [
            Fixtures.f8, Fixtures.fortran, Fixtures.bigEndian, Fixtures.version2, Fixtures.version3, Fixtures.f4,
        ] {
            let t = try table(fixture)
            #expect(t.values.rowArrays == expected)
            #expect(t.columnNames == ["0", "1", "2"])
            #expect(t.lineNumbers == nil)
        }
        #expect(try table(Fixtures.i8).values.rowArrays == [[1, -2, 3], [4, 5, -6]])
        #expect(try table(Fixtures.i4).values.rowArrays == [[1, -2, 3], [4, 5, -6]])
        #expect(try table(Fixtures.u1).values.rowArrays == [[1, 2, 3], [4, 5, 255]])
        #expect(try table(Fixtures.b1).values.rowArrays == [[1, 0, 1], [0, 1, 0]])
        let oneD = try table(Fixtures.oneD)
        #expect(oneD.values.rowArrays == [[0.5], [1.5], [-2.5]])
    }

    @Test func refusesWhatItCannotReadAndWhatTheFileCannotBack() throws {
        func message(_ data: Data) -> String? {
            do { _ = try table(data) } catch { return (error as? DataError)?.message ?? "\(error)" }
            return nil
        }
        #expect(message(Fixtures.threeD)?.contains("3 dimensions") == true)
        #expect(message(Fixtures.structured)?.contains("structured") == true)
        #expect(message(Fixtures.f8.prefix(20))?.contains("header") == true, "a truncated header")
        #expect(message(Fixtures.f8.dropLast(8))?.contains("the file holds") == true, "truncated data")
        #expect(message(Data("not numpy at all".utf8))?.contains("magic") == true)
        // A header claiming 10¹² rows: refused before anything is allocated.
        var huge = Fixtures.f8
        let header = String(decoding: huge[10..<128], as: UTF8.self).replacingOccurrences(
            of: "(2, 3)", with: "(1000000000000, 3)")
        huge.replaceSubrange(10..<(10 + header.utf8.count), with: Data(header.utf8))
        #expect(message(huge)?.contains("would need") == true || message(huge)?.contains("the file holds") == true)
        var nan = Fixtures.f8
        nan.replaceSubrange(
            (nan.count - 8)..<nan.count, with: withUnsafeBytes(of: Double.nan.bitPattern.littleEndian) { Data($0) })
        #expect(message(nan)?.contains("row 2") == true)
    }

    @Test func writesTheBytesNumpyWrites() throws {
        let path = try TestFiles.directory().appendingPathComponent("w.npy").path
        try NumpyFile.write(Matrix(expected), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Fixtures.written)
        #expect(try NumpyFile.read(contentsOf: path).values == expected.flatMap { $0 })
    }

    @Test func readsArchivesStoredAndCompressed() throws {
        let stored = try table(Fixtures.npzStored, "s.npz")
        #expect(stored.columnNames == ["0", "1", "y", "sample_weight"])
        #expect(
            stored.values.rowArrays == [
                [0.5, 1.0, 1, 1], [-1.5, 2.0, 0, 2], [3.25, -0.75, 1, 0.5], [1e-3, 7.0, 0, 1],
            ])
        let compressed = try table(Fixtures.npzCompressed, "c.npz")
        #expect(compressed.columnNames == ["0", "1", "y"])
        #expect(compressed.values.column(2) == [1, 0, 1, 0])
        let archive = try NumpyArchive(contentsOf: try TestFiles.write(Fixtures.npzStored, "a.npz"))
        #expect(archive.arrayNames == ["X", "y", "sample_weight"])
        #expect(try archive.array(named: "missing") == nil)
    }

    @Test func damagedArchivesAreReported() throws {
        func message(_ data: Data) -> String? {
            do { _ = try table(data, "d.npz") } catch { return (error as? DataError)?.message ?? "\(error)" }
            return nil
        }
        // Flip one byte of X's data in the stored archive: the CRC-32 no longer matches.
        var flipped = Fixtures.npzStored
        let x = flipped.range(of: Data([0, 0, 0, 0, 0, 0, 0xE0, 0x3F]))!.lowerBound
        flipped[x + 6] ^= 0x01
        #expect(message(flipped)?.contains("CRC-32") == true)
        var corrupt = Fixtures.npzCompressed
        corrupt.replaceSubrange(60..<80, with: Data(repeating: 0xFF, count: 20))
        #expect(message(corrupt) != nil)
        #expect(message(Fixtures.npzCompressed.prefix(100))?.contains("zip") == true)
        #expect(message(Fixtures.f8)?.contains("zip") == true)
    }
}
