import Linalg
import Testing

/// Truncated Newton on rows split into shares (threads standing in for MPI ranks, one reduction per
/// loss, gradient and Hessian-vector product) against the same fit on all rows in one process.
@Suite(.serialized) struct SparseRowShareTests {
    /// Problem `problem`'s rows `range` as a problem of their own that reduces over `share`.
    static func part(
        _ problem: SparseLogisticProblem<Double>, _ range: Range<Int>, _ share: any RowShareReduction
    ) throws -> SparseLogisticProblem<Double> {
        try SparseLogisticProblem(
            x: problem.x.rows(Array(range)), y: Array(problem.y[range]), lambda: problem.lambda,
            sampleWeights: problem.sampleWeights.map { Array($0[range]) }, fitIntercept: problem.fitIntercept,
            offsets: problem.offsets.map { Array($0[range]) }, rowShares: share)
    }

    static func bounds(_ n: Int, shares: Int, _ k: Int) -> Range<Int> { (k * n / shares)..<((k + 1) * n / shares) }

    static func expectSame(_ a: LogisticFit, _ b: LogisticFit, _ comment: String) {
        #expect(a.iterations == b.iterations && a.converged == b.converged, "\(comment)")
        for (x, y) in zip(a.parameters + [a.loss], b.parameters + [b.loss]) {
            #expect(abs(x - y) <= 1e-10 * max(1, abs(y)), "\(comment): \(x) vs \(y)")
        }
    }

    @Test func sharedRowsGiveTheSingleProcessFit() throws {
        let options = NewtonOptions(tolerance: 1e-10)
        for (sparse, dense) in try SparseLogisticTests.problems() {
            let single = try SparseLogisticRegression.fit(sparse, options: options)
            let singleDense = try SparseLogisticRegression.fitDense(dense, options: options)
            for shares in [2, 3] {
                let fits = try ThreadShares.run(shares: shares) { share in
                    let range = Self.bounds(sparse.sampleCount, shares: shares, share.index)
                    let part = try Self.part(sparse, range, share)
                    let denseRows = try part.x.dense()
                    let densePart = try LogisticProblem(
                        x: denseRows, y: part.y, lambda: part.lambda, sampleWeights: part.sampleWeights,
                        fitIntercept: part.fitIntercept, offsets: part.offsets, rowShares: share)
                    return (
                        try SparseLogisticRegression.fit(part, options: options),
                        try SparseLogisticRegression.fitDense(densePart, options: options)
                    )
                }
                for (k, (fit, fitDense)) in fits.enumerated() {
                    Self.expectSame(fit, single, "CSR, share \(k) of \(shares)")
                    Self.expectSame(fitDense, singleDense, "dense newton-cg, share \(k) of \(shares)")
                }
            }
        }
    }

    /// Along a path the shares' rounding moves where CG stops: the points agree once fitted tightly.
    @Test func sharedPathsGiveTheSingleProcessPath() throws {
        let options = NewtonOptions(tolerance: 1e-13)
        for (sparse, _) in try SparseLogisticTests.problems() where sparse.lambda > 0 {
            let top = SparseLogisticRegression.lambdaMax(sparse)
            let lambdas = try SparseLogisticRegression.logSpacedLambdas(sparse, count: 4)
            let single = try SparseLogisticRegression.path(sparse, lambdas: lambdas, options: options)
            let parts = try ThreadShares.run(shares: 2) { share in
                let part = try Self.part(sparse, Self.bounds(sparse.sampleCount, shares: 2, share.index), share)
                return (
                    SparseLogisticRegression.lambdaMax(part),
                    try SparseLogisticRegression.path(part, lambdas: lambdas, options: options)
                )
            }
            for (partTop, points) in parts {
                #expect(abs(partTop - top) <= 1e-12 * top, "λ_max \(partTop) vs \(top)")
                for (a, b) in zip(points, single) { Self.expectSame(a.fit, b.fit, "path at λ = \(a.lambda)") }
            }
            let refused = try ThreadShares.run(shares: 2) { share in
                let part = try Self.part(sparse, Self.bounds(sparse.sampleCount, shares: 2, share.index), share)
                return (try? SparseLogisticRegression.crossValidatedPath(part, lambdas: lambdas, folds: 3)) == nil
            }
            #expect(refused == [true, true], "cross-validation of shared rows is refused")
        }
    }

    /// The multinomial model on shared rows (a class present on one share only): the single process's
    /// fit and path, with and without the penalty (the reference-class form at λ = 0) and weights.
    @Test func sharedMultinomialRowsGiveTheSingleProcessFit() throws {
        let (x, drawn) = SparseMultinomialTests.data(n: 240, d: 10, classes: 3, seed: 7)
        // Class 3 lives in the last share only.
        let y = drawn.indices.map { i in i >= 200 && i % 4 == 0 ? 3 : drawn[i] }
        let sparse = SparseMatrix(x)
        var g = Xoshiro256StarStar(seed: 5)
        let weights = (0..<240).map { _ in 0.4 + g.nextUniform() }
        let options = NewtonOptions(tolerance: 1e-11)
        for (lambda, w) in [(0.5, nil), (0.0, weights), (0.2, weights)] as [(Double, [Double]?)] {
            let whole = try SparseMultinomialProblem(
                x: sparse, classIndices: y, classCount: 4, lambda: lambda, sampleWeights: w)
            let single = try SparseMultinomialRegression.fit(whole, options: options)
            let lambdas = [2 * lambda + 0.5, lambda]
            let singlePath = try SparseMultinomialRegression.path(whole, lambdas: lambdas, options: options)
            let parts = try ThreadShares.run(shares: 3) { share in
                let rows = Array(Self.bounds(240, shares: 3, share.index))
                let part = try SparseMultinomialProblem(
                    x: sparse.rows(rows), classIndices: rows.map { y[$0] }, classCount: 4, lambda: lambda,
                    sampleWeights: w.map { w in rows.map { w[$0] } }, rowShares: share)
                return (
                    try SparseMultinomialRegression.fit(part, options: options),
                    try SparseMultinomialRegression.path(part, lambdas: lambdas, options: options)
                )
            }
            for (fit, path) in parts {
                #expect(fit.iterations == single.iterations && fit.converged, "λ = \(lambda)")
                for (a, b) in zip(fit.parameters + [fit.loss], single.parameters + [single.loss]) {
                    #expect(abs(a - b) <= 1e-10 * max(1, abs(b)), "λ = \(lambda): \(a) vs \(b)")
                }
                for (a, b) in zip(path, singlePath) {
                    let worst = zip(a.fit.parameters, b.fit.parameters).map { abs($0 - $1) / max(1, abs($1)) }.max()!
                    #expect(worst <= 1e-9, "path at λ = \(a.lambda): \(worst)")
                }
            }
        }
        // A class with no weight on any share is refused by every share alike.
        let refused = try ThreadShares.run(shares: 2) { share in
            let rows = Array(Self.bounds(240, shares: 2, share.index))
            let part = try SparseMultinomialProblem(
                x: sparse.rows(rows), classIndices: rows.map { y[$0] }, classCount: 5, lambda: 1, rowShares: share)
            return (try? SparseMultinomialRegression.fit(part)) == nil
        }
        #expect(refused == [true, true])
    }
}
