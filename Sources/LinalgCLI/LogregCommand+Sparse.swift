import Foundation
import Linalg
import LinalgData

extension LogregCommand {
    /// Whether the file is fitted sparse: a libsvm file or a sparse `.npz`, without
    /// `--solver newton-cholesky` (which takes the dense table); paths and cross-validation included.
    /// In an MPI job every rank's file must be sparse or none.
    func fitsSparse(job: DistributedJob?) throws -> Bool {
        guard solver != "newton-cholesky" else { return false }
        let format = try input.resolvedFormat()
        if format == .libsvm { return true }
        guard format == .npz else { return false }
        guard let job else { return try SparseDataSet.isSparse(input.data) }
        let sparse = try job.agreeing { try SparseDataSet.isSparse(job.dataPath(input.data)) }
        let all = job.exchange([sparse ? 1 : 0])
        if let other = all.firstIndex(where: { $0[0] != all[0][0] }) {
            try job.agreeing {
                throw UserError(
                    "\(input.data): rank \(other)'s archive is \(sparse ? "dense" : "sparse"), rank 0's is not")
            }
        }
        return sparse
    }

    /// The rows, labels and weights of a sparse file (a libsvm file, or a `.npz` with `y` and, with
    /// `--weights sample_weight`, its weights): in an MPI job this rank's share of them.
    func sparseRows(job: DistributedJob?) throws -> (SparseRows, [Double]?) {
        let read = try job.map { try input.readSparse(sharedWith: $0) } ?? input.readSparse()
        guard let found = read else { throw UserError("\(input.data): not a sparse file") }
        if try input.resolvedFormat() == .libsvm {
            if weights != nil || offset != nil {
                throw UserError("--weights and --offset name columns; a libsvm file has none (use a table or .npz)")
            }
            return (found.rows, nil)
        }
        guard found.hasLabels else { throw UserError("\(input.data): the sparse archive has no array 'y'") }
        if offset != nil { throw UserError("--offset: a sparse archive has no offset column") }
        if let weights, weights != "sample_weight" || found.sampleWeights == nil {
            throw UserError("--weights: a sparse archive's weights are its array 'sample_weight', got '\(weights)'")
        }
        if let w = found.sampleWeights, let i = w.firstIndex(where: { $0 < 0 }) {
            throw UserError("\(input.data): sample_weight[\(i)] = \(w[i]) is negative")
        }
        return (found.rows, weights == nil ? nil : found.sampleWeights)
    }

    /// The fit of sparse rows by truncated Newton on the CSR matrix (two classes, or the multinomial
    /// model for more): its report and whether it converged.
    func fitSparse(options: NewtonOptions, requested: [Double]?, job: DistributedJob?) throws -> (String, Bool) {
        let (rows, sampleWeights) = try DistributedJob.agreeing(job) { try sparseRows(job: job) }
        // Every rank's labels, so that all ranks number the classes alike.
        let distinct =
            job?.unionOfLabels(Set(rows.labels), limit: maxClasses + 1) ?? Array(Set(rows.labels)).sorted()
        let (y, classes) = try DistributedJob.agreeing(job) {
            try Self.binaryLabels(rows, distinct: distinct, given: try ClassLabels.parse(self.classes))
        }
        guard let y else {
            // More than two classes: the multinomial model on CSR.
            return try fitSparseMultinomial(
                rows, weights: sampleWeights, classes: classes, options: options, requested: requested, job: job)
        }
        let started = Date()
        let base = try DistributedJob.agreeing(job) {
            try SparseLogisticProblem(
                x: rows.matrix, y: y, lambda: self.lambda, sampleWeights: sampleWeights, fitIntercept: fitIntercept,
                rowShares: job)
        }
        let selection = try selectSparseLambda(base, requested: requested, options: options)
        let problem = selection.problem, lambda = problem.lambda
        var fit = try SparseLogisticRegression.fit(problem, options: options, initial: selection.start)
        let names = rows.featureNames
        let (inference, missing) = try sparseInference(rows.matrix, y: y, weights: sampleWeights, at: fit, job: job)
        fit.inference = inference
        var report = LogisticReport(
            fit: fit, featureNames: names, lambda: lambda, hasIntercept: fitIntercept, path: selection.points,
            bestLambda: selection.bestLambda)
        (report.classes, report.solver, report.noInferenceReason) = (classes, "newton-cg", missing)
        report.timing = (Date().timeIntervalSince(started), job?.size ?? 1)
        if let save, DistributedJob.isLeader {
            try LogisticModelFile.write(
                try fit.model(featureNames: names, lambda: lambda, offsetColumn: nil), classes: classes, to: save)
        }
        return (json ? report.json() : report.text(), fit.converged)
    }

