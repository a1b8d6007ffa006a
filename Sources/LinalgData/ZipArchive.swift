import CLinalgZlib
import LinalgCore

/// The entries of a zip archive, read from its central directory (zip64 included), as
/// `numpy.savez` (stored) and `numpy.savez_compressed` (deflate) write them.
package struct ZipArchive {
    /// One member: where its data start, how it is stored, and its checksum.
    package struct Entry: Sendable {
        package var name: String
        package var method: UInt16
        package var crc32: UInt32
        package var compressedSize: Int
        package var uncompressedSize: Int
        package var localHeaderOffset: Int
        package var flags: UInt16
    }

    let source: any ByteSource
    /// The members in directory order.
    package let entries: [Entry]

    package init(_ source: any ByteSource) throws(DataError) {
        self.source = source
        let location = try ZipArchive.centralDirectory(of: source)
        var directory = [UInt8](repeating: 0, count: location.size)
        try ZipArchive.read(source, at: location.offset, into: &directory)
        var entries: [Entry] = []
        var p = 0
        for _ in 0..<location.count {
            let (entry, length) = try ZipArchive.entry(in: directory, at: p, file: source.name)
            entries.append(entry)
            p += length
        }
        self.entries = entries
    }

    /// Where the central directory is and how many entries it has: from the end-of-central-
    /// directory record (the last 22 bytes plus a comment of up to 65535), or for zip64 from the
    /// zip64 end record its locator points at; checked to lie inside the file.
    static func centralDirectory(of source: any ByteSource) throws(DataError) -> (count: Int, size: Int, offset: Int) {
        let file = source.name
        let tail = min(source.size, 22 + 65535)
        var bytes = [UInt8](repeating: 0, count: tail)
        try ZipArchive.read(source, at: source.size - tail, into: &bytes)
        guard let eocd = stride(from: tail - 22, through: 0, by: -1).first(where: { le32(bytes, $0) == 0x0605_4B50 })
        else {
            throw DataError(file: file, message: "not a zip archive (.npz): no end-of-central-directory record")
        }
        var found = (
            count: Int(le16(bytes, eocd + 10)), size: Int(le32(bytes, eocd + 12)), offset: Int(le32(bytes, eocd + 16))
        )
        if found.count == 0xFFFF || found.size == 0xFFFF_FFFF || found.offset == 0xFFFF_FFFF {
            found = try zip64Directory(of: source, recordAt: source.size - tail + eocd)
        }
        guard found.offset <= source.size, found.size <= source.size - found.offset, found.count <= found.size / 46
        else {
            throw DataError(file: file, message: "damaged zip archive: the central directory lies outside the file")
        }
        return found
    }

    /// The zip64 end record's entry count, directory size and offset, through the locator in the
    /// 20 bytes before the end-of-central-directory record at `eocdPosition`.
    static func zip64Directory(
        of source: any ByteSource, recordAt eocdPosition: Int
    ) throws(DataError)
        -> (count: Int, size: Int, offset: Int)
    {
        let file = source.name
        guard eocdPosition >= 20 else { throw DataError(file: file, message: "damaged zip64 archive: no locator") }
        var locator = [UInt8](repeating: 0, count: 20)
        try ZipArchive.read(source, at: eocdPosition - 20, into: &locator)
        guard le32(locator, 0) == 0x0706_4B50 else {
            throw DataError(file: file, message: "damaged zip64 archive: no locator")
        }
        let recordOffset = Int(clamping: le64(locator, 8))
        guard recordOffset <= source.size - 56 else {
            throw DataError(file: file, message: "damaged zip64 archive: record out of the file")
        }
        var record = [UInt8](repeating: 0, count: 56)
        try ZipArchive.read(source, at: recordOffset, into: &record)
        guard le32(record, 0) == 0x0606_4B50 else {
            throw DataError(file: file, message: "damaged zip64 archive: bad end record")
        }
        return (Int(clamping: le64(record, 32)), Int(clamping: le64(record, 40)), Int(clamping: le64(record, 48)))
    }

    /// The central directory entry at `p` and its length in bytes (46, the name, the extra field
    /// and the comment).
    static func entry(in directory: [UInt8], at p: Int, file: String) throws(DataError) -> (Entry, Int) {
        guard p + 46 <= directory.count, le32(directory, p) == 0x0201_4B50 else {
            throw DataError(file: file, message: "damaged zip archive: bad central directory entry")
        }
        let nameLength = Int(le16(directory, p + 28)), extraLength = Int(le16(directory, p + 30))
        let commentLength = Int(le16(directory, p + 32))
        guard p + 46 + nameLength + extraLength + commentLength <= directory.count else {
            throw DataError(file: file, message: "damaged zip archive: central directory entry runs past its end")
        }
        var entry = Entry(
            name: String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self),
            method: le16(directory, p + 10), crc32: le32(directory, p + 16),
            compressedSize: Int(le32(directory, p + 20)), uncompressedSize: Int(le32(directory, p + 24)),
            localHeaderOffset: Int(le32(directory, p + 42)), flags: le16(directory, p + 8))
        applyZip64Extra(directory, (p + 46 + nameLength)..<(p + 46 + nameLength + extraLength), to: &entry)
        guard entry.uncompressedSize >= 0, entry.compressedSize >= 0, entry.localHeaderOffset >= 0 else {
            throw DataError(
                file: file, message: "damaged zip archive: bad zip64 sizes for '\(excerpt(Array(entry.name.utf8)))'")
        }
        return (entry, 46 + nameLength + extraLength + commentLength)
    }

    /// The zip64 extra field (id 1) in `extra`: the 64-bit values of the fields set to 0xFFFFFFFF,
    /// in order; a value the field lacks becomes −1 (an error for the caller).
    static func applyZip64Extra(_ directory: [UInt8], _ extra: Range<Int>, to entry: inout Entry) {
        var e = extra.lowerBound
        while e + 4 <= extra.upperBound {
            let id = le16(directory, e), size = Int(le16(directory, e + 2))
            if id == 1 {
                var q = e + 4
                func next() -> Int {
                    guard q + 8 <= e + 4 + size, q + 8 <= extra.upperBound else { return -1 }
                    defer { q += 8 }
                    return Int(clamping: le64(directory, q))
                }
                if entry.uncompressedSize == 0xFFFF_FFFF { entry.uncompressedSize = next() }
                if entry.compressedSize == 0xFFFF_FFFF { entry.compressedSize = next() }
                if entry.localHeaderOffset == 0xFFFF_FFFF { entry.localHeaderOffset = next() }
            }
            e += 4 + size
        }
    }

    /// A stream over the uncompressed bytes of `entry`, checked against its CRC-32 at the end.
    package func stream(_ entry: Entry) throws(DataError) -> EntryStream {
        let name = "\(source.name)[\(entry.name)]"
        guard entry.flags & 1 == 0 else {
            throw DataError(file: name, message: "encrypted zip entries are not supported")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw DataError(
                file: name, message: "zip compression method \(entry.method) is not supported (stored and deflate are)")
        }
        guard entry.localHeaderOffset <= source.size - 30 else {
            throw DataError(file: name, message: "damaged zip archive: the entry lies outside the file")
        }
        var local = [UInt8](repeating: 0, count: 30)
        try ZipArchive.read(source, at: entry.localHeaderOffset, into: &local)
        guard le32(local, 0) == 0x0403_4B50 else {
            throw DataError(file: name, message: "damaged zip archive: bad local header")
        }
        let dataStart = entry.localHeaderOffset + 30 + Int(le16(local, 26)) + Int(le16(local, 28))
        guard dataStart <= source.size, entry.compressedSize <= source.size - dataStart else {
            throw DataError(file: name, message: "damaged zip archive: the entry's data run past the end of the file")
        }
        if entry.method == 0 && entry.compressedSize != entry.uncompressedSize {
            throw DataError(file: name, message: "damaged zip archive: a stored entry with two sizes")
        }
        // Deflate expands at most 1032 : 1; a larger claim is not backed by the file.
        if entry.method == 8 && entry.uncompressedSize / 1032 > entry.compressedSize + 1 {
            throw DataError(
                file: name,
                message: "claims \(SystemMemory.formatted(entry.uncompressedSize)) from "
                    + "\(SystemMemory.formatted(entry.compressedSize)) of deflate data, beyond what deflate can "
                    + "expand to"
            )
        }
        return try EntryStream(source: source, name: name, entry: entry, dataStart: dataStart)
    }

    static func read(_ source: any ByteSource, at offset: Int, into bytes: inout [UInt8]) throws(DataError) {
        var failure: DataError?
        let count = bytes.count
        bytes.withUnsafeMutableBytes { buffer in
            do throws(DataError) {
                if count > 0 { try source.read(at: offset, count: count, into: buffer.baseAddress!) }
            } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
func le32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(le16(b, i)) | UInt32(le16(b, i + 2)) << 16 }
func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }

