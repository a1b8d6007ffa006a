#if canImport(Glibc)
import Glibc
#endif

/// Reads a byte range of a source in blocks that end at line ends, for the line scanners: each
/// block handed on holds whole lines (the range's last one may lack its `\n` at the end of the
/// file). Memory stays at one block per reader, grown only for a line longer than a block.
package struct LineBlocks {
    /// Bytes read per block (the buffer doubles for a longer line).
    package static let blockSize = 4 << 20

    /// Calls `body(block, offset)` for consecutive blocks of whole lines covering `range`
    /// (`offset` is the block's position in the source); stops early when `body` returns `false`.
    package static func forEach(
        in source: some ByteSource, range: Range<Int>,
        _ body: (UnsafeRawBufferPointer, Int) throws(DataError) -> Bool
    ) throws(DataError) {
        if let mapped = source.map(range) {
            // Mapped: blocks are windows of the mapping, cut after their last line end.
            let bytes = mapped.bytes
            var start = 0
            while start < bytes.count {
                var stop = min(bytes.count, start + blockSize)
                if stop < bytes.count {
                    let window = UnsafeMutableRawPointer(mutating: bytes.baseAddress! + start)
                    if let newline = lastNewline(window, count: stop - start) {
                        stop = start + newline + 1
                    } else {
                        // A line longer than a block: take it whole (to its `\n`, or the end).
                        let rest = UnsafeRawBufferPointer(rebasing: bytes[stop...])
                        let newline = memchr(rest.baseAddress!, Int32(UInt8(ascii: "\n")), rest.count)
                        stop = newline.map { stop + (UnsafeRawPointer($0) - rest.baseAddress!) + 1 } ?? bytes.count
                    }
                }
                guard try body(UnsafeRawBufferPointer(rebasing: bytes[start..<stop]), range.lowerBound + start) else {
                    return
                }
                start = stop
                mapped.release(upTo: start)
            }
            return
        }
        var capacity = min(blockSize, max(1, range.count))
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var carried = 0, offset = range.lowerBound
        while offset < range.upperBound || carried > 0 {
            let count = min(capacity - carried, range.upperBound - offset)
            try source.read(at: offset, count: count, into: buffer + carried)
            offset += count
            let filled = carried + count
            if offset == range.upperBound {
                _ = try body(UnsafeRawBufferPointer(start: buffer, count: filled), offset - filled)
                return
            }
            guard let newline = lastNewline(buffer, count: filled) else {
                // One line longer than the buffer: grow it (the file backs the bytes).
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
                grown.copyMemory(from: buffer, byteCount: filled)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
                carried = filled
                continue
            }
            let used = newline + 1
            guard try body(UnsafeRawBufferPointer(start: buffer, count: used), offset - filled) else { return }
            carried = filled - used
            if carried > 0 { memmove(buffer, buffer + used, carried) }
        }
    }

    /// The offset of the last `\n` in the first `count` bytes at `buffer` (lines are short next
    /// to a block, so the search from the end stops soon).
    static func lastNewline(_ buffer: UnsafeMutableRawPointer, count: Int) -> Int? {
        let bytes = buffer.assumingMemoryBound(to: UInt8.self)
        var i = count - 1
        while i >= 0 {
            if bytes[i] == UInt8(ascii: "\n") { return i }
            i -= 1
        }
        return nil
    }

    /// The bytes of `share` of `range`: from the first line start at or after its even split
    /// point to the first line start at or after the next one (``RowShare``). Neighbouring shares
    /// meet exactly, whatever reader computes them; a share may be empty.
    package static func share(
        _ share: RowShare, of range: Range<Int>, in source: some ByteSource
    ) throws(DataError) -> Range<Int> {
        let bounds = share.bounds(of: range.count)
        let lower = try lineStart(atOrAfter: range.lowerBound + bounds.lowerBound, in: range, source: source)
        let upper =
            share.index == share.count - 1
            ? range.upperBound
            : try lineStart(atOrAfter: range.lowerBound + bounds.upperBound, in: range, source: source)
        return lower..<max(lower, upper)
    }

    /// The first position `q ≥ position` in `range` where a line starts (`range`'s start, or just
    /// after a `\n`), or `range`'s end.
    static func lineStart(
        atOrAfter position: Int, in range: Range<Int>, source: some ByteSource
    ) throws(DataError) -> Int {
        if position <= range.lowerBound { return range.lowerBound }
        let probe = 64 << 10
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: probe, alignment: 16)
        defer { buffer.deallocate() }
        var offset = position - 1
        while offset < range.upperBound {
            let count = min(probe, range.upperBound - offset)
            try source.read(at: offset, count: count, into: buffer)
            if let newline = memchr(buffer, Int32(UInt8(ascii: "\n")), count) {
                return offset + (newline - buffer) + 1
            }
            offset += count
        }
        return range.upperBound
    }

    /// Cuts `range` into `parts` ranges that start at line starts (after a `\n`), in order; some
    /// may be empty.
    package static func split(
        _ range: Range<Int>, parts: Int, in source: some ByteSource
    ) throws(DataError) -> [Range<Int>] {
        var starts = [range.lowerBound]
        let probe = 64 << 10
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: probe, alignment: 16)
        defer { buffer.deallocate() }
        for part in 1..<max(1, parts) {
            var position = max(starts.last!, range.lowerBound + range.count / parts * part - 1)
            var start = range.upperBound
            search: while position < range.upperBound {
                let count = min(probe, range.upperBound - position)
                try source.read(at: position, count: count, into: buffer)
                if let newline = memchr(buffer, Int32(UInt8(ascii: "\n")), count) {
                    start = position + (newline - buffer) + 1
                    break search
                }
                position += count
            }
            starts.append(start)
        }
        starts.append(range.upperBound)
        return (0..<max(1, parts)).map { starts[$0]..<starts[$0 + 1] }
    }
}
