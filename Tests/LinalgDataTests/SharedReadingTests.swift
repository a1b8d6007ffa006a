import Foundation
import LinalgData
import Testing

/// Readers of one file on threads of this process, exchanging their counts through a shared
/// board (as MPI ranks do through an allreduce).
final class ThreadReaders: @unchecked Sendable {
    let count: Int
    private let condition = NSCondition()
    private var posted: [[Int]?]

    init(count: Int) {
        self.count = count
        posted = Array(repeating: nil, count: count)
    }

    struct Reader: SharedReading {
        let readerIndex: Int
        let board: ThreadReaders
        var readerCount: Int { board.count }
        func exchange(_ values: [Int]) -> [[Int]] { board.post(values, from: readerIndex) }
    }

    func post(_ values: [Int], from index: Int) -> [[Int]] {
        condition.lock()
        defer { condition.unlock() }
        posted[index] = values
        condition.broadcast()
        while posted.contains(where: { $0 == nil }) { condition.wait() }
        return posted.map { $0! }
    }

    /// Each reader's result of reading `path` on a thread of its own.
    static func read(
        _ path: String, readers: Int, options: DataReadOptions = DataReadOptions()
    ) -> [Result<DataTable, DataError>] {
        run(readers: readers) { reader throws(DataError) in
            try DataTable(contentsOf: path, options: options, sharedWith: reader)
        }
    }

    /// `body(reader)` for each reader on a thread of its own; the results in reader order.
    static func run<T>(
        readers: Int, _ body: @escaping @Sendable (Reader) throws(DataError) -> T
    ) -> [Result<T, DataError>] {
        let board = ThreadReaders(count: readers)
        let results = ResultBox<T>(count: readers)
        let group = DispatchGroup()
        for r in 0..<readers {
            group.enter()
            Thread {
                do throws(DataError) {
                    results.set(r, .success(try body(Reader(readerIndex: r, board: board))))
                } catch {
                    results.set(r, .failure(error))
                }
                group.leave()
            }.start()
        }
        group.wait()
        return results.values.map { $0! }
    }
}

final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<T, DataError>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<T, DataError>) { lock.withLock { values[index] = value } }
}

@Suite struct SharedReadingTests {
    /// The shares' rows in order, against the whole read: names, values, lines and row offsets.
    func expectSharesJoin(_ path: String, readers: Int, options: DataReadOptions = DataReadOptions()) throws {
        let whole = try DataTable(contentsOf: path, options: options)
        let shares = try ThreadReaders.read(path, readers: readers, options: options).map { try $0.get() }
        var rows: [[Double]] = [], lines: [Int] = []
        for share in shares {
            #expect(share.columnNames == whole.columnNames, "\(readers) readers")
            #expect(share.rowCount > 0)
            #expect(share.rowOffset == (whole.lineNumbers == nil ? rows.count : 0))
            rows += share.values.rowArrays
            lines += share.lineNumbers ?? []
        }
        #expect(rows == whole.values.rowArrays, "\(path): \(readers) readers")
        #expect(lines == (whole.lineNumbers ?? []), "\(path): \(readers) readers")
    }

    /// Exactly one reader reports, with the whole read's error; the others defer to it.
    func expectReportedOnce(_ path: String, readers: Int, as expected: DataError) {
        let results = ThreadReaders.read(path, readers: readers)
        var reported: [DataError] = []
        for result in results {
            guard case .failure(let error) = result else {
                Issue.record("\(readers) readers: a reader succeeded")
                continue
            }
            if !error.isReportedByAnotherReader { reported.append(error) }
        }
        #expect(reported == [expected], "\(readers) readers")
    }

    static func csv(rows: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = "\u{FEFF}a, \"b\" ,c\n\n"
        for i in 0..<rows {
            let values = (0..<3).map { _ in Double.random(in: -1e3...1e3, using: &generator) }
            let line =
                i % 7 == 3
                ? "\"\(values[0])\", \(values[1]) ,\(values[2])" : values.map { "\($0)" }.joined(separator: ",")
            text += line + (i % 5 == 0 ? "\r\n" : "\n") + (i % 11 == 4 ? "  \n" : "")
        }
        return text
    }

