import Foundation
import Linalg

/// The text and JSON forms of a multinomial fit: one row of coefficients per modelled class (all
/// `K` with λ > 0, classes 2…K against the first with λ = 0) and, with λ = 0, `MNLogit`'s statistics
/// with every per-parameter vector as one row per modelled class (its coefficients, then its intercept).
struct MultinomialReport {
    var fit: MultinomialFit
    var featureNames: [String]
    var classes: [ClassLabel]
    var lambda: Double
    /// Wall-clock seconds of the fit and inference, for the text form.
    var seconds: Double? = nil
    /// The processes that fitted it (MPI ranks; 1 for one process).
    var processes = 1
    /// The regularisation path, when one was fitted, and the λ cross-validation chose.
    var path: [MultinomialPathPoint]? = nil
    var bestLambda: Double? = nil

    var width: Int { fit.coefficients.columns + (fit.intercepts == nil ? 0 : 1) }
    var modelledLabels: [String] { fit.modelledClasses.map { classes[$0].text } }

    /// The parameter names, class by class: `feature[y=c]`.
    var parameterNames: [String] {
        modelledLabels.flatMap { c in
            (featureNames + (fit.intercepts == nil ? [] : ["intercept"])).map { "\($0)[y=\(c)]" }
        }
    }

    var warnings: [String] { (fit.inference?.diagnostics ?? []).map { $0.message(parameterNames: parameterNames) } }

    /// `values` (one per parameter) as one row per modelled class.
    func rows(_ values: [String]) -> String {
        JSONWriter.array(
            encoded: stride(from: 0, to: values.count, by: width).map {
                JSONWriter.array(encoded: Array(values[$0..<($0 + width)]))
            })
    }

    func json() -> String {
        let m = fit.coefficients.rows
        var members: [(String, String)] = [
            ("classes", LogisticReport.classesJSON(classes)),
            ("coefficients", JSONWriter.array(encoded: (0..<m).map { JSONWriter.array(fit.coefficients.row($0)) })),
            ("intercept", fit.intercepts.map(JSONWriter.array) ?? "null"),
        ]
        members.append(("solver", JSONWriter.string(fit.hessianVectorProducts > 0 ? "newton-cg" : "newton-cholesky")))
        members.append(("cg_iterations", String(fit.hessianVectorProducts)))
        members += LogisticReport.solverMembers(
            lambda: lambda, loss: fit.loss, gradientNorm: fit.gradientNorm, iterations: fit.iterations,
            trace: fit.trace, reason: fit.reason, featureNames: featureNames)
        if let inference = fit.inference { members += inferenceMembers(inference) }
        if let path {
            members.append(("path", JSONWriter.array(encoded: path.map(Self.pathPointJSON))))
            members.append(("best_lambda", LogisticReport.numberOrNull(bestLambda)))
        }
        return JSONWriter.object(members)
    }

    static func pathPointJSON(_ point: MultinomialPathPoint) -> String {
        let m = point.fit.coefficients.rows
        return JSONWriter.object([
            ("lambda", JSONWriter.number(point.lambda)),
            (
                "coefficients",
                JSONWriter.array(encoded: (0..<m).map { JSONWriter.array(point.fit.coefficients.row($0)) })
            ),
            ("intercept", point.fit.intercepts.map(JSONWriter.array) ?? "null"),
            ("iterations", String(point.fit.iterations)),
            ("converged", point.fit.converged ? "true" : "false"),
            ("cv_deviance_mean", LogisticReport.numberOrNull(point.cvDevianceMean)),
            ("cv_deviance_std", LogisticReport.numberOrNull(point.cvDevianceStd)),
        ])
    }

    func inferenceMembers(_ inference: LogisticInference) -> [(String, String)] {
        var members = LogisticReport.inferenceMembers(inference, warnings: warnings)
        func perClass(_ values: [Double]?) -> String {
            values.map { rows($0.map { LogisticReport.numberOrNull($0) }) } ?? "null"
        }
        let intervals = inference.confidenceIntervals.map { list in
            rows(
                list.map {
                    JSONWriter.array(encoded: [
                        LogisticReport.numberOrNull($0.lower), LogisticReport.numberOrNull($0.upper),
                    ])
                })
        }
        let shaped = [
            "standard_errors": perClass(inference.standardErrors), "z_values": perClass(inference.zValues),
            "p_values": perClass(inference.pValues), "confidence_intervals": intervals ?? "null",
        ]
        for (index, member) in members.enumerated() { if let value = shaped[member.0] { members[index].1 = value } }
        return members
    }

    /// The trace, the status, and per modelled class a table like statsmodels' summary.
    func text() -> String {
        var lines = [LogisticReport.traceTable(fit.trace), ""]
        lines.append(
            "\(LogisticReport.status(fit.reason)) after \(fit.iterations) iterations; λ = \(lambda), "
                + "loss \(fit.loss), ‖∇L‖ \(fit.gradientNorm)")
        if let path {
            lines.append("")
            lines.append("           λ  iterations   cv deviance (mean ± std)")
            for point in path {
                let cv =
                    point.cvDevianceMean.map { String(format: "%.6g ± %.3g", $0, point.cvDevianceStd ?? .nan) } ?? "-"
                let mark = point.lambda == bestLambda ? "  ← best" : ""
                lines.append(String(format: "%12.6g  %10d   ", point.lambda, point.fit.iterations) + cv + mark)
            }
        }
        lines.append(
            "classes: " + classes.map(\.text).joined(separator: ", ")
                + (fit.modelledClasses.count < classes.count ? " (the first is the reference)" : ""))
        let names = featureNames + (fit.intercepts == nil ? [] : ["intercept"])
        let nameWidth = max(9, names.map(\.count).max() ?? 0)
        let inference = fit.inference
        for (k, label) in modelledLabels.enumerated() {
            lines += [
                "",
                "y = \(label)" + "coef".leftPadded(nameWidth + 12 - label.count - 4)
                    + (inference?.standardErrors == nil
                        ? "" : ["std err", "z", "P>|z|", "[low", "high]"].map { $0.leftPadded(12) }.joined()),
            ]
            for (j, name) in names.enumerated() {
                let index = k * width + j
                var row =
                    name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                    + String(format: "%12.5g", fit.parameters[index])
                if let inference, let se = inference.standardErrors, let z = inference.zValues,
                    let p = inference.pValues, let ci = inference.confidenceIntervals
                {
                    row += String(
                        format: "%12.5g%12.4g%12.4g%12.5g%12.5g", se[index], z[index], p[index], ci[index].lower,
                        ci[index].upper)
                }
                lines.append(row)
            }
        }
        if let inference {
            func g(_ value: Double?) -> String { value.map { String(format: "%.10g", $0) } ?? "undefined" }
            lines += [
                "",
                "log-likelihood \(g(inference.logLikelihood))    null log-likelihood \(g(inference.nullLogLikelihood))",
                "AIC \(g(inference.aic))    BIC \(g(inference.bic))    pseudo-R² (McFadden) \(g(inference.pseudoR2))",
                "n = Σw = \(g(inference.sampleSize))    parameters p = \(inference.parameterCount)",
            ]
        }
        for warning in warnings { lines.append("warning: \(warning)") }
        if let seconds { lines.append(LogisticReport.fitTime(seconds, processes: processes)) }
        return lines.joined(separator: "\n")
    }
}
