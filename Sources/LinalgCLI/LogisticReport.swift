import Foundation
import Linalg

/// The text and JSON forms of a fit, its inference and its path.
struct LogisticReport {
    var fit: LogisticFit
    var featureNames: [String]
    var lambda: Double
    var hasIntercept: Bool
    var path: [LogisticPathPoint]? = nil
    var bestLambda: Double? = nil
    /// Wall-clock seconds of the fit (path, Newton and inference; not the reading) and the number
    /// of processes that shared it, for the text form.
    var timing: (seconds: Double, processes: Int)? = nil
    /// The two class labels (class 1 the second), when known.
    var classes: [ClassLabel]? = nil
    /// The truncated Newton solver's name (`newton-cg`), when it made the fit: the JSON then has
    /// `solver` and `cg_iterations`.
    var solver: String? = nil
    /// Why there are no standard errors (a Hessian too large for memory), for the text form.
    var noInferenceReason: String? = nil

    /// The names of the parameter vector: the features, then `intercept`.
    var parameterNames: [String] { featureNames + (hasIntercept ? ["intercept"] : []) }

    var warnings: [String] {
        (fit.inference?.diagnostics ?? []).map { $0.message(parameterNames: parameterNames) }
    }

    /// The members every fit's JSON has: `lambda`, `loss`, `gradient_norm`, `iterations`,
    /// `converged`, `reason`, `trace` and `feature_names`.
    static func solverMembers(
        lambda: Double, loss: Double, gradientNorm: Double, iterations: Int, trace: [NewtonIteration],
        reason: NewtonStopReason, featureNames: [String]
    ) -> [(String, String)] {
        [
            ("lambda", JSONWriter.number(lambda)),
            ("loss", JSONWriter.number(loss)),
            ("gradient_norm", JSONWriter.number(gradientNorm)),
            ("iterations", String(iterations)),
            ("converged", reason == .converged ? "true" : "false"),
            ("reason", JSONWriter.string(reason.rawValue)),
            ("trace", traceJSON(trace)),
            ("feature_names", JSONWriter.array(encoded: featureNames.map(JSONWriter.string))),
        ]
    }

    /// Class labels as JSON numbers (integers without a fraction: `2`, not `2.0`) or strings.
    static func classesJSON(_ classes: [ClassLabel]) -> String {
        JSONWriter.array(encoded: classes.map(\.json))
    }

    static func numberOrNull(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return JSONWriter.number(value)
    }

    static func traceJSON(_ trace: [NewtonIteration]) -> String {
        JSONWriter.array(
            encoded: trace.map { row in
                JSONWriter.object([
                    ("iteration", String(row.iteration)),
                    ("loss", JSONWriter.number(row.loss)),
                    ("gradient_norm", JSONWriter.number(row.gradientNorm)),
                    ("step_size", JSONWriter.number(row.stepSize)),
                    ("damping", JSONWriter.number(row.damping)),
                    ("newton_decrement", JSONWriter.number(row.newtonDecrement)),
                ])
            })
    }

    func json() -> String {
        var members: [(String, String)] =
            [
                ("coefficients", JSONWriter.array(fit.coefficients)),
                ("intercept", fit.intercept.map(JSONWriter.number) ?? "null"),
            ]
            + Self.solverMembers(
                lambda: lambda, loss: fit.loss, gradientNorm: fit.gradientNorm, iterations: fit.iterations,
                trace: fit.trace, reason: fit.reason, featureNames: featureNames)
        if let classes { members.append(("classes", Self.classesJSON(classes))) }
        if let solver {
            members.append(("solver", JSONWriter.string(solver)))
            members.append(("cg_iterations", String(fit.hessianVectorProducts)))
        }
        if let inference = fit.inference { members += Self.inferenceMembers(inference, warnings: warnings) }
        if let path {
            members.append(("path", JSONWriter.array(encoded: path.map(Self.pathPointJSON))))
            members.append(("best_lambda", Self.numberOrNull(bestLambda)))
        }
        return JSONWriter.object(members)
    }