    @Test func csvSharesAreTheRowsOfTheWholeRead() throws {
        let path = try TestFiles.write(Self.csv(rows: 240), "shared.csv")
        for readers in [1, 2, 3, 5, 8] { try expectSharesJoin(path, readers: readers) }
        let tsv = try TestFiles.write(Self.csv(rows: 40).replacingOccurrences(of: ",", with: "\t"), "shared.tsv")
        for readers in [2, 3] { try expectSharesJoin(tsv, readers: readers) }
    }

    @Test func aBadCellIsReportedOnceAtItsFileLine() throws {
        // (Swift's String keeps "\r\n" as one character: split the text without them.)
        var lines = Self.csv(rows: 90).replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        lines[70] = "1,oops,3"
        lines[80] = "1,2"
        let path = try TestFiles.write(lines.joined(separator: "\n"), "bad.csv")
        var expected: DataError?
        do { _ = try DataTable(contentsOf: path) } catch { expected = error }
        #expect(expected?.line == 71)
        for readers in [1, 2, 3, 4, 7] { expectReportedOnce(path, readers: readers, as: expected!) }
    }

    @Test func moreReadersThanRowsIsOneClearError() throws {
        let path = try TestFiles.write("a,b\n1,2\n3,4\n", "two.csv")
        let results = ThreadReaders.read(path, readers: 4)
        let messages = results.compactMap { result -> String? in
            guard case .failure(let error) = result, !error.isReportedByAnotherReader else { return nil }
            return error.message
        }
        #expect(messages.count == 1 && messages[0].contains("holds no rows"), "\(messages)")
    }

    @Test func libsvmSharesAgreeOnTheWidth() throws {
        var text = "# a comment\n"
        for i in 0..<60 {
            text += "\(i % 2 == 0 ? "+1" : "-1") 1:\(Double(i) / 8) \(2 + i % 3):0.5"
            text += i == 59 ? " 17:2.5\n" : " # row \(i)\n"
        }
        let path = try TestFiles.write(text, "shared.svm")
        for readers in [1, 2, 3, 6] { try expectSharesJoin(path, readers: readers) }
        let shares = try ThreadReaders.read(path, readers: 3).map { try $0.get() }
        #expect(shares.allSatisfy { $0.columnCount == 18 })
    }

    /// Shares read straight to CSR: in order, the whole read's labels, lines and rows, each as wide
    /// as the whole; a bad line is reported once, at its file line.
    @Test func libsvmSharesReadStraightToCSR() throws {
        var text = "# a comment\n"
        for i in 0..<60 {
            text += "\(i % 3 - 1) \(1 + i % 4):\(Double(i) / 8) \(5 + i % 3):0.5\(i == 41 ? " 23:2" : "")\n"
        }
        let path = try TestFiles.write(text, "csr-shares.svm")
        let whole = try LibSVMReader.read(contentsOf: path)
        for readers in [1, 2, 3, 7] {
            let shares = try ThreadReaders.run(readers: readers) { reader throws(DataError) in
                try SparseRows(contentsOf: path, sharedWith: reader)
            }.map { try $0.get() }
            #expect(shares.allSatisfy { $0.columnCount == 23 && $0.labels.count > 0 }, "\(readers) readers")
            #expect(shares.flatMap(\.labels) == whole.labels)
            #expect(shares.flatMap(\.lineNumbers) == whole.lineNumbers)
            #expect(try shares.flatMap { try $0.matrix.dense().rowArrays } == whole.matrix.dense().rowArrays)
        }
        let bad = try TestFiles.write(text.replacingOccurrences(of: "23:2", with: "23:x"), "csr-bad.svm")
        let results = ThreadReaders.run(readers: 3) { reader throws(DataError) in
            try SparseRows(contentsOf: bad, sharedWith: reader)
        }
        let reported = results.compactMap { result -> DataError? in
            guard case .failure(let error) = result, !error.isReportedByAnotherReader else { return nil }
            return error
        }
        #expect(reported.count == 1 && reported.first?.line == 43, "\(reported)")
    }

