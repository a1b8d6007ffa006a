#if canImport(Glibc)
import Glibc
#endif

/// Bytes that can be read at any offset: an open regular file, or bytes in memory.
///
/// Readers split a source into byte ranges read by separate threads, so reads carry their own
/// offset (`pread`) and share no cursor.
package protocol ByteSource: Sendable {
    /// The number of bytes.
    var size: Int { get }
    /// The name used in messages (the path as given).
    var name: String { get }
    /// Copies `count` bytes from `offset` into `buffer`; throws when fewer are there (the
    /// file shrank while being read) or the system reports an error.
    func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(DataError)
    /// `range` mapped into memory read-only, or `nil` when the source cannot be mapped (the
    /// caller then reads with ``read(at:count:into:)``).
    func map(_ range: Range<Int>) -> MappedBytes?
}

extension ByteSource {
    package func map(_ range: Range<Int>) -> MappedBytes? { nil }
}

/// A read-only mapping of part of a file: pages come from the page cache without a copy, and
/// ``release(upTo:)`` drops those already scanned from the process's resident set, so that
/// scanning a large file keeps memory flat.
package final class MappedBytes {
    private let base: UnsafeMutableRawPointer
    private let length: Int
    /// The bytes of the requested range.
    package let bytes: UnsafeRawBufferPointer
    private let lead: Int
    private var released = 0

    init?(descriptor: Int32, range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        lead = range.lowerBound % page
        length = range.count + lead
        guard range.count > 0,
            let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, off_t(range.lowerBound - lead)),
            address != MAP_FAILED
        else { return nil }
        base = address
        madvise(base, length, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: base + lead, count: range.count)
    }

    /// Drops the whole pages before byte `offset` of ``bytes`` from the resident set.
    package func release(upTo offset: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = (lead + offset) / page * page
        if end > released {
            madvise(base + released, end - released, MADV_DONTNEED)
            released = end
        }
    }

    deinit { munmap(base, length) }
}

/// A regular file opened for reading, checked before anything is read: a missing file, a
/// directory, a FIFO or device, a symlink loop or missing permission is reported with the
/// system's reason, never a hang on a FIFO.
package final class InputFile: ByteSource, @unchecked Sendable {
    package let name: String
    package let size: Int
    private let descriptor: Int32

    package init(path: String) throws(DataError) {
        name = path
        // O_NONBLOCK: opening a FIFO without a writer must not wait; regular files ignore it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw DataError(file: path, message: InputFile.reason(errno)) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let code = errno
            close(fd)
            throw DataError(file: path, message: InputFile.reason(code))
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(fd)
            let what =
                kind == S_IFDIR
                ? "is a directory"
                : kind == S_IFIFO
                    ? "is a FIFO, not a regular file"
                    : kind == S_IFSOCK ? "is a socket, not a regular file" : "is a device, not a regular file"
            throw DataError(file: path, message: what)
        }
        descriptor = fd
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    package func map(_ range: Range<Int>) -> MappedBytes? { MappedBytes(descriptor: descriptor, range: range) }

    package func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(DataError) {
        var done = 0
        while done < count {
            let got = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw DataError(file: name, message: "read failed: \(InputFile.reason(errno))")
            }
            if got == 0 { throw DataError(file: name, message: "ended early: it changed while being read") }
            done += got
        }
    }

    /// The whole file (for small files such as JSON models; tables go through the readers).
    package func readAll() throws(DataError) -> [UInt8] {
        _ = try MemoryBudget.bytes(count: size, elementSize: 1, what: "reading the file whole", file: name)
        var bytes = [UInt8](repeating: 0, count: size)
        var failure: DataError?
        bytes.withUnsafeMutableBytes { buffer in
            do throws(DataError) { if size > 0 { try read(at: 0, count: size, into: buffer.baseAddress!) } } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// The system's reason for `code`, in the words a user searches for.
    package static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case ELOOP: return "too many levels of symbolic links (a symlink loop?)"
        case ENOTDIR: return "a component of the path is not a directory"
        case EISDIR: return "is a directory"
        case ENAMETOOLONG: return "the path is too long"
        default: return String(cString: strerror(code))
        }
    }
}

/// Bytes in memory, read like a file (text given to a reader directly, tests).
package struct MemorySource: ByteSource {
    package let name: String
    let bytes: [UInt8]

    package init(bytes: [UInt8], name: String) {
        self.bytes = bytes
        self.name = name
    }

    package var size: Int { bytes.count }

    package func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(DataError) {
        guard offset >= 0, count >= 0, offset + count <= bytes.count else {
            throw DataError(file: name, message: "ended early")
        }
        bytes.withUnsafeBytes { source in
            if count > 0 { buffer.copyMemory(from: source.baseAddress! + offset, byteCount: count) }
        }
    }
}
