import Linalg
import Testing

/// CSR matrices with `Float` values: their products (vectors and sums in `Double`) and fits give the
/// bits of the same values stored as `Double`s, since a `Float` widens exactly.
@Suite struct SparseFloatTests {
    /// The same sparse matrix with `Float` values and with those values as `Double`s.
    static func pair(
        n: Int, d: Int, density: Double, seed: UInt64
    ) throws -> (SparseMatrix<Float>, SparseMatrix<Double>) {
        let dense = SparseLogisticTests.sparse(n: n, d: d, density: density, seed: seed)
        let rounded = dense.rowArrays.map { row in row.map { Float($0) } }
        return (
            SparseMatrix(try Matrix<Float>(rounded)),
            SparseMatrix(try Matrix<Double>(rounded.map { row in row.map(Double.init) }))
        )
    }

    /// `Xv`, `Xᵀu`, the Gram product fused and in two passes, and the gradient with the diagonal.
    static func products<Scalar>(
        _ x: SparseMatrix<Scalar>, v: [Double], u: [Double], weights: [Double], fusingLimit: Int
    ) -> [[Double]] {
        let products = SparseProducts(x, fusingLimit: fusingLimit)
        var xv = [Double](repeating: .nan, count: x.rows), xtu = [Double](repeating: .nan, count: x.columns)
        var gram = xtu, gradient = xtu, diagonal = xtu
        xv.withUnsafeMutableBufferPointer { products.multiply(v, into: $0.baseAddress!) }
        xtu.withUnsafeMutableBufferPointer { products.multiplyTransposed(u, into: $0.baseAddress!) }
        let total = gram.withUnsafeMutableBufferPointer {
            products.gramProduct(weights: weights, v, shift: -0.2, into: $0.baseAddress!)
        }
        gradient.withUnsafeMutableBufferPointer { g in
            diagonal.withUnsafeMutableBufferPointer { h in
                products.gradientAndDiagonal(
                    residuals: u, weights: weights, gradient: g.baseAddress!, diagonal: h.baseAddress!)
            }
        }
        return [xv, xtu, gram, [total], gradient, diagonal]
    }

    @Test func floatValuesGiveTheProductsOfTheirDoubles() throws {
        for (n, d, density) in [(3000, 200, 0.4), (50, 7, 0.3), (1, 1, 1.0)] {
            let (single, double) = try Self.pair(n: n, d: d, density: density, seed: UInt64(n))
            var g = Xoshiro256StarStar(seed: 12)
            let v = (0..<d).map { _ in g.nextNormal() }, u = (0..<n).map { _ in g.nextNormal() }
            let weights = (0..<n).map { _ in g.nextUniform() }
            for limit in [0, Int.max] {
                let a = Self.products(single, v: v, u: u, weights: weights, fusingLimit: limit)
                let b = Self.products(double, v: v, u: u, weights: weights, fusingLimit: limit)
                #expect(a == b, "\(n) × \(d), fusing limit \(limit)")
                #expect(a.allSatisfy { $0.allSatisfy(\.isFinite) })
            }
        }
    }

    @Test func floatValuesGiveTheFitOfTheirDoubles() throws {
        let (single, double) = try Self.pair(n: 400, d: 60, density: 0.1, seed: 31)
        var g = Xoshiro256StarStar(seed: 2)
        let y = (0..<400).map { _ in g.nextUniform() < 0.4 ? 1.0 : 0.0 }
        let w = (0..<400).map { _ in 0.5 + g.nextUniform() }
        let a = try SparseLogisticRegression.fit(
            SparseLogisticProblem(x: single, y: y, lambda: 0.7, sampleWeights: w, fitIntercept: true))
        let b = try SparseLogisticRegression.fit(
            SparseLogisticProblem(x: double, y: y, lambda: 0.7, sampleWeights: w, fitIntercept: true))
        #expect(a.converged && a.parameters == b.parameters && a.loss == b.loss)
        #expect(a.hessianVectorProducts == b.hessianVectorProducts)
        let problem = try SparseLogisticProblem(x: single, y: y, lambda: 0.7)
        let lambdas = try SparseLogisticRegression.logSpacedLambdas(problem, count: 3)
        let path = try SparseLogisticRegression.path(problem, lambdas: lambdas)
        let expected = try SparseLogisticRegression.path(
            SparseLogisticProblem(x: double, y: y, lambda: 0.7), lambdas: lambdas)
        #expect(path.map(\.fit.parameters) == expected.map(\.fit.parameters))
        // A non-finite Float value is refused at its row and column, as a Double one is.
        var broken = try Matrix<Float>(rows: 3, columns: 2)
        broken[1, 1] = .infinity
        #expect(throws: LinalgError.self) {
            try SparseLogisticProblem(x: SparseMatrix(broken), y: [0, 1, 0], lambda: 1)
        }
    }
}
