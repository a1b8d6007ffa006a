#if canImport(Glibc)
import Glibc
#endif

extension LogisticRegression {
    /// Inference at the fit's `β̂`: one pass over `X` for `L` and the residuals, one for `H(β̂)`
    /// (and one more for the HC0 "meat"), then `O(p³)` work on `H`. Use
    /// ``fit(_:options:initial:inference:)`` to have it computed at the end of the fit, which
    /// saves the first pass.
    public static func inference(
        for fit: LogisticFit, problem: LogisticProblem, options: InferenceOptions = InferenceOptions()
    ) throws(LinalgError) -> LogisticInference {
        try options.validate()
        try problem.checkHessianFitsInMemory()
        let beta = fit.parameters
        try problem.validate(parameters: beta)
        return try problem.workspaces.withWorkspace(for: problem) { workspace throws(LinalgError) in
            var gradient = [Double](repeating: 0, count: problem.parameterCount)
            let loss = NewtonSolver.lossAndGradient(problem, workspace, beta, gradientInto: &gradient)
            let calculation = InferenceCalculation(
                problem: problem, workspace: workspace, beta: beta, loss: loss,
                lastDamping: fit.trace.last?.damping ?? 0, reason: fit.reason, options: options)
            return try calculation.run()
        }
    }
}

/// The statistics of ``LogisticInference`` from a workspace that holds the logits `z` and the
/// residuals `r = w ∘ (σ(z) − y)` of `β̂` (left there by the last loss-and-gradient pass).
struct InferenceCalculation {
    let problem: LogisticProblem
    let workspace: LogisticWorkspace
    let beta: [Double]
    /// `L(β̂)`, penalty included.
    let loss: Double
    /// `μ` of the solver's last step: positive when the Hessian needed damping to be factorised.
    let lastDamping: Double
    let reason: NewtonStopReason
    let options: InferenceOptions
    /// `H(β̂)` when the solver's last evaluation computed it (else one pass computes it here).
    var hessian: Matrix<Double>? = nil

    /// Below this reciprocal condition number (of the Hessian scaled to a unit diagonal) the
    /// covariance is reported as not defined.
    static let singularityThreshold = 1e-12

    func run() throws(LinalgError) -> LogisticInference {
        let p = problem.parameterCount
        var hessian = self.hessian ?? Matrix<Double>(uncheckedRows: p, columns: p)
        if self.hessian == nil {
            hessian.withUnsafeMutableBufferPointer { h in
                problem.hessian(logits: .inWorkspace, workspace: workspace, into: h)
            }
        }
        if let (i, j) = hessian.firstNonFinite {
            throw .invalidValue(
                what: "Hessian",
                detail: "entry (\(i + 1), \(j + 1)) at the fitted β is not finite; rescale the features")
        }
        var diagnostics: [LogisticDiagnostic] = []
        if reason == .separable {
            diagnostics.append(.completeSeparation)
        } else if problem.lambda == 0, case let rows = saturatedRowCount(), rows > 0 {
            diagnostics.append(.quasiCompleteSeparation(rows: rows))
        }
        if reason != .converged && reason != .separable { diagnostics.append(.notConverged(reason)) }

        let (covariance, reciprocal, singular) = try Self.covariance(
            of: hessian, damped: lastDamping > 0, robust: options.robust, sandwich: sandwich)
        if let singular { diagnostics.append(singular) }

        var inference = LogisticInference(
            options: options, logLikelihood: -(loss - problem.lambda * penalty), nullLogLikelihood: nullLogLikelihood(),
            parameterCount: p, sampleSize: problem.totalWeight, reciprocalCondition: reciprocal,
            diagnostics: diagnostics)
        if let covariance { inference.setWaldStatistics(beta: beta, covariance: covariance) }
        return inference
    }

