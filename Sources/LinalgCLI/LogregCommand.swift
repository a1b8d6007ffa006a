import ArgumentParser
import Foundation
import Linalg
import LinalgData

/// `linalg logreg`: fits L2-regularised logistic regression to a data file by damped Newton.
struct LogregCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logreg",
        abstract: "Fit L(β) = −Σ w[y log σ(xᵀβ) + (1−y) log(1−σ(xᵀβ))] + λβᵀβ to a data file by Newton's method with Cholesky."
    )

    @OptionGroup var input: DataOptions
    @Option(help: "The label column (0/1; −1/+1 in libsvm files); default: the last column, 'label' for libsvm, 'y' for npz.")
    var label: String?
    @Option(help: "A column of per-sample weights w ≥ 0.") var weights: String?
    @Option(parsing: .unconditional, help: "The regularisation strength λ ≥ 0.") var lambda = 1.0
    @Flag(help: "Fit an unpenalised intercept.") var fitIntercept = false
    @Option(parsing: .unconditional, help: "Relative gradient tolerance: stop when ‖∇L‖ ≤ tol·max(1, ‖∇L(β₀)‖).") var tol = 1e-10
    @Option(parsing: .unconditional, help: "The most Newton iterations.") var maxIter = 100
    @Flag(help: "Print only a JSON object on stdout.") var json = false

    func run() throws {
        let output = try reportingUserErrors { () throws -> String in
            guard lambda.isFinite, lambda >= 0 else { throw UserError("--lambda must be a finite number ≥ 0, got \(lambda)") }
            guard tol.isFinite, tol >= 0 else { throw UserError("--tol must be a finite number ≥ 0, got \(tol)") }
            guard maxIter >= 0 else { throw UserError("--max-iter must be ≥ 0, got \(maxIter)") }
            let format = try input.resolvedFormat()
            let table = try input.readTable()
            let columns = LogisticColumns(label: label ?? (format == .libsvm ? "label" : format == .npz ? "y" : nil),
                                          weights: weights, mapsSignedLabels: format == .libsvm)
            let (problem, featureNames) = try columns.problem(from: table, lambda: lambda, fitIntercept: fitIntercept)
            let fit = try LogisticRegression.fit(problem, options: NewtonOptions(tolerance: tol, maxIterations: maxIter))
            return json ? LogisticReport.json(fit) : LogisticReport.text(fit, featureNames: featureNames)
        }
        print(output)
    }
}

/// Which columns of a table are the label and the weights; every other column is a feature.
struct LogisticColumns {
    /// The label column's name; `nil`: the last column.
    var label: String?
    /// The weights column's name, if any.
    var weights: String?
    /// Whether labels −1/+1 (libsvm's convention) become 0/1.
    var mapsSignedLabels: Bool

    /// The problem and the feature names; bad labels and weights are named by file, line and column.
    func problem(from table: DataTable, lambda: Double, fitIntercept: Bool) throws -> (LogisticProblem, [String]) {
        var table = table
        let labelIndex: Int
        do throws(DataError) {
            labelIndex = try label.map { name throws(DataError) in try table.columnIndex(named: name, option: "--label") }
                ?? table.columnCount - 1
        } catch { throw UserError(error.description) }
        var weightIndex: Int?
        if let weights {
            do throws(DataError) { weightIndex = try table.columnIndex(named: weights, option: "--weights") } catch {
                throw UserError(error.description)
            }
            guard weightIndex != labelIndex else { throw UserError("--weights: '\(weights)' is the label column") }
        }
        guard table.columnCount - 1 - (weightIndex == nil ? 0 : 1) >= 1 else {
            throw UserError("\(table.source): no feature columns besides the label\(weightIndex == nil ? "" : " and the weights")")
        }
        let signed = mapsSignedLabels && (0..<table.rowCount).contains { table.values[$0, labelIndex] == -1 }
        for i in 0..<table.rowCount {
            let value = table.values[i, labelIndex]
            let valid = signed ? (value == -1 || value == 1) : (value == 0 || value == 1)
            guard valid else {
                throw UserError(table.error(row: i, column: labelIndex,
                                            "label \(value) is not \(signed ? "-1 or +1" : "0 or 1")").description)
            }
        }
        if let weightIndex {
            for i in 0..<table.rowCount where table.values[i, weightIndex] < 0 {
                throw UserError(table.error(row: i, column: weightIndex, "weight \(table.values[i, weightIndex]) is negative").description)
            }
        }
        // Take the weights and the label out of the table in place: X is what remains.
        let sampleWeights = weightIndex.map { table.removeColumn(at: $0) }
        var y = table.removeColumn(at: labelIndex - (weightIndex.map { $0 < labelIndex ? 1 : 0 } ?? 0))
        if signed { for i in y.indices { y[i] = y[i] > 0 ? 1 : 0 } }
        let problem = try LogisticProblem(x: table.values, y: y, lambda: lambda, sampleWeights: sampleWeights,
                                          fitIntercept: fitIntercept)
        return (problem, table.columnNames)
    }
}

