@testable import Linalg
import LinalgReference
import Testing

/// Serialized: the parallel passes make OpenBLAS's (process-global) thread count 1 while they
/// run, and two tests check that it is restored afterwards.
@Suite(.serialized) struct LogisticTests {
    @Test(arguments: logisticCases)
    func gradientAndHessianMatchFiniteDifferencesAndReference(_ c: LogisticCase) throws {
        let (problem, reference) = try makeProblem(c)
        var g = Xoshiro256StarStar(seed: 3)
        let beta = (0..<problem.parameterCount).map { _ in g.nextNormal() }
        let loss = try LogisticRegression.loss(beta, problem: problem)
        #expect(abs(loss - reference.loss(beta)) <= 1e-12 * max(1, abs(loss)))

        let gradient = try LogisticRegression.gradient(beta, problem: problem)
        let numericGradient = try FiniteDifferences.gradient(
            of: { try LogisticRegression.loss($0, problem: problem) }, at: beta)
        let gradientCheck = FiniteDifferences.compare(analytic: gradient, numeric: numericGradient)
        #expect(gradientCheck.passes(tolerance: 1e-7), "∇L: \(gradientCheck)")
        #expect(
            FiniteDifferences.compare(analytic: gradient, numeric: reference.gradient(beta)).maxRelativeError <= 1e-12)

