import Linalg
import LinalgReference
import Testing

/// (rows, d, m) for the class products: row tails of 1…5 past whole 6-row tiles, column tails of
/// 1…7 past 8-column panels (m for the scores, d for the sums), class groups of 1…6 (m = 7 is
/// 4 + 3, m = 13 is 5 + 4 + 4), d past the scores' 128-wide blocks of p, and one row, one class.
let classProductShapes: [(Int, Int, Int)] = [
    (1, 1, 1), (6, 8, 8), (7, 3, 2), (13, 100, 10), (512, 100, 10), (5, 4, 4), (11, 5, 5), (17, 9, 7),
    (23, 300, 13), (4, 129, 9), (2, 16, 3), (37, 7, 6), (64, 257, 1), (3, 1, 17), (9, 12, 12),
]

@Suite struct ClassProductKernelTests {
    /// `Z = X Vᵀ` and `S + Uᵀ X` by plain loops (the oracle).
    static func expected(
        x: Matrix<Double>, v: Matrix<Double>, u: Matrix<Double>, s: Matrix<Double>
    )
        -> (scores: Matrix<Double>, sums: Matrix<Double>)
    {
        (Reference.matmul(x, v, transposeB: true), Reference.matmul(u, x, transposeA: true, beta: 1, adding: s))
    }

    /// Both products by the kernel the CPU's table picks or by the reference kernel, `X`, `Z` and
    /// `S` with leading dimensions larger than their widths.
    static func products(
        x: Matrix<Double>, v: Matrix<Double>, u: Matrix<Double>, s: Matrix<Double>, reference: Bool
    ) -> (scores: [Double], sums: [Double]) {
        let (rows, d, m) = (x.rows, x.columns, v.rows)
        let ldx = d + 3, ldz = m + 2, lds = d + 1
        var xs = [Double](repeating: .nan, count: rows * ldx), ss = [Double](repeating: .nan, count: m * lds)
        for i in 0..<rows { for j in 0..<d { xs[i * ldx + j] = x[i, j] } }
        for c in 0..<m { for j in 0..<d { ss[c * lds + j] = s[c, j] } }
        var packed = [Double](repeating: .nan, count: d * ClassProductKernels.panelWidth(classes: m))
        var z = [Double](repeating: .nan, count: rows * ldz)
        ClassProductKernels.pack(classes: m, features: d, v.scalars, ldv: d, into: &packed)
        ClassProductKernels.scores(
            rows: rows, features: d, classes: m, x: xs, ldx: ldx, packed: packed, z: &z, ldz: ldz,
            reference: reference)
        ClassProductKernels.sums(
            rows: rows, features: d, classes: m, u: u.scalars, ldu: m, x: xs, ldx: ldx, s: &ss, lds: lds,
            reference: reference)
        let scores = (0..<rows).flatMap { i in (0..<m).map { z[i * ldz + $0] } }
        let sums = (0..<m).flatMap { c in (0..<d).map { ss[c * lds + $0] } }
        return (scores, sums)
    }

    @Test func vectorisedKernelsEqualTheReferenceKernelsToTheBitAndTheOracle() {
        var g = makeGenerator()
        for (rows, d, m) in classProductShapes {
            let x = Matrix<Double>.random(rows: rows, columns: d, distribution: .randn, using: &g)
            let v = Matrix<Double>.random(rows: m, columns: d, distribution: .randn, using: &g)
            let u = Matrix<Double>.random(rows: rows, columns: m, distribution: .randn, using: &g)
            let s = Matrix<Double>.random(rows: m, columns: d, distribution: .randn, using: &g)
            let fast = Self.products(x: x, v: v, u: u, s: s, reference: false)
            let plain = Self.products(x: x, v: v, u: u, s: s, reference: true)
            #expect(fast.scores == plain.scores, "scores \(rows)×\(d), m = \(m)")
            #expect(fast.sums == plain.sums, "sums \(rows)×\(d), m = \(m)")
            let oracle = Self.expected(x: x, v: v, u: u, s: s)
            let scale = Double(max(d, rows))
            #expect(maxAbsDifference(fast.scores, oracle.scores.scalars) <= 1e-14 * scale, "scores \(rows)×\(d)×\(m)")
            #expect(maxAbsDifference(fast.sums, oracle.sums.scalars) <= 1e-14 * scale, "sums \(rows)×\(d)×\(m)")
        }
    }

    @Test func nanAndInfinityPropagateAsInAProduct() {
        var g = makeGenerator()
        let (rows, d, m) = (13, 20, 10)
        var x = Matrix<Double>.random(rows: rows, columns: d, distribution: .randn, using: &g)
        x[7, 11] = .nan
        x[2, 3] = .infinity
        let v = Matrix<Double>.random(rows: m, columns: d, distribution: .randn, using: &g)
        let u = Matrix<Double>.random(rows: rows, columns: m, distribution: .randn, using: &g)
        let s = Matrix<Double>(uncheckedRows: m, columns: d)
        let fast = Self.products(x: x, v: v, u: u, s: s, reference: false)
        for c in 0..<m {
            #expect(fast.scores[7 * m + c].isNaN)
            #expect(fast.scores[2 * m + c].isInfinite)
            #expect(fast.scores[0 * m + c].isFinite)
            #expect(fast.sums[c * d + 11].isNaN)
            #expect(fast.sums[c * d + 3].isInfinite)
            #expect(fast.sums[c * d + 0].isFinite)
        }
    }
}

private func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The FMA probe of the bench's peak roofline counts the flops of its chains: 12 chains of 4
/// doubles or 8 floats per step with AVX2 (2 flops per lane), 12 scalar chains without.
@Suite struct FMAPeakTests {
    @Test func theProbeCountsItsFlops() {
        let lanes = FMAPeak.instructionSet == "baseline" ? (1, 1) : (4, 8)
        #expect(FMAPeak.run(iterations: 1000, cores: 2, single: false) == Double(2 * 1000 * 12 * lanes.0 * 2))
        #expect(FMAPeak.run(iterations: 1000, cores: 1, single: true) == Double(1000 * 12 * lanes.1 * 2))
        #expect(["AVX-512F", "AVX2+FMA", "baseline"].contains(FMAPeak.instructionSet))
    }
}
