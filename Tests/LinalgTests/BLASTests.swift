import Linalg
import LinalgReference
import Testing

/// (m, n, k) for `C = op(A) op(B)` with `op(A)` `m × k`: 1×1, non-square, tall, wide,
/// batch-like, zero-size and one large enough for the BLAS path; n = 2…17 around the widths of
/// the narrow-row kernel (one to four 4-wide accumulators, the last one masked), one-sample
/// products (n = 1: rows four at a time, and op(A) = Aᵀ with m on both sides of 16), outer
/// products (k = 1), and wider rows for the panel kernel (n > 16: 16-column panels two rows at a
/// time, odd m, a partial last panel; B copied panel by panel when it exceeds 32 KiB and k ≤ 64).
let productShapes: [(Int, Int, Int)] = [
    (1, 1, 1), (2, 3, 4), (7, 1, 5), (1, 9, 3), (512, 3, 10), (3, 512, 10),
    (64, 64, 64), (300, 100, 200), (5, 7, 1), (40, 30, 1), (0, 4, 3), (4, 0, 3), (4, 3, 0),
    (2, 2, 10), (6, 4, 5), (3, 8, 2), (20, 10, 10), (9, 12, 7), (5, 13, 3), (2, 16, 11), (4, 17, 6),
    (8, 1, 4), (20, 1, 7), (6, 9, 1),
    (10, 1024, 2), (10, 1024, 10), (2, 1024, 10), (5, 100, 64), (7, 200, 40), (4, 70, 65), (3, 33, 9),
    (1, 48, 5), (2, 32, 3), (6, 17, 4),
]

