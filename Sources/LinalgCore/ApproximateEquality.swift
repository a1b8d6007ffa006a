extension Matrix {
    /// The largest entry-wise difference `max_ij |A_ij − B_ij|`.
    @inlinable
    public func maxAbsoluteDifference(_ other: Matrix) -> Scalar {
        precondition(
            rows == other.rows && columns == other.columns,
            "maxAbsoluteDifference: \(rows)×\(columns) vs \(other.rows)×\(other.columns)")
        var worst: Scalar = 0
        for index in scalars.indices {
            let difference = abs(scalars[index] - other.scalars[index])
            if difference.isNaN { return .nan }
            worst = max(worst, difference)
        }
        return worst
    }

    /// The largest absolute entry `max_ij |A_ij|` (0 for an empty matrix).
    @inlinable
    public var maxAbsoluteValue: Scalar {
        scalars.reduce(0) { max($0, abs($1)) }
    }

    /// Norm-wise approximate equality of two same-shaped matrices:
    /// `max|A − B| ≤ max(absoluteTolerance, relativeTolerance · max(max|A|, max|B|))`.
    ///
    /// Reflexive and symmetric but not transitive. The default relative tolerance is
    /// `√ulpOfOne` (about 1.5e-8 for `Double`, 3.5e-4 for `Float`). Shapes that differ, or
    /// any NaN, compare unequal.
    @inlinable
    public func isApproximatelyEqual(
        to other: Matrix,
        relativeTolerance: Scalar = Scalar.ulpOfOne.squareRoot(),
        absoluteTolerance: Scalar = 0
    ) -> Bool {
        guard rows == other.rows, columns == other.columns else { return false }
        let scale = max(maxAbsoluteValue, other.maxAbsoluteValue)
        return maxAbsoluteDifference(other) <= max(absoluteTolerance, relativeTolerance * scale)
    }
}
