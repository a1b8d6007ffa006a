import Linalg
import LinalgReference
import Testing

/// A seeded generator per test, so every failure is reproducible.
func makeGenerator(_ seed: UInt64 = 42) -> Xoshiro256StarStar { Xoshiro256StarStar(seed: seed) }

/// A random symmetric positive definite `n × n` matrix `AᵀA + n I`.
func randomSPD<S: BLASScalar>(_ n: Int, _ type: S.Type, using generator: inout Xoshiro256StarStar) -> Matrix<S> {
    let a = Matrix<S>.random(rows: n, columns: n, distribution: .randn, using: &generator)
    var spd = Reference.matmul(a, a, transposeA: true)
    for i in 0..<n { spd[i, i] += S(n) }
    return spd
}

/// Expects two matrices to agree to `tolerance`, relative to their largest entry.
func expectClose<S: MatrixScalar>(
    _ actual: Matrix<S>, _ expected: Matrix<S>, tolerance: S, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.rows == expected.rows && actual.columns == expected.columns, comment, sourceLocation: sourceLocation)
    #expect(
        actual.isApproximatelyEqual(to: expected, relativeTolerance: tolerance, absoluteTolerance: tolerance),
        "max |Δ| = \(actual.maxAbsoluteDifference(expected)) \(comment.map { "\($0)" } ?? "")",
        sourceLocation: sourceLocation)
}
