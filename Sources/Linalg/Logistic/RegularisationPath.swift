#if canImport(Glibc)
import Glibc
#endif

/// One λ of a regularisation path: the fit on all rows and, with cross-validation, the held-out
/// deviance over the folds.
public struct LogisticPathPoint: Sendable {
    /// `λ`.
    public var lambda: Double
    /// The fit on all rows, warm-started from the previous (larger) λ.
    public var fit: LogisticFit
    /// The mean over the folds of the held-out deviance, or `nil` without cross-validation.
    public var cvDevianceMean: Double?
    /// The sample standard deviation (divisor `K − 1`) of the folds' held-out deviances.
    public var cvDevianceStd: Double?
}

extension LogisticRegression {
    // MARK: λ_max, the path, K-fold deviance

    /// A `λ` at which `β ≈ 0`: with `g = ∇L` at `β = 0` (and the null model's intercept, when one is
    /// fitted) and `s_j` the root mean square of column `j`, `λ_max = max_j |g_j| s_j / (2·10⁻²)`.
    /// For `λ ≥ λ_max` the minimiser satisfies `|β_j| s_j ≲ |g_j| s_j / (2λ) ≤ 10⁻²`: no feature moves
    /// a logit by more than about `10⁻²` per typical value. (L2 never makes `β` exactly 0.)
    public static func lambdaMax(_ problem: LogisticProblem) throws(LinalgError) -> Double {
        let d = problem.featureCount, n = problem.sampleCount
        guard d > 0, n > 0 else { return 1 }
        var start = [Double](repeating: 0, count: problem.parameterCount)
        if problem.fitIntercept { start[d] = problem.nullIntercept() ?? 0 }
        let gradient = try LogisticRegression.gradient(start, problem: try problem.withLambda(0))
        var squares = [Double](repeating: 0, count: d + 1)
        for j in 0..<d {
            for i in 0..<n { squares[j] += problem.x[i, j] * problem.x[i, j] }
        }
        squares[d] = Double(n)
        squares = problem.sumOverShares(squares)
        var largest = 0.0
        for j in 0..<d { largest = max(largest, abs(gradient[j]) * (squares[j] / squares[d]).squareRoot()) }
        return largest > 0 ? largest / 2e-2 : 1
    }

    /// `count` values of `λ` spaced evenly in `log λ` from `λ_max` (``lambdaMax(_:)``) down to
    /// `λ_max · 10⁻⁴`.
    public static func logSpacedLambdas(_ problem: LogisticProblem, count: Int) throws(LinalgError) -> [Double] {
        try logSpaced(from: try lambdaMax(problem), count: count)
    }

    /// `count` values spaced evenly in `log λ` from `top` down to `top · 10⁻⁴`.
    static func logSpaced(from top: Double, count: Int) throws(LinalgError) -> [Double] {
        guard count >= 1 else { throw .invalidValue(what: "path length", detail: "must be ≥ 1, got \(count)") }
        if count == 1 { return [top] }
        return (0..<count).map { top * pow(10, -4 * Double($0) / Double(count - 1)) }
    }

    /// The mean and the sample standard deviation (divisor `K − 1`) of the folds' deviances.
    static func meanAndStandardDeviation(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }

