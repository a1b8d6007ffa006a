import CLinalgKernels
import LinalgCore

extension VectorMath {
    // MARK: Element-wise passes over a block of rows `rowStride` apart

    /// The bytes of one piece of a row pass: eight cache lines, the same piece of the next row
    /// being prefetched while it is computed (a whole row at once, 32 lines for 512 floats,
    /// overruns the line-fill buffers and gains only half as much).
    @inlinable package static var rowPieceBytes: Int { 512 }

    /// Runs `body(row, column, count, hasNextRow)` over the entries `(row, column ..< column +
    /// count)` of a `rows × width` block in pieces of ``rowPieceBytes``, row by row; the body
    /// computes its piece and, while `hasNextRow`, prefetches the same piece of the next row
    /// (``prefetch(_:count:)``) of each buffer it reads.
    ///
    /// A split batch gives each core a column range of row-major `h × B` buffers: rows of a few
    /// KiB, each in a page of its own, which the hardware prefetcher does not follow from one to
    /// the next. From L3 such a pass then takes about 1.5× as long as one over contiguous memory;
    /// with the prefetch it takes the same time.
    @inlinable @inline(__always)
    package static func forEachRowPiece<S>(
        _: S.Type, rows: Int, width: Int,
        _ body: (_ row: Int, _ column: Int, _ count: Int, _ hasNextRow: Bool) -> Void
    ) {
        let piece = max(1, rowPieceBytes / MemoryLayout<S>.stride)
        for r in 0..<rows {
            let hasNextRow = r + 1 < rows
            var j = 0
            while j < width {
                let count = min(piece, width - j)
                body(r, j, count, hasNextRow)
                j += count
            }
        }
    }

    /// Asks for the cache lines of `count` entries at `p` to be fetched ahead of use (a hint:
    /// never faults).
    @inlinable @inline(__always)
    package static func prefetch<S>(_ p: UnsafePointer<S>, count: Int) {
        linalg_prefetch_lines(p, count * MemoryLayout<S>.stride)
    }

    /// `x ← a(x)` over `rows` rows of `width` entries, `rowStride` apart (see
    /// ``applyInPlace(_:_:count:)``).
    @inlinable
    package static func applyInPlace<S: NeuralScalar>(
        _ activation: Activation, _ x: UnsafeMutablePointer<S>, rows: Int, width: Int, rowStride ld: Int
    ) {
        guard rows > 0 else { return }
        if width == ld || rows == 1 {
            applyInPlace(activation, x, count: (rows - 1) * ld + width)
            return
        }
        if case .identity = activation { return }
        forEachRowPiece(S.self, rows: rows, width: width) { r, j, count, hasNextRow in
            let piece = x + r * ld + j
            if hasNextRow { prefetch(piece + ld, count: count) }
            applyInPlace(activation, piece, count: count)
        }
    }

    /// `v ← a'(x) ∘ v` over `rows` rows of `width` entries, `rowStride` apart in both, by the
    /// kernels of ``scaleByDerivativeInChunks(_:_:output:count:)``.
    @inlinable
    package static func scaleByDerivative<S: NeuralScalar>(
        _ activation: Activation, _ v: UnsafeMutablePointer<S>, output x: UnsafePointer<S>,
        rows: Int, width: Int, rowStride ld: Int
    ) {
        guard rows > 0 else { return }
        // The kernels of long buffers for every piece, whatever its length: each entry gets the
        // same bits wherever the pieces end.
        if width == ld || rows == 1 {
            scaleByDerivativeInChunks(activation, v, output: x, count: (rows - 1) * ld + width)
            return
        }
        if case .identity = activation { return }
        forEachRowPiece(S.self, rows: rows, width: width) { r, j, count, hasNextRow in
            let offset = r * ld + j
            if hasNextRow {
                prefetch(v + offset + ld, count: count)
                prefetch(x + offset + ld, count: count)
            }
            scaleByDerivativeInChunks(activation, v + offset, output: x + offset, count: count)
        }
    }

    /// `sums[r] = scale · Σ_j x[r · rowStride + j]` for the `rows` rows of `width` entries: eight
    /// lanes of partial sums per row (a single chain of dependent additions would cost an add
    /// latency per entry), added up pairwise at the end of the row, the rest of the row last.
    @inlinable
    package static func scaledRowSums<S: NeuralScalar>(
        _ x: UnsafePointer<S>, rows: Int, width: Int, rowStride ld: Int, scale: S, into sums: UnsafeMutablePointer<S>
    ) {
        if width == 0 {
            sums.update(repeating: 0, count: rows)
            return
        }
        var lanes = SIMD8<S>(), tail: S = 0
        forEachRowPiece(S.self, rows: rows, width: width) { r, j, count, hasNextRow in
            let piece = x + r * ld + j
            if hasNextRow { prefetch(piece + ld, count: count) }
            let raw = UnsafeRawPointer(piece)
            var k = 0
            while k + 8 <= count {
                lanes += raw.loadUnaligned(fromByteOffset: k * MemoryLayout<S>.stride, as: SIMD8<S>.self)
                k += 8
            }
            while k < count {
                tail += piece[k]
                k += 1
            }
            if j + count == width {
                let quads = lanes.lowHalf + lanes.highHalf, pairs = quads.lowHalf + quads.highHalf
                sums[r] = scale * ((pairs[0] + pairs[1]) + tail)
                lanes = SIMD8()
                tail = 0
            }
        }
    }

    /// `x[r · rowStride + j] = value(r)` for the `rows` rows of `width` entries, the next row's
    /// piece prefetched (a fill of rows a page apart otherwise waits on each line's fetch).
    @inlinable @inline(__always)
    package static func fillRows<S: NeuralScalar>(
        _ x: UnsafeMutablePointer<S>, rows: Int, width: Int, rowStride ld: Int, value: (Int) -> S
    ) {
        forEachRowPiece(S.self, rows: rows, width: width) { r, j, count, hasNextRow in
            let piece = x + r * ld + j
            if hasNextRow { prefetch(piece + ld, count: count) }
            piece.update(repeating: value(r), count: count)
        }
    }
}
