/// Checks every model makes of what a user gives it.
enum ModelChecks {
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
