#if canImport(Glibc)
import Glibc
#endif

/// Multinomial logistic regression on CSR by trust-region truncated Newton (``TrustRegionNewton``
/// with exact Hessian-vector products, ``SparseMultinomialProducts``): the minimiser of
/// ``MultinomialProblem``'s objective without forming a dense `X` or the `m d̃ × m d̃` Hessian.
public enum SparseMultinomialRegression {
    /// Fits `problem` from `Θ = 0`; with `λ > 0` the intercepts, defined up to a common constant, are
    /// returned centred (summing to 0), as the dense solvers return them.
    ///
    /// With `start`, the solver starts at its `theta` (laid out as ``MultinomialFit/parameters``) and
    /// its stopping rule is scaled by `scale` (a path's warm starts keep a cold fit's rule).
    public static func fit(
        _ problem: SparseMultinomialProblem, options: NewtonOptions = NewtonOptions(),
        start: (theta: [Double], scale: Double)? = nil
    ) throws(LinalgError) -> MultinomialFit {
        try options.validate()
        if problem.rowShares != nil { try problem.checkClassWeights() }
        if let start, start.theta.count != problem.parameterCount || !start.theta.allSatisfy(\.isFinite) {
            throw .shapeMismatch(
                operation: "SparseMultinomialRegression.fit",
                detail: "the start has \(start.theta.count) entries, need \(problem.parameterCount) finite ones")
        }
        var solver = TrustRegionNewton(
            objective: SparseMultinomialProducts(problem), options: options, start: start?.theta, scale: start?.scale)
        let reason = solver.run()
        let m = problem.modelledClassCount, d = problem.featureCount, width = problem.classWidth
        var theta = solver.theta
        if problem.fitIntercept && problem.lambda > 0 {
            let mean = (0..<m).reduce(0) { $0 + theta[$1 * width + d] } / Double(m)
            for c in 0..<m { theta[c * width + d] -= mean }
        }
        var coefficients = Matrix<Double>(uncheckedRows: m, columns: d)
        for c in 0..<m { for j in 0..<d { coefficients[c, j] = theta[c * width + j] } }
        var fit = MultinomialFit(
            classCount: problem.classCount,
            modelledClasses: (0..<m).map(problem.modelledClass), coefficients: coefficients,
            intercepts: problem.fitIntercept ? (0..<m).map { theta[$0 * width + d] } : nil, loss: solver.loss,
            gradientNorm: euclideanNorm(solver.gradient), iterations: solver.iteration,
            converged: reason == .converged, reason: reason, trace: solver.trace, parameters: theta)
        fit.hessianVectorProducts = solver.productCount
        return fit
    }
}

extension SparseMultinomialRegression {
    // MARK: λ_max, the path and K-fold deviance on CSR (as MultinomialRegression's)

    /// ``MultinomialRegression/lambdaMax(_:)`` of a sparse problem: `max |g_cj| s_j / (2·10⁻²)` with
    /// `g` the gradient at `B = 0` and the intercepts of the class frequencies, over all `K` classes.
    public static func lambdaMax(_ problem: SparseMultinomialProblem) -> Double {
        let d = problem.featureCount
        guard d > 0 else { return 1 }
        let full = problem.withLambda(1)
        var theta = [Double](repeating: 0, count: full.parameterCount)
        if full.fitIntercept {
            let logs = full.classWeights().map { log(max($0, .leastNormalMagnitude)) }
            let mean = logs.reduce(0, +) / Double(logs.count)
            for c in 0..<full.classCount { theta[c * full.classWidth + d] = logs[c] - mean }
        }
        let products = SparseMultinomialProducts(full)
        _ = products.evaluate(theta)
        let gradient = products.gradientAndDiagonal(theta).gradient
        // Σ_i x_ij² per column, then n, over all shares.
        var squares = [Double](repeating: 0, count: d + 1)
        for k in problem.x.values.indices {
            squares[Int(problem.x.columnIndices[k])] += problem.x.values[k] * problem.x.values[k]
        }
        squares[d] = Double(problem.sampleCount)
        problem.rowShares?.sum(&squares)
        let n = squares[d]
        guard n > 0 else { return 1 }
        var largest = 0.0
        for j in 0..<d {
            let scale = (squares[j] / Double(n)).squareRoot()
            for c in 0..<full.classCount { largest = max(largest, abs(gradient[c * full.classWidth + j]) * scale) }
        }
        return largest > 0 ? largest / 2e-2 : 1
    }

    /// `count` values of `λ` log-spaced from ``lambdaMax(_:)`` down to `λ_max · 10⁻⁴`.
    public static func logSpacedLambdas(_ problem: SparseMultinomialProblem, count: Int) throws(LinalgError) -> [Double]
    {
        try LogisticRegression.logSpaced(from: lambdaMax(problem), count: count)
    }

    /// Fits every λ in decreasing order, each from the previous fit's `Θ` (moved to the `K − 1`
    /// parametrisation for `λ = 0`), with the stopping rule of a cold fit.
    public static func path(
        _ problem: SparseMultinomialProblem, lambdas: [Double], options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> [MultinomialPathPoint] {
        for lambda in lambdas where !(lambda.isFinite && lambda >= 0) {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        var points: [MultinomialPathPoint] = []
        var previous: [Double]?
        for lambda in lambdas.sorted(by: >) {
            let current = problem.withLambda(lambda)
            let zero = [Double](repeating: 0, count: current.parameterCount)
            let products = SparseMultinomialProducts(current)
            _ = products.evaluate(zero)
            let scale = euclideanNorm(products.gradientAndDiagonal(zero).gradient)
            let start = previous.map { MultinomialRegression.reparametrized($0, for: current) } ?? zero
            let fit = try fit(current, options: options, start: (start, scale))
            previous = fit.parameters
            points.append(MultinomialPathPoint(lambda: lambda, fit: fit))
        }
        return points
    }

    /// The path with `K`-fold cross-validation, folds as the dense path assigns them, each λ scored by
    /// the mean held-out deviance `2 Σ_i w_i (log Σ_c e^{z_ic} − z_{i,y_i})`.
    public static func crossValidatedPath(
        _ problem: SparseMultinomialProblem, lambdas: [Double], folds: Int, seed: UInt64? = nil,
        options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> [MultinomialPathPoint] {
        let assignment = try LogisticRegression.checkedFoldAssignment(
            rows: problem.sampleCount, folds: folds, seed: seed, rowShares: problem.rowShares)
        var points = try path(problem, lambdas: lambdas, options: options)
        var deviances = [[Double]](repeating: [], count: points.count)
        for fold in 0..<folds {
            let train = problem.subset(rows: (0..<problem.sampleCount).filter { assignment[$0] != fold })
            let test = problem.subset(rows: (0..<problem.sampleCount).filter { assignment[$0] == fold })
            for (k, point) in try path(train, lambdas: lambdas, options: options).enumerated() {
                let loss = SparseMultinomialProducts(test.withLambda(point.lambda)).evaluate(point.fit.parameters)
                let penalty = point.fit.coefficients.scalars.reduce(0) { $0 + $1 * $1 } * point.lambda
                deviances[k].append(2 * (loss - penalty))
            }
        }
        for k in points.indices {
            (points[k].cvDevianceMean, points[k].cvDevianceStd) = LogisticRegression.meanAndStandardDeviation(
                deviances[k])
        }
        return points
    }
}
