import LinalgKernels

#if canImport(Glibc)
import Glibc
#endif

extension SparseLogisticRegression {
    // MARK: λ_max, the path and K-fold deviance on CSR, by warm-started truncated Newton

    /// The objective of `problem` at its own λ, products by the CSR kernels.
    static func objective<Scalar>(
        _ problem: SparseLogisticProblem<Scalar>
    ) -> LogisticProducts<SparseProducts<Scalar>> {
        LogisticProducts(
            design: SparseProducts(problem.x), labels: problem.y, weights: problem.sampleWeights,
            offsets: problem.offsets, lambda: problem.lambda, fitIntercept: problem.fitIntercept,
            rowShares: problem.rowShares)
    }

    /// The start `β = 0` (and the null model's intercept `log(Σ w y / Σ w (1 − y))` when fitted).
    static func nullStart<Scalar>(_ problem: SparseLogisticProblem<Scalar>) -> [Double] {
        var start = [Double](repeating: 0, count: problem.parameterCount)
        guard problem.fitIntercept else { return start }
        var sums = [0.0, 0.0]
        for i in 0..<problem.sampleCount {
            let w = problem.sampleWeights?[i] ?? 1
            sums[0] += w * problem.y[i]
            sums[1] += w
        }
        problem.rowShares?.sum(&sums)
        let (positive, total) = (sums[0], sums[1])
        if positive > 0, positive < total { start[problem.featureCount] = log(positive / (total - positive)) }
        return start
    }

    /// ``LogisticRegression/lambdaMax(_:)`` of a sparse problem: `max_j |g_j| s_j / (2·10⁻²)` with `g` the
    /// gradient at the null start and `s_j` the root mean square of column `j` (from its non-zeros).
    public static func lambdaMax<Scalar>(_ problem: SparseLogisticProblem<Scalar>) -> Double {
        let d = problem.featureCount
        guard d > 0 else { return 1 }
        let gradient = objective(problem.withLambda(0)).gradient(at: nullStart(problem))
        // Σ_i x_ij² per column, then n, summed over the row shares.
        var squares = [Double](repeating: 0, count: d + 1)
        for k in problem.x.values.indices {
            let v = Double(problem.x.values[k])
            squares[Int(problem.x.columnIndices[k])] += v * v
        }
        squares[d] = Double(problem.sampleCount)
        problem.rowShares?.sum(&squares)
        let n = squares[d]
        guard n > 0 else { return 1 }
        var largest = 0.0
        for j in 0..<d { largest = max(largest, abs(gradient[j]) * (squares[j] / Double(n)).squareRoot()) }
        return largest > 0 ? largest / 2e-2 : 1
    }

    /// `count` values of `λ` log-spaced from ``lambdaMax(_:)`` down to `λ_max · 10⁻⁴`.
    public static func logSpacedLambdas<Scalar>(
        _ problem: SparseLogisticProblem<Scalar>, count: Int
    ) throws(LinalgError) -> [Double] {
        try LogisticRegression.logSpaced(from: lambdaMax(problem), count: count)
    }

    /// Fits every λ of `lambdas` in decreasing order by truncated Newton, each started from the previous
    /// minimiser (the first from the null start) and stopped by the rule of a cold fit at its λ
    /// (`‖∇L‖ ≤ tol · max(‖∇L(0)‖, g_unit)`, `‖∇L(0)‖` the same for every λ).
    public static func path<Scalar>(
        _ problem: SparseLogisticProblem<Scalar>, lambdas: [Double], options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> [LogisticPathPoint] {
        try options.validate()
        for lambda in lambdas where !(lambda.isFinite && lambda >= 0) {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        let zero = [Double](repeating: 0, count: problem.parameterCount)
        let scale = euclideanNorm(objective(problem).gradient(at: zero))
        var points: [LogisticPathPoint] = []
        var start = nullStart(problem)
        for lambda in lambdas.sorted(by: >) {
            let fit = result(of: objective(problem.withLambda(lambda)), options: options, start: start, scale: scale)
            start = fit.parameters
            points.append(LogisticPathPoint(lambda: lambda, fit: fit))
        }
        return points
    }

    /// The path with `K`-fold cross-validation, folds as
    /// ``LogisticRegression/crossValidatedPath(_:lambdas:folds:seed:options:)`` assigns them (row `i` in
    /// fold `i mod K`, after a seeded shuffle when `seed` is given), each fold's rows copied out of the
    /// CSR arrays, scored by the held-out deviance `−2 Σ w_i [y_i z_i − log(1 + e^{z_i})]`. One process
    /// only: a problem with row shares throws.
    public static func crossValidatedPath<Scalar>(
        _ problem: SparseLogisticProblem<Scalar>, lambdas: [Double], folds: Int, seed: UInt64? = nil,
        options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> [LogisticPathPoint] {
        let sorted = lambdas.sorted(by: >)
        let assignment = try LogisticRegression.checkedFoldAssignment(
            rows: problem.sampleCount, folds: folds, seed: seed, rowShares: problem.rowShares)
        var points = try path(problem, lambdas: sorted, options: options)
        var deviances = [[Double]](repeating: [], count: sorted.count)
        for fold in 0..<folds {
            let train = subset(problem, rows: (0..<problem.sampleCount).filter { assignment[$0] != fold })
            let test = subset(problem, rows: (0..<problem.sampleCount).filter { assignment[$0] == fold })
            for (k, point) in try path(train, lambdas: sorted, options: options).enumerated() {
                deviances[k].append(2 * objective(test.withLambda(0)).evaluate(point.fit.parameters))
            }
        }
        for k in points.indices {
            (points[k].cvDevianceMean, points[k].cvDevianceStd) =
                LogisticRegression.meanAndStandardDeviation(deviances[k])
        }
        return points
    }

    /// The rows `rows` of `problem` as a problem of their own.
    static func subset<Scalar>(_ problem: SparseLogisticProblem<Scalar>, rows: [Int]) -> SparseLogisticProblem<Scalar> {
        SparseLogisticProblem(
            checked: problem.x.rows(rows), y: rows.map { problem.y[$0] }, lambda: problem.lambda,
            sampleWeights: problem.sampleWeights.map { w in rows.map { w[$0] } }, fitIntercept: problem.fitIntercept,
            offsets: problem.offsets.map { o in rows.map { o[$0] } })
    }
}
