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
                try Matrix(rows: n, columns: 1).withScalars(v), try Matrix(rows: n, columns: 1).withScalars(vRef),
                tolerance: tolerance)
            let single = try LAPACK.solveSPD(a, b.column(0))
            #expect(single.count == n)
        }
    }

    @Test func choleskyAndSolvesDouble() throws { try checkCholesky(Double.self, tolerance: 1e-10) }
    @Test func choleskyAndSolvesFloat() throws { try checkCholesky(Float.self, tolerance: 2e-3) }

    @Test func inverseConditionAndEigenDouble() throws {
        var g = makeGenerator(12)
        for n in [1, 3, 17, 64] {
            let a = randomSPD(n, Double.self, using: &g)
            let l = try LAPACK.choleskyFactor(a)
            let inverse = try LAPACK.inverseFromCholesky(factor: l)
            expectClose(Reference.matmul(a, inverse), try Matrix<Double>.identity(n), tolerance: 1e-10, "potri n=\(n)")
            for i in 0..<n { for j in 0..<n { #expect(inverse[i, j] == inverse[j, i]) } }
            // κ₁ exactly, from the explicit inverse; pocon's estimate is within a factor of 3.
            func oneNorm(_ m: Matrix<Double>) -> Double {
                (0..<n).map { j in (0..<n).reduce(0) { $0 + abs(m[$1, j]) } }.max()!
            }
            let exact = 1 / (oneNorm(a) * oneNorm(inverse))
            let estimate = try LAPACK.reciprocalCondition(of: a, factor: l)
            #expect(estimate >= exact * (1 - 1e-12) && estimate <= 3 * exact, "pocon n=\(n)")
            let (values, vectors) = try LAPACK.symmetricEigen(a)
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
            for k in 0..<n {
                let v = vectors.row(k)
                let av = (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i, $1] * v[$1] } }
                for i in 0..<n { #expect(abs(av[i] - values[k] * v[i]) <= 1e-10 * values.last!) }
                #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
            }
        }
        // An ill-conditioned diagonal matrix: κ₁ = 1e14 exactly, and pocon finds it.
        let diagonal = try Matrix<Double>([[1, 0], [0, 1e-14]])
        let estimate = try LAPACK.reciprocalCondition(of: diagonal, factor: try LAPACK.choleskyFactor(diagonal))
        #expect(abs(estimate - 1e-14) < 1e-20)
    }

    @Test func inverseFloat() throws {
        var g = makeGenerator(13)
        let a = randomSPD(9, Float.self, using: &g)
        let inverse = try LAPACK.inverseFromCholesky(factor: try LAPACK.choleskyFactor(a))
        expectClose(Reference.matmul(a, inverse), try Matrix<Float>.identity(9), tolerance: 1e-3)
        #expect(try LAPACK.symmetricEigen(a).values.allSatisfy { $0 > 0 })
    }

    @Test func notPositiveDefiniteIsATypedError() throws {
        let indefinite = try Matrix<Double>([[1, 2], [2, 1]])
        #expect(throws: LinalgError.notPositiveDefinite(minor: 2)) { try LAPACK.choleskyFactor(indefinite) }
        #expect(throws: LinalgError.notPositiveDefinite(minor: 2)) { try Reference.cholesky(indefinite) }
        #expect(throws: LinalgError.notPositiveDefinite(minor: 2)) { try LAPACK.solveSPD(indefinite, [1, 1]) }
        let negative = try Matrix<Float>([[-1]])
        #expect(throws: LinalgError.notPositiveDefinite(minor: 1)) { try LAPACK.choleskyFactor(negative) }
        // A factor with a zero on its diagonal: the inverse does not exist, which is not a
        // question of definiteness.
        let singularFactor = try Matrix<Double>([[1, 0], [1, 0]])
        #expect(throws: LinalgError.singularMatrix(routine: "potri", index: 2)) {
            try LAPACK.inverseFromCholesky(factor: singularFactor)
        }
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
        #expect(throws: LinalgError.self) { try LAPACK.solveSPD(try Matrix<Double>.identity(2), [1, .nan]) }
    }

    @Test func shapeErrors() {
        #expect(throws: LinalgError.self) { try LAPACK.choleskyFactor(try Matrix<Double>(rows: 2, columns: 3)) }
        var b: [Double] = [1, 2, 3]
        #expect(throws: LinalgError.self) { try LAPACK.choleskySolve(factor: try Matrix<Double>.identity(2), &b) }
        #expect(throws: LinalgError.self) {
            try LAPACK.solveSPD(try Matrix<Double>.identity(2), try Matrix<Double>.identity(3))
        }
    }

    @Test func zeroSizeSystems() throws {
        #expect(try LAPACK.choleskyFactor(try Matrix<Double>(rows: 0, columns: 0)).isEmpty)
        #expect(
            try LAPACK.solveSPD(try Matrix<Double>(rows: 0, columns: 0), try Matrix<Double>(rows: 0, columns: 2))
                .isEmpty)
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
