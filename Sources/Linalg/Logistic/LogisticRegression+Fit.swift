extension LogisticRegression {
    // MARK: β ← β + tΔ,  (∇²L + μI) Δ = −∇L  (potrf/potrs),  Armijo halving on t

    /// Minimises `L(β)` by damped Newton steps.
    ///
    /// Each step solves `(∇²L + μI) Δ = −∇L` by Cholesky (`potrf`, `potrs`); `μ = 0` unless the
    /// factorisation fails (λ = 0 with collinear columns, or separated data), in which case `μ`
    /// starts at `10⁻¹⁰·max diag` and grows tenfold until it succeeds. The step length
    /// `t` is halved from 1 until `L(β + tΔ) ≤ L(β) + c t ∇Lᵀ Δ` (Armijo). Near the minimiser,
    /// where loss differences are at rounding level, a full step that lowers `‖∇L‖` is accepted.
    /// Stops when `‖∇L‖ ≤ tol · max(‖∇L(β₀)‖, g_unit)`, after `maxIterations`, when λ = 0 and the
    /// data are separated by the iterate (no finite minimiser), or when the line search fails. The
    /// floor `g_unit = 10⁻³ max_j Σ_i w_i |x̃_ij|` (the size of gradient the data can produce) makes
    /// the rule scale-invariant: multiplying `X` by any `s` multiplies both sides by `s`. With λ = 0,
    /// features whose squares underflow are an error naming the feature, as are those whose
    /// Hessian entries overflow.
    ///
    /// The `X`-sized work is one blocked pass per evaluation: at `β₀` and at each full step it
    /// gives `L`, `∇L` and `∇²L` together (`n d²` flops; when the step is accepted, as Newton's
    /// full steps mostly are, the next iteration's Hessian is ready), and a halved step is checked
    /// by a loss-and-gradient pass; everything else is `O(n + d²)` and reuses one workspace. For
    /// `d ≤ 512` the passes run on the cores by themselves and OpenBLAS is single-threaded until
    /// the fit returns (its thread count is global: BLAS calls made from other threads meanwhile
    /// run on one thread too).
    ///
    /// With `inference`, ``LogisticFit/inference`` is computed at `β̂` from the state the last
    /// iteration leaves (its Hessian, when the last step was a full one, and `O(p³)` work; see
    /// ``inference(for:problem:options:)``).
    public static func fit(
        _ problem: LogisticProblem, options: NewtonOptions = NewtonOptions(),
        initial: [Double]? = nil, inference: InferenceOptions? = nil
    ) throws(LinalgError) -> LogisticFit {
        try fit(problem, options: options, initial: initial, inference: inference, gradientScale: nil)
    }

    /// ``fit(_:options:initial:inference:)`` with the stopping rule `‖∇L‖ ≤ tol · max(scale, g_unit)`
    /// for a given `scale` (`nil`: `‖∇L(β₀)‖`). A path passes `‖∇L(0)‖`, which does not depend on
    /// λ, so that a warm-started fit stops where a cold fit at the same λ would.
    static func fit(
        _ problem: LogisticProblem, options: NewtonOptions, initial: [Double]?, inference: InferenceOptions?,
        gradientScale: Double?
    ) throws(LinalgError) -> LogisticFit {
        try options.validate()
        try inference?.validate()
        try problem.checkHessianFitsInMemory()
        let beta = initial ?? [Double](repeating: 0, count: problem.parameterCount)
        try problem.validate(parameters: beta)
        return try onOneWorkspace(problem) { workspace throws(LinalgError) in
            try solve(
                problem, options: options, start: .point(beta), inference: inference, gradientScale: gradientScale,
                workspace: workspace)
        }
    }

    /// Runs `body` with a workspace of `problem`. When the passes over X run on our own threads
    /// (d ≤ 512), the p × p factorisations and solves between them are small: OpenBLAS stays
    /// single-threaded meanwhile, so that its workers do not wake for a potrf and then poll on the
    /// cores the next pass needs.
    static func onOneWorkspace<R>(
        _ problem: LogisticProblem, _ body: (LogisticWorkspace) throws(LinalgError) -> R
    ) throws(LinalgError) -> R {
        try problem.workspaces.withWorkspace(for: problem) { workspace throws(LinalgError) in
            let singleThreadedBLAS = workspace.parts > 1
            if singleThreadedBLAS { SingleThreadedBLAS.enter() }
            defer { if singleThreadedBLAS { SingleThreadedBLAS.leave() } }
            return try body(workspace)
        }
    }

    /// One damped Newton solve on `workspace` (checked inputs), with the inference when asked.
    static func solve(
        _ problem: LogisticProblem, options: NewtonOptions, start: NewtonSolver.Start, inference: InferenceOptions?,
        gradientScale: Double?, workspace: LogisticWorkspace
    ) throws(LinalgError) -> LogisticFit {
        try problem.checkFeatureScales()
        let solver = NewtonSolver(
            problem: problem, options: options, workspace: workspace, start: start, gradientScale: gradientScale)
        var fit = try solver.run()
        if let inference {
            // The workspace holds the logits and residuals of β̂ from the last evaluation.
            fit.inference = try InferenceCalculation(
                problem: problem, workspace: workspace, beta: fit.parameters, loss: fit.loss,
                lastDamping: fit.trace.last?.damping ?? 0, reason: fit.reason, options: inference,
                hessian: solver.hessianIsCurrent ? solver.hessian : nil
            ).run()
        }
        return fit
    }

    /// Cholesky of `H + μI` with the smallest `μ ∈ {0, μ₀, 10μ₀, …}` that succeeds; returns `μ`.
    static func factorise(_ hessian: Matrix<Double>, into factor: inout Matrix<Double>) throws(LinalgError) -> Double {
        let p = hessian.rows
        var damping = 0.0
        // Relative to the Hessian's own scale, so that damping means the same for data in any units.
        let largestDiagonal = (0..<p).map { hessian[$0, $0] }.max() ?? 1
        let diagonalScale = largestDiagonal > 0 ? largestDiagonal : 1
        while true {
            hessian.withUnsafeBufferPointer { source in
                factor.withUnsafeMutableBufferPointer { target in
                    if let base = source.baseAddress { target.baseAddress!.update(from: base, count: source.count) }
                }
            }
            if damping > 0 { for j in 0..<p { factor[j, j] += damping } }
            do {
                try LAPACK.choleskyFactorInPlace(&factor)
                return damping
            } catch .notPositiveDefinite {
                damping = damping == 0 ? 1e-10 * diagonalScale : damping * 10
                guard damping.isFinite, damping < 1e30 * diagonalScale else {
                    throw .invalidValue(
                        what: "Newton solver", detail: "the Hessian could not be made positive definite")
                }
            }
        }
    }

    /// Whether `z` separates the samples of positive weight strictly: `(2y_i − 1) z_i > 0` for all.
    /// With row shares, over all of them (one reduction: the count of weighted rows and of
    /// misclassified ones).
    static func separates(_ problem: LogisticProblem, _ z: UnsafePointer<Double>) -> Bool {
        var weighted = 0.0, wrong = 0.0
        for i in 0..<problem.sampleCount where problem.weight(i) > 0 {
            weighted += 1
            if (problem.y[i] == 1 ? z[i] : -z[i]) <= 0 {
                wrong += 1
                if problem.rowShares == nil { break }
            }
        }
        let counts = problem.sumOverShares([weighted, wrong])
        return counts[0] > 0 && counts[1] == 0
    }
}