/// The uncompressed bytes of one zip entry: read in place (stored) or inflated by zlib
/// (deflate); the CRC-32 and the size are checked when the last byte has been read.
package final class EntryStream: ByteStream {
    package let name: String
    package private(set) var remaining: Int
    let source: any ByteSource
    let entry: ZipArchive.Entry
    var compressedOffset: Int
    let compressedEnd: Int
    var crc: UInt = 0
    /// Whether bytes were skipped unread (a share of an entry): the CRC-32 then cannot be checked.
    var skippedBytes = false
    var inflater = z_stream()
    var input: UnsafeMutablePointer<UInt8>?
    static var inputSize: Int { 1 << 18 }

    init(source: any ByteSource, name: String, entry: ZipArchive.Entry, dataStart: Int) throws(DataError) {
        self.source = source
        self.name = name
        self.entry = entry
        remaining = entry.uncompressedSize
        compressedOffset = dataStart
        compressedEnd = dataStart + entry.compressedSize
        if entry.method == 8 {
            guard linalg_inflate_init_raw(&inflater) == Z_OK else {
                throw DataError(file: name, message: "zlib failed to start")
            }
            input = .allocate(capacity: EntryStream.inputSize)
        }
    }

    deinit {
        if let input {
            inflateEnd(&inflater)
            input.deallocate()
        }
    }

    package func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(DataError) {
        guard count <= remaining else {
            throw DataError(file: name, message: "ended early: \(count) bytes wanted, \(remaining) left")
        }
        if entry.method == 0 {
            try source.read(at: compressedOffset, count: count, into: buffer)
            compressedOffset += count
        } else {
            try inflate(into: buffer, count: count)
        }
        // zlib's crc32 takes a 32-bit length.
        var done = 0
        while done < count {
            let n = min(count - done, 1 << 30)
            crc = crc32(crc, buffer.assumingMemoryBound(to: UInt8.self) + done, UInt32(n))
            done += n
        }
        remaining -= count
        if remaining == 0 && !skippedBytes && UInt32(truncatingIfNeeded: crc) != entry.crc32 {
            throw DataError(file: name, message: "CRC-32 mismatch: the archive is damaged")
        }
    }

    /// Moves past `count` bytes: in place when stored, inflated and dropped when deflated.
    package func skip(_ count: Int) throws(DataError) {
        guard count <= remaining else {
            throw DataError(file: name, message: "ended early: \(count) bytes to skip, \(remaining) left")
        }
        skippedBytes = true
        if entry.method == 0 {
            compressedOffset += count
            remaining -= count
        } else {
            var stream = self  // a reference: discards from this entry
            try stream.discard(count)
        }
    }

    private func inflate(into buffer: UnsafeMutableRawPointer, count: Int) throws(DataError) {
        var produced = 0
        while produced < count {
            if inflater.avail_in == 0 {
                let n = min(EntryStream.inputSize, compressedEnd - compressedOffset)
                guard n > 0 else {
                    throw DataError(file: name, message: "damaged zip archive: the deflate data end early")
                }
                try source.read(at: compressedOffset, count: n, into: input!)
                compressedOffset += n
                inflater.next_in = input
                inflater.avail_in = UInt32(n)
            }
            let want = min(count - produced, Int(UInt32.max))
            inflater.next_out = (buffer + produced).assumingMemoryBound(to: UInt8.self)
            inflater.avail_out = UInt32(want)
            let status = CLinalgZlib.inflate(&inflater, Z_NO_FLUSH)
            produced += want - Int(inflater.avail_out)
            if status == Z_STREAM_END && produced < count {
                throw DataError(file: name, message: "damaged zip archive: the entry is shorter than its size")
            }
            guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && inflater.avail_in == 0) else {
                let reason = inflater.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DataError(file: name, message: "damaged deflate data: \(reason)")
            }
        }
    }
}
