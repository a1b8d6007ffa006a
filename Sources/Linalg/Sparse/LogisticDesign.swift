import LinalgKernels

/// The design matrix `X` of a logistic regression as a truncated Newton solver uses it: products
/// with vectors only, never the Hessian.
protocol LogisticDesign {
    var sampleCount: Int { get }
    var featureCount: Int { get }
    /// `y = Xv`.
    func multiply(_ v: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>)
    /// `out = Xᵀt` with `t_i = d_i (x_iᵀv + shift)`; returns `Σ_i t_i`.
    func gramProduct(
        weights d: UnsafePointer<Double>, _ v: UnsafePointer<Double>, shift: Double,
        into out: UnsafeMutablePointer<Double>
    ) -> Double
    /// `g = Xᵀr` and `h_j = Σ_i d_i x_ij²`.
    func gradientAndDiagonal(
        residuals r: UnsafePointer<Double>, weights d: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
        diagonal h: UnsafeMutablePointer<Double>)
    /// `Σ_i w_i |x_ij|` for each column `j` (whose largest scales the stopping rule).
    func weightedColumnSums(_ weights: [Double]?) -> [Double]
}

extension SparseProducts: LogisticDesign {
    var sampleCount: Int { x.rows }
    var featureCount: Int { x.columns }

    func weightedColumnSums(_ weights: [Double]?) -> [Double] {
        var sums = [Double](repeating: 0, count: x.columns)
        for i in 0..<x.rows {
            let w = weights?[i] ?? 1
            for k in Int(x.rowOffsets[i])..<Int(x.rowOffsets[i + 1]) {
                sums[Int(x.columnIndices[k])] += w * abs(Double(x.values[k]))
            }
        }
        return sums
    }
}

/// A dense `X` as a ``LogisticDesign``: the products by BLAS `dgemv` (OpenBLAS's threads), with
/// one `n`-vector kept for the Hessian-vector products' `Xv`.
final class DenseDesign: LogisticDesign {
    let x: Matrix<Double>
    let rowScratch: UnsafeMutablePointer<Double>

    init(x: Matrix<Double>) {
        self.x = x
        rowScratch = .allocate(capacity: max(1, x.rows))
    }

    deinit { rowScratch.deallocate() }

    var sampleCount: Int { x.rows }
    var featureCount: Int { x.columns }

    func multiply(_ v: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        guard x.columns > 0 else {
            y.update(repeating: 0, count: x.rows)
            return
        }
        x.withUnsafeBufferPointer { a in
            Double.blasGemv(
                transpose: false, m: x.rows, n: x.columns, alpha: 1, a: BLASOperand(a.baseAddress!), lda: x.columns,
                x: BLASOperand(v), incx: 1, beta: 0, y: BLASOperand(y), incy: 1)
        }
    }

    func gramProduct(
        weights d: UnsafePointer<Double>, _ v: UnsafePointer<Double>, shift: Double,
        into out: UnsafeMutablePointer<Double>
    ) -> Double {
        let t = rowScratch
        multiply(v, into: t)
        var total = 0.0
        for i in 0..<x.rows {
            t[i] = d[i] * (t[i] + shift)
            total += t[i]
        }
        transposeMultiply(t, into: out)
        return total
    }

    func gradientAndDiagonal(
        residuals r: UnsafePointer<Double>, weights d: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
        diagonal h: UnsafeMutablePointer<Double>
    ) {
        transposeMultiply(r, into: g)
        h.update(repeating: 0, count: x.columns)
        x.withUnsafeBufferPointer { a in
            for i in 0..<x.rows {
                let row = a.baseAddress! + i * x.columns, di = d[i]
                for j in 0..<x.columns { h[j] += di * row[j] * row[j] }
            }
        }
    }

    func transposeMultiply(_ u: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        guard x.columns > 0 else { return }
        x.withUnsafeBufferPointer { a in
            Double.blasGemv(
                transpose: true, m: x.rows, n: x.columns, alpha: 1, a: BLASOperand(a.baseAddress!), lda: x.columns,
                x: BLASOperand(u), incx: 1, beta: 0, y: BLASOperand(out), incy: 1)
        }
    }

    func weightedColumnSums(_ weights: [Double]?) -> [Double] {
        var sums = [Double](repeating: 0, count: x.columns)
        for i in 0..<x.rows {
            let w = weights?[i] ?? 1
            for j in 0..<x.columns { sums[j] += w * abs(x[i, j]) }
        }
        return sums
    }
}
