/// A dense `rows × columns` matrix of `Float` or `Double` in contiguous row-major storage.
///
/// Element `(i, j)` is stored at `scalars[i * columns + j]`. `Matrix` is a value type with
/// copy-on-write storage (a Swift `Array`): copies are cheap until one of them is mutated.
/// Zero-size matrices (`0 × n`, `n × 0`) are allowed.
public struct Matrix<Scalar: MatrixScalar>: Equatable, Sendable {
    /// Number of rows `m`.
    public let rows: Int
    /// Number of columns `n`.
    public let columns: Int
    /// The `m·n` entries in row-major order.
    @usableFromInline internal var storage: [Scalar]

    /// The `m·n` entries in row-major order: entry `(i, j)` is `scalars[i * columns + j]`.
    @inlinable public var scalars: [Scalar] { storage }

    /// A matrix over `storage` (the caller guarantees `storage.count == rows * columns`).
    @inlinable
    package init(uncheckedRows rows: Int, columns: Int, storage: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Block `index` of `blocks` stacked `rows × columns` blocks stored one after another in
    /// `scalars` (per-sample slices of batched results).
    @inlinable
    package static func block(_ index: Int, rows: Int, columns: Int, of scalars: [Scalar]) -> Matrix {
        let count = rows * columns
        return Matrix(
            uncheckedRows: rows, columns: columns, storage: Array(scalars[(index * count)..<((index + 1) * count)]))
    }

    /// A matrix whose every entry is `value`; throws, as the other initialisers do, for a negative
    /// dimension, and for a size whose storage would exceed the memory limit (or 2⁶³ bytes).
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) throws(LinalgError) {
        try Matrix.checkSize(rows: rows, columns: columns)
        self.init(uncheckedRows: rows, columns: columns, repeating: value)
    }

