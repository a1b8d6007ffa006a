import Foundation
import LinalgData
import Testing

/// Sparse `.npz` archives as scipy writes them, read against their known contents; written by
/// Linalg and read back; bad archives refused naming the array.
@Suite struct SparseArchiveTests {
    static let dense: [[Double]] = [[0, 1.5, 0, 0], [2, 0, 0, -1], [0, 0, 0, 0], [0, 0, 0.25, 3]]

    static func file(_ base64: String, _ name: String) throws -> String {
        try TestFiles.write(try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters)), name)
    }

    @Test func everyVariantScipyWritesIsRead() throws {
        for (name, text) in [
            ("csr-stored", SparseFixtures.csrStored), ("csr-deflated", SparseFixtures.csrDeflated),
            ("csc-deflated", SparseFixtures.cscDeflated), ("csr-int64", SparseFixtures.csrInt64),
            ("csr-float32", SparseFixtures.csrFloat32), ("data-set", SparseFixtures.dataSet),
        ] {
            let path = try Self.file(text, name + ".npz")
            #expect(try SparseDataSet.isSparse(path), "\(name)")
            let set = try SparseDataSet(contentsOf: path)
            #expect(try set.matrix.dense().rowArrays == Self.dense, "\(name)")
            #expect(set.matrix.rowOffsets == [0, 1, 3, 3, 5], "\(name)")
            if name == "data-set" {
                #expect(set.labels == [1, 0, 1, 0] && set.sampleWeights == [1, 2, 0.5, 1])
            } else {
                #expect(set.labels == nil && set.sampleWeights == nil)
            }
        }
    }

    @Test func writtenArchivesReadBackBitForBit() throws {
        let set = try SparseDataSet(contentsOf: try Self.file(SparseFixtures.dataSet, "in.npz"))
        for compress in [false, true] {
            let path = try TestFiles.directory().appendingPathComponent("out.npz").path
            try SparseDataSet.write(
                set.matrix, labels: set.labels, sampleWeights: set.sampleWeights, compress: compress, to: path)
            let back = try SparseDataSet(contentsOf: path)
            #expect(back.matrix == set.matrix && back.labels == set.labels && back.sampleWeights == set.sampleWeights)
        }
    }

    /// An archive of the five arrays with `indptr` and `indices` as given.
    static func archive(indptr: [Int32], indices: [Int32], shape: [Int64] = [2, 4]) throws -> String {
        let path = try TestFiles.directory().appendingPathComponent("bad.npz").path
        let data = [Double](repeating: 1, count: indices.count)
        try ZipWriter.write(
            [
                ("indices.npy", NumpyHeader.encoded(descr: "<i4", shape: [indices.count]) + bytes(indices)),
                ("indptr.npy", NumpyHeader.encoded(descr: "<i4", shape: [indptr.count]) + bytes(indptr)),
                ("format.npy", NumpyHeader.encoded(descr: "|S3", shape: []) + Array("csr".utf8)),
                ("shape.npy", NumpyHeader.encoded(descr: "<i8", shape: [2]) + bytes(shape)),
                ("data.npy", NumpyHeader.encoded(descr: "<f8", shape: [data.count]) + bytes(data)),
            ], compress: false, to: path)
        return path
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

    @Test func badArchivesNameTheArray() throws {
        func message(_ path: String) -> String {
            do { _ = try SparseDataSet(contentsOf: path) } catch { return error.message }
            return "read"
        }
        #expect(message(try Self.archive(indptr: [0, 2, 1], indices: [0, 1])).contains("indptr"))
        #expect(message(try Self.archive(indptr: [0, 1, 2], indices: [0, 4])).contains("indices"))
        #expect(message(try Self.archive(indptr: [0, 2, 2], indices: [3, 1])).contains("increasing"))
        #expect(
            message(try Self.archive(indptr: [0, 1, 2], indices: [0, 1], shape: [2, 3_000_000_000])).contains("2³¹"))
        #expect(message(try Self.archive(indptr: [0, 1, 2], indices: [0, 1])) == "read")
    }
}
