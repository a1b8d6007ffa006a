import Linalg
import LinalgKernels
import LinalgReference
import Testing

/// (m, n, k) for the packed GEMM: one full tile, tiles cut at both edges (m mod 6, n mod 8 or 16),
/// k across the 256-deep blocks (255, 256, 257, 600), m across the 72- and 144-row blocks, n across
/// the 1024-column block of doubles and the 2048-column block of floats, and k = 1.
private let packedShapes: [(Int, Int, Int)] = [
    (6, 8, 1), (6, 16, 3), (7, 9, 5), (13, 17, 255), (72, 24, 256), (73, 33, 257), (150, 40, 600),
    (145, 1030, 30), (20, 2050, 9), (300, 64, 100),
]

/// Strided operands for one product: every leading dimension exceeds the width by 3, and the
/// padding holds a sentinel the kernel must neither read into C nor overwrite.
private struct StridedProduct<S: BLASScalar> {
    let m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool
    var a: [S], b: [S], c: [S]
    let lda: Int, ldb: Int, ldc: Int
    static var sentinel: S { 12345 }

    init(_ shape: (Int, Int, Int), transposeA: Bool, transposeB: Bool, using g: inout Xoshiro256StarStar) {
        (m, n, k) = shape
        self.transposeA = transposeA
        self.transposeB = transposeB
        let (aRows, aColumns) = transposeA ? (k, m) : (m, k), (bRows, bColumns) = transposeB ? (n, k) : (k, n)
        (lda, ldb, ldc) = (aColumns + 3, bColumns + 3, n + 3)
        a = Self.strided(Matrix<S>.random(rows: aRows, columns: aColumns, distribution: .randn, using: &g), ld: lda)
        b = Self.strided(Matrix<S>.random(rows: bRows, columns: bColumns, distribution: .randn, using: &g), ld: ldb)
        c = Self.strided(Matrix<S>.random(rows: m, columns: n, distribution: .randn, using: &g), ld: ldc)
    }

    static func strided(_ x: Matrix<S>, ld: Int) -> [S] {
        var out = [S](repeating: sentinel, count: max(1, x.rows * ld))
        for i in 0..<x.rows { for j in 0..<x.columns { out[i * ld + j] = x[i, j] } }
        return out
    }

    static func dense(_ x: [S], rows: Int, columns: Int, ld: Int) -> Matrix<S> {
        var out = try! Matrix<S>(rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns { out[i, j] = x[i * ld + j] } }
        return out
    }

    var denseA: Matrix<S> { Self.dense(a, rows: transposeA ? k : m, columns: transposeA ? m : k, ld: lda) }
    var denseB: Matrix<S> { Self.dense(b, rows: transposeB ? n : k, columns: transposeB ? k : n, ld: ldb) }
    var denseC: Matrix<S> { Self.dense(c, rows: m, columns: n, ld: ldc) }

    /// Sets every value of the `m × n` block of C (β = 0 must not read them).
    mutating func fillC(with value: S) {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = value } }
    }

    /// Whether every value outside the `m × n` block of C is still the sentinel.
    var paddingIntact: Bool {
        (0..<m).allSatisfy { i in (n..<ldc).allSatisfy { c[i * ldc + $0] == Self.sentinel } }
    }

    /// `C ← α op(A) op(B)` through ``GemmKernel/runOverwriting``.
    mutating func runOverwriting(alpha: S) where S: NeuralScalar {
        let (m, n, k, tA, tB, lda, ldb, ldc) = (m, n, k, transposeA, transposeB, lda, ldb, ldc)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    GemmKernel.runOverwriting(
                        transposeA: tA, transposeB: tB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: lda,
                        b: pb.baseAddress!, ldb: ldb, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }

    /// `C ← α op(A) op(B) + β C` by the packed kernel; `false` when this CPU has none.
    mutating func runPacked(alpha: S, beta: S) -> Bool {
        let (m, n, k, tA, tB, lda, ldb, ldc) = (m, n, k, transposeA, transposeB, lda, ldb, ldc)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    S.packedGemm(
                        transposeA: tA, transposeB: tB, m: m, n: n, k: k, alpha: alpha,
                        a: BLASOperand(pa.baseAddress!), lda: lda, b: BLASOperand(pb.baseAddress!), ldb: ldb,
                        beta: beta, c: BLASOperand(pc.baseAddress!), ldc: ldc)
                }
            }
        }
    }
}