    /// The multinomial fit of sparse rows with more than two classes by truncated Newton on CSR: its
    /// report (``MultinomialReport``, solver `newton-cg`) and whether it converged.
    func fitSparseMultinomial(
        _ rows: SparseRows, weights: [Double]?, classes: [ClassLabel], options: NewtonOptions, requested: [Double]?,
        job: DistributedJob?
    ) throws -> (String, Bool) {
        let started = Date()
        let numbers = classes.map { label -> Double in
            guard case .number(let value) = label else { preconditionFailure("sparse labels are numbers") }
            return value
        }
        let base = try DistributedJob.agreeing(job) {
            if classes.count > maxClasses {
                throw UserError(
                    "\(rows.source): more than \(maxClasses) distinct labels (--max-classes): a continuous label "
                        + "cannot be a class")
            }
            let indices = try rows.labels.enumerated().map { i, label throws -> Int in
                guard let k = numbers.firstIndex(of: label) else {
                    throw UserError("\(rows.source):\(rows.lineNumbers[i]): label \(label) is not one of --classes")
                }
                return k
            }
            return try SparseMultinomialProblem(
                x: rows.matrix, classIndices: indices, classCount: classes.count, lambda: self.lambda,
                sampleWeights: weights, fitIntercept: fitIntercept, rowShares: job)
        }
        let (problem, points, bestLambda) = try selectSparseMultinomialLambda(
            base, requested: requested, options: options)
        let fit = try SparseMultinomialRegression.fit(problem, options: options)
        let lambda = problem.lambda
        let names = rows.featureNames
        var report = MultinomialReport(fit: fit, featureNames: names, classes: classes, lambda: lambda)
        (report.path, report.bestLambda) = (points, bestLambda)
        (report.seconds, report.processes) = (Date().timeIntervalSince(started), job?.size ?? 1)
        if let save, DistributedJob.isLeader {
            try MultinomialModelFile.write(
                try fit.model(featureNames: names, lambda: lambda, offsetColumns: nil), classes: classes, to: save)
        }
        return (json ? report.json() : report.text(), fit.converged)
    }

    /// The multinomial problem at the λ to fit, as for two classes: `--lambda`, the smallest of
    /// `--lambdas`/`--path`, or with `--cv` the one of least mean held-out deviance; the path's points.
    func selectSparseMultinomialLambda(
        _ base: SparseMultinomialProblem, requested: [Double]?, options: NewtonOptions
    ) throws -> (SparseMultinomialProblem, [MultinomialPathPoint]?, Double?) {
        guard
            let (fitted, best) = try pathSelection(
                requested: requested, logSpaced: { try SparseMultinomialRegression.logSpacedLambdas(base, count: $0) },
                path: { try SparseMultinomialRegression.path(base, lambdas: $0, options: options) },
                crossValidated: {
                    try SparseMultinomialRegression.crossValidatedPath(
                        base, lambdas: $0, folds: $1, seed: self.cvSeed, options: options)
                })
        else { return (base, nil, nil) }
        return (base.withLambda(best.lambda), fitted, cv == nil ? nil : best.lambda)
    }

