import Linalg
import LinalgReference
import Testing

/// Serialized: the passes make OpenBLAS's (process-global) thread count 1 while they run.
@Suite(.serialized) struct MultinomialTests {
    static func problem(
        _ x: [Double], _ y: [Double], rows: Int, columns: Int, classes: Int, lambda: Double, intercept: Bool = true,
        weights: [Double]? = nil
    ) throws -> MultinomialProblem {
        try MultinomialProblem(
            x: Matrix(rows: rows, columns: columns, scalars: x), classIndices: y.map { Int($0) }, classCount: classes,
            lambda: lambda, sampleWeights: weights, fitIntercept: intercept)
    }

    static func reference(_ problem: MultinomialProblem) -> Reference.MultinomialRegression {
        Reference.MultinomialRegression(
            x: problem.x, classes: problem.classIndices, classCount: problem.classCount,
            modelled: (0..<problem.modelledClassCount).map(problem.modelledClass), lambda: problem.lambda,
            sampleWeights: problem.sampleWeights, fitIntercept: problem.fitIntercept, offsets: problem.offsets)
    }

    @Test(arguments: 0..<2)
    func unpenalisedInferenceMatchesStatsmodels(_ index: Int) throws {
        let f = MultinomialFixtures.statsmodels[index]
        let problem = try Self.problem(f.x, f.y, rows: f.rows, columns: f.columns, classes: f.classes, lambda: 0)
        let fit = try MultinomialRegression.fit(problem, inference: InferenceOptions(robust: f.robust))
        #expect(fit.converged && fit.modelledClasses == Array(1..<f.classes), "\(f.name)")
        let inference = try #require(fit.inference)
        #expect(inference.diagnostics.isEmpty, "\(f.name): \(inference.diagnostics)")
        expectRelative(fit.parameters, f.parameters, tolerance: 1e-8, "\(f.name) parameters")
        expectRelative(try #require(inference.standardErrors), f.standardErrors, tolerance: 1e-8, "\(f.name) se")
        expectRelative(try #require(inference.zValues), f.zValues, tolerance: 1e-8, "\(f.name) z")
        expectRelative(try #require(inference.pValues), f.pValues, tolerance: 1e-8, floor: 1e-12, "\(f.name) p")
        let covariance = try #require(inference.covariance)
        expectRelative(covariance.scalars, f.covariance, tolerance: 1e-8, floor: 1e-6, "\(f.name) covariance")
        #expect(covariance == covariance.transposed(), "\(f.name): covariance not exactly symmetric")
        expectRelative(
            [inference.logLikelihood, inference.nullLogLikelihood, inference.aic, inference.bic],
            [f.logLikelihood, f.nullLogLikelihood, f.aic, f.bic], tolerance: 1e-9, "\(f.name) likelihoods")
        expectRelative([try #require(inference.pseudoR2)], [f.pseudoR2], tolerance: 1e-9, "\(f.name) pseudo-R²")
    }

    @Test(arguments: 0..<2)
    func penalisedFitMatchesScikitLearn(_ index: Int) throws {
        let f = MultinomialFixtures.scikitLearn[index]
        let problem = try Self.problem(
            f.x, f.y, rows: f.rows, columns: f.columns, classes: f.classes, lambda: f.lambda, intercept: f.intercept)
        let fit = try MultinomialRegression.fit(problem)
        #expect(fit.converged && fit.modelledClasses == Array(0..<f.classes), "\(f.name)")
        expectRelative(fit.coefficients.scalars, f.coefficients, tolerance: 1e-7, floor: 1e-3, "\(f.name) β")
        if f.intercept {
            let intercepts = try #require(fit.intercepts)
            #expect(abs(intercepts.reduce(0, +)) < 1e-10, "the intercepts sum to 0")
            expectRelative(intercepts, f.intercepts, tolerance: 1e-7, floor: 1e-3, "\(f.name) intercepts")
        } else {
            #expect(fit.intercepts == nil)
        }
    }

    /// A small weighted problem of every shape: `K` classes, with and without intercepts, λ = 0 and > 0,
    /// and two with per-class offsets.
    static func smallProblems() throws -> [MultinomialProblem] {
        var generator = Xoshiro256StarStar(seed: 9)
        let x = Matrix<Double>.random(rows: 40, columns: 3, distribution: .randn, using: &generator)
        let y = (0..<40).map { Double($0 % 4) }
        let w = (0..<40).map { _ in 0.5 + generator.nextUniform() }
        let offsets = Matrix<Double>.random(rows: 40, columns: 4, distribution: .randn, using: &generator)
        let shapes =
            [(0.0, true, false), (0.0, false, false), (0.8, true, false), (0.8, false, false)]
            + [(0.0, true, true), (0.8, false, true)]
        return try shapes.map { lambda, intercept, offset in
            try MultinomialProblem(
                x: x, classIndices: y.map { Int($0) }, classCount: 4, lambda: lambda, sampleWeights: w,
                fitIntercept: intercept, offsets: offset ? offsets : nil)
        }
    }

    /// Offsets that are a linear function of the features, `o_ic = x_iᵀs_c + t_c`, shift the λ = 0
    /// minimiser by exactly that function (class k against class 0: `−(s_k − s_0)`, `−(t_k − t_0)`),
    /// leave ℓ and the standard errors unchanged, and enter the null model (constant offsets do not).
    @Test func linearOffsetsShiftTheUnpenalisedFit() throws {
        let f = MultinomialFixtures.statsmodels[0]
        let plain = try Self.problem(f.x, f.y, rows: f.rows, columns: f.columns, classes: f.classes, lambda: 0)
        var g = Xoshiro256StarStar(seed: 4)
        let s = Matrix<Double>.random(rows: f.classes, columns: f.columns, distribution: .randn, using: &g)
        let t = (0..<f.classes).map { _ in g.nextNormal() }
        let offsets = try Matrix(
            rows: f.rows, columns: f.classes,
            scalars: (0..<f.rows).flatMap { i in
                (0..<f.classes).map { c in t[c] + (0..<f.columns).reduce(0) { $0 + plain.x[i, $1] * s[c, $1] } }
            })
        let shifted = try MultinomialProblem(
            x: plain.x, classIndices: plain.classIndices, classCount: f.classes, lambda: 0, offsets: offsets)
        let a = try MultinomialRegression.fit(plain, inference: InferenceOptions())
        let b = try MultinomialRegression.fit(shifted, inference: InferenceOptions())
        let width = f.columns + 1
        let expected = a.parameters.enumerated().map { index, value in
            let k = index / width + 1, j = index % width
            return value - (j < f.columns ? s[k, j] - s[0, j] : t[k] - t[0])
        }
        expectRelative(b.parameters, expected, tolerance: 1e-8, floor: 1e-6, "shifted parameters")
        let (ia, ib) = (try #require(a.inference), try #require(b.inference))
        expectRelative([ib.logLikelihood], [ia.logLikelihood], tolerance: 1e-12, "ℓ")
        expectRelative(try #require(ib.standardErrors), try #require(ia.standardErrors), tolerance: 1e-8, "se")
        #expect(ib.nullLogLikelihood < ia.nullLogLikelihood || abs(ib.nullLogLikelihood - ia.nullLogLikelihood) > 1e-6)
        let constant = try Matrix(
            rows: f.rows, columns: f.classes, scalars: (0..<f.rows).flatMap { _ in t })
        let c = try MultinomialRegression.fit(
            try MultinomialProblem(
                x: plain.x, classIndices: plain.classIndices, classCount: f.classes, lambda: 0, offsets: constant),
            inference: InferenceOptions())
        expectRelative(
            [try #require(c.inference).nullLogLikelihood], [ia.nullLogLikelihood], tolerance: 1e-10, "null ℓ")
        #expect(throws: LinalgError.self) {
            try MultinomialProblem(
                x: plain.x, classIndices: plain.classIndices, classCount: f.classes, lambda: 0,
                offsets: Matrix(rows: f.rows, columns: f.classes - 1, repeating: 0))
        }
    }

    /// Classes 0 and 1 overlap; class 2 is exactly the rows with x > 1: no finite minimiser, but not
    /// complete separation either. The fit converges in the gradient criterion with those rows'
    /// probabilities at 1, and the inference says so.
    @Test func quasiCompleteSeparationIsDiagnosed() throws {
        var g = Xoshiro256StarStar(seed: 8)
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<300 {
            let v = 2 * g.nextNormal()
            x.append(v)
            y.append(v > 1 ? 2 : (g.nextUniform() < 0.5 ? 0 : 1))
        }
        let problem = try Self.problem(x, y, rows: 300, columns: 1, classes: 3, lambda: 0)
        let fit = try MultinomialRegression.fit(problem, inference: InferenceOptions())
        let diagnostics = try #require(fit.inference).diagnostics
        let rows = y.filter { $0 == 2 }.count
        #expect(
            diagnostics.contains {
                if case .quasiCompleteSeparation(let n) = $0 { n > rows / 2 && n <= rows } else { false }
            },
            "\(diagnostics)")
    }

    @Test func derivativesMatchFiniteDifferencesAndTheReference() throws {
        var generator = Xoshiro256StarStar(seed: 2)
        for problem in try Self.smallProblems() {
            let theta = (0..<problem.parameterCount).map { _ in 0.4 * generator.nextNormal() }
            let reference = Self.reference(problem)
            let loss = try MultinomialRegression.loss(theta, problem: problem)
            let gradient = try MultinomialRegression.gradient(theta, problem: problem)
            let hessian = try MultinomialRegression.hessian(theta, problem: problem)
            expectRelative([loss], [reference.loss(theta)], tolerance: 1e-13, "loss vs reference")
            expectRelative(gradient, reference.gradient(theta), tolerance: 1e-11, floor: 1, "∇L vs reference")
            expectClose(hessian, reference.hessian(theta), tolerance: 1e-12, "∇²L vs reference")
            #expect(hessian == hessian.transposed())
            let numericGradient = FiniteDifferences.compare(
                analytic: gradient,
                numeric: FiniteDifferences.gradient(
                    of: { try! MultinomialRegression.loss($0, problem: problem) }, at: theta))
            #expect(numericGradient.maxRelativeError < 1e-7, "∇L vs central differences: \(numericGradient)")
            let numericHessian = try FiniteDifferences.checkJacobian(
                hessian, of: { try MultinomialRegression.gradient($0, problem: problem) }, at: theta)
            #expect(numericHessian.maxRelativeError < 1e-7, "∇²L vs central differences: \(numericHessian)")
        }
    }

    @Test func probabilitiesAreTheSoftmaxOfTheFit() throws {
        for problem in try Self.smallProblems() {
            let fit = try MultinomialRegression.fit(problem)
            #expect(fit.converged)
            let probabilities = try fit.probabilities(problem.x, offsets: problem.offsets)
            let reference = Self.reference(problem)
            for i in 0..<problem.sampleCount {
                let expected = reference.probabilities(fit.parameters, i)
                expectRelative(probabilities.row(i), expected, tolerance: 1e-12, floor: 1e-12, "p_\(i)")
            }
            // At the minimiser the gradient vanishes: Σ_i w_i (p_i − y_i) x̃_i = −2λ[β, 0].
            #expect(fit.gradientNorm <= 1e-8 * max(1, fit.trace[0].gradientNorm))
        }
    }

    @Test func badInputIsATypedErrorNamingWhatWasWrong() throws {
        let x = try Matrix<Double>([[1], [2], [3]])
        #expect(throws: LinalgError.invalidValue(what: "classes", detail: "need at least 2 classes, got 1")) {
            try MultinomialProblem(x: x, classIndices: [0, 0, 0], classCount: 1, lambda: 1)
        }
        #expect(
            throws: LinalgError.invalidValue(
                what: "labels", detail: "class 2 has no sample of positive weight; every class needs one")
        ) {
            try MultinomialProblem(x: x, classIndices: [0, 1, 2], classCount: 3, lambda: 1, sampleWeights: [1, 1, 0])
        }
        #expect(throws: LinalgError.invalidValue(what: "labels", detail: "row 1 has class 5, outside 0 ..< 3")) {
            try MultinomialProblem(x: x, classIndices: [0, 5, 2], classCount: 3, lambda: 1)
        }
        let problem = try MultinomialProblem(x: x, classIndices: [0, 1, 2], classCount: 3, lambda: 1)
        #expect(throws: LinalgError.self) { try MultinomialRegression.loss([1, 2], problem: problem) }
    }

    @Test func newtonCGReachesTheNewtonCholeskyMinimiser() throws {
        for problem in try Self.smallProblems() {
            let cholesky = try MultinomialRegression.fit(problem, solver: .newtonCholesky)
            let cg = try MultinomialRegression.fit(problem, solver: .newtonCG)
            #expect(cholesky.converged && cg.converged && cg.hessianVectorProducts > 0)
            expectRelative(cg.parameters, cholesky.parameters, tolerance: 1e-8, floor: 1e-3, "Newton-CG vs Cholesky")
            #expect(abs(cg.loss - cholesky.loss) <= 1e-12 * cholesky.loss)
        }
        let f = MultinomialFixtures.scikitLearn[0]
        let problem = try Self.problem(
            f.x, f.y, rows: f.rows, columns: f.columns, classes: f.classes, lambda: f.lambda, intercept: f.intercept)
        let cg = try MultinomialRegression.fit(problem, solver: .newtonCG)
        expectRelative(cg.coefficients.scalars, f.coefficients, tolerance: 1e-7, floor: 1e-3, "\(f.name) β, Newton-CG")
    }

    @Test func pathWarmStartsReachTheColdFitsAndCrossValidationScoresEachLambda() throws {
        let problem = try Self.smallProblems()[2]
        let lambdas = try MultinomialRegression.logSpacedLambdas(problem, count: 4) + [0]
        let path = try MultinomialRegression.path(problem, lambdas: lambdas)
        #expect(path.map(\.lambda) == lambdas.sorted(by: >))
        for point in path {
            let cold = try MultinomialRegression.fit(try problem.withLambda(point.lambda))
            #expect(point.fit.converged && point.fit.parameters.count == cold.parameters.count)
            expectRelative(point.fit.parameters, cold.parameters, tolerance: 1e-7, floor: 1e-2, "λ = \(point.lambda)")
        }
        // At λ_max the coefficients are small against the features' scale.
        #expect(path[0].fit.coefficients.scalars.allSatisfy { abs($0) < 0.02 })
        let cv = try MultinomialRegression.crossValidatedPath(
            problem, lambdas: Array(lambdas.prefix(4)), folds: 4, seed: 7)
        #expect(cv.allSatisfy { ($0.cvDevianceMean ?? -1) > 0 && ($0.cvDevianceStd ?? -1) >= 0 })
        #expect(throws: LinalgError.self) {
            try MultinomialRegression.crossValidatedPath(problem, lambdas: [1], folds: 1)
        }
    }
}
