import Linalg

/// Part 2 of `linalg exercise`: a seeded data set, the Newton trace, and the finite-difference
/// checks of the gradient and the Hessian.
enum LogisticExercise {
    static func run(seed: UInt64) throws -> Bool {
        var generator = Xoshiro256StarStar(seed: seed &+ 2)
        let (n, d, lambda) = (200, 3, 1.0)
        let x = Matrix<Double>.random(rows: n, columns: d, distribution: .randn, using: &generator)
        let truth = [1.5, -2.0, 0.5]
        let y = x.bernoulliLabels(coefficients: truth, using: &generator)
        let problem = try LogisticProblem(x: x, y: y, lambda: lambda)
        print("data: n = \(n), d = \(d), X ~ randn, y ~ Bernoulli(σ(Xβ_true)), β_true = \(truth), λ = \(lambda)")
        let beta = (0..<d).map { _ in generator.nextNormal() }
        let gradient = try LogisticRegression.gradient(beta, problem: problem)
        let hessian = try LogisticRegression.hessian(beta, problem: problem)
        let gradientCheck = FiniteDifferences.compare(
            analytic: gradient,
            numeric: FiniteDifferences.gradient(
                of: { (try? LogisticRegression.loss($0, problem: problem)) ?? .nan }, at: beta))
        let hessianCheck = FiniteDifferences.compare(
            analytic: hessian.scalars,
            numeric: FiniteDifferences.jacobian(
                of: { (try? LogisticRegression.gradient($0, problem: problem)) ?? [Double](repeating: .nan, count: d) },
                at: beta
            ).scalars)
        print(
            "∇L  = Xᵀ(σ(Xβ) − y) + 2λβ               vs finite differences: max rel error "
                + "\(DerivativeTable.formatted(gradientCheck.maxRelativeError))"
        )
        print(
            "∇²L = Xᵀdiag(σ(Xβ)(1 − σ(Xβ)))X + 2λI   vs finite differences: max rel error "
                + "\(DerivativeTable.formatted(hessianCheck.maxRelativeError))"
        )
        let fit = try LogisticRegression.fit(problem)
        print("\nNewton with Cholesky:")
        print(LogisticReport.text(fit, featureNames: (1...d).map { "beta_\($0)" }))
        return gradientCheck.passes(tolerance: GradcheckCommand.tolerance)
            && hessianCheck.passes(tolerance: GradcheckCommand.tolerance) && fit.converged
    }
}
