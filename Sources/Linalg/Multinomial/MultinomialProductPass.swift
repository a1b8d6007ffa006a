/// One pass over `X` for a Hessian-vector product of the multinomial loss, with the probabilities
/// `P` (`n × m`) of the current `Θ`
/// kept from its gradient pass: per chunk of rows, read in place,
/// `Z_v = X_c V_Bᵀ + v_b` (one GEMM), `u_ik = w_i p_ik (z_v,ik − Σ_l p_il z_v,il)` and
/// `(Hv)_B += U_cᵀ X_c` (one GEMM) while the rows are in cache, `(Hv)_b += Σ_i u_i`: two GEMMs,
/// never the Hessian. The rows are split across the cores, their sums added in core order.
final class MultinomialProductPass: @unchecked Sendable {
    let problem: MultinomialProblem
    let probabilities: UnsafePointer<Double>
    let m: Int, width: Int, p: Int, parts: Int, chunkRows = 512
    /// Per core: `Z_v` (then `U`) and the sums (`p`).
    let products: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>

    init(_ problem: MultinomialProblem, probabilities: UnsafePointer<Double>) {
        self.problem = problem
        self.probabilities = probabilities
        m = problem.modelledClassCount
        width = problem.classWidth
        p = problem.parameterCount
        parts = ParallelChunks.blasPassParts(count: problem.sampleCount, minimumPerChunk: 4 * chunkRows)
        products = .allocate(capacity: parts * chunkRows * max(1, m))
        sums = .allocate(capacity: parts * max(1, p))
    }

    deinit {
        products.deallocate()
        sums.deallocate()
    }

    /// `∇²L v` (`v` laid out as `Θ`), penalty included.
    func product(_ v: [Double]) -> [Double] {
        v.withUnsafeBufferPointer { vector in
            let shared = UncheckedSendable((self, vector.baseAddress!))
            ParallelChunks.runWithSingleThreadedBLAS(count: problem.sampleCount, parts: parts) { part, range in
                let (pass, v) = shared.value
                pass.productPart(part, range, v)
            }
        }
        var result = summed()
        addPenalty(v, to: &result)
        return result
    }

    func summed() -> [Double] {
        var result = [Double](repeating: 0, count: p)
        for part in 0..<parts { for j in 0..<p { result[j] += sums[part * p + j] } }
        return result
    }

    /// `+ 2λ v` on the coefficients (not the intercepts).
    func addPenalty(_ v: [Double], to result: inout [Double]) {
        guard problem.lambda > 0 else { return }
        for k in 0..<m {
            for j in 0..<problem.featureCount { result[k * width + j] += 2 * problem.lambda * v[k * width + j] }
        }
    }

    func productPart(_ part: Int, _ range: Range<Int>, _ v: UnsafePointer<Double>) {
        let d = problem.featureCount, sum = sums + part * p, u = products + part * chunkRows * m
        sum.update(repeating: 0, count: p)
        problem.x.withUnsafeBufferPointer { x in
            var start = range.lowerBound
            while start < range.upperBound {
                let chunk = start..<min(range.upperBound, start + chunkRows), count = chunk.count
                if d > 0 {
                    GemmKernel.run(
                        transposeA: false, transposeB: true, m: count, n: m, k: d, alpha: 1,
                        a: x.baseAddress! + chunk.lowerBound * d, lda: d, b: v, ldb: width, beta: 0, c: u, ldc: m)
                } else {
                    u.update(repeating: 0, count: count * m)
                }
                let pc = probabilities + chunk.lowerBound * m
                for (i, row) in chunk.enumerated() {
                    let ui = u + i * m, pi = pc + i * m
                    if width > d { for c in 0..<m { ui[c] += v[c * width + d] } }
                    var mean = 0.0
                    for c in 0..<m { mean += pi[c] * ui[c] }
                    let w = problem.weight(row)
                    for c in 0..<m { ui[c] = w * pi[c] * (ui[c] - mean) }
                }
                accumulate(u, rows: x.baseAddress.map { $0 + chunk.lowerBound * d }, count: count, into: sum)
                start = chunk.upperBound
            }
        }
    }

    /// `sum_B += U_cᵀ R` and `sum_b += Σ_i u_i` for a chunk of `count` rows `R` (`count × d`).
    func accumulate(
        _ u: UnsafePointer<Double>, rows: UnsafePointer<Double>?, count: Int, into sum: UnsafeMutablePointer<Double>
    ) {
        let d = problem.featureCount
        if let rows, d > 0 {
            GemmKernel.run(
                transposeA: true, transposeB: false, m: m, n: d, k: count, alpha: 1, a: u, lda: m, b: rows, ldb: d,
                beta: 1, c: sum, ldc: width)
        }
        if width > d { for i in 0..<count { for c in 0..<m { sum[c * width + d] += u[i * m + c] } } }
    }
}
