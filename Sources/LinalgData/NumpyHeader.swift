/// The header of a `.npy` array (numpy's `format.py`, versions 1.0, 2.0 and 3.0): the magic
/// `\x93NUMPY`, the version, the header's length (2 bytes little-endian in 1.0, 4 in 2.0 and
/// 3.0), then a Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }`.
package struct NumpyHeader: Equatable, Sendable {
    /// The element type: kind (`f` float, `i` signed, `u` unsigned, `b` boolean) and size in bytes.
    package var kind: Character
    package var itemSize: Int
    /// Whether the bytes are big-endian (converted while reading).
    package var bigEndian: Bool
    /// Column-major order (`fortran_order: True`).
    package var fortranOrder: Bool
    /// The array's shape: `[n]` or `[n, d]`.
    package var shape: [Int]

    /// The header bytes numpy refuses beyond (`format.py`'s `_MAX_HEADER_SIZE` is 10000 by
    /// default; a generous bound, since only a handful of keys are read).
    static let maximumLength = 1 << 20

    /// Reads and checks the magic, version and dict from the front of `stream`.
    package init(_ stream: inout some ByteStream) throws(DataError) {
        let file = stream.name
        guard stream.remaining >= 10 else { throw DataError(file: file, message: "too short for a .npy header") }
        let lead = try stream.readBytes(8)
        guard lead.prefix(6) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59] else {
            throw DataError(file: file, message: "not a .npy array (the magic \\x93NUMPY is missing)")
        }
        let major = lead[6]
        guard (1...3).contains(major) else {
            throw DataError(
                file: file, message: ".npy version \(major).\(lead[7]) is not supported (1.0, 2.0, 3.0 are)")
        }
        let lengthBytes = try stream.readBytes(major == 1 ? 2 : 4)
        let length = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length <= NumpyHeader.maximumLength, length <= stream.remaining else {
            throw DataError(
                file: file, message: "the .npy header claims \(length) bytes; the file has \(stream.remaining) left")
        }
        let text = String(decoding: try stream.readBytes(length), as: UTF8.self)
        self = try NumpyHeader(dictionary: text, file: file)
    }

    /// Parses the header's dict literal.
    package init(dictionary text: String, file: String) throws(DataError) {
        var parser = PythonLiteralParser(text: text, file: file)
        let entries = try parser.dictionary()
        guard case .string(let descr)? = entries["descr"] else {
            if entries["descr"] != nil {
                throw DataError(file: file, message: "structured .npy dtypes are not supported (only plain numbers)")
            }
            throw DataError(file: file, message: "the .npy header has no 'descr'")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else {
            throw DataError(file: file, message: "the .npy header has no 'fortran_order' True/False")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw DataError(file: file, message: "the .npy header has no 'shape' tuple")
        }
        let chars = Array(descr)
        guard chars.count >= 3, "<>|=".contains(chars[0]), let size = Int(String(chars[2...])) else {
            throw DataError(file: file, message: "dtype '\(excerpt(Array(descr.utf8)))' is not supported")
        }
        let supported: [Character: Set<Int>] = ["f": [4, 8], "i": [1, 2, 4, 8], "u": [1, 2, 4, 8], "b": [1]]
        guard supported[chars[1]]?.contains(size) == true else {
            throw DataError(
                file: file,
                message: "dtype '\(excerpt(Array(descr.utf8)))' is not supported "
                    + "(f8, f4, i8, i4, i2, i1, u8, u4, u2, u1 and b1 are)")
        }
        guard shape.count == 1 || shape.count == 2 else {
            throw DataError(file: file, message: "the array has \(shape.count) dimensions; tables need 1 or 2")
        }
        kind = chars[1]
        itemSize = size
        bigEndian = chars[0] == ">"
        fortranOrder = fortran
        self.shape = shape
    }

    /// `(rows, columns)`: a 1-D array is one column.
    package var tableShape: (rows: Int, columns: Int) { (shape[0], shape.count == 2 ? shape[1] : 1) }

    /// The header of a little-endian `<f8` C-order array of `shape`, padded with spaces and a
    /// final `\n` so that the data start at a multiple of 64 bytes (version 1.0 when the dict
    /// fits 65535 bytes, else 2.0).
    package static func encoded(shape: [Int]) -> [UInt8] { encoded(descr: "<f8", shape: shape) }

    /// The same header for the dtype `descr` (`<i4`, `|S3`, …) and any number of dimensions.
    package static func encoded(descr: String, shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }".utf8)
        for major in [1, 2] as [UInt8] {
            let prefix = major == 1 ? 10 : 12
            let total = (prefix + dict.count + 1 + 63) / 64 * 64
            let length = total - prefix
            if major == 1 && length > 65535 { continue }
            var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
            for k in 0..<(major == 1 ? 2 : 4) { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * k))) }
            bytes += dict
            bytes += [UInt8](repeating: 0x20, count: length - dict.count - 1)
            bytes.append(0x0A)
            return bytes
        }
        preconditionFailure("unreachable: a version 2.0 header holds any shape")
    }
}

