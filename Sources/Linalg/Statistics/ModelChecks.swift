/// Checks every model makes of what a user gives it.
enum ModelChecks {
    /// The checks of a two-class problem's data beside `X` (`rows` rows): one label 0 or 1 per
    /// row, `λ` finite and ≥ 0, weights (``checkSampleWeights(_:count:operation:)``) and offsets of
    /// the same length and finite; throws naming the row.
    static func checkBinaryData(
        rows: Int, y: [Double], lambda: Double, sampleWeights: [Double]?, offsets: [Double]?
    ) throws(LinalgError) {
        guard rows == y.count else {
            throw .shapeMismatch(
                operation: "logistic regression", detail: "X has \(rows) rows but y has \(y.count) labels")
        }
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidValue(what: "lambda", detail: "must be finite and ≥ 0, got \(lambda)")
        }
        for (i, label) in y.enumerated() where label != 0 && label != 1 {
            if !label.isFinite { throw .nonFinite(what: "y", row: i, column: 0) }
            throw .invalidValue(what: "y", detail: "row \(i) is \(label); labels must be 0 or 1")
        }
        try checkSampleWeights(sampleWeights, count: y.count, operation: "logistic regression")
        if let offsets {
            guard offsets.count == y.count else {
                throw .shapeMismatch(
                    operation: "logistic regression", detail: "\(offsets.count) offsets for \(y.count) samples")
            }
            if let i = offsets.firstIndex(where: { !$0.isFinite }) {
                throw .nonFinite(what: "offsets", row: i, column: 0)
            }
        }
    }

    /// Throws unless `weights` (when given) has `count` finite entries ≥ 0, naming the row.
    static func checkSampleWeights(_ weights: [Double]?, count: Int, operation: String) throws(LinalgError) {
        guard let weights else { return }
        guard weights.count == count else {
            throw .shapeMismatch(operation: operation, detail: "\(weights.count) sample weights for \(count) samples")
        }
        for (i, w) in weights.enumerated() {
            if !w.isFinite { throw .nonFinite(what: "sample weights", row: i, column: 0) }
            if w < 0 { throw .invalidValue(what: "sample weights", detail: "row \(i) is \(w); weights must be ≥ 0") }
        }
    }

    /// Whether `copies` `p × p` matrices of doubles fit within ``SystemMemory/limit`` (and 2⁶³
    /// bytes), and the size of one, as messages name it.
    static func squareMatrixSize(_ p: Int, copies: Int) -> (fits: Bool, size: String) {
        let (entries, overflow) = p.multipliedReportingOverflow(by: p)
        let (bytes, overflowAll) = entries.multipliedReportingOverflow(by: copies * MemoryLayout<Double>.stride)
        let size = overflow ? "more than 2^63 bytes" : SystemMemory.formatted(entries * MemoryLayout<Double>.stride)
        return (!(overflow || overflowAll || bytes > SystemMemory.limit), size)
    }
}
