/// A sparse matrix in compressed sparse row form (CSR, scipy's `csr_matrix`): row `i`'s non-zeros
/// are `values[rowOffsets[i] ..< rowOffsets[i + 1]]` in the columns `columnIndices[…]`, 0-based and
/// strictly increasing along a row. Column indices are 32-bit (`d < 2³¹`), row offsets 64-bit, so a
/// matrix may hold up to `2⁶³ − 1` non-zeros.
public struct SparseMatrix<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `n`.
    public let rows: Int
    /// `d`.
    public let columns: Int
    /// `n + 1` non-decreasing offsets, from 0 to the number of non-zeros.
    public let rowOffsets: [Int64]
    /// The column of each non-zero.
    public let columnIndices: [Int32]
    /// The value of each non-zero.
    public let values: [Scalar]

    /// The number of stored entries.
    @inlinable public var nonzeroCount: Int { values.count }

    /// A checked matrix: throws, naming the row, unless the offsets start at 0, never decrease and
    /// end at the number of values, every index is in `0 ..< columns` and increases strictly along
    /// its row, and every value is finite.
    public init(
        rows: Int, columns: Int, rowOffsets: [Int64], columnIndices: [Int32], values: [Scalar]
    ) throws(LinalgError) {
        guard rows >= 0, columns >= 0, columns <= Int(Int32.max) else {
            throw .invalidValue(what: "sparse matrix", detail: "shape \(rows)×\(columns): need d < 2³¹")
        }
        guard rowOffsets.count == rows + 1, rowOffsets.first == 0, Int(rowOffsets.last!) == values.count,
            columnIndices.count == values.count
        else {
            throw .shapeMismatch(
                operation: "sparse matrix",
                detail: "\(rowOffsets.count) row offsets (ending at \(rowOffsets.last ?? -1)) for \(rows) rows, "
                    + "\(columnIndices.count) indices and \(values.count) values")
        }
        for i in 0..<rows {
            let start = Int(rowOffsets[i]), end = Int(rowOffsets[i + 1])
            guard start <= end else {
                throw .invalidValue(what: "sparse matrix", detail: "row offsets decrease at row \(i)")
            }
            for k in start..<end {
                let j = columnIndices[k]
                guard j >= 0, Int(j) < columns, k == start || j > columnIndices[k - 1] else {
                    throw .invalidValue(
                        what: "sparse matrix",
                        detail: "row \(i): column index \(j) is outside 0 ..< \(columns) or not increasing")
                }
                guard values[k].isFinite else { throw .nonFinite(what: "sparse matrix", row: i, column: Int(j)) }
            }
        }
        self.init(
            uncheckedRows: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: columnIndices,
            values: values)
    }

    /// Stores arrays that are known to be valid (a reader's or a kernel's own output).
    public init(
        uncheckedRows rows: Int, columns: Int, rowOffsets: [Int64], columnIndices: [Int32], values: [Scalar]
    ) {
        (self.rows, self.columns) = (rows, columns)
        (self.rowOffsets, self.columnIndices, self.values) = (rowOffsets, columnIndices, values)
    }

    /// The non-zeros of a dense matrix (exact zeros dropped).
    public init(_ dense: Matrix<Scalar>) {
        var offsets: [Int64] = [0], indices: [Int32] = [], values: [Scalar] = []
        for i in 0..<dense.rows {
            for j in 0..<dense.columns where dense[i, j] != 0 {
                indices.append(Int32(j))
                values.append(dense[i, j])
            }
            offsets.append(Int64(values.count))
        }
        self.init(
            uncheckedRows: dense.rows, columns: dense.columns, rowOffsets: offsets, columnIndices: indices,
            values: values)
    }

    /// The dense `n × d` matrix; throws when it would not fit in memory.
    public func dense() throws(LinalgError) -> Matrix<Scalar> {
        var result = try Matrix<Scalar>(rows: rows, columns: columns)
        result.withUnsafeMutableBufferPointer { out in
            for i in 0..<rows {
                for k in Int(rowOffsets[i])..<Int(rowOffsets[i + 1]) {
                    out[i * columns + Int(columnIndices[k])] = values[k]
                }
            }
        }
        return result
    }

    /// The rows `selected` (in that order) as a matrix of their own.
    public func rows(_ selected: [Int]) -> SparseMatrix {
        var offsets: [Int64] = [0], indices: [Int32] = [], kept: [Scalar] = []
        offsets.reserveCapacity(selected.count + 1)
        for i in selected {
            let range = Int(rowOffsets[i])..<Int(rowOffsets[i + 1])
            indices.append(contentsOf: columnIndices[range])
            kept.append(contentsOf: values[range])
            offsets.append(Int64(kept.count))
        }
        return SparseMatrix(
            uncheckedRows: selected.count, columns: columns, rowOffsets: offsets, columnIndices: indices, values: kept)
    }
}
