import CLinalgKernels
import LinalgCore
import LinalgParallel

/// The products of a CSR matrix with dense vectors that a truncated Newton solver needs, on all
/// cores: `Xv` (rows split across the cores), and `Xᵀu`, `Xᵀ D (Xv + s)` and the gradient with the
/// Hessian's diagonal, whose scatters go into one partial sum per piece of rows. The pieces depend
/// on `n` alone (never on the core count) and their partials are added in piece order, so the result
/// has the same bits on any number of cores.
///
/// The values may be `Double` or `Float` (`Float` values halve their bytes; the vectors, products
/// and sums stay `Double`, and as a `Float` widens exactly, the results are those of the same values
/// stored as `Double`s).
package final class SparseProducts<Scalar: MatrixScalar>: @unchecked Sendable {
    package let x: SparseMatrix<Scalar>
    /// Row ranges of the pieces, and one `d`-vector (two for the gradient pass) per piece but the first.
    let pieces: [Range<Int>]
    let partials: UnsafeMutablePointer<Double>, extraPartials: UnsafeMutablePointer<Double>
    /// Per piece: its share of `Σ t_i`.
    let pieceSums: UnsafeMutablePointer<Double>
    /// `n` entries for the unfused Gram product's `t`.
    let rowBuffer: UnsafeMutablePointer<Double>

    /// Beyond this many columns the Gram product runs in two passes (see ``fusedColumnLimit``).
    let fusingLimit: Int

    /// Pieces of about a quarter of the non-zeros each (fewer for small matrices); `fusingLimit` is
    /// ``fusedColumnLimit`` but in tests, which force either form of the Gram product.
    package init(_ x: SparseMatrix<Scalar>, fusingLimit: Int = SparseProducts.fusedColumnLimit) {
        precondition(Scalar.self == Double.self || Scalar.self == Float.self, "SparseProducts: \(Scalar.self)")
        self.x = x
        self.fusingLimit = fusingLimit
        let count = max(1, min(4, x.nonzeroCount / 65_536 + 1, x.rows))
        pieces = (0..<count).map { (x.rows * $0 / count)..<(x.rows * ($0 + 1) / count) }
        partials = .allocate(capacity: max(1, (count - 1) * x.columns))
        extraPartials = .allocate(capacity: max(1, (count - 1) * x.columns))
        pieceSums = .allocate(capacity: count)
        rowBuffer = .allocate(capacity: max(1, x.rows))
    }

    deinit {
        partials.deallocate()
        extraPartials.deallocate()
        pieceSums.deallocate()
        rowBuffer.deallocate()
    }

    /// The bytes of the partial sums and the row buffer (for the caller's memory check):
    /// `2 (pieces − 1) d + n` doubles.
    package static func workspaceBytes(rows: Int, columns: Int, nonzeros: Int) -> Int {
        (2 * (max(1, min(4, nonzeros / 65_536 + 1, rows)) - 1) * columns + rows) * MemoryLayout<Double>.stride
    }

    /// `y = Xv` (`y` has `n` entries).
    package func multiply(_ v: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let context = UncheckedSendable((self, v, y))
        ParallelChunks.run(count: x.rows, parts: ParallelChunks.parts(count: x.rows, minimumPerChunk: 4096)) {
            _, rows in
            let (products, v, y) = context.value
            products.withArrays { offsets, indices, values in
                Self.multiply(rows, offsets, indices, values, v, y)
            }
        }
    }

    /// `out = Xᵀu = Σ_i u_i x_i` (`out` has `d` entries).
    package func multiplyTransposed(_ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let context = UncheckedSendable((self, u, out))
        runPieces { piece, rows in
            let (products, u, out) = context.value
            let target = piece == 0 ? out : products.partials + (piece - 1) * products.x.columns
            target.update(repeating: 0, count: products.x.columns)
            products.withArrays { offsets, indices, values in
                Self.multiplyTransposed(rows, offsets, indices, values, u, target)
            }
        }
        addPartials(partials, into: out)
    }

    /// `out = Σ_i t_i x_i` with `t_i = d_i (⟨x_i, v⟩ + shift)`, returning `Σ_i t_i`.
    ///
    /// Fused (each row read once: its dot product, then its scatter) while `v` and `out` fit in the
    /// caches together; past ``fusedColumnLimit`` columns the two random-access vectors evict each
    /// other, and two passes (`t = D(Xv + s)` into a row buffer, then `Xᵀt`) are faster although they
    /// read `X` twice: 103 ms against 145 ms for 200,000 × 1,000,000 with 17.5 M non-zeros (AMD EPYC,
    /// 8 MB L3). Both give the same bits.
    package func gramProduct(
        weights d: UnsafePointer<Double>, _ v: UnsafePointer<Double>, shift: Double,
        into out: UnsafeMutablePointer<Double>
    ) -> Double {
        if x.columns > fusingLimit { return gramProductInTwoPasses(weights: d, v, shift: shift, into: out) }
        let context = UncheckedSendable((self, d, v, out))
        runPieces { piece, rows in
            let (products, d, v, out) = context.value
            let target = piece == 0 ? out : products.partials + (piece - 1) * products.x.columns
            target.update(repeating: 0, count: products.x.columns)
            products.pieceSums[piece] = products.withArrays { offsets, indices, values in
                Self.gramProduct(rows, offsets, indices, values, d, v, shift, target)
            }
        }
        addPartials(partials, into: out)
        return (0..<pieces.count).reduce(0) { $0 + pieceSums[$1] }
    }

    /// The most columns for which ``gramProduct(weights:_:shift:into:)`` fuses its two passes: `v` and
    /// the result, 2 MB together, then stay in a core's L2 and the shared L3 beside the other's.
    package static var fusedColumnLimit: Int { 131_072 }

    /// ``gramProduct(weights:_:shift:into:)`` as `t = D(Xv + s)` (rows split across the cores) then
    /// `out = Xᵀt`; `Σ t_i` summed per piece in piece order, as the fused pass sums it.
    func gramProductInTwoPasses(
        weights d: UnsafePointer<Double>, _ v: UnsafePointer<Double>, shift: Double,
        into out: UnsafeMutablePointer<Double>
    ) -> Double {
        multiply(v, into: rowBuffer)
        let t = rowBuffer
        var total = 0.0
        for piece in pieces {
            var sum = 0.0
            for i in piece {
                t[i] = d[i] * (t[i] + shift)
                sum += t[i]
            }
            total += sum
        }
        multiplyTransposed(t, into: out)
        return total
    }

    /// `g = Σ_i r_i x_i` and `h = Σ_i d_i x_i²` (entry by entry), in one pass.
    package func gradientAndDiagonal(
        residuals r: UnsafePointer<Double>, weights d: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
        diagonal h: UnsafeMutablePointer<Double>
    ) {
        let context = UncheckedSendable((self, r, d, g, h))
        runPieces { piece, rows in
            let (products, r, d, g, h) = context.value
            let columns = products.x.columns
            let (gt, ht) =
                piece == 0
                ? (g, h) : (products.partials + (piece - 1) * columns, products.extraPartials + (piece - 1) * columns)
            gt.update(repeating: 0, count: columns)
            ht.update(repeating: 0, count: columns)
            products.withArrays { offsets, indices, values in
                Self.gradientAndDiagonal(rows, offsets, indices, values, r, d, gt, ht)
            }
        }
        addPartials(partials, into: g)
        addPartials(extraPartials, into: h)
    }

    /// The pieces on the cores, each core taking whole pieces.
    func runPieces(_ body: @Sendable (Int, Range<Int>) -> Void) {
        let pieces = self.pieces
        ParallelChunks.run(count: pieces.count, parts: pieces.count) { piece, _ in body(piece, pieces[piece]) }
    }

    /// `out += partial_1 + partial_2 + …` in piece order, the columns split across the cores.
    func addPartials(_ source: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        let count = pieces.count, columns = x.columns
        guard count > 1 else { return }
        let context = UncheckedSendable((source, out))
        ParallelChunks.run(count: columns, parts: ParallelChunks.parts(count: columns, minimumPerChunk: 65_536)) {
            _, range in
            let (source, out) = context.value
            for piece in 1..<count {
                let partial = source + (piece - 1) * columns
                for j in range { out[j] += partial[j] }
            }
        }
    }

    func withArrays<R>(
        _ body: (UnsafePointer<Int64>, UnsafePointer<Int32>, UnsafeRawPointer) -> R
    ) -> R {
        x.rowOffsets.withUnsafeBufferPointer { offsets in
            x.columnIndices.withUnsafeBufferPointer { indices in
                x.values.withUnsafeBufferPointer { values in
                    // Empty arrays may have no address: a valid pointer that is never read.
                    let empty = UnsafePointer<Int32>(bitPattern: 8)!
                    return body(
                        offsets.baseAddress!, indices.baseAddress ?? empty,
                        values.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(empty))
                }
            }
        }
    }
}

