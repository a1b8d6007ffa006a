import Linalg
import Testing

/// Multinomial logistic regression on CSR by truncated Newton against the dense multinomial solver on
/// the same data: the same minimiser, loss and parametrisation, with and without intercepts, weights
/// and the penalty (the reference-class form at λ = 0).
@Suite struct SparseMultinomialTests {
    static func data(n: Int, d: Int, classes: Int, seed: UInt64) -> (Matrix<Double>, [Int]) {
        var g = Xoshiro256StarStar(seed: seed)
        let x = SparseLogisticTests.sparse(n: n, d: d, density: 0.3, seed: seed)
        let theta = (0..<(classes * d)).map { _ in g.nextNormal() }
        let y = (0..<n).map { i -> Int in
            let z = (0..<classes).map { c in (0..<d).reduce(0.2 * Double(c)) { $0 + x[i, $1] * theta[c * d + $1] } }
            let top = z.max()!
            let e = z.map { Double.exp($0 - top) }, total = e.reduce(0, +)
            var u = g.nextUniform() * total, c = 0
            while c < classes - 1 && u > e[c] {
                u -= e[c]
                c += 1
            }
            return c
        }
        return (x, y)
    }

    @Test(arguments: [(1.0, true, false), (0.3, false, true), (0.0, true, false), (0.0, true, true)])
    func sparseFitsEqualTheDenseSolver(_ lambda: Double, _ intercept: Bool, _ weighted: Bool) throws {
        let (x, y) = Self.data(n: 300, d: 12, classes: 4, seed: 5)
        var g = Xoshiro256StarStar(seed: 9)
        let w = weighted ? (0..<300).map { _ in 0.3 + g.nextUniform() } : nil
        let options = NewtonOptions(tolerance: 1e-12)
        let sparse = try SparseMultinomialRegression.fit(
            SparseMultinomialProblem(
                x: SparseMatrix(x), classIndices: y, classCount: 4, lambda: lambda, sampleWeights: w,
                fitIntercept: intercept), options: options)
        let dense = try MultinomialRegression.fit(
            MultinomialProblem(
                x: x, classIndices: y, classCount: 4, lambda: lambda, sampleWeights: w, fitIntercept: intercept),
            options: options)
        #expect(sparse.converged && sparse.hessianVectorProducts > 0)
        #expect(sparse.modelledClasses == dense.modelledClasses)
        #expect(abs(sparse.loss - dense.loss) <= 1e-10 * dense.loss)
        let scale = max(1, dense.parameters.map(abs).max()!)
        let worst = zip(sparse.parameters, dense.parameters).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-7 * scale, "largest parameter difference \(worst)")
    }

    /// λ_max, the warm-started path (through λ = 0's reference parametrisation) and K-fold CV on CSR equal
    /// the dense multinomial path's.
    @Test func sparsePathsAndCrossValidationEqualTheDenseOnes() throws {
        let (x, y) = Self.data(n: 240, d: 10, classes: 3, seed: 6)
        let options = NewtonOptions(tolerance: 1e-12)
        let sparse = try SparseMultinomialProblem(x: SparseMatrix(x), classIndices: y, classCount: 3, lambda: 1)
        let dense = try MultinomialProblem(x: x, classIndices: y, classCount: 3, lambda: 1)
        let top = SparseMultinomialRegression.lambdaMax(sparse)
        #expect(abs(top - (try MultinomialRegression.lambdaMax(dense))) <= 1e-10 * top)
        let lambdas = try SparseMultinomialRegression.logSpacedLambdas(sparse, count: 4) + [0]
        let points = try SparseMultinomialRegression.crossValidatedPath(
            sparse, lambdas: lambdas, folds: 3, seed: 2, options: options)
        let expected = try MultinomialRegression.crossValidatedPath(
            dense, lambdas: lambdas, folds: 3, seed: 2, options: options)
        #expect(points.map(\.lambda) == expected.map(\.lambda))
        for (a, b) in zip(points, expected) {
            #expect(a.fit.converged && a.fit.parameters.count == b.fit.parameters.count)
            let worst = zip(a.fit.parameters, b.fit.parameters).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-6 * max(1, b.fit.parameters.map(abs).max()!), "λ = \(a.lambda): \(worst)")
            #expect(abs(a.cvDevianceMean! - b.cvDevianceMean!) <= 1e-7 * b.cvDevianceMean!)
        }
    }

    @Test func badProblemsAreTypedErrors() throws {
        let (x, y) = Self.data(n: 40, d: 5, classes: 3, seed: 2)
        let csr = SparseMatrix(x)
        #expect(throws: LinalgError.self) {
            try SparseMultinomialProblem(x: csr, classIndices: Array(y.prefix(39)), classCount: 3, lambda: 1)
        }
        #expect(throws: LinalgError.self) {
            try SparseMultinomialProblem(x: csr, classIndices: y.map { $0 == 2 ? 0 : $0 }, classCount: 3, lambda: 1)
        }
        #expect(throws: LinalgError.self) {
            try SparseMultinomialProblem(x: csr, classIndices: y, classCount: 3, lambda: -1)
        }
        #expect(throws: LinalgError.self) {
            try SparseMultinomialProblem(x: csr, classIndices: y.map { $0 + 1 }, classCount: 3, lambda: 1)
        }
    }
}