    /// Fits every `λ` of `lambdas` in decreasing order, each warm-started from the previous
    /// minimiser (the first from `β = 0`) and stopped by the rule of a cold fit at its λ
    /// (`‖∇L‖ ≤ tol · max(‖∇L(0)‖, g_unit)`); the fits are returned in that order.
    ///
    /// The warm start costs no pass over `X`: the previous fit's `L`, `∇L` and `∇²L` at its
    /// minimiser `θ(λ)` become those of the new λ by adding the penalty's change, so the first
    /// Newton step is the predictor `θ(λ') ≈ θ(λ) − (H + 2δI)⁻¹ 2δβ`, `δ = λ' − λ` (differentiating
    /// `∇L(θ(λ)) = 0` in λ gives `H dθ/dλ = −2β`).
    public static func path(
        _ problem: LogisticProblem, lambdas: [Double], options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> [LogisticPathPoint] {
        try options.validate()
        try problem.checkHessianFitsInMemory()
        for lambda in lambdas where !(lambda.isFinite && lambda >= 0) {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        let scale = try coldGradientNorm(problem)
        return try onOneWorkspace(problem) { workspace throws(LinalgError) in
            var points: [LogisticPathPoint] = []
            var previous: (lambda: Double, fit: LogisticFit)? = nil
            for lambda in lambdas.sorted(by: >) {
                // From the previous fit's state, shifted to the new λ (its logits are still in the
                // workspace), or from its β when that state is not at hand.
                var start = NewtonSolver.Start.point(
                    previous?.fit.parameters ?? [Double](repeating: 0, count: problem.parameterCount))
                if let previous, let state = previous.fit.finalState {
                    start = .state(state.shifted(by: lambda - previous.lambda, featureCount: problem.featureCount))
                }
                let fit = try solve(
                    try problem.withLambda(lambda), options: options, start: start, inference: nil,
                    gradientScale: scale, workspace: workspace)
                previous = (lambda, fit)
                points.append(LogisticPathPoint(lambda: lambda, fit: fit))
            }
            return points
        }
    }

    /// The path with `K`-fold cross-validation: fold `k` holds the rows `i` with `i mod K = k`
    /// (after a seeded shuffle of the rows when `seed` is given); for each fold the path is fitted
    /// on the other rows (warm-started along `λ`) and scored by the held-out deviance
    /// `−2 Σ_{i ∈ fold} w_i [y_i z_i − log(1 + e^{z_i})]`. Each point carries the fit on all rows,
    /// and the mean and standard deviation of the `K` held-out deviances. One process only: a problem
    /// with row shares throws.
    public static func crossValidatedPath(
        _ problem: LogisticProblem, lambdas: [Double], folds: Int, seed: UInt64? = nil,
        options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> [LogisticPathPoint] {
        let sorted = lambdas.sorted(by: >)
        let assignment = try checkedFoldAssignment(
            rows: problem.sampleCount, folds: folds, seed: seed, rowShares: problem.rowShares)
        var points = try path(problem, lambdas: sorted, options: options)
        var deviances = [[Double]](repeating: [], count: sorted.count)
        for fold in 0..<folds {
            let (train, test) = try split(problem, assignment: assignment, fold: fold)
            let fits = try path(train, lambdas: sorted, options: options)
            for (k, point) in fits.enumerated() {
                deviances[k].append(try heldOutDeviance(test, parameters: point.fit.parameters))
            }
        }
        for k in points.indices {
            (points[k].cvDevianceMean, points[k].cvDevianceStd) = meanAndStandardDeviation(deviances[k])
        }
        return points
    }

    /// `‖∇L(0)‖`, the same for every λ (the penalty's gradient `2λβ` vanishes at 0): the scale of
    /// the stopping rule of a cold fit, given to the warm-started fits of a path.
    static func coldGradientNorm(_ problem: LogisticProblem) throws(LinalgError) -> Double {
        BLAS.nrm2(try gradient([Double](repeating: 0, count: problem.parameterCount), problem: problem))
    }

    /// ``foldAssignment(rows:folds:seed:)`` after the checks every cross-validation makes: throws
    /// unless `2 ≤ K ≤ n`, and for rows split across processes (a fold would cut across the shares).
    static func checkedFoldAssignment(
        rows n: Int, folds: Int, seed: UInt64?, rowShares: (any RowShareReduction)?
    ) throws(LinalgError) -> [Int] {
        guard rowShares == nil else {
            throw .invalidValue(
                what: "cross-validation", detail: "is fitted in one process, not on rows split across processes")
        }
        guard folds >= 2, folds <= n else {
            throw .invalidValue(what: "folds", detail: "need 2 ≤ K ≤ n = \(n) for cross-validation, got \(folds)")
        }
        return foldAssignment(rows: n, folds: folds, seed: seed)
    }

    /// The fold of every row: `position mod K`, where a row's position is its index, or its place
    /// in a Fisher–Yates shuffle by the package's seeded generator.
    static func foldAssignment(rows n: Int, folds: Int, seed: UInt64?) -> [Int] {
        var order = Array(0..<n)
        if let seed {
            var generator = Xoshiro256StarStar(seed: seed)
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int.random(in: 0...i, using: &generator))
            }
        }
        var fold = [Int](repeating: 0, count: n)
        for (position, row) in order.enumerated() { fold[row] = position % folds }
        return fold
    }

    /// The rows outside `fold` as a training problem and those inside as a test problem (copies of
    /// the rows: the folds' passes then read contiguous memory).
    static func split(
        _ problem: LogisticProblem, assignment: [Int], fold: Int
    ) throws(LinalgError) -> (train: LogisticProblem, test: LogisticProblem) {
        func subset(_ keep: (Int) -> Bool) -> LogisticProblem {
            let rows = (0..<problem.sampleCount).filter { keep(assignment[$0]) }
            let d = problem.featureCount
            var storage = [Double]()
            storage.reserveCapacity(rows.count * d)
            problem.x.withUnsafeBufferPointer { x in
                for i in rows { storage.append(contentsOf: x[(i * d)..<(i * d + d)]) }
            }
            return LogisticProblem(
                checked: Matrix(uncheckedRows: rows.count, columns: d, storage: storage), y: rows.map { problem.y[$0] },
                lambda: problem.lambda, sampleWeights: problem.sampleWeights.map { w in rows.map { w[$0] } },
                fitIntercept: problem.fitIntercept, offsets: problem.offsets.map { o in rows.map { o[$0] } })
        }
        try problem.checkRowCopyFitsInMemory()
        return (subset { $0 != fold }, subset { $0 == fold })
    }

    /// `−2 Σ w_i [y_i z_i − log(1 + e^{z_i})]` of `problem`'s rows at `β` (no penalty).
    static func heldOutDeviance(_ problem: LogisticProblem, parameters: [Double]) throws(LinalgError) -> Double {
        2 * (try LogisticRegression.loss(parameters, problem: try problem.withLambda(0)))
    }
}

extension LogisticProblem {
    /// Throws when a copy of `X` (the folds of cross-validation) would not fit in the memory limit.
    func checkRowCopyFitsInMemory() throws(LinalgError) {
        let (bytes, overflow) = x.rows.multipliedReportingOverflow(by: x.columns * MemoryLayout<Double>.stride)
        guard overflow || bytes > SystemMemory.limit / 2 else { return }
        throw .invalidValue(
            what: "cross-validation",
            detail: "the folds need a copy of X (\(overflow ? "more than 2^63 bytes" : SystemMemory.formatted(bytes))) "
                + "beside it; " + SystemMemory.limitText)
    }
}

/// A point of a regularisation path: its λ and, with cross-validation, the mean held-out deviance.
public protocol RegularisationPathPoint {
    /// `λ`.
    var lambda: Double { get }
    /// The mean over the folds of the held-out deviance, or `nil` without cross-validation.
    var cvDevianceMean: Double? { get }
}

extension LogisticPathPoint: RegularisationPathPoint {}
extension MultinomialPathPoint: RegularisationPathPoint {}
