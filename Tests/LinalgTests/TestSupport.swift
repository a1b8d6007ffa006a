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

extension Matrix {
    /// The same shape with new row-major entries (test helper).
    func withScalars(_ values: [Scalar]) -> Matrix { try! Matrix(rows: rows, columns: columns, scalars: values) }
}

/// Net shapes under test: the exercise's, a non-square one, depth 1 and depth 2.
let netShapes: [[Int]] = [[2, 10, 10, 2], [5, 7, 3, 4], [3, 4], [4, 6, 2], [1, 1]]

struct NetCase: CustomTestStringConvertible, Sendable {
    var sizes: [Int]
    var activation: Activation
    var outputActivation: Activation
    var testDescription: String { "\(sizes) \(activation)/\(outputActivation)" }
}

let netCases: [NetCase] =
    netShapes.flatMap { sizes in
        Activation.allCases.map { NetCase(sizes: sizes, activation: $0, outputActivation: .identity) }
    } + [
        NetCase(sizes: [2, 10], activation: .sigmoid, outputActivation: .sigmoid),
        NetCase(sizes: [2, 10, 10, 2], activation: .tanh, outputActivation: .sigmoid),
    ]

func makeNet(_ c: NetCase, seed: UInt64 = 1) throws -> (MLP<Double>, Reference.MLP) {
    let net = try MLP<Double>(
        sizes: c.sizes, activation: c.activation, outputActivation: c.outputActivation, seed: seed)
    return (net, Reference.MLP(weights: net.weights, activation: c.activation, outputActivation: c.outputActivation))
}

/// The columns `range` of `m` as a matrix of their own.
func columns(_ range: Range<Int>, of m: Matrix<Double>) throws -> Matrix<Double> {
    try Matrix(rows: m.rows, columns: range.count, scalars: (0..<m.rows).flatMap { m.row($0)[range] })
}

extension Matrix<Double> {
    /// The first `count` columns.
    func columnsPrefix(_ count: Int) throws -> Matrix<Double> { try LinalgTests.columns(0..<count, of: self) }
}

func inputs(_ h0: Int, _ batch: Int, seed: UInt64 = 9) -> Matrix<Double> {
    var g = Xoshiro256StarStar(seed: seed)
    return Matrix.random(rows: h0, columns: batch, distribution: .randn, using: &g)
}

/// A synthetic problem: `X ~ randn(n, d)`, `y_i ~ Bernoulli(σ(x_iᵀβ_true))`.
func syntheticLogistic(n: Int, d: Int, seed: UInt64, scale: Double = 1) -> (Matrix<Double>, [Double]) {
    var g = Xoshiro256StarStar(seed: seed)
    let x = Matrix<Double>.random(rows: n, columns: d, distribution: .randn, using: &g)
    let truth = (0..<d).map { _ in scale * g.nextNormal() }
    return (x, x.bernoulliLabels(coefficients: truth, using: &g))
}

struct LogisticCase: CustomTestStringConvertible, Sendable {
    var n: Int, d: Int, lambda: Double, weighted: Bool, intercept: Bool, offset = false
    var testDescription: String {
        "n=\(n) d=\(d) λ=\(lambda) weights=\(weighted) intercept=\(intercept) offsets=\(offset)"
    }
}

let logisticCases: [LogisticCase] = [
    .init(n: 1, d: 1, lambda: 1, weighted: false, intercept: false),
    .init(n: 20, d: 3, lambda: 0.5, weighted: false, intercept: false),
    .init(n: 50, d: 5, lambda: 0.1, weighted: true, intercept: false),
    .init(n: 50, d: 5, lambda: 2, weighted: true, intercept: true),
    .init(n: 300, d: 12, lambda: 1, weighted: false, intercept: true),
    .init(n: 40, d: 4, lambda: 0.3, weighted: true, intercept: true, offset: true),
    .init(n: 400, d: 6, lambda: 0, weighted: false, intercept: false, offset: true),
    .init(n: 3000, d: 7, lambda: 1e-3, weighted: false, intercept: false),
]

func makeProblem(_ c: LogisticCase, seed: UInt64 = 5) throws -> (LogisticProblem, Reference.LogisticRegression) {
    let (x, y) = syntheticLogistic(n: c.n, d: c.d, seed: seed)
    var g = Xoshiro256StarStar(seed: seed + 1)
    let weights = c.weighted ? (0..<c.n).map { _ in 2 * g.nextUniform() } : nil
    let offsets = c.offset ? (0..<c.n).map { _ in g.nextNormal() } : nil
    return (
        try LogisticProblem(
            x: x, y: y, lambda: c.lambda, sampleWeights: weights, fitIntercept: c.intercept, offsets: offsets),
        Reference.LogisticRegression(
            x: x, y: y, lambda: c.lambda, sampleWeights: weights, fitIntercept: c.intercept, offsets: offsets)
    )
}
