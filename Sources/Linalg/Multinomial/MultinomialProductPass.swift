/// One pass over `X` for a Hessian-vector product of the multinomial loss, with the probabilities
/// `P` (`n × m`) of the current `Θ`
/// kept from its gradient pass: per chunk of rows, read in place,
/// `Z_v = X_c V_Bᵀ + v_b`, `u_ik = w_i p_ik (z_v,ik − Σ_l p_il z_v,il)` and
/// `(Hv)_B += U_cᵀ X_c` while the rows are in L2, `(Hv)_b += Σ_i u_i`: two products with `X`
/// (``ClassProductKernels``), never the Hessian. The rows are split across the cores, their sums
/// added in core order.
final class MultinomialProductPass: @unchecked Sendable {
    let problem: MultinomialProblem
    let probabilities: UnsafePointer<Double>
    let m: Int, width: Int, p: Int, parts: Int, chunkRows: Int
    /// Per core: `Z_v` (then `U`) and the sums (`p`).
    let products: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>
    /// `V_Bᵀ` packed for the scores kernel (`d × panelWidth(m)`).
    let packed: UnsafeMutablePointer<Double>

    init(_ problem: MultinomialProblem, probabilities: UnsafePointer<Double>) {
        self.problem = problem
        self.probabilities = probabilities
        m = problem.modelledClassCount
        width = problem.classWidth
        p = problem.parameterCount
        // About 256 KiB of rows: the chunk stays in L2 while the sums read it once per 4 classes.
        chunkRows = max(16, min(512, 32768 / max(1, problem.featureCount)))
        parts = ParallelChunks.blasPassParts(count: problem.sampleCount, minimumPerChunk: 4 * chunkRows)
        products = .allocate(capacity: parts * chunkRows * max(1, m))
        sums = .allocate(capacity: parts * max(1, p))
        packed = .allocate(capacity: max(1, problem.featureCount * ClassProductKernels.panelWidth(classes: m)))
    }

    deinit {
        products.deallocate()
        sums.deallocate()
        packed.deallocate()
    }

    /// `∇²L v` (`v` laid out as `Θ`), penalty included.
    func product(_ v: [Double]) -> [Double] {
        v.withUnsafeBufferPointer { vector in
            ClassProductKernels.pack(
                classes: m, features: problem.featureCount, vector.baseAddress!, ldv: width, into: packed)
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
                    ClassProductKernels.scores(
                        rows: count, features: d, classes: m, x: x.baseAddress! + chunk.lowerBound * d, ldx: d,
                        packed: packed, z: u, ldz: m)
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
            ClassProductKernels.sums(
                rows: count, features: d, classes: m, u: u, ldu: m, x: rows, ldx: d, s: sum, lds: width)
        }
        if width > d { for i in 0..<count { for c in 0..<m { sum[c * width + d] += u[i * m + c] } } }
    }
}
