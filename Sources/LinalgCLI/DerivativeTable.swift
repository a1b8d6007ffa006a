import Foundation
import Linalg

/// The table of derivative checks printed by `gradcheck` and `exercise`.
enum DerivativeTable {
    static func render(_ report: MLPDerivativeReport, tolerance: Double) -> String {
        var rows = [("df/dx0", report.inputJacobian)]
        for (l, check) in report.weightJacobians.enumerated() { rows.append(("df/dW_\(l)", check)) }
        for (l, check) in report.biasJacobians.enumerated() { rows.append(("df/db_\(l)", check)) }
        var lines = ["derivative    entries   max abs error   max rel error   ok"]
        for (name, check) in rows {
            lines.append(
                name.padding(toLength: 12, withPad: " ", startingAt: 0) + "  "
                    + String(check.count).leftPadded(7) + "   "
                    + formatted(check.maxAbsoluteError).leftPadded(13) + "   "
                    + formatted(check.maxRelativeError).leftPadded(13) + "   "
                    + (check.passes(tolerance: tolerance) ? "yes" : "NO"))
        }
        return lines.joined(separator: "\n")
    }

    static func formatted(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.3e", value)
    }
}
