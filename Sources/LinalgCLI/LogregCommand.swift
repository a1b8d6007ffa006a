import ArgumentParser
import Foundation
import Linalg
import LinalgData

/// `linalg logreg`: fits L2-regularised logistic regression to a data file by damped Newton.
struct LogregCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logreg",
        abstract:
            "Fit L(β) = −Σ w[y log σ(xᵀβ) + (1−y) log(1−σ(xᵀβ))] + λβᵀβ to a data file "
            + "by Newton's method with Cholesky."
    )

    @OptionGroup var input: DataOptions
    @Option(
        help:
            ArgumentHelp(
                "The label column (0/1; −1/+1 in libsvm files); default: the last column, 'label' for libsvm, "
                    + "'y' for npz."))
    var label: String?
    @Option(help: "A column of per-sample weights w ≥ 0.") var weights: String?
    @Option(parsing: .unconditional, help: "The regularisation strength λ ≥ 0.") var lambda = 1.0
    @Flag(help: "Fit an unpenalised intercept.") var fitIntercept = false
    @Option(
        parsing: .unconditional,
        help: "Relative gradient tolerance: stop when ‖∇L‖ ≤ tol·max(1, ‖∇L(β₀)‖).")
    var tol = 1e-10
    @Option(parsing: .unconditional, help: "The most Newton iterations.") var maxIter = 100
    @Flag(help: "Print only a JSON object on stdout.") var json = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        let (output, converged) = try reportingUserErrors { () throws -> (String, Bool) in
            try memory.apply()
            guard lambda.isFinite, lambda >= 0 else {
                throw UserError("--lambda must be a finite number ≥ 0, got \(lambda)")
            }
            guard tol.isFinite, tol >= 0 else { throw UserError("--tol must be a finite number ≥ 0, got \(tol)") }
            guard maxIter >= 0 else { throw UserError("--max-iter must be ≥ 0, got \(maxIter)") }
            let format = try input.resolvedFormat()
            let table = try input.readTable()  // consumed below: X is taken from it in place
            let columns = LogisticColumns(
                label: label ?? (format == .libsvm ? "label" : format == .npz ? "y" : nil),
                weights: weights, mapsSignedLabels: format == .libsvm)
            let (problem, featureNames) = try columns.problem(
                from: consume table, lambda: lambda, fitIntercept: fitIntercept)
            let fit = try LogisticRegression.fit(
                problem, options: NewtonOptions(tolerance: tol, maxIterations: maxIter))
            return (
                json ? LogisticReport.json(fit) : LogisticReport.text(fit, featureNames: featureNames), fit.converged
            )
        }
        print(output)
        // The fit is printed either way; a script can tell an unconverged one by the status.
        if !converged { throw ExitCode(3) }
    }
}