        let hessian = try LogisticRegression.hessian(beta, problem: problem)
        let numericHessian = try FiniteDifferences.jacobian(
            of: { try LogisticRegression.gradient($0, problem: problem) }, at: beta)
        let hessianCheck = FiniteDifferences.compare(analytic: hessian.scalars, numeric: numericHessian.scalars)
        #expect(hessianCheck.passes(tolerance: 1e-7), "∇²L: \(hessianCheck)")
        expectClose(hessian, reference.hessian(beta), tolerance: 1e-12)
        #expect(hessian == hessian.transposed())
    }

    @Test(arguments: logisticCases)
    func newtonReachesTheMinimiserQuadratically(_ c: LogisticCase) throws {
        let (problem, reference) = try makeProblem(c)
        let fit = try LogisticRegression.fit(problem)
        #expect(fit.converged && fit.reason == .converged)
        #expect(fit.iterations <= 15)
        let beta = fit.coefficients + (fit.intercept.map { [$0] } ?? [])
        #expect(fit.gradientNorm <= 1e-10 * max(1, fit.trace[0].gradientNorm))
        #expect(abs(fit.loss - (try LogisticRegression.loss(beta, problem: problem))) <= 1e-12 * max(1, fit.loss))
        #expect(throws: Never.self) { try LAPACK.choleskyFactor(LogisticRegression.hessian(beta, problem: problem)) }
        let expected = try reference.newton()
        let check = FiniteDifferences.compare(analytic: beta, numeric: expected.beta)
        #expect(check.maxRelativeError <= 1e-9, "β vs reference: \(check)")
        // Quadratic convergence: once the gradient is small, each step roughly squares it.
        let norms = fit.trace.map(\.gradientNorm)
        if norms.count >= 3, c.n > 1 {
            let k = norms.count - 2
            #expect(norms[k + 1] < norms[k] * 1e-2 || norms[k + 1] <= 1e-10 * max(1, norms[0]))
        }
        #expect(fit.trace.dropFirst().allSatisfy { $0.stepSize > 0 && $0.newtonDecrement >= 0 })
        #expect(zip(fit.trace, fit.trace.dropFirst()).allSatisfy { $1.loss <= $0.loss + 1e-12 * abs($0.loss) })
    }

    @Test func parallelBlockedPassesEqualTheDenseFormulas() throws {
        // Large enough that the rows are split among cores and into several blocks each; d = 37
        // leaves a partial group of four rows and zero-padded columns in the tiled kernel.
        for (d, intercept) in [(40, false), (40, true), (37, false)] {
            let (x, y) = syntheticLogistic(n: 12_000, d: d, seed: 21)
            let problem = try LogisticProblem(x: x, y: y, lambda: 0.7, fitIntercept: intercept)
            var g = Xoshiro256StarStar(seed: 4)
            let beta = (0..<problem.parameterCount).map { _ in 0.2 * g.nextNormal() }
            let hessian = try LogisticRegression.hessian(beta, problem: problem)
            // H = Sᵀ S + 2λI with S = diag(√(p(1 − p))) [X, 1], formed explicitly.
            let columns = problem.parameterCount
            var s = try Matrix<Double>(rows: x.rows, columns: columns)
            var loss = 0.7 * beta.prefix(d).reduce(0) { $0 + $1 * $1 }
            var gradient = beta.enumerated().map { $0.offset < d ? 1.4 * $0.element : 0 }
            for i in 0..<x.rows {
                var z = intercept ? beta[d] : 0
                for j in 0..<d { z += x[i, j] * beta[j] }
                let p = 1 / (1 + Double.exp(-z)), w = (p * (1 - p)).squareRoot()
                for j in 0..<d { s[i, j] = w * x[i, j] }
                if intercept { s[i, d] = w }
                loss += Double.log(1 + Double.exp(z)) - y[i] * z
                for j in 0..<d { gradient[j] += (p - y[i]) * x[i, j] }
                if intercept { gradient[d] += p - y[i] }
            }
            let blockedLoss = try LogisticRegression.loss(beta, problem: problem)
            #expect(abs(blockedLoss - loss) <= 1e-11 * loss)
            let blockedGradient = try LogisticRegression.gradient(beta, problem: problem)
            #expect(FiniteDifferences.compare(analytic: blockedGradient, numeric: gradient).maxRelativeError <= 1e-11)
            var expected = try BLAS.gemm(s, s, transposeA: true)
            for j in 0..<d { expected[j, j] += 1.4 }
            expectClose(hessian, expected, tolerance: 1e-12, "d \(d), intercept \(intercept)")
            // The cores take pieces of rows dynamically, but the partial sums are added in piece
            // order: the same Hessian to the last bit, call after call.
            for _ in 0..<3 { #expect(try LogisticRegression.hessian(beta, problem: problem) == hessian) }
        }
    }

    @Test func callsOnOneProblemFromSeveralThreadsAgree() async throws {
        // Each call takes its own workspace from the problem's pool, and the parallel passes
        // share OpenBLAS's global thread count: it must be back to its value afterwards.
        let threads = OpenBLAS.threadCount
        let (x, y) = syntheticLogistic(n: 20_000, d: 21, seed: 12)  // large enough for two parallel parts
        let problem = try LogisticProblem(x: x, y: y, lambda: 0.3, fitIntercept: true)
        let betas = (0..<8).map { k in (0..<problem.parameterCount).map { 0.05 * Double(($0 + k) % 7) - 0.1 } }
        let expected = try betas.map { try LogisticRegression.hessian($0, problem: problem) }
        let gradients = try betas.map { try LogisticRegression.gradient($0, problem: problem) }
        let results = try await withThrowingTaskGroup(of: (Int, Matrix<Double>, [Double]).self) { group in
            for _ in 0..<4 {
                for (k, beta) in betas.enumerated() {
                    group.addTask {
                        (
                            k, try LogisticRegression.hessian(beta, problem: problem),
                            try LogisticRegression.gradient(beta, problem: problem)
                        )
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4 * betas.count)
        for (k, hessian, gradient) in results {
            // Equal up to rounding: OpenBLAS's gemv may sum in another order for another
            // workspace's alignment.
            expectClose(hessian, expected[k], tolerance: 1e-13, "Hessian \(k) computed concurrently")
            #expect(
                FiniteDifferences.compare(analytic: gradient, numeric: gradients[k]).maxRelativeError <= 1e-13,
                "gradient \(k) computed concurrently")
        }
        #expect(OpenBLAS.threadCount == threads)
    }

    @Test func fitRestoresOpenBLASThreadCount() throws {
        // Large enough for the parallel passes, during which OpenBLAS is kept single-threaded.
        let threads = OpenBLAS.threadCount
        let (x, y) = syntheticLogistic(n: 20_000, d: 12, seed: 13)
        let fit = try LogisticRegression.fit(try LogisticProblem(x: x, y: y, lambda: 0.5))
        #expect(fit.converged)
        #expect(OpenBLAS.threadCount == threads)
    }

    @Test func oneOpenBLASThreadKeepsTheParallelPassesOnOneCore() throws {
        let threads = OpenBLAS.threadCount
        defer { OpenBLAS.threadCount = threads }
        let (x, y) = syntheticLogistic(n: 20_000, d: 21, seed: 14)
        let problem = try LogisticProblem(x: x, y: y, lambda: 0.3)
        let beta = (0..<problem.parameterCount).map { 0.03 * Double($0 % 5) - 0.05 }
        OpenBLAS.threadCount = 1
        #expect(ParallelChunks.blasPassCoreLimit == 1)
        let single = try LogisticRegression.hessian(beta, problem: problem)
        problem.workspaces.withWorkspace(for: problem) { workspace in
            #expect(workspace.parts == 1 && workspace.pieces == 1)
        }
        OpenBLAS.threadCount = 2
        problem.workspaces.withWorkspace(for: problem) { split in
            #expect(split.parts == min(2, ProcessInfoCores.active), "a workspace made for one core is not reused")
        }
        expectClose(
            try LogisticRegression.hessian(beta, problem: problem), single, tolerance: 1e-12,
            "Hessian on one core vs split")
    }

    @Test func wideProblemsUseOneBLASSyrkPass() throws {
        // d > 512: one part, OpenBLAS's own threads, BLAS syrk on zero-padded blocks.
        let (x, y) = syntheticLogistic(n: 700, d: 530, seed: 31, scale: 0.05)
        let problem = try LogisticProblem(x: x, y: y, lambda: 0.3, fitIntercept: true)
        var g = Xoshiro256StarStar(seed: 2)
        let beta = (0..<531).map { _ in 0.01 * g.nextNormal() }
        let hessian = try LogisticRegression.hessian(beta, problem: problem)
        var s = try Matrix<Double>(rows: 700, columns: 531)
        for i in 0..<700 {
            var z = beta[530]
            for j in 0..<530 { z += x[i, j] * beta[j] }
            let p = 1 / (1 + Double.exp(-z)), w = (p * (1 - p)).squareRoot()
            for j in 0..<530 { s[i, j] = w * x[i, j] }
            s[i, 530] = w
        }
        var expected = try BLAS.gemm(s, s, transposeA: true)
        for j in 0..<530 { expected[j, j] += 0.6 }
        expectClose(hessian, expected, tolerance: 1e-12)
    }

    @Test func dampedSolverConvergesFromFarWhereFullNewtonDiverges() throws {
        // Separable 2-d data with a small penalty, started at β₀ = (50, −50).
        let x = try Matrix<Double>([[1, 2], [2, 1], [-1, -2], [-2, -1], [1.5, 1.5], [-1.5, -1.2]])
        let y: [Double] = [1, 1, 0, 0, 1, 0]
        let problem = try LogisticProblem(x: x, y: y, lambda: 1e-3)
        let start = [50.0, -50.0]
        // Undamped full Newton steps from there blow up.
        var beta = start
        for _ in 0..<5 {
            let g = try LogisticRegression.gradient(beta, problem: problem)
            let h = try LogisticRegression.hessian(beta, problem: problem)
            let step = try LAPACK.solveSPD(h, g.map { -$0 })
            beta = zip(beta, step).map { $0 + $1 }
        }
        let fullNewtonLoss = try LogisticRegression.loss(beta, problem: problem)
        let fit = try LogisticRegression.fit(problem, initial: start)
        #expect(fit.converged, "\(fit.reason) after \(fit.iterations)")
        #expect(fit.loss.isFinite && fit.coefficients.allSatisfy(\.isFinite))
        #expect(
            fullNewtonLoss > 10 * fit.loss || !fullNewtonLoss.isFinite,
            "full Newton \(fullNewtonLoss) vs damped \(fit.loss)")
        #expect(fit.trace.contains { $0.stepSize < 1 }, "the line search must have shortened a step")
    }

    @Test func unpenalisedSeparableDataAreReportedNotLoopedOn() throws {
        let x = try Matrix<Double>([[1, 2], [2, 1], [-1, -2], [-2, -1]])
        let fit = try LogisticRegression.fit(LogisticProblem(x: x, y: [1, 1, 0, 0], lambda: 0))
        #expect(!fit.converged && fit.reason == .separable)
        #expect(fit.loss.isFinite && fit.coefficients.allSatisfy(\.isFinite))
        #expect(fit.iterations < 100)
    }

    @Test func duplicatedColumnWithoutPenaltyUsesDamping() throws {
        let (x0, y) = syntheticLogistic(n: 200, d: 3, seed: 8, scale: 0.3)
        let x = try Matrix<Double>(x0.rowArrays.map { $0 + [$0[0]] })  // column 3 = column 0
        let fit = try LogisticRegression.fit(LogisticProblem(x: x, y: y, lambda: 0))
        #expect(fit.trace.contains { $0.damping > 0 }, "collinear columns make ∇²L singular")
        #expect(fit.loss.isFinite && fit.coefficients.allSatisfy(\.isFinite))
        // Only β₀ + β₃ is identified; it must match the fit without the duplicate.
        let plain = try LogisticRegression.fit(LogisticProblem(x: x0, y: y, lambda: 0))
        #expect(abs(fit.coefficients[0] + fit.coefficients[3] - plain.coefficients[0]) < 1e-6)
        #expect(abs(fit.loss - plain.loss) < 1e-9 * plain.loss)
    }

    /// Scaling `X` by `s` scales the minimiser by `1/s` (λ = 0): the stopping rule and the damping
    /// are relative to the data's own scale, so the fit finds it for any `s` whose squares are
    /// doubles, and names the feature otherwise.
    @Test(arguments: [1e-140, 1e-100, 1e-20, 1e20, 1e100, 1e150])
    func scaledFeaturesGiveTheScaledMinimiser(_ scale: Double) throws {
        let (x, y) = syntheticLogistic(n: 300, d: 4, seed: 12)
        let unscaled = try LogisticRegression.fit(try LogisticProblem(x: x, y: y, lambda: 0, fitIntercept: true))
        var scaled = x
        for i in 0..<x.rows { for j in 0..<x.columns { scaled[i, j] *= scale } }
        let fit = try LogisticRegression.fit(try LogisticProblem(x: scaled, y: y, lambda: 0, fitIntercept: true))
        #expect(fit.converged, "s = \(scale): \(fit.reason)")
        #expect(fit.iterations == unscaled.iterations || abs(fit.iterations - unscaled.iterations) <= 1)
        let expected = unscaled.coefficients.map { $0 / scale } + [unscaled.intercept!]
        let check = FiniteDifferences.compare(analytic: fit.parameters, numeric: expected)
        #expect(check.maxRelativeError <= 1e-9, "s = \(scale): \(check)")
    }

    @Test func featuresTooSmallOrLargeForTheirSquaresAreNamed() throws {
        let (x, y) = syntheticLogistic(n: 50, d: 3, seed: 13)
        for scale in [1e-300, 1e300] {
            var scaled = x
            for i in 0..<x.rows { scaled[i, 1] *= scale }
            let problem = try LogisticProblem(x: scaled, y: y, lambda: 0)
            let error = #expect(throws: LinalgError.self) { try LogisticRegression.fit(problem) }
            #expect(error?.description.contains("feature 2") == true, "\(String(describing: error))")
        }
        // With λ > 0 the penalty carries the curvature: tiny features give tiny, finite coefficients.
        var tiny = x
        for i in 0..<x.rows { tiny[i, 1] *= 1e-300 }
        let fit = try LogisticRegression.fit(try LogisticProblem(x: tiny, y: y, lambda: 1))
        #expect(fit.converged && abs(fit.coefficients[1]) < 1e-290)
    }

    @Test func extremeLogitsStayFinite() throws {
        let x = try Matrix<Double>([[1e3], [-1e3], [5e3], [-1e5], [1e300]])
        let y: [Double] = [0, 1, 1, 0, 0]
        let problem = try LogisticProblem(x: x, y: y, lambda: 1)
        for beta in [[1.0], [-1.0], [1e3]] {
            let loss = try LogisticRegression.loss(beta, problem: problem)
            let gradient = try LogisticRegression.gradient(beta, problem: problem)
            let hessian = try LogisticRegression.hessian(beta, problem: problem)
            #expect(
                loss.isFinite && gradient.allSatisfy(\.isFinite) && hessian.scalars.allSatisfy(\.isFinite),
                "β = \(beta): L = \(loss), ∇L = \(gradient), H = \(hessian)")
        }
        // log(1 + e^1000) − 0 = 1000 exactly in double precision for the first sample.
        let single = try LogisticRegression.loss([1], x: Matrix([[1000]]), y: [0], lambda: 0)
        #expect(single == 1000)
    }

    @Test func badInputIsATypedErrorNamingTheRow() throws {
        let x = try Matrix<Double>([[1, 2], [3, 4]])
        #expect(throws: LinalgError.self) { try LogisticProblem(x: x, y: [1], lambda: 1) }
        let label = #expect(throws: LinalgError.self) { try LogisticProblem(x: x, y: [1, 0.5], lambda: 1) }
        #expect(label?.description.contains("row 1") == true)
        #expect(throws: LinalgError.nonFinite(what: "X", row: 1, column: 0)) {
            try LogisticProblem(x: Matrix([[1, 2], [.nan, 4]]), y: [1, 0], lambda: 1)
        }
        #expect(throws: LinalgError.self) { try LogisticProblem(x: x, y: [1, 0], lambda: -1) }
        let weight = #expect(throws: LinalgError.self) {
            try LogisticProblem(x: x, y: [1, 0], lambda: 1, sampleWeights: [1, -2])
        }
        #expect(weight?.description.contains("row 1") == true)
        let problem = try LogisticProblem(x: x, y: [1, 0], lambda: 1)
        #expect(throws: LinalgError.self) { try LogisticRegression.loss([1, 2, 3], problem: problem) }
    }

    @Test func zeroWeightSamplesAreIgnored() throws {
        let (x, y) = syntheticLogistic(n: 40, d: 3, seed: 2)
        let weights = (0..<40).map { $0 < 30 ? 1.0 : 0.0 }
        let weighted = try LogisticRegression.fit(LogisticProblem(x: x, y: y, lambda: 0.5, sampleWeights: weights))
        let truncated = try LogisticRegression.fit(
            LogisticProblem(x: Matrix(x.rowArrays.prefix(30).map { $0 }), y: Array(y.prefix(30)), lambda: 0.5))
        #expect(
            FiniteDifferences.compare(analytic: weighted.coefficients, numeric: truncated.coefficients).maxRelativeError
                < 1e-9)
    }
}
