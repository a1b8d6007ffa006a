@testable import Linalg
import LinalgReference
import Testing

@Suite(.serialized) struct LogisticPathTests {
    @Test(arguments: [false, true])
    func warmStartedPathEqualsColdFits(_ intercept: Bool) throws {
        let (problem, _) = try makeProblem(
            .init(n: 400, d: 6, lambda: 1, weighted: true, intercept: intercept, offset: true))
        let lambdas = try LogisticRegression.logSpacedLambdas(problem, count: 12)
        #expect(lambdas.count == 12 && abs(lambdas.last! / lambdas.first! - 1e-4) < 1e-12)
        let points = try LogisticRegression.path(problem, lambdas: lambdas.shuffled())
        #expect(points.map(\.lambda) == lambdas, "fitted in decreasing order")
        let scale = BLAS.nrm2(
            try LogisticRegression.gradient([Double](repeating: 0, count: problem.parameterCount), problem: problem))
        for point in points {
            #expect(point.fit.converged)
            #expect(point.fit.gradientNorm <= 1e-10 * max(scale, problem.gradientUnit), "the cold fit's stopping rule")
            let cold = try LogisticRegression.fit(try problem.withLambda(point.lambda))
            let check = FiniteDifferences.compare(analytic: point.fit.parameters, numeric: cold.parameters)
            #expect(check.maxAbsoluteError <= 1e-9 * max(1, cold.parameters.map(abs).max()!), "λ=\(point.lambda)")
            #expect(point.cvDevianceMean == nil)
        }
        // At λ_max the coefficients hardly move a logit: |β_j| rms(x_j) ≲ 1e-2.
        for j in 0..<problem.featureCount {
            let rms =
                ((0..<problem.sampleCount).reduce(0) { $0 + problem.x[$1, j] * problem.x[$1, j] }
                / Double(problem.sampleCount)).squareRoot()
            #expect(abs(points[0].fit.coefficients[j]) * rms <= 1.5e-2)
        }
        // Warm starts: fewer Newton steps than cold fits.
        let warm = points.dropFirst().map(\.fit.iterations).reduce(0, +)
        let cold = try points.dropFirst().map {
            try LogisticRegression.fit(try problem.withLambda($0.lambda)).iterations
        }
        #expect(warm < cold.reduce(0, +))
    }

    @Test func crossValidationScoresHeldOutDevianceByFold() throws {
        let (problem, reference) = try makeProblem(.init(n: 90, d: 3, lambda: 1, weighted: true, intercept: true))
        let lambdas = [5.0, 0.5]
        let points = try LogisticRegression.crossValidatedPath(problem, lambdas: lambdas, folds: 3)
        // Fold k holds the rows i with i mod 3 = k: refit by hand on the other rows.
        for point in points {
            var deviances: [Double] = []
            for fold in 0..<3 {
                let train = (0..<90).filter { $0 % 3 != fold }, test = (0..<90).filter { $0 % 3 == fold }
                func rows(_ indices: [Int]) throws -> Matrix<Double> { try Matrix(indices.map { problem.x.row($0) }) }
                let trainProblem = try LogisticProblem(
                    x: rows(train), y: train.map { problem.y[$0] }, lambda: point.lambda,
                    sampleWeights: train.map { problem.sampleWeights![$0] }, fitIntercept: true)
                let beta = try LogisticRegression.fit(trainProblem).parameters
                let held = Reference.LogisticRegression(
                    x: try rows(test), y: test.map { reference.y[$0] }, lambda: 0,
                    sampleWeights: test.map { problem.sampleWeights![$0] }, fitIntercept: true)
                deviances.append(2 * held.loss(beta))
            }
            let mean = deviances.reduce(0, +) / 3
            let std = (deviances.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 2).squareRoot()
            #expect(abs(try #require(point.cvDevianceMean) - mean) <= 1e-8 * mean)
            #expect(abs(try #require(point.cvDevianceStd) - std) <= 1e-6 * max(std, 1e-3))
        }
        // A seeded shuffle is a permutation, and reproducible.
        let folds = LogisticRegression.foldAssignment(rows: 10, folds: 3, seed: 7)
        #expect(folds == LogisticRegression.foldAssignment(rows: 10, folds: 3, seed: 7))
        #expect(folds.sorted() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
        #expect(LogisticRegression.foldAssignment(rows: 5, folds: 2, seed: nil) == [0, 1, 0, 1, 0])
        #expect(throws: LinalgError.self) { try LogisticRegression.crossValidatedPath(problem, lambdas: [1], folds: 1) }
    }
}
