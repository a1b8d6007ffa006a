#if canImport(Glibc)
import Glibc
#endif

/// A file being written: bytes go to a temporary file beside `path`, renamed over `path` by
/// ``commit()`` so that a failed or interrupted write never leaves a partial file under the
/// name the user gave (and the temporary file is removed if never committed).
package final class OutputFile {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private var committed = false

    package init(path: String) throws(DataError) {
        self.path = path
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
            throw DataError(file: path, message: "cannot write: it exists and is not a regular file")
        }
        temporaryPath = path + ".partial-\(getpid())"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataError(file: path, message: "cannot write: \(InputFile.reason(errno))")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
    }

    /// Appends `bytes`.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(DataError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(file: path, message: "write failed: \(InputFile.reason(errno))")
            }
            done += n
        }
    }

    /// Appends the bytes of `values` (in memory order).
    package func write<T>(_ values: [T]) throws(DataError) { try write(values[...]) }

    /// Appends the bytes of `values` (in memory order).
    package func write<T>(_ values: ArraySlice<T>) throws(DataError) {
        var failure: DataError?
        values.withUnsafeBytes { bytes in
            do throws(DataError) { try write(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Closes the file and renames it to the path given.
    package func commit() throws(DataError) {
        let fd = descriptor
        descriptor = -1
        guard close(fd) == 0 else { throw DataError(file: path, message: "write failed: \(InputFile.reason(errno))") }
        guard rename(temporaryPath, path) == 0 else {
            throw DataError(file: path, message: "cannot write: \(InputFile.reason(errno))")
        }
        committed = true
    }
}