    static func inferenceMembers(_ inference: LogisticInference, warnings: [String]) -> [(String, String)] {
        func vector(_ values: [Double]?) -> String {
            values.map { JSONWriter.array(encoded: $0.map { numberOrNull($0) }) } ?? "null"
        }
        let intervals = inference.confidenceIntervals.map { rows in
            JSONWriter.array(
                encoded: rows.map { JSONWriter.array(encoded: [numberOrNull($0.lower), numberOrNull($0.upper)]) })
        }
        let covariance = inference.covariance.map { matrix in
            JSONWriter.array(encoded: (0..<matrix.rows).map { vector(matrix.row($0)) })
        }
        return [
            ("standard_errors", vector(inference.standardErrors)),
            ("z_values", vector(inference.zValues)),
            ("p_values", vector(inference.pValues)),
            ("confidence_intervals", intervals ?? "null"),
            ("covariance", covariance ?? "null"),
            ("log_likelihood", numberOrNull(inference.logLikelihood)),
            ("null_log_likelihood", numberOrNull(inference.nullLogLikelihood)),
            ("deviance", numberOrNull(inference.deviance)),
            ("null_deviance", numberOrNull(inference.nullDeviance)),
            ("aic", numberOrNull(inference.aic)),
            ("bic", numberOrNull(inference.bic)),
            ("pseudo_r2", numberOrNull(inference.pseudoR2)),
            ("condition_number", numberOrNull(inference.conditionNumber)),
            ("warnings", JSONWriter.array(encoded: warnings.map(JSONWriter.string))),
        ]
    }

    static func pathPointJSON(_ point: LogisticPathPoint) -> String {
        JSONWriter.object([
            ("lambda", JSONWriter.number(point.lambda)),
            ("coefficients", JSONWriter.array(point.fit.coefficients)),
            ("intercept", point.fit.intercept.map(JSONWriter.number) ?? "null"),
            ("iterations", String(point.fit.iterations)),
            ("converged", point.fit.converged ? "true" : "false"),
            ("cv_deviance_mean", numberOrNull(point.cvDevianceMean)),
            ("cv_deviance_std", numberOrNull(point.cvDevianceStd)),
        ])
    }

    static func traceTable(_ trace: [NewtonIteration]) -> String {
        var lines = ["iter                   loss          ‖∇L‖    step    damping   decrement"]
        for row in trace {
            lines.append(
                String(row.iteration).leftPadded(4) + "  "
                    + String(format: "%21.15g", row.loss) + "  " + String(format: "%12.4e", row.gradientNorm) + "  "
                    + String(format: "%6.4g", row.stepSize) + "  " + String(format: "%9.2e", row.damping) + "  "
                    + String(format: "%10.3e", row.newtonDecrement))
        }
        return lines.joined(separator: "\n")
    }

    static func status(_ reason: NewtonStopReason) -> String {
        switch reason {
        case .converged: return "converged"
        case .maxIterations: return "NOT converged: reached the iteration limit"
        case .separable:
            return "NOT converged: the data are linearly separable and λ = 0, so no finite minimiser exists (use "
                + "--lambda > 0)"
        case .lineSearchFailed: return "NOT converged: the line search found no decrease (precision limit)"
        case .stagnated: return "NOT converged: the Newton step no longer changes β (precision limit)"
        }
    }

