import LinalgKernels

/// Logistic regression by trust-region truncated Newton (``TrustRegionNewton``): on a sparse `X`
/// (``SparseLogisticProblem``, products by the CSR kernels on all cores) or a dense one
/// (``LogisticProblem``, products by BLAS `dgemv`); the Hessian is never formed.
public enum SparseLogisticRegression {
    /// Fits `problem` from `initial` (`β = 0` by default; the stopping rule is then scaled by the
    /// gradient at 0, as a cold fit's); ``LogisticFit/hessianVectorProducts`` counts the
    /// conjugate-gradient steps.
    public static func fit<Scalar>(
        _ problem: SparseLogisticProblem<Scalar>, options: NewtonOptions = NewtonOptions(), initial: [Double]? = nil
    ) throws(LinalgError) -> LogisticFit {
        try options.validate()
        let objective = objective(problem)
        guard let initial else { return result(of: objective, options: options) }
        guard initial.count == problem.parameterCount, initial.allSatisfy(\.isFinite) else {
            throw .shapeMismatch(
                operation: "SparseLogisticRegression.fit",
                detail: "initial has \(initial.count) entries, need \(problem.parameterCount) finite ones")
        }
        let zero = [Double](repeating: 0, count: problem.parameterCount)
        let scale = euclideanNorm(objective.gradient(at: zero))
        return result(of: objective, options: options, start: initial, scale: scale)
    }

    /// Fits a dense `problem` by the same truncated Newton method (`--solver newton-cg`), for `d`
    /// too large for the Hessian (its row shares reduced as the sparse fit's).
    public static func fitDense(
        _ problem: LogisticProblem, options: NewtonOptions = NewtonOptions()
    ) throws(LinalgError) -> LogisticFit {
        try options.validate()
        let objective = LogisticProducts(
            design: DenseDesign(x: problem.x), labels: problem.y, weights: problem.sampleWeights,
            offsets: problem.offsets, lambda: problem.lambda, fitIntercept: problem.fitIntercept,
            rowShares: problem.rowShares)
        return result(of: objective, options: options)
    }

    /// The truncated-Newton fit of `objective` from `start` (0 by default), its stopping rule scaled by
    /// `scale` (by default the gradient's norm at the start).
    static func result<Design>(
        of objective: LogisticProducts<Design>, options: NewtonOptions, start: [Double]? = nil, scale: Double? = nil
    ) -> LogisticFit {
        var solver = TrustRegionNewton(objective: objective, options: options, start: start, scale: scale)
        let reason = solver.run()
        let d = objective.d
        var fit = LogisticFit(
            coefficients: Array(solver.theta.prefix(d)), intercept: objective.fitIntercept ? solver.theta[d] : nil,
            loss: solver.loss, gradientNorm: euclideanNorm(solver.gradient),
            iterations: solver.iteration, converged: reason == .converged, reason: reason, trace: solver.trace,
            inference: nil)
        fit.hessianVectorProducts = solver.productCount
        return fit
    }
}

extension SparseLogisticRegression {
    /// The objective's pieces at `theta` for tests: `L`, `∇L`, the Hessian's diagonal and `∇²L v`.
    package static func objectiveChecks<Scalar>(
        _ problem: SparseLogisticProblem<Scalar>, at theta: [Double], direction v: [Double]
    ) throws(LinalgError) -> (loss: Double, gradient: [Double], diagonal: [Double], hessianProduct: [Double]) {
        checks(
            LogisticProducts(
                design: SparseProducts(problem.x), labels: problem.y, weights: problem.sampleWeights,
                offsets: problem.offsets, lambda: problem.lambda, fitIntercept: problem.fitIntercept), theta, v)
    }

    /// The same through the dense design.
    package static func objectiveChecks(
        _ problem: LogisticProblem, at theta: [Double], direction v: [Double]
    ) throws(LinalgError) -> (loss: Double, gradient: [Double], diagonal: [Double], hessianProduct: [Double]) {
        checks(
            LogisticProducts(
                design: DenseDesign(x: problem.x), labels: problem.y, weights: problem.sampleWeights,
                offsets: problem.offsets, lambda: problem.lambda, fitIntercept: problem.fitIntercept), theta, v)
    }

    static func checks<Design>(
        _ objective: LogisticProducts<Design>, _ theta: [Double], _ v: [Double]
    ) -> (loss: Double, gradient: [Double], diagonal: [Double], hessianProduct: [Double]) {
        let loss = objective.evaluate(theta)
        let (gradient, diagonal) = objective.gradientAndDiagonal(theta)
        var product = [Double](repeating: 0, count: v.count)
        objective.hessianProduct(v, into: &product)
        return (loss, gradient, diagonal, product)
    }
}