@Suite struct BLASTests {
    func checkGemm<S: BLASScalar>(_ type: S.Type, tolerance: S) throws {
        var g = makeGenerator()
        for (m, n, k) in productShapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = Matrix<S>.random(
                        rows: transposeA ? k : m, columns: transposeA ? m : k, distribution: .randn, using: &g)
                    let b = Matrix<S>.random(
                        rows: transposeB ? n : k, columns: transposeB ? k : n, distribution: .randn, using: &g)
                    let c0 = Matrix<S>.random(rows: m, columns: n, distribution: .randn, using: &g)
                    let (alpha, beta): (S, S) = (0.75, -1.5)
                    var c = c0
                    try BLAS.gemm(
                        a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
                    let expected = Reference.matmul(
                        a, b, transposeA: transposeA, transposeB: transposeB,
                        alpha: alpha, beta: beta, adding: c0)
                    expectClose(
                        c, expected, tolerance: tolerance,
                        "gemm \(S.self) \(m)×\(n)×\(k) tA=\(transposeA) tB=\(transposeB)")
                    let product = try BLAS.gemm(a, b, transposeA: transposeA, transposeB: transposeB)
                    expectClose(
                        product, Reference.matmul(a, b, transposeA: transposeA, transposeB: transposeB),
                        tolerance: tolerance)
                }
            }
        }
    }

    @Test func gemmMatchesReferenceDouble() throws { try checkGemm(Double.self, tolerance: 1e-12) }
    @Test func gemmMatchesReferenceFloat() throws { try checkGemm(Float.self, tolerance: 1e-4) }

    @Test func bothGemmPathsAgreeAroundTheThreshold() throws {
        var g = makeGenerator(3)
        let side = Int(Double(GemmKernel.blasThreshold).squareRoot().squareRoot())  // cube root region
        for m in [side, 2 * side, 60] {
            let a = Matrix<Double>.random(rows: m, columns: m, distribution: .randn, using: &g)
            let b = Matrix<Double>.random(rows: m, columns: m, distribution: .randn, using: &g)
            expectClose(a * b, Reference.matmul(a, b), tolerance: 1e-12)
        }
    }

    @Test func gemmWithAnEmptyInnerDimensionScalesC() throws {
        // k = 0: AB is a sum of no terms, so C ← βC, as BLAS defines it (0 for β = 0, even for NaN).
        let a = try Matrix<Double>(rows: 2, columns: 0), b = try Matrix<Double>(rows: 0, columns: 3)
        var c = try Matrix<Double>([[1, 2, 3], [4, 5, .nan]])
        try BLAS.gemm(a, b, into: &c, beta: 2)
        #expect(c.scalars.prefix(5) == [2, 4, 6, 8, 10] && c[1, 2].isNaN)
        try BLAS.gemm(a, b, into: &c)
        #expect(try c == Matrix(rows: 2, columns: 3))
    }

    @Test func gemmShapeMismatchNamesBothShapes() throws {
        let a = try Matrix<Double>(rows: 2, columns: 3), b = try Matrix<Double>(rows: 4, columns: 5)
        var c = try Matrix<Double>(rows: 2, columns: 5)
        let mismatch = LinalgError.shapeMismatch(operation: "gemm", detail: "op(A) is 2×3, op(B) is 4×5, C is 2×5")
        #expect(throws: mismatch) {
            try BLAS.gemm(a, b, into: &c)
        }
        let error = #expect(throws: LinalgError.self) { try matmul(a, b) }
        #expect(error?.description.contains("2×3") == true)
        #expect(try c == Matrix(rows: 2, columns: 5), "C must be untouched after a shape error")
    }

    func checkLevel1And2<S: BLASScalar>(_ type: S.Type, tolerance: S) throws {
        var g = makeGenerator(5)
        for (m, n) in [(1, 1), (3, 5), (512, 3), (0, 3), (3, 0), (200, 300)] {
            let a = Matrix<S>.random(rows: m, columns: n, distribution: .randn, using: &g)
            let x = Matrix<S>.random(rows: n, columns: 1, distribution: .randn, using: &g).scalars
            let xt = Matrix<S>.random(rows: m, columns: 1, distribution: .randn, using: &g).scalars
            var y = Matrix<S>.random(rows: m, columns: 1, distribution: .randn, using: &g).scalars
            let y0 = y
            try BLAS.gemv(a, x, into: &y, alpha: 2, beta: 0.5)
            let expected = zip(Reference.matvec(a, x), y0).map { 2 * $0 + 0.5 * $1 }
            expectClose(
                try Matrix(rows: m, columns: 1, repeating: 0).withScalars(y),
                try Matrix(rows: m, columns: 1).withScalars(expected), tolerance: tolerance)
            let yt = try BLAS.gemv(a, xt, transpose: true)
            expectClose(
                try Matrix(rows: n, columns: 1).withScalars(yt),
                try Matrix(rows: n, columns: 1).withScalars(Reference.matvec(a.transposed(), xt)), tolerance: tolerance)

            // syrk: AAᵀ and AᵀA, full symmetric result, with β.
            let c0 = randomSPD(m, S.self, using: &g)
            var c = c0
            try BLAS.syrk(a, into: &c, alpha: 0.5, beta: 2)
            expectClose(
                c, Reference.matmul(a, a, transposeB: true, alpha: 0.5, beta: 2, adding: c0), tolerance: tolerance)
            expectClose(BLAS.syrk(a, transpose: true), Reference.matmul(a, a, transposeA: true), tolerance: tolerance)

            // axpy, scal, dot, nrm2.
            var z = xt
            try BLAS.axpy(3, y0, &z)
            #expect(zip(z, zip(xt, y0)).allSatisfy { abs($0 - (3 * $1.1 + $1.0)) <= tolerance * 10 })
            BLAS.scal(-2, &z)
            let dot = try BLAS.dot(xt, y0)
            #expect(abs(dot - Reference.dot(xt, y0)) <= tolerance * S(max(m, 1)) * 10)
            let norm = BLAS.nrm2(xt)
            #expect(abs(norm - Reference.dot(xt, xt).squareRoot()) <= tolerance * S(max(m, 1)))
        }
        #expect(throws: LinalgError.self) { try BLAS.dot([S(1)], [1, 2]) }
        var short: [S] = [1]
        #expect(throws: LinalgError.self) { try BLAS.gemv(try Matrix<S>(rows: 2, columns: 2), [1, 2], into: &short) }
        #expect(BLAS.nrm2([S(3e30), S(4e30)]) > 0, "nrm2 must not overflow")
    }

    @Test func level1And2MatchReferenceDouble() throws { try checkLevel1And2(Double.self, tolerance: 1e-11) }
    @Test func level1And2MatchReferenceFloat() throws { try checkLevel1And2(Float.self, tolerance: 1e-3) }

    @Test func matrixAxpyAndScal() throws {
        var y = try Matrix<Double>([[1, 2], [3, 4]])
        try BLAS.axpy(2, try Matrix<Double>.identity(2), &y)
        #expect(y.rowArrays == [[3, 2], [3, 6]])
        BLAS.scal(0.5, &y)
        #expect(y.rowArrays == [[1.5, 1], [1.5, 3]])
        #expect(throws: LinalgError.self) { try BLAS.axpy(1, try Matrix<Double>.identity(3), &y) }
    }
}
