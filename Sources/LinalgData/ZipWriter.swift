import CLinalgZlib

/// Writes a zip archive of named members, stored or deflated (zlib's raw deflate), as
/// `numpy.savez` and `numpy.savez_compressed` do; the CRC-32 by zlib. Members and the archive stay
/// below 4 GiB (no zip64): a larger one is an error naming its size.
package enum ZipWriter {
    /// Writes `members` (each a file name and its bytes) to `path`, deflated with `compress`.
    package static func write(
        _ members: [(name: String, bytes: [UInt8])], compress: Bool, to path: String
    )
        throws(DataError)
    {
        let file = try OutputFile(path: path)
        var directory: [UInt8] = [], offset = 0
        for member in members {
            let crc = member.bytes.withUnsafeBufferPointer { b in
                UInt32(truncatingIfNeeded: crc32(0, b.baseAddress, UInt32(b.count)))
            }
            let stored = compress ? try deflated(member.bytes, file: path) : member.bytes
            guard member.bytes.count < 0xFFFF_FFFF, offset + stored.count < 0xFFFF_FFFF else {
                throw DataError(file: path, message: "'\(member.name)' needs zip64 (4 GiB or more), not written here")
            }
            let name = Array(member.name.utf8)
            let fields = Self.fields(
                method: compress ? 8 : 0, crc: crc, compressed: stored.count, size: member.bytes.count, name: name)
            try file.write([0x50, 0x4B, 0x03, 0x04, 20, 0] + fields + name)
            try file.write(stored)
            directory += [0x50, 0x4B, 0x01, 0x02, 20, 3, 20, 0] + fields + [UInt8](repeating: 0, count: 10)
            directory += Self.le(offset, 4) + name
            offset += 30 + name.count + stored.count
        }
        try file.write(directory)
        try file.write(
            [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0] + Self.le(members.count, 2) + Self.le(members.count, 2)
                + Self.le(directory.count, 4) + Self.le(offset, 4) + [0, 0])
        try file.commit()
    }

    /// Flags, method, time, date, CRC, sizes and the name's length (the extra field empty): the
    /// part of the local header and the central directory entry they share.
    static func fields(method: Int, crc: UInt32, compressed: Int, size: Int, name: [UInt8]) -> [UInt8] {
        [0, 0] + le(method, 2) + [0, 0, 0x21, 0] + le(Int(crc), 4) + le(compressed, 4) + le(size, 4)
            + le(name.count, 2) + [0, 0]
    }

    static func le(_ value: Int, _ bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// Raw deflate (no zlib header), level 6.
    static func deflated(_ bytes: [UInt8], file: String) throws(DataError) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else { throw DataError(file: file, message: "zlib could not start deflate") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DataError(file: file, message: "zlib deflate failed (\(status))") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }
}

extension SparseDataSet {
    /// Writes `matrix` (CSR, float64 data, int32 indices and offsets where they fit, else int64)
    /// with `labels` as `y` and `sampleWeights` as `sample_weight`, so that `scipy.sparse.load_npz`
    /// reads `X` and `numpy.load` every array; deflated with `compress`.
    public static func write(
        _ matrix: SparseMatrix<Double>, labels: [Double]?, sampleWeights: [Double]? = nil, compress: Bool = false,
        to path: String
    ) throws(DataError) {
        let wide = matrix.nonzeroCount > Int(Int32.max)
        var members: [(name: String, bytes: [UInt8])] = [
            ("indices.npy", npy(descr: "<i4", shape: [matrix.nonzeroCount], matrix.columnIndices)),
            (
                "indptr.npy",
                wide
                    ? npy(descr: "<i8", shape: [matrix.rows + 1], matrix.rowOffsets)
                    : npy(descr: "<i4", shape: [matrix.rows + 1], matrix.rowOffsets.map { Int32($0) })
            ),
            ("format.npy", NumpyHeader.encoded(descr: "|S3", shape: []) + Array("csr".utf8)),
            ("shape.npy", npy(descr: "<i8", shape: [2], [Int64(matrix.rows), Int64(matrix.columns)])),
            ("data.npy", npy(descr: "<f8", shape: [matrix.nonzeroCount], matrix.values)),
        ]
        if let labels { members.append(("y.npy", npy(descr: "<f8", shape: [labels.count], labels))) }
        if let sampleWeights {
            members.append(("sample_weight.npy", npy(descr: "<f8", shape: [sampleWeights.count], sampleWeights)))
        }
        try ZipWriter.write(members, compress: compress, to: path)
    }

    /// A `.npy` member: its header, then the values' bytes (little-endian, as this machine's).
    static func npy<T>(descr: String, shape: [Int], _ values: [T]) -> [UInt8] {
        NumpyHeader.encoded(descr: descr, shape: shape) + values.withUnsafeBytes { Array($0) }
    }
}

/// Writes rows as libsvm text: `label index:value …` per row, one-based indices, numbers in their
/// shortest round-trip form (read back bit for bit).
public enum LibSVMWriter {
    /// Writes `rows` to `path` (through a temporary file renamed at the end).
    public static func write(_ rows: SparseRows, to path: String) throws(DataError) {
        let file = try OutputFile(path: path)
        let x = rows.matrix
        var text = ""
        text.reserveCapacity(1 << 20)
        for i in 0..<x.rows {
            text += rows.labels[i].description
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                text += " \(Int(x.columnIndices[k]) + 1):" + x.values[k].description
            }
            text += "\n"
            if text.utf8.count >= 1 << 20 {
                try file.write(Array(text.utf8))
                text.removeAll(keepingCapacity: true)
            }
        }
        try file.write(Array(text.utf8))
        try file.commit()
    }
}