    /// The covariance `H⁻¹`, or with `robust` `sandwich(H⁻¹)`, when `H` is positive definite, was
    /// not damped in the last step and its scaled reciprocal condition is at least
    /// ``singularityThreshold``; else `nil` and the singular-Hessian diagnostic naming the dependent
    /// parameters. Also LAPACK's reciprocal condition of `H` (0 when not positive definite).
    static func covariance(
        of hessian: Matrix<Double>, damped: Bool, robust: Bool,
        sandwich: (Matrix<Double>) throws(LinalgError) -> Matrix<Double>
    ) throws(LinalgError) -> (Matrix<Double>?, Double, LogisticDiagnostic?) {
        let factor = try? LAPACK.choleskyFactor(hessian)
        let reciprocal = try factor.map { l throws(LinalgError) in
            try LAPACK.reciprocalCondition(of: hessian, factor: l)
        }
        if let factor, !damped, try scaledReciprocalCondition(hessian) >= singularityThreshold {
            let inverse = try LAPACK.inverseFromCholesky(factor: factor)
            return (robust ? try sandwich(inverse) : inverse, reciprocal ?? 0, nil)
        }
        let parameters = try dependentParameters(hessian)
        return (nil, reciprocal ?? 0, .singularHessian(parameters: parameters, reciprocalCondition: reciprocal ?? 0))
    }

    /// `Σ_{j<d} β_j²`.
    var penalty: Double { beta.prefix(problem.featureCount).reduce(0) { $0 + $1 * $1 } }

    /// `H⁻¹ M H⁻¹` with the meat `M = Σ w_i² (p_i − y_i)² x̃_i x̃_iᵀ` (one Gram pass over `X`),
    /// exactly symmetric: the two GEMMs round the two triangles differently (by how much depends
    /// on the BLAS kernel), so the lower triangle is mirrored onto the upper one.
    func sandwich(_ inverse: Matrix<Double>) -> Matrix<Double> {
        let p = problem.parameterCount
        var meat = Matrix<Double>(uncheckedRows: p, columns: p)
        meat.withUnsafeMutableBufferPointer { m in
            problem.weightedGram(.squaredResiduals, workspace: workspace, into: m)
        }
        var covariance = inverse * meat * inverse
        covariance.withUnsafeMutableBufferPointer { c in
            if let base = c.baseAddress { BLAS.mirrorLowerToUpper(base, n: p, ld: p) }
        }
        return covariance
    }

    /// Rows of positive weight whose fitted probability equals their label to within `√ε`:
    /// `|z_i| > −log √ε ≈ 18.0` on the side of `y_i`. (In a quasi-separated direction the gradient
    /// criterion stops the solver once `e^{−|z_i|}` is about the tolerance, well before `ε` itself;
    /// `√ε` is where a probability is numerically 0 or 1 for any later computation with it.)
    func saturatedRowCount() -> Int {
        let limit = -log(Double.ulpOfOne.squareRoot())
        var count = 0
        for i in 0..<problem.sampleCount where problem.weight(i) > 0 {
            let z = workspace.logits[i]
            if problem.y[i] == 1 ? z > limit : z < -limit { count += 1 }
        }
        return Int(problem.sumOverShares([Double(count)])[0])
    }

