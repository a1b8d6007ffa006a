import BenchSupport
import Foundation

/// The console table: one row per case, Linalg and its baseline (the reference, or Linalg
/// without the feature, or in float64: the case's note says which) side by side.
struct ResultTable {
    func printHeader() {
        print(
            "case                        sizes              batch   linalg median     GFLOP/s  %dgemm   %peak   "
                + " baseline median  speed-up"
        )
    }

    /// One case's row; `speedup` replaces the ratio of the two medians when the baseline was
    /// timed in alternating blocks with the case.
    func printRow(
        _ benchCase: BenchCase, linalg: BenchRecord, baseline: BenchRecord?, dgemmRate: Double?, peak: Double? = nil,
        speedup blockSpeedup: Double? = nil, note: String?
    ) {
        let sizes = benchCase.sizes.map(String.init).joined(separator: ",")
        let batch = benchCase.batch.map(String.init) ?? "-"
        let gflops = linalg.gflops.map { String(format: "%8.2f", $0) } ?? "       -"
        let fraction =
            dgemmRate.flatMap { rate in linalg.gflops.map { String(format: "%5.0f%%", 100 * $0 / rate) } } ?? "     -"
        let ofPeak =
            peak.flatMap { rate in linalg.gflops.map { String(format: "%5.0f%%", 100 * $0 / rate) } } ?? "     -"
        let baselineText = baseline.map { format($0.medianSeconds) } ?? "                 -"
        let speedup =
            (blockSpeedup ?? baseline.map { $0.medianSeconds / linalg.medianSeconds })
            .map { String(format: "%8.1f×", $0) } ?? "        -"
        var line =
            benchCase.name.padding(toLength: 26, withPad: " ", startingAt: 0) + "  "
            + sizes.padding(toLength: 17, withPad: " ", startingAt: 0) + "  " + rightAligned(batch, 5) + "  "
            + format(linalg.medianSeconds) + "  " + gflops + "  " + fraction + "  " + ofPeak + "  " + baselineText
            + "  " + speedup
        if let note { line += "  (\(note))" }
        print(line)
        fflush(nil)
    }

    /// A duration with a unit, right-aligned in 16 characters.
    func format(_ seconds: Double) -> String {
        let text: String
        switch seconds {
        case ..<1e-6: text = String(format: "%.1f ns", seconds * 1e9)
        case ..<1e-3: text = String(format: "%.2f µs", seconds * 1e6)
        case ..<1: text = String(format: "%.2f ms", seconds * 1e3)
        default: text = String(format: "%.3f s", seconds)
        }
        return rightAligned(text, 16)
    }

    /// `text` right-aligned in `width` characters.
    func rightAligned(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