/// The values of a `.npy` header's dict.
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])
    case other
}

/// A parser for the small Python literals of `.npy` headers: a dict of string keys whose
/// values are strings, `True`/`False`, tuples of integers, or (skipped) lists.
struct PythonLiteralParser {
    let bytes: [UInt8]
    let file: String
    var i = 0

    init(text: String, file: String) {
        bytes = Array(text.utf8)
        self.file = file
    }

    func fail(_ what: String) -> DataError {
        DataError(file: file, message: "malformed .npy header (\(what)): '\(excerpt(bytes))'")
    }

    mutating func skipSpace() {
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09) { i += 1 }
    }

    mutating func expect(_ c: Character) throws(DataError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == c.asciiValue! else { throw fail("expected '\(c)'") }
        i += 1
    }

    mutating func peek(_ c: Character) -> Bool {
        skipSpace()
        return i < bytes.count && bytes[i] == c.asciiValue!
    }

    mutating func dictionary() throws(DataError) -> [String: PythonLiteral] {
        try expect("{")
        var entries: [String: PythonLiteral] = [:]
        while !peek("}") {
            guard case .string(let key) = try value() else { throw fail("a key is not a string") }
            try expect(":")
            entries[key] = try value()
            if peek(",") { i += 1 } else { break }
        }
        try expect("}")
        return entries
    }

    mutating func value() throws(DataError) -> PythonLiteral {
        skipSpace()
        guard i < bytes.count else { throw fail("ends early") }
        switch bytes[i] {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            let quote = bytes[i]
            i += 1
            let start = i
            while i < bytes.count && bytes[i] != quote { i += 1 }
            guard i < bytes.count else { throw fail("unterminated string") }
            i += 1
            return .string(String(decoding: bytes[start..<(i - 1)], as: UTF8.self))
        case UInt8(ascii: "("):
            i += 1
            var items: [Int] = []
            while !peek(")") {
                let start = i
                while i < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
                guard i > start, let n = Int(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                    throw fail("a dimension is not an integer")
                }
                if i < bytes.count && bytes[i] == UInt8(ascii: "L") { i += 1 }
                items.append(n)
                if peek(",") { i += 1 } else { break }
            }
            try expect(")")
            return .tuple(items)
        case UInt8(ascii: "["):
            var depth = 0
            repeat {
                if bytes[i] == UInt8(ascii: "[") { depth += 1 } else if bytes[i] == UInt8(ascii: "]") { depth -= 1 }
                i += 1
            } while i < bytes.count && depth > 0
            guard depth == 0 else { throw fail("unterminated list") }
            return .other
        default:
            for (word, literal) in [("True", PythonLiteral.bool(true)), ("False", .bool(false))]
            where bytes[i...].starts(with: word.utf8) {
                i += word.utf8.count
                return literal
            }
            throw fail("unexpected value")
        }
    }
}