    /// The trace, the status and the coefficients (the exercise's form, without inference).
    static func text(_ fit: LogisticFit, featureNames: [String]) -> String {
        var lines = [traceTable(fit.trace), ""]
        lines.append(
            "\(status(fit.reason)) after \(fit.iterations) iterations; loss \(fit.loss), "
                + "‖∇L‖ \(fit.gradientNorm)")
        let width = max(9, featureNames.map(\.count).max() ?? 0)
        for (name, value) in zip(featureNames, fit.coefficients) {
            lines.append(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(value)")
        }
        if let intercept = fit.intercept {
            lines.append("intercept".padding(toLength: width, withPad: " ", startingAt: 0) + "  \(intercept)")
        }
        return lines.joined(separator: "\n")
    }

    /// The trace, the path (if any), and a summary table like statsmodels' with the fit statistics.
    func text() -> String {
        var lines = [Self.traceTable(fit.trace), ""]
        lines.append(
            "\(Self.status(fit.reason)) after \(fit.iterations) iterations; λ = \(lambda), loss \(fit.loss), "
                + "‖∇L‖ \(fit.gradientNorm)")
        if let solver { lines.append("solver \(solver): \(fit.hessianVectorProducts) Hessian-vector products") }
        if let path { lines += [""] + pathTable(path) }
        lines.append("")
        guard let inference = fit.inference else {
            if let noInferenceReason { lines.append("no standard errors: \(noInferenceReason)") }
            if let timing { lines.append(Self.fitTime(timing.seconds, processes: timing.processes)) }
            return lines.joined(separator: "\n")
        }
        lines += summaryTable(inference)
        lines.append("")
        lines += statistics(inference)
        for warning in warnings { lines.append("warning: \(warning)") }
        if let timing { lines.append(Self.fitTime(timing.seconds, processes: timing.processes)) }
        return lines.joined(separator: "\n")
    }

    /// `fit time: 0.123 s`, with `on P MPI ranks` for a job of several processes.
    static func fitTime(_ seconds: Double, processes: Int) -> String {
        String(format: "fit time: %.3f s", seconds) + (processes > 1 ? " on \(processes) MPI ranks" : "")
    }

    func pathTable(_ path: [LogisticPathPoint]) -> [String] {
        var lines = ["           λ  iterations   cv deviance (mean ± std)"]
        for point in path {
            let cv =
                point.cvDevianceMean.map {
                    String(format: "%.6g ± %.3g", $0, point.cvDevianceStd ?? .nan)
                } ?? "-"
            let mark = point.lambda == bestLambda ? "  ← best" : ""
            lines.append(String(format: "%12.6g  %10d   ", point.lambda, point.fit.iterations) + cv + mark)
        }
        return lines
    }

    func summaryTable(_ inference: LogisticInference) -> [String] {
        let names = parameterNames
        let width = max(9, names.map(\.count).max() ?? 0)
        let level = 1 - inference.options.alpha
        let lowerLabel = String(format: "[%.4g", (1 - level) / 2),
            upperLabel = String(format: "%.4g]", 1 - (1 - level) / 2)
        var lines = [
            "".padding(toLength: width, withPad: " ", startingAt: 0)
                + ["coef", "std err", "z", "P>|z|", lowerLabel, upperLabel].map { $0.leftPadded(12) }.joined()
        ]
        let values = fit.parameters
        for (k, name) in names.enumerated() {
            var row = name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "%12.5g", values[k])
            if let errors = inference.standardErrors, let z = inference.zValues, let p = inference.pValues,
                let intervals = inference.confidenceIntervals
            {
                row += String(
                    format: "%12.5g%12.4g%12.4g%12.5g%12.5g", errors[k], z[k], p[k], intervals[k].lower,
                    intervals[k].upper)
            } else {
                row += "           —" + String(repeating: " ", count: 48)
            }
            lines.append(row)
        }
        return lines
    }

    func statistics(_ inference: LogisticInference) -> [String] {
        func g(_ value: Double?) -> String { value.map { String(format: "%.10g", $0) } ?? "undefined" }
        return [
            "covariance: "
                + (inference.covariance == nil
                    ? "not defined"
                    : inference.options.robust
                        ? "HC0 sandwich H⁻¹(Σ w²r² x xᵀ)H⁻¹" : "H⁻¹ (model-based)"),
            "log-likelihood \(g(inference.logLikelihood))    null log-likelihood \(g(inference.nullLogLikelihood))",
            "deviance \(g(inference.deviance))    null deviance \(g(inference.nullDeviance))",
            "AIC \(g(inference.aic))    BIC \(g(inference.bic))    pseudo-R² (McFadden) \(g(inference.pseudoR2))",
            "n = Σw = \(g(inference.sampleSize))    parameters p = \(inference.parameterCount)    "
                + "condition number κ₁(H) ≈ \(g(inference.conditionNumber)) (dpocon)",
        ]
    }
}
