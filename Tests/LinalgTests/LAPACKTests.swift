import Linalg
import LinalgReference
import Testing

@Suite struct LAPACKTests {
    func checkCholesky<S: BLASScalar>(_ type: S.Type, tolerance: S) throws {
        var g = makeGenerator(11)
        for n in [1, 2, 5, 37, 120] {
            let a = randomSPD(n, S.self, using: &g)
            let l = try LAPACK.choleskyFactor(a)
            expectClose(l, try Reference.cholesky(a), tolerance: tolerance, "potrf \(S.self) n=\(n)")
            expectClose(Reference.matmul(l, l, transposeB: true), a, tolerance: tolerance)
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { #expect(l[i, j] == 0) } }

            let b = Matrix<S>.random(rows: n, columns: 3, distribution: .randn, using: &g)
            let x = try LAPACK.choleskySolve(factor: l, b)
            expectClose(Reference.matmul(a, x), b, tolerance: tolerance, "potrs residual n=\(n)")
            let xPosv = try LAPACK.solveSPD(a, b)
            expectClose(xPosv, x, tolerance: tolerance)

            var v = b.column(0)
            try LAPACK.choleskySolve(factor: l, &v)
            let vRef = try Reference.solveSPD(a, b.column(0))
            expectClose(
                Matrix(rows: n, columns: 1).withScalars(v), Matrix(rows: n, columns: 1).withScalars(vRef),
                tolerance: tolerance)
            let single = try LAPACK.solveSPD(a, b.column(0))
            #expect(single.count == n)
        }
    }

    @Test func choleskyAndSolvesDouble() throws { try checkCholesky(Double.self, tolerance: 1e-10) }
    @Test func choleskyAndSolvesFloat() throws { try checkCholesky(Float.self, tolerance: 2e-3) }

    @Test func notPositiveDefiniteIsATypedError() throws {
        let indefinite = try Matrix<Double>([[1, 2], [2, 1]])
        #expect(throws: LinalgError.notPositiveDefinite(minor: 2)) { try LAPACK.choleskyFactor(indefinite) }
        #expect(throws: LinalgError.notPositiveDefinite(minor: 2)) { try Reference.cholesky(indefinite) }
        #expect(throws: LinalgError.notPositiveDefinite(minor: 2)) { try LAPACK.solveSPD(indefinite, [1, 1]) }
        let negative = try Matrix<Float>([[-1]])
        #expect(throws: LinalgError.notPositiveDefinite(minor: 1)) { try LAPACK.choleskyFactor(negative) }
    }

    @Test func nanInputIsATypedErrorAndInputIsKept() throws {
        let a = try Matrix<Double>([[4, 1], [1, .nan]])
        let error = #expect(throws: LinalgError.self) { try LAPACK.choleskyFactor(a) }
        if case .invalidArgument(let routine, _) = error {
            #expect(routine == "potrf")
        } else {
            Issue.record("expected invalidArgument, got \(String(describing: error))")
        }
        #expect(a[1, 1].isNaN && a[0, 0] == 4)
        #expect(throws: LinalgError.self) { try LAPACK.solveSPD(Matrix<Double>.identity(2), [1, .nan]) }
    }

    @Test func shapeErrors() {
        #expect(throws: LinalgError.self) { try LAPACK.choleskyFactor(Matrix<Double>(rows: 2, columns: 3)) }
        var b: [Double] = [1, 2, 3]
        #expect(throws: LinalgError.self) { try LAPACK.choleskySolve(factor: Matrix<Double>.identity(2), &b) }
        #expect(throws: LinalgError.self) {
            try LAPACK.solveSPD(Matrix<Double>.identity(2), Matrix<Double>.identity(3))
        }
    }

    @Test func zeroSizeSystems() throws {
        #expect(try LAPACK.choleskyFactor(Matrix<Double>(rows: 0, columns: 0)).isEmpty)
        #expect(try LAPACK.solveSPD(Matrix<Double>(rows: 0, columns: 0), Matrix<Double>(rows: 0, columns: 2)).isEmpty)
    }

    @Test func openBLASRuntime() {
        #expect(!OpenBLAS.coreName.isEmpty)
        let before = OpenBLAS.threadCount
        OpenBLAS.threadCount = 1
        #expect(OpenBLAS.threadCount == 1)
        OpenBLAS.threadCount = before
        #expect(OpenBLAS.threadCount == before)
    }
}
