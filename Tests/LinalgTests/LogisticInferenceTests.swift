#if canImport(Glibc)
import Glibc
#endif
@testable import Linalg
import LinalgReference
import Testing

/// Relative agreement `|a − b| ≤ tolerance · max(|b|, floor)`, entry by entry.
func expectRelative(
    _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-8, floor: Double = 1e-300,
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
    for (k, (a, b)) in zip(actual, expected).enumerated() {
        #expect(
            abs(a - b) <= tolerance * max(abs(b), floor), "\(what)[\(k)]: \(a) vs \(b)",
            sourceLocation: sourceLocation)
    }
}

@Suite(.serialized) struct LogisticInferenceTests {
    static let fixtures: [(String, InferenceFixture, Bool)] = [
        ("Logit", LogisticFixtures.logit, false), ("Logit HC0", LogisticFixtures.logitHC0, true),
        ("Logit without constant", LogisticFixtures.logitNoIntercept, false),
        ("GLM freq_weights", LogisticFixtures.weighted, false), ("GLM offset", LogisticFixtures.offset, false),
    ]

    func problem(_ f: InferenceFixture, lambda: Double = 0) throws -> LogisticProblem {
        try LogisticProblem(
            x: Matrix(rows: f.rows, columns: f.columns, scalars: f.x), y: f.y, lambda: lambda,
            sampleWeights: f.weights, fitIntercept: f.intercept, offsets: f.offsets)
    }

