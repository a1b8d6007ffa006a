/// Every error Linalg reports about data a user gave it: shapes, values, and LAPACK failures.
///
/// Programmer errors inside the library (internal shape invariants) are preconditions instead;
/// anything that can come from a user's data is one of these cases, with a message naming what
/// was wrong and where.
public enum LinalgError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A nested-array matrix literal whose row `row` has `found` entries instead of `expected`.
    case raggedRows(row: Int, expected: Int, found: Int)
    /// A matrix literal with no rows, or with rows of length zero.
    case emptyMatrixLiteral
    /// A negative row or column count.
    case negativeDimension(rows: Int, columns: Int)
    /// A flat buffer whose length is not `rows × columns`.
    case countMismatch(rows: Int, columns: Int, count: Int)
    /// Operands whose shapes do not fit the operation, e.g. `"gemm: op(A) is 2×3 but op(B) is 4×5"`.
    case shapeMismatch(operation: String, detail: String)
    /// A NaN or ±∞ where only finite numbers make sense.
    case nonFinite(what: String, row: Int, column: Int)
    /// A value outside its domain, e.g. a label that is not 0 or 1, or λ < 0.
    case invalidValue(what: String, detail: String)
    /// LAPACK reported that argument `position` of `routine` was illegal (`info < 0`);
    /// LAPACKE reports NaN entries this way too.
    case invalidArgument(routine: String, position: Int)
    /// Cholesky factorisation failed: the leading minor of order `minor` is not positive
    /// definite (LAPACK `info = minor > 0`).
    case notPositiveDefinite(minor: Int)
    /// An inverse from a triangular factor failed: the factor's diagonal entry `index` (1-based)
    /// is zero, so the matrix is singular (LAPACK `?potri`/`?trtri`, `info = index > 0`).
    case singularMatrix(routine: String, index: Int)
    /// An iterative LAPACK routine did not converge: `?syev`'s `info > 0` counts the off-diagonal
    /// entries of the intermediate tridiagonal form that did not reach zero.
    case notConverged(routine: String, count: Int)
    /// Training stopped in `epoch` because the loss or a parameter became NaN or infinite.
    case trainingDiverged(epoch: Int)

    public var description: String {
        switch self {
        case let .raggedRows(row, expected, found):
            return "ragged matrix: row \(row) has \(found) entries, expected \(expected)"
        case .emptyMatrixLiteral:
            return "empty matrix literal: give at least one row with at least one entry"
        case let .negativeDimension(rows, columns):
            return "negative matrix dimension \(rows)×\(columns)"
        case let .countMismatch(rows, columns, count):
            return "a \(rows)×\(columns) matrix needs \(rows * columns) scalars, got \(count)"
        case let .shapeMismatch(operation, detail):
            return "\(operation): shape mismatch: \(detail)"
        case let .nonFinite(what, row, column):
            return "\(what): non-finite value at row \(row), column \(column)"
        case let .invalidValue(what, detail):
            return "\(what): \(detail)"
        case let .invalidArgument(routine, position):
            return "\(routine): argument \(position) is invalid (NaN in the matrix, or a bad parameter)"
        case let .notPositiveDefinite(minor):
            return "matrix is not positive definite: the leading minor of order \(minor) is not positive"
        case let .singularMatrix(routine, index):
            return "\(routine): the matrix is singular (diagonal entry \(index) of its factor is zero)"
        case let .notConverged(routine, count):
            return "\(routine): did not converge (\(count) off-diagonal entries did not reach zero)"
        case let .trainingDiverged(epoch):
            return
                "training: diverged in epoch \(epoch) (the loss or a parameter is not finite); lower the learning rate"
        }
    }
}