    /// Throws unless `rows × columns` is a size a matrix can have here: no negative dimension,
    /// storage within ``SystemMemory/limit``.
    @usableFromInline
    static func checkSize(rows: Int, columns: Int) throws(LinalgError) {
        guard rows >= 0, columns >= 0 else { throw .negativeDimension(rows: rows, columns: columns) }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, bytesOverflow) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        guard overflow || bytesOverflow || bytes > SystemMemory.limit else { return }
        throw .invalidValue(
            what: "matrix",
            detail: "\(rows)×\(columns) entries would need "
                + (overflow || bytesOverflow ? "more than 2^63 bytes" : SystemMemory.formatted(bytes)) + "; "
                + SystemMemory.limitText)
    }

    /// A matrix whose every entry is `value`, of a size the caller has checked (an internal
    /// invariant: the dimensions come from matrices that exist already).
    @inlinable
    package init(uncheckedRows rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative dimension \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from a flat row-major buffer; throws ``LinalgError/countMismatch(rows:columns:count:)``
    /// unless `scalars.count == rows * columns`.
    @inlinable
    public init(rows: Int, columns: Int, scalars: [Scalar]) throws(LinalgError) {
        guard rows >= 0, columns >= 0 else { throw .negativeDimension(rows: rows, columns: columns) }
        guard scalars.count == rows * columns else {
            throw .countMismatch(rows: rows, columns: columns, count: scalars.count)
        }
        self.rows = rows
        self.columns = columns
        self.storage = scalars
    }

    /// A matrix from its rows; throws on an empty literal or rows of unequal length.
    @inlinable
    public init(_ rowArrays: [[Scalar]]) throws(LinalgError) {
        guard let first = rowArrays.first, !first.isEmpty else { throw .emptyMatrixLiteral }
        var flat: [Scalar] = []
        flat.reserveCapacity(rowArrays.count * first.count)
        for (index, row) in rowArrays.enumerated() {
            guard row.count == first.count else {
                throw .raggedRows(row: index, expected: first.count, found: row.count)
            }
            flat.append(contentsOf: row)
        }
        self.rows = rowArrays.count
        self.columns = first.count
        self.storage = flat
    }

    /// The `m × n` zero matrix (throws as ``init(rows:columns:repeating:)``).
    @inlinable
    public static func zeros(rows: Int, columns: Int) throws(LinalgError) -> Matrix {
        try Matrix(rows: rows, columns: columns)
    }

    /// The `n × n` identity `I` (throws as ``init(rows:columns:repeating:)``).
    @inlinable
    public static func identity(_ n: Int) throws(LinalgError) -> Matrix {
        var result = try Matrix(rows: n, columns: n)
        for i in 0..<n { result.storage[i * n + i] = 1 }
        return result
    }

    /// `(rows, columns)`.
    @inlinable public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// `true` when the matrix has no entries.
    @inlinable public var isEmpty: Bool { scalars.isEmpty }

    /// Entry `A[i, j]`; traps with both indices and the shape when out of bounds.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Matrix index (\(row), \(column)) out of bounds for \(rows)×\(columns)")
            return scalars[row * columns + column]
        }
        set {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "Matrix index (\(row), \(column)) out of bounds for \(rows)×\(columns)")
            storage[row * columns + column] = newValue
        }
    }

    /// Row `i` as an array.
    @inlinable
    public func row(_ i: Int) -> [Scalar] {
        precondition(i >= 0 && i < rows, "Matrix row \(i) out of bounds for \(rows)×\(columns)")
        return Array(scalars[(i * columns)..<((i + 1) * columns)])
    }

    /// Column `j` as an array.
    @inlinable
    public func column(_ j: Int) -> [Scalar] {
        precondition(j >= 0 && j < columns, "Matrix column \(j) out of bounds for \(rows)×\(columns)")
        return (0..<rows).map { scalars[$0 * columns + j] }
    }

    /// The rows as nested arrays (the inverse of ``init(_:)``).
    @inlinable
    public var rowArrays: [[Scalar]] { (0..<rows).map(row) }

    /// The transpose `Aᵀ`, with `Aᵀ[j, i] = A[i, j]`.
    @inlinable
    public func transposed() -> Matrix {
        var result = Matrix(uncheckedRows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result.storage[j * rows + i] = scalars[i * columns + j] }
        }
        return result
    }

    /// The same entries read as a `rows × columns` matrix (`rows · columns` must equal `count`).
    @inlinable
    public func reshaped(rows: Int, columns: Int) -> Matrix {
        precondition(
            rows * columns == scalars.count,
            "reshape \(self.rows)×\(self.columns) to \(rows)×\(columns): counts differ")
        return Matrix(uncheckedRows: rows, columns: columns, storage: storage)
    }

    /// `f` applied to every entry.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        var result = self
        try result.storage.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = try transform(buffer[index]) }
        }
        return result
    }

    /// The same matrix in another precision (every entry converted, rounded to nearest).
    @inlinable
    public func converted<Other: MatrixScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        // To its own type: the same storage, no copy.
        if let same = self as? Matrix<Other> { return same }
        return Matrix<Other>(uncheckedRows: rows, columns: columns, storage: storage.map { Other($0) })
    }

    /// `f(A[i,j], B[i,j])` for two matrices of the same shape.
    @inlinable
    public func elementwise(_ other: Matrix, _ combine: (Scalar, Scalar) -> Scalar) -> Matrix {
        precondition(
            rows == other.rows && columns == other.columns,
            "elementwise: \(rows)×\(columns) vs \(other.rows)×\(other.columns)")
        var result = self
        for index in scalars.indices { result.storage[index] = combine(scalars[index], other.scalars[index]) }
        return result
    }

    /// The first entry that is NaN or ±∞, as `(row, column)`, or `nil` if all are finite.
    @inlinable
    public var firstNonFinite: (row: Int, column: Int)? {
        guard let index = scalars.withUnsafeBufferPointer(NonFiniteScan.firstIndex) else { return nil }
        return (index / max(columns, 1), index % max(columns, 1))
    }

    /// Read-only access to the row-major storage for kernels.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Mutable access to the row-major storage for kernels (the shape cannot change).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let body = (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: ", ") }
        return "Matrix \(rows)×\(columns) [" + body.map { "[\($0)]" }.joined(separator: ", ") + "]"
    }
}