    /// The λ to fit at, as ``selectLambda(_:requested:options:)`` picks it for a dense table: `--lambda`,
    /// or the smallest of `--lambdas`/`--path`, or with `--cv` the one of least mean held-out deviance;
    /// the path's points and its β there (the refit's start).
    func selectSparseLambda(
        _ problem: SparseLogisticProblem<Double>, requested: [Double]?, options: NewtonOptions
    ) throws
        -> (problem: SparseLogisticProblem<Double>, start: [Double]?, points: [LogisticPathPoint]?, bestLambda: Double?)
    {
        guard
            let (points, best) = try pathSelection(
                requested: requested, logSpaced: { try SparseLogisticRegression.logSpacedLambdas(problem, count: $0) },
                path: { try SparseLogisticRegression.path(problem, lambdas: $0, options: options) },
                crossValidated: {
                    try SparseLogisticRegression.crossValidatedPath(
                        problem, lambdas: $0, folds: $1, seed: self.cvSeed, options: options)
                })
        else { return (problem, nil, nil, nil) }
        return (problem.withLambda(best.lambda), best.fit.parameters, points, cv == nil ? nil : best.lambda)
    }

    /// Labels as 0/1 (class 1 the second of the two sorted `distinct` labels, or of `--classes`); `nil`
    /// labels when there are more than two classes.
    static func binaryLabels(
        _ rows: SparseRows, distinct found: [Double], given: [String]?
    ) throws -> ([Double]?, [ClassLabel]) {
        let distinct = given.map { $0.compactMap(Double.init) } ?? found
        if let given, distinct.count != given.count {
            throw UserError("--classes: a libsvm file's labels are numbers, got \(given.joined(separator: ","))")
        }
        guard distinct.count >= 2 else {
            throw UserError("\(rows.source): the label has one class: there is nothing to tell apart")
        }
        let classes = distinct.map(ClassLabel.number)
        guard distinct.count == 2 else { return (nil, classes) }
        let y = try rows.labels.enumerated().map { i, label throws -> Double in
            guard let k = distinct.firstIndex(of: label) else {
                throw UserError("\(rows.source):\(rows.lineNumbers[i]): label \(label) is not one of --classes")
            }
            return Double(k)
        }
        return (y, classes)
    }

    /// The statistics at the fit when the dense table and the Hessian fit in memory (a quarter of
    /// it, and at most 5,000 parameters), from the dense solver started at the fit; else why not.
    /// In an MPI job from every rank's dense rows, the decision taken by the largest share.
    func sparseInference(
        _ x: SparseMatrix<Double>, y: [Double], weights: [Double]?, at fit: LogisticFit, job: DistributedJob?
    ) throws -> (LogisticInference?, String?) {
        let p = x.columns + (fitIntercept ? 1 : 0)
        var largest = [Double(x.rows)]
        job?.maximum(&largest)
        let (cells, overflow) = Int(largest[0]).multipliedReportingOverflow(by: x.columns + p)
        guard p <= 5000, !overflow, cells <= SystemMemory.limit / 32 else {
            return (
                nil,
                "the \(p) × \(p) Hessian of a sparse fit is formed only up to 5,000 parameters and while the dense "
                    + "table fits in memory (\(x.rows) rows × \(x.columns) columns)"
            )
        }
        let local = try DistributedJob.agreeing(job) {
            try LogisticProblem(
                x: try x.dense(), y: y, lambda: lambda, sampleWeights: weights, fitIntercept: fitIntercept)
        }
        // The local rows checked on every rank; now the problem whose sums span all shares.
        let dense = LogisticProblem(
            checked: local.x, y: y, lambda: lambda, sampleWeights: weights, fitIntercept: fitIntercept, offsets: nil,
            rowShares: job)
        let refit = try LogisticRegression.fit(
            dense, options: NewtonOptions(tolerance: tol, maxIterations: maxIter), initial: fit.parameters,
            inference: InferenceOptions(alpha: alpha, robust: robust))
        return (refit.inference, nil)
    }

    /// `--solver newton-cg` on a dense two-class problem: truncated Newton by `dgemv` products, then
    /// (while the Hessian is small) the statistics from the Newton solver started at its result.
    func truncatedNewtonFit(_ problem: LogisticProblem, options: NewtonOptions) throws -> LogisticFit {
        var fit = try SparseLogisticRegression.fitDense(problem, options: options)
        if problem.parameterCount <= 5000 {
            fit.inference = try LogisticRegression.fit(
                problem, options: options, initial: fit.parameters,
                inference: InferenceOptions(alpha: alpha, robust: robust)
            ).inference
        }
        return fit
    }
}