    /// A `.npy` file of `rows × columns` from the raw item bytes, in the given dtype and order.
    static func npy(descr: String, fortran: Bool, shape: [Int], items: Data) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape[0]), \(shape[1]))"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8))
        data.append(items)
        return data
    }

    @Test func npySharesAreReadAtTheirOffset() throws {
        let matrix = try Matrix<Double>((0..<50).map { i in (0..<3).map { Double(i * 3 + $0) / 4 } })
        let cOrder = try TestFiles.directory().appendingPathComponent("c.npy").path
        try NumpyFile.write(matrix, to: cOrder)
        for readers in [1, 2, 3, 7] { try expectSharesJoin(cOrder, readers: readers) }
        // 7 × 3 int32 in Fortran order: column j's rows are one run.
        var items = Data()
        for j in 0..<3 {
            for i in 0..<7 { withUnsafeBytes(of: Int32(10 * i + j).littleEndian) { items.append(contentsOf: $0) } }
        }
        let fortran = try TestFiles.write(Self.npy(descr: "<i4", fortran: true, shape: [7, 3], items: items), "f.npy")
        #expect(try DataTable(contentsOf: fortran).values.rowArrays[6] == [60, 61, 62])
        for readers in [2, 3, 4, 7] { try expectSharesJoin(fortran, readers: readers) }
        let vector = try TestFiles.directory().appendingPathComponent("v.npy").path
        try NumpyFile.write((0..<11).map(Double.init), to: vector)
        for readers in [2, 5] { try expectSharesJoin(vector, readers: readers) }
        // A NaN in row 37 is named by the share that holds it, with the file's row number.
        var scalars = matrix.scalars
        scalars[36 * 3 + 1] = .nan
        let bad = try TestFiles.directory().appendingPathComponent("nan.npy").path
        try NumpyFile.write(Matrix(uncheckedRows: 50, columns: 3, storage: scalars), to: bad)
        var expected: DataError?
        do { _ = try DataTable(contentsOf: bad) } catch { expected = error }
        #expect(expected?.message.contains("row 37") == true)
        for readers in [2, 3] { expectReportedOnce(bad, readers: readers, as: expected!) }
    }

    @Test func hostileFilesAreRefusedByTheirShares() throws {
        // A header claiming 10¹² rows: refused before anything is allocated, by reader 1 only.
        var huge = Fixtures.f8
        let header = String(decoding: huge[10..<128], as: UTF8.self).replacingOccurrences(
            of: "(2, 3)", with: "(1000000000000, 3)")
        huge.replaceSubrange(10..<(10 + header.utf8.count), with: Data(header.utf8))
        for (data, name) in [(huge, "huge.npy"), (Fixtures.f8.prefix(20), "short.npy"), (Data(), "empty.csv")] {
            let results = ThreadReaders.read(try TestFiles.write(data, name), readers: 3)
            let reported = results.compactMap { result -> DataError? in
                guard case .failure(let error) = result, !error.isReportedByAnotherReader else { return nil }
                return error
            }
            #expect(reported.count == 1 && results.allSatisfy { (try? $0.get()) == nil }, "\(name): \(reported)")
        }
    }

    @Test func npzSharesStoredAndDeflated() throws {
        for (fixture, name) in [(Fixtures.npzStored, "s.npz"), (Fixtures.npzCompressed, "c.npz")] {
            let path = try TestFiles.write(fixture, name)
            for readers in [1, 2, 3, 4] { try expectSharesJoin(path, readers: readers) }
        }
    }
}