    @Test(arguments: 0..<5)
    func unpenalisedInferenceMatchesStatsmodels(_ index: Int) throws {
        let (name, f, robust) = Self.fixtures[index]
        let problem = try problem(f)
        let fit = try LogisticRegression.fit(problem, inference: InferenceOptions(robust: robust))
        #expect(fit.converged, "\(name)")
        let inference = try #require(fit.inference)
        #expect(inference.diagnostics.isEmpty, "\(name): \(inference.diagnostics)")
        expectRelative(fit.parameters, f.parameters, "\(name) β")
        expectRelative(try #require(inference.standardErrors), f.standardErrors, "\(name) se")
        expectRelative(try #require(inference.zValues), f.zValues, "\(name) z")
        expectRelative(try #require(inference.pValues), f.pValues, "\(name) p")
        let intervals = try #require(inference.confidenceIntervals)
        expectRelative(intervals.map(\.lower), f.lower, "\(name) lower")
        expectRelative(intervals.map(\.upper), f.upper, "\(name) upper")
        let covariance = try #require(inference.covariance)
        expectRelative(covariance.scalars, f.covariance, "\(name) covariance")
        // Exactly symmetric whatever BLAS kernel rounded the products.
        #expect(covariance == covariance.transposed(), "\(name): covariance not symmetric")
        expectRelative([inference.logLikelihood, inference.aic, inference.bic], [f.logLikelihood, f.aic, f.bic], name)
        #expect(inference.deviance == -2 * inference.logLikelihood)
        if let null = f.nullLogLikelihood {
            expectRelative([inference.nullLogLikelihood], [null], "\(name) ℓ_null")
            let r2 = try #require(inference.pseudoR2)
            expectRelative([r2], [1 - f.logLikelihood / null], "\(name) pseudo-R²")
        } else {
            // Without an intercept the null model is β = 0 (and the offsets).
            let atZero = -(try LogisticRegression.loss([Double](repeating: 0, count: f.columns), problem: problem))
            expectRelative([inference.nullLogLikelihood], [atZero], tolerance: 1e-14, "\(name) ℓ(0)")
        }
        #expect(inference.reciprocalCondition > 1e-6 && inference.reciprocalCondition <= 1)

        // The 90 % intervals use Φ⁻¹(0.95).
        let ninety = try LogisticRegression.inference(
            for: fit, problem: problem, options: InferenceOptions(alpha: 0.1, robust: robust))
        let intervals90 = try #require(ninety.confidenceIntervals)
        expectRelative(intervals90.map(\.lower), f.lower90, "\(name) lower 90 %")
        expectRelative(intervals90.map(\.upper), f.upper90, "\(name) upper 90 %")
        // Computed after the fit, from scratch, the statistics are the same.
        let separate = try LogisticRegression.inference(
            for: fit, problem: problem, options: InferenceOptions(robust: robust))
        expectRelative(try #require(separate.standardErrors), inference.standardErrors!, tolerance: 1e-13, name)
    }

    @Test func penalisedCovarianceIsTheInverseHessianOfThePenalisedLoss() throws {
        let (problem, reference) = try makeProblem(.init(n: 300, d: 5, lambda: 3, weighted: true, intercept: true))
        let fit = try LogisticRegression.fit(problem, inference: InferenceOptions())
        let covariance = try #require(fit.inference?.covariance)
        let hessian = reference.hessian(fit.parameters)
        let identity = Reference.matmul(hessian, covariance)
        expectClose(identity, try Matrix<Double>.identity(problem.parameterCount), tolerance: 1e-10)
        // ℓ excludes the penalty: L = −ℓ + λ Σ β_j².
        let penalty = fit.coefficients.reduce(0) { $0 + $1 * $1 } * problem.lambda
        #expect(abs(-(fit.inference!.logLikelihood) + penalty - fit.loss) <= 1e-12 * fit.loss)
    }

    @Test func robustCovarianceIsTheSandwichOfTheReference() throws {
        let (problem, reference) = try makeProblem(.init(n: 120, d: 3, lambda: 0, weighted: true, intercept: true))
        let fit = try LogisticRegression.fit(problem, inference: InferenceOptions(robust: true))
        let beta = fit.parameters, p = beta.count
        var meat = try Matrix<Double>(rows: p, columns: p)
        for i in 0..<problem.sampleCount {
            let row = problem.x.row(i) + [1]
            var z = 0.0
            for j in 0..<p { z += row[j] * beta[j] }
            let r = problem.sampleWeights![i] * (1 / (1 + Glibc.exp(-z)) - problem.y[i])
            for j in 0..<p { for k in 0..<p { meat[j, k] += r * r * row[j] * row[k] } }
        }
        let hessian = reference.hessian(beta)
        var inverse = try Matrix<Double>(rows: p, columns: p)
        for k in 0..<p {
            let column = try Reference.solveSPD(hessian, (0..<p).map { $0 == k ? 1.0 : 0 })
            for j in 0..<p { inverse[j, k] = column[j] }
        }
        let sandwich = Reference.matmul(Reference.matmul(inverse, meat), inverse)
        expectClose(try #require(fit.inference?.covariance), sandwich, tolerance: 1e-10)
    }

    @Test func collinearColumnsAreNamedAndTheCovarianceIsUndefined() throws {
        let (x, y) = syntheticLogistic(n: 200, d: 3, seed: 8)
        var rows = (0..<200).map { x.row($0) }
        for i in rows.indices { rows[i].append(rows[i][0] - 2 * rows[i][2]) }  // column 4 = x₁ − 2x₃
        let problem = try LogisticProblem(x: Matrix(rows), y: y, lambda: 0, fitIntercept: true)
        let fit = try LogisticRegression.fit(problem, inference: InferenceOptions())
        let inference = try #require(fit.inference)
        #expect(inference.covariance == nil && inference.standardErrors == nil && inference.pValues == nil)
        let singular = inference.diagnostics.compactMap { diagnostic -> [Int]? in
            if case .singularHessian(let parameters, _) = diagnostic { parameters } else { nil }
        }
        #expect(singular == [[0, 2, 3]])
        let text = inference.diagnostics.map { $0.message(parameterNames: ["a", "b", "c", "d", "intercept"]) }
        #expect(text.contains { $0.contains("among a, c, d") && $0.contains("not defined") })
    }

    @Test func separationIsDiagnosed() throws {
        // Complete: y = 1 exactly when x > 0.
        let xs: [Double] = [-3, -2, -1, 1, 2, 3]
        let complete = try LogisticProblem(
            x: Matrix(rows: 6, columns: 1, scalars: xs), y: xs.map { $0 > 0 ? 1 : 0 }, lambda: 0)
        let separated = try LogisticRegression.fit(complete, inference: InferenceOptions())
        #expect(separated.inference?.diagnostics.first == .completeSeparation)
        // Quasi-complete: x₂ > 0 only on rows with y = 1; the other rows overlap.
        var g = makeGenerator(4)
        var rows: [[Double]] = [], labels: [Double] = []
        for i in 0..<80 {
            let label: Double = i % 2 == 0 ? 1 : 0
            rows.append([g.nextNormal(), i < 10 ? 5 : 0])
            labels.append(i < 10 ? 1 : label)
        }
        let quasi = try LogisticProblem(x: Matrix(rows), y: labels, lambda: 0, fitIntercept: true)
        let fit = try LogisticRegression.fit(quasi, options: NewtonOptions(maxIterations: 60), inference: .init())
        let found = fit.inference?.diagnostics.contains {
            if case .quasiCompleteSeparation(let count) = $0 { count == 10 } else { false }
        }
        #expect(found == true, "\(fit.inference?.diagnostics ?? [])")
    }

    @Test func normalQuantilesAndTails() {
        // scipy.stats.norm.ppf values.
        expectRelative(
            [0.975, 0.995, 1e-10, 0.3].map(NormalDistribution.quantile),
            [1.959963984540054, 2.5758293035489004, -6.361340902404056, -0.5244005127080409], tolerance: 1e-15,
            "Φ⁻¹")
        for p in [1e-300, 1e-20, 1e-5, 0.01, 0.2, 0.5, 0.7, 0.999, 1 - 1e-12] {
            let z = NormalDistribution.quantile(p)
            expectRelative([NormalDistribution.cdf(z)], [p], tolerance: 1e-13, "Φ(Φ⁻¹(\(p)))")
        }
        #expect(NormalDistribution.twoSidedPValue(0) == 1)
        expectRelative([NormalDistribution.twoSidedPValue(-1.959963984540054)], [0.05], tolerance: 1e-15, "p")
        #expect(NormalDistribution.twoSidedPValue(30) > 0)  // 5e-198: the tail keeps its digits
    }

    @Test func predictedProbabilitiesAndAUCMatchScikitLearn() throws {
        let x = try Matrix(rows: 40, columns: 3, scalars: LogisticFixtures.predictX)
        let beta = LogisticFixtures.predictCoefficients
        let logits = (0..<40).map { i in
            (0..<3).reduce(LogisticFixtures.predictIntercept) { $0 + x[i, $1] * beta[$1] }
        }
        expectRelative(
            logits.map(LogisticModel.probability), LogisticFixtures.predictProbabilities, tolerance: 1e-12,
            "predict_proba")
        let auc = ClassificationMetrics.rocAUC(scores: LogisticFixtures.aucScores, labels: LogisticFixtures.aucLabels)
        expectRelative([try #require(auc)], [LogisticFixtures.auc], tolerance: 1e-14, "roc_auc_score")
        #expect(ClassificationMetrics.rocAUC(scores: [0.1, 0.2], labels: [1, 1]) == nil)
        #expect(ClassificationMetrics.accuracy(logits: [-1, 2, 0.5, 0], labels: [0, 1, 0, 0]) == 0.75)
        expectRelative(
            [ClassificationMetrics.logLoss(logits: [0, 800, -800], labels: [1, 1, 1])],
            [(Glibc.log(2) + 0 + 800) / 3], tolerance: 1e-15, "log loss")
    }
}
