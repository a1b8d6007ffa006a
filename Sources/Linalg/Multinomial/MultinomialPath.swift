#if canImport(Glibc)
import Glibc
#endif

/// One λ of a multinomial regularisation path: the fit on all rows and, with cross-validation, the
/// held-out deviance over the folds.
public struct MultinomialPathPoint: Sendable {
    /// `λ`.
    public var lambda: Double
    /// The fit on all rows, warm-started from the previous (larger) λ.
    public var fit: MultinomialFit
    /// The mean over the folds of the held-out deviance `2 Σ_i w_i (log Σ_c e^{z_ic} − z_{i,y_i})`.
    public var cvDevianceMean: Double?
    /// The sample standard deviation (divisor `K − 1`) of the folds' held-out deviances.
    public var cvDevianceStd: Double?
}

extension MultinomialRegression {
    /// A `λ` at which `B ≈ 0`: with `g = ∇L` at `B = 0` and the intercepts of the class
    /// frequencies, and `s_j` the root mean square of column `j`, `λ_max = max |g_cj| s_j / (2·10⁻²)`
    /// (the binary rule, over every class's coefficients).
    public static func lambdaMax(_ problem: MultinomialProblem) throws(LinalgError) -> Double {
        let d = problem.featureCount, n = problem.sampleCount
        guard d > 0, n > 0 else { return 1 }
        let full = try problem.withLambda(1)  // all K classes, so every class's gradient is seen
        var theta = [Double](repeating: 0, count: full.parameterCount)
        if full.fitIntercept {
            let weights = full.classWeights(), logs = weights.map { log(max($0, .leastNormalMagnitude)) }
            let mean = logs.reduce(0, +) / Double(logs.count)
            for c in 0..<full.classCount { theta[c * full.classWidth + d] = logs[c] - mean }
        }
        let gradient = full.evaluate(theta, .lossAndGradient).gradient
        var largest = 0.0
        for j in 0..<d {
            let scale = ((0..<n).reduce(0) { $0 + problem.x[$1, j] * problem.x[$1, j] } / Double(n)).squareRoot()
            for c in 0..<full.classCount { largest = max(largest, abs(gradient[c * full.classWidth + j]) * scale) }
        }
        return largest > 0 ? largest / 2e-2 : 1
    }

    /// `count` values of `λ` log-spaced from ``lambdaMax(_:)`` down to `λ_max · 10⁻⁴`.
    public static func logSpacedLambdas(_ problem: MultinomialProblem, count: Int) throws(LinalgError) -> [Double] {
        try LogisticRegression.logSpaced(from: try lambdaMax(problem), count: count)
    }

    /// Fits every `λ` of `lambdas` in decreasing order, each from the previous fit's `Θ` (moved to
    /// the `K − 1` parametrization for `λ = 0`: every class's row minus the first's), with the
    /// stopping rule of a cold fit (scaled by `‖∇L(0)‖`).
    public static func path(
        _ problem: MultinomialProblem, lambdas: [Double], options: NewtonOptions = NewtonOptions(),
        solver: MultinomialSolver = .automatic
    ) throws(LinalgError) -> [MultinomialPathPoint] {
        try options.validate()
        for lambda in lambdas where !(lambda.isFinite && lambda >= 0) {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        var points: [MultinomialPathPoint] = []
        var previous: [Double]?
        for lambda in lambdas.sorted(by: >) {
            let current = try problem.withLambda(lambda)
            if solver.resolved(for: current) == .newtonCholesky { try current.checkHessianFitsInMemory() }
            let zero = [Double](repeating: 0, count: current.parameterCount)
            let scale = MultinomialNewton.norm(current.evaluate(zero, .lossAndGradient).gradient)
            let start = previous.map { reparametrized($0, for: current) } ?? zero
            let fit = try fit(current, options: options, solver: solver, start: (start, scale), inference: nil)
            previous = fit.parameters
            points.append(MultinomialPathPoint(lambda: lambda, fit: fit))
        }
        return points
    }

    /// `theta` of `K` modelled classes as `problem`'s parameters: unchanged for `K`, each class's row
    /// minus the first's for `K − 1` (the same probabilities).
    static func reparametrized(_ theta: [Double], for problem: some MultinomialParametrisation) -> [Double] {
        let width = problem.classWidth
        guard theta.count != problem.parameterCount else { return theta }
        return (1..<problem.classCount).flatMap { c in (0..<width).map { theta[c * width + $0] - theta[$0] } }
    }

    /// The path with `K`-fold cross-validation (fold `k`: the rows `i` with `i mod K = k`, after a
    /// seeded shuffle when `seed` is given), each λ scored by the mean held-out deviance.
    public static func crossValidatedPath(
        _ problem: MultinomialProblem, lambdas: [Double], folds: Int, seed: UInt64? = nil,
        options: NewtonOptions = NewtonOptions(), solver: MultinomialSolver = .automatic
    ) throws(LinalgError) -> [MultinomialPathPoint] {
        let assignment = try LogisticRegression.checkedFoldAssignment(
            rows: problem.sampleCount, folds: folds, seed: seed, rowShares: nil)
        var points = try path(problem, lambdas: lambdas, options: options, solver: solver)
        var deviances = [[Double]](repeating: [], count: points.count)
        for fold in 0..<folds {
            let train = problem.subset { assignment[$0] != fold }, test = problem.subset { assignment[$0] == fold }
            for (k, point) in try path(train, lambdas: lambdas, options: options, solver: solver).enumerated() {
                let scored = try test.withLambda(point.lambda)
                let penalty = point.fit.coefficients.scalars.reduce(0) { $0 + $1 * $1 } * point.lambda
                deviances[k].append(2 * (scored.evaluate(point.fit.parameters, .loss).loss - penalty))
            }
        }
        for k in points.indices {
            (points[k].cvDevianceMean, points[k].cvDevianceStd) = LogisticRegression.meanAndStandardDeviation(
                deviances[k])
        }
        return points
    }
}

extension MultinomialProblem {
    /// The rows `i` with `keep(i)` as a problem of their own (a fold; the classes as given, all
    /// `K` kept, so the parametrization is the same).
    func subset(_ keep: (Int) -> Bool) -> MultinomialProblem {
        let rows = (0..<sampleCount).filter(keep), d = featureCount
        var storage = [Double]()
        storage.reserveCapacity(rows.count * d)
        x.withUnsafeBufferPointer { x in for i in rows { storage.append(contentsOf: x[(i * d)..<(i * d + d)]) } }
        return MultinomialProblem(
            checked: Matrix(uncheckedRows: rows.count, columns: d, storage: storage),
            classIndices: rows.map { classIndices[$0] }, classCount: classCount, lambda: lambda,
            sampleWeights: sampleWeights.map { w in rows.map { w[$0] } }, fitIntercept: fitIntercept,
            offsets: offsets.map { o in
                Matrix(uncheckedRows: rows.count, columns: classCount, storage: rows.flatMap { o.row($0) })
            })
    }
}
