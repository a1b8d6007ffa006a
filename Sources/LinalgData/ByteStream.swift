/// Bytes read front to back with a known length: a file region, or a zip entry (stored or
/// deflated) whose checksum is verified once it has been read to its end.
package protocol ByteStream {
    /// The name used in messages (file, and entry for archives).
    var name: String { get }
    /// The bytes not read yet.
    var remaining: Int { get }
    /// Reads exactly `count` bytes into `buffer`; throws when fewer remain or the data are damaged.
    mutating func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(DataError)
    /// Moves past `count` bytes without keeping them; throws when fewer remain.
    mutating func skip(_ count: Int) throws(DataError)
}

extension ByteStream {
    /// Moves past `count` bytes by reading and dropping them (streams that can seek override it).
    package mutating func skip(_ count: Int) throws(DataError) { try discard(count) }

    /// Reads and drops `count` bytes, in blocks; throws when fewer remain.
    package mutating func discard(_ count: Int) throws(DataError) {
        guard count <= remaining else {
            throw DataError(file: name, message: "ended early: \(count) bytes to skip, \(remaining) left")
        }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { scratch.deallocate() }
        var left = count
        while left > 0 {
            let n = min(1 << 16, left)
            try read(into: scratch, count: n)
            left -= n
        }
    }

    /// Reads and discards what remains (so that an archive entry's checksum is verified).
    package mutating func drain() throws(DataError) { try discard(remaining) }

    /// Reads exactly `count` bytes into a new array (`count` is checked against ``remaining`` first).
    package mutating func readBytes(_ count: Int) throws(DataError) -> [UInt8] {
        guard count <= remaining else {
            throw DataError(file: name, message: "ended early: \(count) bytes wanted, \(remaining) left")
        }
        var bytes = [UInt8](repeating: 0, count: count)
        var failure: DataError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(DataError) { if count > 0 { try read(into: buffer.baseAddress!, count: count) } } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return bytes
    }
}

/// A region of a source read front to back.
package struct SourceStream<Source: ByteSource>: ByteStream {
    let source: Source
    package let name: String
    var offset: Int
    let end: Int

    package init(_ source: Source, range: Range<Int>, name: String? = nil) {
        self.source = source
        self.name = name ?? source.name
        offset = range.lowerBound
        end = range.upperBound
    }

    package var remaining: Int { end - offset }

    package mutating func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(DataError) {
        guard count <= remaining else {
            throw DataError(file: name, message: "ended early: \(count) bytes wanted, \(remaining) left")
        }
        try source.read(at: offset, count: count, into: buffer)
        offset += count
    }

    package mutating func skip(_ count: Int) throws(DataError) {
        guard count <= remaining else {
            throw DataError(file: name, message: "ended early: \(count) bytes to skip, \(remaining) left")
        }
        offset += count
    }
}
