import Linalg
import LinalgReference
import Testing

/// CSR matrices, their products, and truncated Newton (TRON) fits against the dense solver and the
/// plain-Swift oracle.
@Suite(.serialized) struct SparseLogisticTests {
    /// A sparse `n × d` matrix with about `density` of its entries non-zero (some rows empty).
    static func sparse(n: Int, d: Int, density: Double, seed: UInt64) -> Matrix<Double> {
        var g = Xoshiro256StarStar(seed: seed)
        var x = Matrix<Double>(uncheckedRows: n, columns: d)
        for i in 0..<n where i % 7 != 3 {
            for j in 0..<d where g.nextUniform() < density { x[i, j] = g.nextNormal() }
        }
        return x
    }

    /// Problems of every kind, dense and sparse forms of the same data.
    static func problems() throws -> [(SparseLogisticProblem<Double>, LogisticProblem)] {
        var g = Xoshiro256StarStar(seed: 21)
        var cases: [(SparseLogisticProblem<Double>, LogisticProblem)] = []
        for (n, d, density, lambda, weighted, intercept, offset) in [
            (200, 30, 0.2, 1.0, false, false, false), (300, 50, 0.1, 0.5, true, true, false),
            (150, 12, 0.5, 0.0, false, true, true), (400, 80, 0.05, 2.0, true, false, true),
            (60, 5, 0.6, 0.1, false, true, false),
        ] {
            let x = Self.sparse(n: n, d: d, density: density, seed: UInt64(n + d))
            let truth = (0..<d).map { _ in g.nextNormal() }
            let y = (0..<n).map { i in
                g.nextUniform() < 1 / (1 + Double.exp(-(0..<d).reduce(0) { $0 + x[i, $1] * truth[$1] })) ? 1.0 : 0.0
            }
            let w = weighted ? (0..<n).map { _ in 0.2 + 1.5 * g.nextUniform() } : nil
            let o = offset ? (0..<n).map { _ in 0.3 * g.nextNormal() } : nil
            cases.append(
                (
                    try SparseLogisticProblem(
                        x: SparseMatrix(x), y: y, lambda: lambda, sampleWeights: w, fitIntercept: intercept,
                        offsets: o),
                    try LogisticProblem(
                        x: x, y: y, lambda: lambda, sampleWeights: w, fitIntercept: intercept, offsets: o)
                ))
        }
        return cases
    }