/// The text and JSON forms of a fit.
enum LogisticReport {
    static func json(_ fit: LogisticFit) -> String {
        let trace = fit.trace.map { row in
            JSONWriter.object([
                ("iteration", String(row.iteration)),
                ("loss", JSONWriter.number(row.loss)),
                ("gradient_norm", JSONWriter.number(row.gradientNorm)),
                ("step_size", JSONWriter.number(row.stepSize)),
                ("damping", JSONWriter.number(row.damping)),
                ("newton_decrement", JSONWriter.number(row.newtonDecrement)),
            ])
        }
        return JSONWriter.object([
            ("coefficients", JSONWriter.array(fit.coefficients)),
            ("intercept", fit.intercept.map(JSONWriter.number) ?? "null"),
            ("loss", JSONWriter.number(fit.loss)),
            ("gradient_norm", JSONWriter.number(fit.gradientNorm)),
            ("iterations", String(fit.iterations)),
            ("converged", fit.converged ? "true" : "false"),
            ("reason", JSONWriter.string(fit.reason.rawValue)),
            ("trace", JSONWriter.array(encoded: trace)),
        ])
    }

    static func traceTable(_ fit: LogisticFit) -> String {
        var lines = ["iter                   loss          ‖∇L‖    step    damping   decrement"]
        for row in fit.trace {
            lines.append(String(row.iteration).leftPadded(4) + "  "
                + String(format: "%21.15g", row.loss) + "  " + String(format: "%12.4e", row.gradientNorm) + "  "
                + String(format: "%6.4g", row.stepSize) + "  " + String(format: "%9.2e", row.damping) + "  "
                + String(format: "%10.3e", row.newtonDecrement))
        }
        return lines.joined(separator: "\n")
    }

    static func text(_ fit: LogisticFit, featureNames: [String]) -> String {
        var lines = [traceTable(fit), ""]
        let status: String
        switch fit.reason {
        case .converged: status = "converged"
        case .maxIterations: status = "NOT converged: reached the iteration limit"
        case .separable: status = "NOT converged: the data are linearly separable and λ = 0, so no finite minimiser exists (use --lambda > 0)"
        case .lineSearchFailed: status = "NOT converged: the line search found no decrease (precision limit)"
        }
        lines.append("\(status) after \(fit.iterations) iterations; loss \(fit.loss), ‖∇L‖ \(fit.gradientNorm)")
        let width = max(9, featureNames.map(\.count).max() ?? 0)
        for (name, value) in zip(featureNames, fit.coefficients) {
            lines.append(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(value)")
        }
        if let intercept = fit.intercept { lines.append("intercept".padding(toLength: width, withPad: " ", startingAt: 0) + "  \(intercept)") }
        return lines.joined(separator: "\n")
    }
}

/// Part 2 of `linalg exercise`: a seeded data set, the Newton trace, and the finite-difference
/// checks of the gradient and the Hessian.
enum LogisticExercise {
    static func run(seed: UInt64) throws -> Bool {
        var generator = Xoshiro256StarStar(seed: seed &+ 2)
        let (n, d, lambda) = (200, 3, 1.0)
        let x = Matrix<Double>.random(rows: n, columns: d, distribution: .randn, using: &generator)
        let truth = [1.5, -2.0, 0.5]
        let y = (0..<n).map { i -> Double in
            let z = (0..<d).reduce(0.0) { $0 + x[i, $1] * truth[$1] }
            return generator.nextUniform() < 1 / (1 + Double.exp(-z)) ? 1 : 0
        }
        let problem = try LogisticProblem(x: x, y: y, lambda: lambda)
        print("data: n = \(n), d = \(d), X ~ randn, y ~ Bernoulli(σ(Xβ_true)), β_true = \(truth), λ = \(lambda)")
        let beta = (0..<d).map { _ in generator.nextNormal() }
        let gradient = try LogisticRegression.gradient(beta, problem: problem)
        let hessian = try LogisticRegression.hessian(beta, problem: problem)
        let gradientCheck = FiniteDifferences.compare(
            analytic: gradient, numeric: FiniteDifferences.gradient(of: { (try? LogisticRegression.loss($0, problem: problem)) ?? .nan }, at: beta))
        let hessianCheck = FiniteDifferences.compare(
            analytic: hessian.scalars,
            numeric: FiniteDifferences.jacobian(of: { (try? LogisticRegression.gradient($0, problem: problem)) ?? [Double](repeating: .nan, count: d) }, at: beta).scalars)
        print("∇L  = Xᵀ(σ(Xβ) − y) + 2λβ               vs finite differences: max rel error \(DerivativeTable.formatted(gradientCheck.maxRelativeError))")
        print("∇²L = Xᵀdiag(σ(Xβ)(1 − σ(Xβ)))X + 2λI   vs finite differences: max rel error \(DerivativeTable.formatted(hessianCheck.maxRelativeError))")
        let fit = try LogisticRegression.fit(problem)
        print("\nNewton with Cholesky:")
        print(LogisticReport.text(fit, featureNames: (1...d).map { "beta_\($0)" }))
        return gradientCheck.passes(tolerance: GradcheckCommand.tolerance) && hessianCheck.passes(tolerance: GradcheckCommand.tolerance) && fit.converged
    }
}