@Suite struct PackedGemmTests {
    /// The CPUs the packed kernel is meant for: AVX2+FMA without AVX-512.
    var expectsKernel: Bool { VectorMath.isVectorised && !VectorMath.usesAVX512 }

    func checkPacked<S: BLASScalar>(_: S.Type, tolerance: S) {
        var g = makeGenerator(17)
        for shape in packedShapes {
            for (tA, tB) in [(false, false), (false, true), (true, false), (true, true)] {
                for (alpha, beta) in [(S(0.75), S(-1.5)), (S(1), S(1)), (S(-2), S(0))] {
                    var product = StridedProduct<S>(shape, transposeA: tA, transposeB: tB, using: &g)
                    let c0 = product.denseC
                    if beta == 0 { product.fillC(with: .nan) }
                    let ran = product.runPacked(alpha: alpha, beta: beta)
                    #expect(ran == expectsKernel)
                    guard ran else { continue }
                    let expected = Reference.matmul(
                        product.denseA, product.denseB, transposeA: tA, transposeB: tB, alpha: alpha, beta: beta,
                        adding: c0)
                    expectClose(
                        product.denseC, expected, tolerance: tolerance,
                        "packed \(S.self) \(shape) tA=\(tA) tB=\(tB) α=\(alpha) β=\(beta)")
                    #expect(product.paddingIntact, "packed \(S.self) \(shape) wrote outside C")
                }
            }
        }
    }

    @Test func packedGemmMatchesReferenceDouble() { checkPacked(Double.self, tolerance: 1e-11) }
    @Test func packedGemmMatchesReferenceFloat() { checkPacked(Float.self, tolerance: 1e-4) }

    @Test func zeroAlphaScalesCWithoutReadingTheOperands() throws {
        // α = 0: C ← βC and A, B are not read (BLAS's rule), so NaNs in them stay out of C.
        var g = makeGenerator(5)
        var product = StridedProduct<Double>((12, 16, 7), transposeA: false, transposeB: false, using: &g)
        let c0 = product.denseC
        for i in product.a.indices { product.a[i] = .nan }
        guard product.runPacked(alpha: 0, beta: 2) else { return }
        #expect(product.denseC == c0.map { 2 * $0 })
        guard product.runPacked(alpha: 0, beta: 0) else { return }
        let zeros = try Matrix<Double>(rows: 12, columns: 16)
        #expect(product.denseC == zeros)
    }

    func checkOverwriting<S: NeuralScalar>(_: S.Type, tolerance: S) {
        var g = makeGenerator(23)
        for shape in [(96, 100, 64), (13, 300, 40), (2, 1, 60_000), (5, 7, 3)] {
            for (tA, tB) in [(false, false), (true, true)] {
                // Inside a single-threaded pass (the packed kernel where there is one) and outside
                // (OpenBLAS after zeroing C here; the plain loops for the smallest shape).
                for singleThreaded in [true, false] {
                    var product = StridedProduct<S>(shape, transposeA: tA, transposeB: tB, using: &g)
                    product.fillC(with: .nan)
                    if singleThreaded {
                        SingleThreadedBLAS.during { product.runOverwriting(alpha: -0.5) }
                    } else {
                        product.runOverwriting(alpha: -0.5)
                    }
                    let expected = Reference.matmul(
                        product.denseA, product.denseB, transposeA: tA, transposeB: tB, alpha: -0.5)
                    #expect(
                        product.denseC.isApproximatelyEqual(
                            to: expected, relativeTolerance: tolerance, absoluteTolerance: tolerance),
                        "overwriting \(S.self) \(shape) tA=\(tA) tB=\(tB) single-threaded=\(singleThreaded)")
                    #expect(product.paddingIntact)
                }
            }
        }
    }

    /// `GemmKernel.runOverwriting` never reads C (a C of NaNs) on any of its paths.
    @Test func overwritingProductsIgnoreWhatCHeld() {
        checkOverwriting(Double.self, tolerance: 1e-11)
        checkOverwriting(Float.self, tolerance: 1e-4)
    }

    @Test func gemmKernelTakesThePackedPathInsideSingleThreadedPasses() {
        // The same product through GemmKernel with OpenBLAS single-threaded (the packed kernel where
        // there is one) equals the reference.
        var g = makeGenerator(9)
        let a = Matrix<Double>.random(rows: 96, columns: 200, distribution: .randn, using: &g)
        let b = Matrix<Double>.random(rows: 200, columns: 64, distribution: .randn, using: &g)
        let product = SingleThreadedBLAS.during { a * b }
        expectClose(product, Reference.matmul(a, b), tolerance: 1e-12)
    }
}