    @Test func csrRoundTripsAndRejectsBadArrays() throws {
        let x = Self.sparse(n: 9, d: 6, density: 0.4, seed: 1)
        let s = SparseMatrix(x)
        #expect(try s.dense() == x)
        #expect(
            try SparseMatrix(
                rows: 9, columns: 6, rowOffsets: s.rowOffsets, columnIndices: s.columnIndices, values: s.values) == s)
        #expect(throws: LinalgError.self) {
            try SparseMatrix<Double>(rows: 1, columns: 3, rowOffsets: [0, 2], columnIndices: [2, 1], values: [1, 2])
        }
        #expect(throws: LinalgError.self) {
            try SparseMatrix<Double>(rows: 1, columns: 3, rowOffsets: [0, 2], columnIndices: [1, 1], values: [1, 2])
        }
        #expect(throws: LinalgError.self) {
            try SparseMatrix<Double>(
                rows: 2, columns: 3, rowOffsets: [0, 2, 1], columnIndices: [0, 1], values: [1, 2])
        }
        #expect(throws: LinalgError.self) {
            try SparseMatrix<Double>(rows: 1, columns: 3, rowOffsets: [0, 1], columnIndices: [3], values: [1])
        }
    }

    /// The objective, gradient and Hessian-vector products of the sparse and dense designs equal the
    /// oracle's at a random point.
    @Test func productsEqualTheOracle() throws {
        var g = Xoshiro256StarStar(seed: 5)
        for (sparse, dense) in try Self.problems() {
            let theta = (0..<dense.parameterCount).map { _ in 0.3 * g.nextNormal() }
            let v = (0..<dense.parameterCount).map { _ in g.nextNormal() }
            let oracle = Reference.LogisticRegression(
                x: dense.x, y: dense.y, lambda: dense.lambda, sampleWeights: dense.sampleWeights,
                fitIntercept: dense.fitIntercept, offsets: dense.offsets)
            let hessian = oracle.hessian(theta)
            let expectedHv = Reference.matvec(hessian, v)
            for (name, checks) in [
                ("sparse", try SparseLogisticRegression.objectiveChecks(sparse, at: theta, direction: v)),
                ("dense", try SparseLogisticRegression.objectiveChecks(dense, at: theta, direction: v)),
            ] {
                expectRelative([checks.loss], [oracle.loss(theta)], tolerance: 1e-13, "\(name) loss")
                expectRelative(checks.gradient, oracle.gradient(theta), tolerance: 1e-12, floor: 1, "\(name) ∇L")
                expectRelative(checks.hessianProduct, expectedHv, tolerance: 1e-12, floor: 1, "\(name) ∇²L v")
                let diagonal = (0..<dense.parameterCount).map { hessian[$0, $0] }
                expectRelative(checks.diagonal, diagonal, tolerance: 1e-12, floor: 1, "\(name) diag ∇²L")
            }
        }
    }

    /// TRON on the CSR matrix and on the dense one reach the dense Newton-Cholesky minimiser.
    @Test func trustRegionNewtonReachesTheNewtonMinimiser() throws {
        for (sparse, dense) in try Self.problems() {
            let newton = try LogisticRegression.fit(dense)
            let tron = try SparseLogisticRegression.fit(sparse)
            let tronDense = try SparseLogisticRegression.fitDense(dense)
            #expect(
                newton.converged && tron.converged && tronDense.converged,
                "\(tron.reason) \(tronDense.reason) \(tron.trace.map(\.gradientNorm))")
            #expect(tron.hessianVectorProducts > 0)
            expectRelative(tron.parameters, newton.parameters, tolerance: 1e-9, floor: 1e-3, "TRON (CSR) vs Newton")
            expectRelative(
                tronDense.parameters, newton.parameters, tolerance: 1e-9, floor: 1e-3, "TRON (dense) vs Newton")
            expectRelative([tron.loss], [newton.loss], tolerance: 1e-13, "loss")
        }
    }

    /// λ_max, the warm-started path and K-fold cross-validation on CSR equal the dense solver's (same λ
    /// values, same folds): minimisers to 1e-7, held-out deviances to 1e-8.
    @Test func sparsePathsAndCrossValidationEqualTheDenseOnes() throws {
        let options = NewtonOptions(tolerance: 1e-12)
        for (sparse, dense) in try Self.problems() where dense.lambda > 0 {
            let top = SparseLogisticRegression.lambdaMax(sparse)
            let denseTop = try LogisticRegression.lambdaMax(dense)
            #expect(abs(top - denseTop) <= 1e-10 * top, "λ_max \(top) against \(denseTop)")
            let lambdas = try SparseLogisticRegression.logSpacedLambdas(sparse, count: 5)
            let points = try SparseLogisticRegression.crossValidatedPath(
                sparse, lambdas: lambdas, folds: 3, seed: 4, options: options)
            let expected = try LogisticRegression.crossValidatedPath(
                dense, lambdas: lambdas, folds: 3, seed: 4, options: options)
            #expect(points.map(\.lambda) == expected.map(\.lambda))
            for (a, b) in zip(points, expected) {
                #expect(a.fit.converged)
                let scale = max(1, b.fit.parameters.map(abs).max()!)
                let worst = zip(a.fit.parameters, b.fit.parameters).map { abs($0 - $1) }.max()!
                #expect(worst <= 1e-7 * scale, "λ = \(a.lambda): \(worst)")
                #expect(abs(a.cvDevianceMean! - b.cvDevianceMean!) <= 1e-8 * b.cvDevianceMean!)
                #expect(abs(a.cvDevianceStd! - b.cvDevianceStd!) <= 1e-6 * max(1, b.cvDevianceStd!))
            }
            let warm = try SparseLogisticRegression.fit(
                sparse.withLambda(points[2].lambda), options: options, initial: points[2].fit.parameters)
            #expect(warm.iterations <= 1)
        }
    }

    /// The Gram product `Xᵀ D (Xv + s)` fused and in two passes: the same bits, and the dense product's
    /// value; `Xᵀu` likewise.
    @Test func gramProductsFusedAndInTwoPassesAgree() throws {
        let dense = Self.sparse(n: 3000, d: 200, density: 0.4, seed: 8)  // 4 pieces
        let x = SparseMatrix(dense)
        var g = Xoshiro256StarStar(seed: 3)
        let v = (0..<200).map { _ in g.nextNormal() }, weights = (0..<3000).map { _ in g.nextUniform() }
        var results: [([Double], Double)] = []
        for limit in [0, Int.max] {
            let products = SparseProducts<Double>(x, fusingLimit: limit)
            var out = [Double](repeating: .nan, count: 200)
            let total = out.withUnsafeMutableBufferPointer { o in
                products.gramProduct(weights: weights, v, shift: 0.3, into: o.baseAddress!)
            }
            results.append((out, total))
        }
        #expect(results[0].0 == results[1].0 && results[0].1 == results[1].1)
        let t = (0..<3000).map { i in weights[i] * ((0..<200).reduce(0.0) { $0 + dense[i, $1] * v[$1] } + 0.3) }
        let expected = (0..<200).map { j in (0..<3000).reduce(0.0) { $0 + t[$1] * dense[$1, j] } }
        #expect(relativeError(results[0].0, expected) < 1e-12)
        #expect(abs(results[0].1 - t.reduce(0, +)) <= 1e-12 * max(1, abs(results[0].1)))
        var transposed = [Double](repeating: .nan, count: 200)
        transposed.withUnsafeMutableBufferPointer {
            SparseProducts<Double>(x).multiplyTransposed(t, into: $0.baseAddress!)
        }
        #expect(relativeError(transposed, expected) < 1e-12)
    }

    @Test func badProblemsAreTypedErrors() throws {
        let x = SparseMatrix(try Matrix<Double>([[1, 0], [0, 2]]))
        #expect(throws: LinalgError.self) { try SparseLogisticProblem(x: x, y: [0, 2], lambda: 1) }
        #expect(throws: LinalgError.self) { try SparseLogisticProblem(x: x, y: [0], lambda: 1) }
        #expect(throws: LinalgError.self) { try SparseLogisticProblem(x: x, y: [0, 1], lambda: -1) }
        let huge = SparseMatrix<Double>(
            uncheckedRows: 1, columns: Int(Int32.max), rowOffsets: [0, 0], columnIndices: [], values: [])
        let saved = SystemMemory.limit
        SystemMemory.limit = 1 << 30
        defer { SystemMemory.limit = saved }
        #expect(throws: LinalgError.self) { try SparseLogisticProblem(x: huge, y: [1], lambda: 1) }
    }
}
