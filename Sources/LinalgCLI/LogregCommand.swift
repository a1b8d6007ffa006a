import ArgumentParser
import Foundation
import Linalg
import LinalgData

/// `linalg logreg`: fits L2-regularised logistic regression to a data file by damped Newton, with
/// inference at the optimum, an optional regularisation path and cross-validation.
struct LogregCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logreg",
        abstract:
            "Fit L(β) = −Σ w[y log σ(z) + (1−y) log(1−σ(z))] + λβᵀβ, z = xᵀβ + β₀ + o, "
            + "to a data file "
            + "by Newton's method with Cholesky, with standard errors, p-values and fit statistics.",
        discussion: """
            Exit status: 0 converged, 2 bad input, 3 the fit did not converge (its result is still printed).
            With --lambdas or --path the λ values are fitted in decreasing order, each warm-started from the \
            previous β; with --cv K row i is in fold i mod K (after a shuffle when --cv-seed is given), each λ \
            is scored by the mean held-out deviance over the folds, and the λ with the least is refitted and \
            reported. Without --cv the smallest λ of the path is reported.
            """
    )

    @OptionGroup var input: DataOptions
    @Option(
        help:
            ArgumentHelp(
                "The label column (0/1; −1/+1 in libsvm files); default: the last column, 'label' for libsvm, "
                    + "'y' for npz."))
    var label: String?
    @Option(help: "A column of per-sample (frequency) weights w ≥ 0.") var weights: String?
    @Option(help: "A column of offsets o added to every logit (K classes: K columns a,b,c, one per class).")
    var offset: String?
    @Option(parsing: .unconditional, help: "The regularisation strength λ ≥ 0.") var lambda = 1.0
    @Flag(help: "Fit an unpenalised intercept.") var fitIntercept = false
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Relative gradient tolerance: stop when ‖∇L‖ ≤ tol·max(‖∇L(β₀)‖, g), "
                + "g = 1e-3·max_j Σ_i w_i|x_ij| (scale-invariant)."))
    var tol = 1e-10
    @Option(parsing: .unconditional, help: "The most Newton iterations.") var maxIter = 100
    @Option(parsing: .unconditional, help: "Confidence intervals at level 1 − α.") var alpha = 0.05
    @Flag(help: "The HC0 sandwich covariance H⁻¹(Σ w²r²x xᵀ)H⁻¹ instead of H⁻¹.") var robust = false
    @Option(help: "Write the fitted model as JSON (for `linalg predict`).") var save: String?
    @Option(help: "A regularisation path: comma-separated λ values.") var lambdas: String?
    @Option(help: "A regularisation path of N λ values log-spaced from λ_max (β ≈ 0) to λ_max·1e-4.")
    var path: Int?
    @Option(help: "Choose λ on the path by K-fold cross-validated deviance.") var cv: Int?
    @Option(help: "Shuffle the rows with this seed before assigning the folds.") var cvSeed: UInt64?
    @Flag(help: "Print only a JSON object on stdout.") var json = false
    @Option(
        help: ArgumentHelp(
            "The classes in order, comma-separated (default: the distinct labels, sorted); with two classes the "
                + "second is class 1, with more the fit is multinomial."))
    var classes: String?
    @Option(parsing: .unconditional, help: "The most distinct labels the label column may hold.")
    var maxClasses = 1000
    @Option(
        help: ArgumentHelp(
            "More than two classes: newton-cholesky (the full Hessian) or newton-cg (Hessian-vector products); "
                + "default: newton-cholesky while classes × parameters per class ≤ 200."))
    var solver: String?

    @OptionGroup var memory: MemoryOptions

    func validateOptions() throws {
        guard lambda.isFinite, lambda >= 0 else {
            throw UserError("--lambda must be a finite number ≥ 0, got \(lambda)")
        }
        guard tol.isFinite, tol >= 0 else { throw UserError("--tol must be a finite number ≥ 0, got \(tol)") }
        guard maxIter >= 0 else { throw UserError("--max-iter must be ≥ 0, got \(maxIter)") }
        guard alpha > 0, alpha < 1 else { throw UserError("--alpha must lie in (0, 1), got \(alpha)") }
        guard lambdas == nil || path == nil else { throw UserError("--lambdas and --path exclude each other") }
        if let path, !(1...10_000).contains(path) { throw UserError("--path must be in 1…10000, got \(path)") }
        if let cv, cv < 2 { throw UserError("--cv must be ≥ 2, got \(cv)") }
        if cvSeed != nil && cv == nil { throw UserError("--cv-seed needs --cv") }
        guard maxClasses >= 2 else { throw UserError("--max-classes must be ≥ 2, got \(maxClasses)") }
        if let solver, MultinomialSolver(rawValue: solver) == nil || solver == "automatic" {
            throw UserError("--solver: expected newton-cholesky or newton-cg, got '\(solver)'")
        }
    }

    /// The λ values of `--lambdas` (each finite and ≥ 0).
    func parsedLambdas() throws -> [Double]? {
        guard let lambdas else { return nil }
        let values = try lambdas.split(separator: ",", omittingEmptySubsequences: false).map { text in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite, value >= 0 else {
                throw UserError("--lambdas: '\(trimmed)' is not a finite number ≥ 0")
            }
            return value
        }
        guard !values.isEmpty else { throw UserError("--lambdas: no values") }
        return values
    }

    func run() throws {
        let (output, converged) = try reportingUserErrors { () throws -> (String, Bool) in
            try memory.apply()
            try validateOptions()
            let requestedLambdas = try parsedLambdas()
            let job = DistributedJob.current
            if job != nil && cv != nil {
                throw UserError("--cv is not distributed: run cross-validation as one process")
            }
            let options = NewtonOptions(tolerance: tol, maxIterations: maxIter)
            if try fitsSparse(job: job) {
                return try fitSparse(options: options, requested: requestedLambdas, job: job)
            }
            let (problem, featureNames, classLabels): (LogisticProblem, [String], [ClassLabel])
            switch try loadProblem(job: job) {
            case .binary(let binary, let names, let labels):
                (problem, featureNames, classLabels) = (binary, names, labels)
            case .multinomial(let multinomial, let names, let labels):
                return try fitMultinomial(
                    multinomial, featureNames: names, classes: labels, options: options, requested: requestedLambdas)
            }
            let started = Date()
            let selection = try selectLambda(problem, requested: requestedLambdas, options: options)
            // On a path: the refit on all rows at the chosen λ, from the path's β there (a step or none).
            let truncated = solver == "newton-cg" && selection.points == nil
            let fit =
                try truncated
                ? truncatedNewtonFit(problem, options: options)
                : LogisticRegression.fit(
                    selection.problem, options: options, initial: selection.start,
                    inference: InferenceOptions(alpha: alpha, robust: robust))
            var report = LogisticReport(
                fit: fit, featureNames: featureNames, lambda: selection.problem.lambda, hasIntercept: fitIntercept,
                path: selection.points, bestLambda: selection.bestLambda)
            report.solver = truncated ? "newton-cg" : nil
            report.classes = classLabels
            report.timing = (Date().timeIntervalSince(started), job?.size ?? 1)
            if let save, DistributedJob.isLeader {
                let model = try fit.model(
                    featureNames: featureNames, lambda: selection.problem.lambda, offsetColumn: offset)
                try LogisticModelFile.write(model, classes: classLabels, to: save)
            }
            return (json ? report.json() : report.text(), fit.converged)
        }
        if DistributedJob.isLeader { print(output) }
        // The fit is printed either way; a script can tell an unconverged one by the status.
        if !converged { throw ExitCode(3) }
    }

    /// What the data file asks to fit.
    enum LoadedProblem {
        /// Two classes (class 1 the second), with the feature names and the two class labels.
        case binary(LogisticProblem, [String], [ClassLabel])
        /// More than two classes.
        case multinomial(MultinomialProblem, [String], [ClassLabel])
    }

    /// The problem from the data file and the feature names: in an MPI job this rank's share of the
    /// rows (the ranks agreeing on the columns and on any error), with sums over all shares, and
    /// labels 0/1 (−1/+1 in libsvm files); in one process any labels, whose classes decide the model.
    func loadProblem(job: DistributedJob?) throws -> LoadedProblem {
        var (table, columns, signedLabels) = try (job?.agreeing ?? { try $0() }) {
            () throws -> (DataTable, LogisticColumns, Bool) in
            var data = input
            if let job { data.data = job.dataPath(input.data) }
            let format = try data.resolvedFormat()
            // A shared file: this rank's rows only.
            let table =
                if let job, !DistributedJob.hasRankFiles(input.data) {
                    try data.readTable(sharedWith: job)
                } else {
                    // One process: the label may be text (in an MPI job, numbers 0/1 or −1/+1).
                    try data.readTable(
                        text: job == nil ? label.map { TextColumnOption(name: $0, maxDistinct: maxClasses) } : nil)
                }
            let columns = LogisticColumns(
                label: label ?? (format == .libsvm ? "label" : format == .npz ? "y" : nil),
                weights: weights, offset: offset, mapsSignedLabels: format == .libsvm)
            return (table, columns, try columns.hasSignedLabels(table))
        }
        if let job {
            signedLabels = try job.agreeOnColumns(
                of: &table, from: input.data, columns: columns, signedLabels: signedLabels)
        }
        var classLabels: [ClassLabel] = (signedLabels ? [-1.0, 1] : [0.0, 1]).map(ClassLabel.number)
        if job == nil {
            let labels = try ClassLabels(
                table, column: try columns.labelIndex(in: table), given: try ClassLabels.parse(classes),
                maxClasses: maxClasses)
            guard labels.classes.count >= 2 else {
                throw UserError(
                    "\(table.source): the label has one class (\(labels.classes.map(\.text).joined())): "
                        + "there is nothing to tell apart")
            }
            if labels.classes.count > 2 {
                let (problem, names) = try columns.multinomialProblem(
                    from: table, labels: labels, lambda: lambda, fitIntercept: fitIntercept)
                return .multinomial(problem, names, labels.classes)
            }
            // Two classes: y = 1 for the second.
            let labelColumn = try columns.labelIndex(in: table)
            for i in 0..<table.rowCount { table.values[i, labelColumn] = Double(labels.indices[i]) }
            (classLabels, signedLabels) = (labels.classes, false)
        }
        // Moved into the problem: X is taken from the table in place, not copied.
        var pending: DataTable? = consume table
        let (local, featureNames) = try (job?.agreeing ?? { try $0() }) {
            () throws -> (LogisticProblem, [String]) in
            try columns.problem(
                from: pending.take()!, lambda: lambda, fitIntercept: fitIntercept, signedLabels: signedLabels)
        }
        guard let job else { return .binary(local, featureNames, classLabels) }
        // The local share checked on every rank; now the problem whose sums span all shares.
        let problem = LogisticProblem(
            checked: local.x, y: local.y, lambda: local.lambda, sampleWeights: local.sampleWeights,
            fitIntercept: local.fitIntercept, offsets: local.offsets, rowShares: job)
        return .binary(problem, featureNames, classLabels)
    }

    /// The λ to fit at: `--lambda`, or from `--lambdas`/`--path` the last one (the smallest), or
    /// with `--cv` the one of least mean held-out deviance; with the path and where its fit ended.
    func selectLambda(
        _ problem: LogisticProblem, requested: [Double]?, options: NewtonOptions
    ) throws
        -> (problem: LogisticProblem, start: [Double]?, points: [LogisticPathPoint]?, bestLambda: Double?)
    {
        guard
            let (points, best) = try pathSelection(
                requested: requested, logSpaced: { try LogisticRegression.logSpacedLambdas(problem, count: $0) },
                path: { try LogisticRegression.path(problem, lambdas: $0, options: options) },
                crossValidated: {
                    try LogisticRegression.crossValidatedPath(
                        problem, lambdas: $0, folds: $1, seed: self.cvSeed, options: options)
                })
        else { return (problem, nil, nil, nil) }
        return (try problem.withLambda(best.lambda), best.fit.parameters, points, cv == nil ? nil : best.lambda)
    }

    /// The path the options ask for and its chosen point, or `nil` without `--lambdas`, `--path` or
    /// `--cv`: the λ values of `--lambdas`, or `--path N` log-spaced ones, or `--lambda` alone; fitted
    /// along the path, with `--cv K` cross-validated; the point the smallest λ, or with `--cv` the one
    /// of least mean held-out deviance.
    func pathSelection<Point: RegularisationPathPoint>(
        requested: [Double]?, logSpaced: (Int) throws -> [Double], path fit: ([Double]) throws -> [Point],
        crossValidated: ([Double], Int) throws -> [Point]
    ) throws -> (points: [Point], best: Point)? {
        guard requested != nil || path != nil || cv != nil else { return nil }
        let values = try requested ?? path.map(logSpaced) ?? [lambda]
        let points = try cv.map { try crossValidated(values, $0) } ?? fit(values)
        let best = cv == nil ? points.last! : points.min { $0.cvDevianceMean! < $1.cvDevianceMean! }!
        return (points, best)
    }

    /// A multinomial fit (with `MNLogit`'s statistics at λ = 0): its report and whether it converged.
    func fitMultinomial(
        _ problem: MultinomialProblem, featureNames: [String], classes: [ClassLabel], options: NewtonOptions,
        requested: [Double]?
    ) throws -> (String, Bool) {
        let started = Date()
        let chosenSolver = solver.flatMap(MultinomialSolver.init(rawValue:)) ?? .automatic
        var points: [MultinomialPathPoint]?, bestLambda: Double?, chosen = problem
        if let (fitted, best) = try pathSelection(
            requested: requested, logSpaced: { try MultinomialRegression.logSpacedLambdas(problem, count: $0) },
            path: { try MultinomialRegression.path(problem, lambdas: $0, options: options, solver: chosenSolver) },
            crossValidated: {
                try MultinomialRegression.crossValidatedPath(
                    problem, lambdas: $0, folds: $1, seed: self.cvSeed, options: options, solver: chosenSolver)
            })
        {
            (points, bestLambda, chosen) = (fitted, cv == nil ? nil : best.lambda, try problem.withLambda(best.lambda))
        }
        let fit = try MultinomialRegression.fit(
            chosen, options: options, solver: chosenSolver, inference: InferenceOptions(alpha: alpha, robust: robust))
        var report = MultinomialReport(fit: fit, featureNames: featureNames, classes: classes, lambda: chosen.lambda)
        (report.path, report.bestLambda) = (points, bestLambda)
        report.seconds = Date().timeIntervalSince(started)
        if let save {
            let offsetColumns = offset.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            try MultinomialModelFile.write(
                try fit.model(featureNames: featureNames, lambda: chosen.lambda, offsetColumns: offsetColumns),
                classes: classes, to: save)
        }
        return (json ? report.json() : report.text(), fit.converged)
    }
}