extension SparseProducts {
    // The C kernels for the value type: `linalg_csr_d…` for `Double` values, `linalg_csr_s…` for `Float`.

    static func multiply(
        _ rows: Range<Int>, _ offsets: UnsafePointer<Int64>, _ indices: UnsafePointer<Int32>,
        _ values: UnsafeRawPointer, _ v: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>
    ) {
        if Scalar.self == Float.self {
            linalg_csr_smv(
                rows.lowerBound, rows.upperBound, offsets, indices, values.assumingMemoryBound(to: Float.self), v, y)
        } else {
            linalg_csr_dmv(
                rows.lowerBound, rows.upperBound, offsets, indices, values.assumingMemoryBound(to: Double.self), v, y)
        }
    }

    static func multiplyTransposed(
        _ rows: Range<Int>, _ offsets: UnsafePointer<Int64>, _ indices: UnsafePointer<Int32>,
        _ values: UnsafeRawPointer, _ u: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>
    ) {
        let (r0, r1) = (rows.lowerBound, rows.upperBound)
        if Scalar.self == Float.self {
            linalg_csr_smtv(r0, r1, offsets, indices, values.assumingMemoryBound(to: Float.self), u, out)
        } else {
            linalg_csr_dmtv(r0, r1, offsets, indices, values.assumingMemoryBound(to: Double.self), u, out)
        }
    }