    /// `ℓ_null`: with an intercept, `max_{β₀} Σ w_i [y_i z_i − log(1 + e^{z_i})]` over
    /// `z_i = β₀ + o_i` (closed form `β₀ = logit(ȳ)` without offsets, else Newton on `β₀`);
    /// without one, `ℓ` at `z_i = o_i`.
    func nullLogLikelihood() -> Double {
        let n = problem.sampleCount
        func logLikelihood(_ intercept: Double) -> Double {
            var sum = 0.0
            for i in 0..<n where problem.weight(i) > 0 {
                let z = intercept + problem.offset(i)
                sum -= problem.weight(i) * Logistic.negativeLogLikelihood(z, label: problem.y[i])
            }
            return problem.sumOverShares([sum])[0]
        }
        guard problem.fitIntercept else { return logLikelihood(0) }
        // All labels equal: ℓ → 0 as β₀ → ±∞.
        guard var intercept = problem.nullIntercept() else { return 0 }
        guard problem.offsets != nil else { return logLikelihood(intercept) }
        // Newton on the concave 1-D ℓ(β₀), halving a step that lowers it.
        var current = logLikelihood(intercept)
        for _ in 0..<100 {
            var slope = 0.0, curvature = 0.0
            for i in 0..<n where problem.weight(i) > 0 {
                let z = intercept + problem.offset(i)
                let probability = Logistic.sigmoid(z)
                slope += problem.weight(i) * (problem.y[i] - probability)
                curvature += problem.weight(i) * probability * (1 - probability)
            }
            let sums = problem.sumOverShares([slope, curvature])
            (slope, curvature) = (sums[0], sums[1])
            guard curvature > 0 else { break }
            var step = slope / curvature, next = intercept + step, value = logLikelihood(next)
            while value < current && abs(step) > 1e-300 {
                step /= 2
                next = intercept + step
                value = logLikelihood(next)
            }
            if value < current || next == intercept { break }
            let converged = abs(step) <= 1e-14 * max(1, abs(intercept))
            intercept = next
            current = value
            if converged { break }
        }
        return current
    }

    /// `D^{-½} H D^{-½}` with `D = diag(H)` (a zero diagonal entry taken as 1): the Hessian of
    /// the features scaled to unit curvature, whose conditioning reflects collinearity, not units.
    static func scaled(_ hessian: Matrix<Double>) -> Matrix<Double> {
        let p = hessian.rows
        let scale = (0..<p).map { hessian[$0, $0] > 0 ? 1 / hessian[$0, $0].squareRoot() : 1 }
        var scaled = hessian
        for i in 0..<p { for j in 0..<p { scaled[i, j] *= scale[i] * scale[j] } }
        return scaled
    }

    /// `1/κ₁` of the scaled Hessian (0 when it is not positive definite).
    static func scaledReciprocalCondition(_ hessian: Matrix<Double>) throws(LinalgError) -> Double {
        let scaled = scaled(hessian)
        guard let factor = try? LAPACK.choleskyFactor(scaled) else { return 0 }
        return try LAPACK.reciprocalCondition(of: scaled, factor: factor)
    }

    /// The parameters in a near-linear dependence: the entries of at least a tenth of the largest
    /// in the eigenvectors of the scaled Hessian whose eigenvalues are below `10⁻¹⁰ λ_max` (or of
    /// the smallest eigenvalue's eigenvector when none is).
    static func dependentParameters(_ hessian: Matrix<Double>) throws(LinalgError) -> [Int] {
        let (values, vectors) = try LAPACK.symmetricEigen(scaled(hessian))
        guard let largest = values.last else { return [] }
        var small = values.indices.filter { values[$0] <= 1e-10 * largest }
        if small.isEmpty { small = [0] }
        var involved = Set<Int>()
        for k in small {
            let v = vectors.row(k)
            let peak = v.map(abs).max() ?? 0
            for (j, entry) in v.enumerated() where abs(entry) >= 0.1 * peak { involved.insert(j) }
        }
        return involved.sorted()
    }
}

extension LogisticInference {
    /// Standard errors, Wald z, p-values and confidence intervals from `covariance`.
    mutating func setWaldStatistics(beta: [Double], covariance: Matrix<Double>) {
        let errors = beta.indices.map { covariance[$0, $0].squareRoot() }
        let quantile = NormalDistribution.quantile(1 - options.alpha / 2)
        self.covariance = covariance
        standardErrors = errors
        zValues = zip(beta, errors).map { $0 / $1 }
        pValues = zValues?.map(NormalDistribution.twoSidedPValue)
        confidenceIntervals = zip(beta, errors).map {
            ConfidenceInterval(lower: $0 - quantile * $1, upper: $0 + quantile * $1)
        }
    }
}
