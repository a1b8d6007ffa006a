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
}
