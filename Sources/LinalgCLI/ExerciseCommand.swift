import ArgumentParser
import Linalg

/// `linalg exercise`: the whole exercise sheet with its own sizes, as a short report.
struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract:
            "Run exercise 5: gradient checks (1b, with the debugging tip's partial nets), identity training "
            + "(1c), logistic regression (2)."
    )

    @Option(help: "Seed of every random draw.") var seed: UInt64 = 0

    func run() throws {
        let allPassed = try reportingUserErrors { () throws -> Bool in
            var passed = true
            print("== 1b: f(x) = W2 σ(W1 σ(W0 x0)), sizes (2,10,10,2), W_l ~ rand/√h_{l+1}, x ~ randn(2)")
            var generator = Xoshiro256StarStar(seed: seed)
            let net = try MLP<Double>(sizes: [2, 10, 10, 2], using: &generator)
            let x = Matrix<Double>.random(rows: 2, columns: 1, distribution: .randn, using: &generator)
            let partialNets: [(String, MLP<Double>)] = [
                ("W0 x0", try MLP<Double>(weights: [net.weight(0)], outputActivation: .identity)),
                ("σ(W0 x0)", try MLP<Double>(weights: [net.weight(0)], outputActivation: .sigmoid)),
                ("W1 σ(W0 x0)", try MLP<Double>(weights: [net.weight(0), net.weight(1)])),
                ("W2 σ(W1 σ(W0 x0))", net),
            ]
            for (name, partial) in partialNets {
                let report = try partial.checkDerivatives(x)
                let ok = report.maxRelativeError <= GradcheckCommand.tolerance
                passed = passed && ok
                print(
                    "\n-- f(x) = \(name): max relative error "
                        + "\(DerivativeTable.formatted(report.maxRelativeError)) \(ok ? "ok" : "FAILED")"
                )
                print(DerivativeTable.render(report, tolerance: GradcheckCommand.tolerance))
            }

            print("\n== 1c: SGD towards the identity, 20000 steps, α = 0.01, one sample per step")
            var trained = net
            let training = try trained.trainIdentity(IdentityTrainingConfiguration(seed: seed))
            let ratio = training.finalHeldOutError / training.initialHeldOutError
            print(
                "held-out mean ‖f(x) − x‖² on 1000 fresh inputs: \(training.initialHeldOutError) → "
                    + "\(training.finalHeldOutError) (\(String(format: "%.3g", 100 * ratio))% of initial)"
            )
            passed = passed && ratio < 0.01

            print("\n== 2: L2-regularised logistic regression")
            passed = try LogisticExercise.run(seed: seed) && passed
            return passed
        }
        if !allPassed { throw ExitCode(1) }
    }
}