    static func gramProduct(
        _ rows: Range<Int>, _ offsets: UnsafePointer<Int64>, _ indices: UnsafePointer<Int32>,
        _ values: UnsafeRawPointer, _ d: UnsafePointer<Double>, _ v: UnsafePointer<Double>, _ shift: Double,
        _ out: UnsafeMutablePointer<Double>
    ) -> Double {
        let (r0, r1) = (rows.lowerBound, rows.upperBound)
        if Scalar.self == Float.self {
            return linalg_csr_gram_smv(
                r0, r1, offsets, indices, values.assumingMemoryBound(to: Float.self), d, v, shift, out)
        }
        return linalg_csr_gram_dmv(
            r0, r1, offsets, indices, values.assumingMemoryBound(to: Double.self), d, v, shift, out)
    }

    static func gradientAndDiagonal(
        _ rows: Range<Int>, _ offsets: UnsafePointer<Int64>, _ indices: UnsafePointer<Int32>,
        _ values: UnsafeRawPointer, _ r: UnsafePointer<Double>, _ d: UnsafePointer<Double>,
        _ g: UnsafeMutablePointer<Double>, _ h: UnsafeMutablePointer<Double>
    ) {
        let (r0, r1) = (rows.lowerBound, rows.upperBound)
        if Scalar.self == Float.self {
            linalg_csr_gradient_sdiagonal(
                r0, r1, offsets, indices, values.assumingMemoryBound(to: Float.self), r, d, g, h)
        } else {
            linalg_csr_gradient_diagonal(
                r0, r1, offsets, indices, values.assumingMemoryBound(to: Double.self), r, d, g, h)
        }
    }
}
