import Foundation
import Linalg
import LinalgData

/// The CSR kernels against the memory's bandwidth: `Xv`, `Xᵀu` and the fused `Xᵀ(D(Xv))` of a text-like
/// matrix (`n` rows of about 80 non-zeros, columns drawn as `⌊d u³⌋`: power-law frequencies, as words),
/// and a STREAM triad `a = b + s·c` on all cores beside them; `_f32` cases with the same values as `Float`s
/// (vectors and sums in `Double`: 8 bytes per non-zero instead of 12). The matrix is also written, once, as a
/// sparse `.npz` (`linalg-bench-csr.npz` in the temporary folder) for `scripts/bench_csr.py`, which
/// times scipy's `csr_matvec` on it.
enum SparseCases {
    static func all(quick: Bool) -> [BenchCase] {
        let (n, d) = quick ? (50_000, 250_000) : (200_000, 1_000_000)
        let shared = SharedMatrix(n: n, d: d)
        func kernels<Scalar>(_ suffix: String, _ matrix: @escaping () -> SparseMatrix<Scalar>) -> [BenchCase] {
            func kernel(
                _ name: String, flopsPerNonzero: Double, _ body: @escaping (Workspace<Scalar>) -> Void
            ) -> BenchCase {
                BenchCase(
                    name: name + suffix, sizes: [n, d], batch: nil, gemmBound: false,
                    // The count is not in the note: that would make the matrix for every run of the bench.
                    note: "about 80 non-zeros per row; bytes: scripts/bench_csr.py"
                ) {
                    let workspace = Workspace(matrix())
                    return PreparedCase(
                        linalg: { body(workspace) }, baseline: nil,
                        flops: { flopsPerNonzero * Double(shared.nonzeros) })
                }
            }
            return [
                kernel("sparse.xv", flopsPerNonzero: 2) { $0.products.multiply($0.v, into: $0.rows) },
                kernel("sparse.xtv", flopsPerNonzero: 2) {
                    $0.products.multiplyTransposed($0.rows, into: $0.columns)
                },
                kernel("sparse.gram_product", flopsPerNonzero: 4) {
                    blackHole($0.products.gramProduct(weights: $0.rows, $0.v, shift: 0, into: $0.columns))
                },
            ]
        }
        return kernels("", { shared.matrix }) + kernels("_f32", { shared.floatMatrix })
            + [triad(count: quick ? 4_000_000 : 20_000_000)]
    }

    /// The matrix, made on first use (seed 7) and written for the peers.
    final class SharedMatrix: @unchecked Sendable {
        let n: Int, d: Int
        lazy var matrix: SparseMatrix<Double> = make()
        /// The same values as `Float`s.
        lazy var floatMatrix: SparseMatrix<Float> = try! SparseMatrix(
            rows: n, columns: d, rowOffsets: matrix.rowOffsets, columnIndices: matrix.columnIndices,
            values: matrix.values.map(Float.init))
        var nonzeros: Int { matrix.nonzeroCount }
        init(n: Int, d: Int) { (self.n, self.d) = (n, d) }

        func make() -> SparseMatrix<Double> {
            var g = Xoshiro256StarStar(seed: 7)
            var offsets: [Int64] = [0], indices: [Int32] = [], values: [Double] = []
            for _ in 0..<n {
                var row = Set<Int32>()
                for _ in 0..<88 { row.insert(Int32(Double(d) * pow(g.nextUniform(), 3))) }
                for j in row.sorted() {
                    indices.append(j)
                    values.append(0.1 + g.nextUniform())
                }
                offsets.append(Int64(indices.count))
            }
            let x = try! SparseMatrix(rows: n, columns: d, rowOffsets: offsets, columnIndices: indices, values: values)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("linalg-bench-csr.npz").path
            try? SparseDataSet.write(x, labels: nil, sampleWeights: nil, compress: false, to: path)
            return x
        }
    }

    /// The products' vectors: `v` and `u`/`D` (`n` rows), and the `d`-vector results.
    final class Workspace<Scalar: MatrixScalar>: @unchecked Sendable {
        let products: SparseProducts<Scalar>
        let v: UnsafeMutablePointer<Double>, rows: UnsafeMutablePointer<Double>, columns: UnsafeMutablePointer<Double>
        init(_ x: SparseMatrix<Scalar>) {
            products = SparseProducts(x)
            v = .allocate(capacity: x.columns)
            v.initialize(repeating: 0.5, count: x.columns)
            rows = .allocate(capacity: x.rows)
            rows.initialize(repeating: 0.25, count: x.rows)
            columns = .allocate(capacity: x.columns)
            columns.initialize(repeating: 0, count: x.columns)
        }
        deinit {
            v.deallocate()
            rows.deallocate()
            columns.deallocate()
        }
    }

    /// `a = b + s·c` over `count` doubles per array on all cores (STREAM's triad; 24 bytes per entry
    /// counted, as STREAM counts them).
    static func triad(count: Int) -> BenchCase {
        BenchCase(name: "stream.triad", sizes: [count], batch: nil, gemmBound: false, note: "24 bytes per entry") {
            let arrays = TriadArrays(count: count)
            return PreparedCase(
                linalg: {
                    ParallelChunks.run(
                        count: count, parts: ParallelChunks.parts(count: count, minimumPerChunk: 1 << 16)
                    ) {
                        _, range in
                        let (a, b, c) = (arrays.a, arrays.b, arrays.c)
                        for i in range { a[i] = b[i] + 3 * c[i] }
                    }
                }, baseline: nil, flops: { 2 * Double(count) })
        }
    }

    /// The triad's three arrays.
    final class TriadArrays: @unchecked Sendable {
        let a: UnsafeMutablePointer<Double>, b: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>
        init(count: Int) {
            (a, b, c) = (.allocate(capacity: count), .allocate(capacity: count), .allocate(capacity: count))
            a.initialize(repeating: 0, count: count)
            b.initialize(repeating: 1, count: count)
            c.initialize(repeating: 2, count: count)
        }
        deinit {
            a.deallocate()
            b.deallocate()
            c.deallocate()
        }
    }
}
