import Foundation
import Linalg

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
            lines.append(
                String(row.iteration).leftPadded(4) + "  "
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
        case .separable:
            status =
                "NOT converged: the data are linearly separable and λ = 0, so no finite minimiser exists (use "
                + "--lambda > 0)"
        case .lineSearchFailed: status = "NOT converged: the line search found no decrease (precision limit)"
        case .stagnated: status = "NOT converged: the Newton step no longer changes β (precision limit)"
        }
        lines.append("\(status) after \(fit.iterations) iterations; loss \(fit.loss), ‖∇L‖ \(fit.gradientNorm)")
        let width = max(9, featureNames.map(\.count).max() ?? 0)
        for (name, value) in zip(featureNames, fit.coefficients) {
            lines.append(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(value)")
        }
        if let intercept = fit.intercept {
            lines.append("intercept".padding(toLength: width, withPad: " ", startingAt: 0) + "  \(intercept)")
        }
        return lines.joined(separator: "\n")
    }
}
