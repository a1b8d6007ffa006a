@testable import LinalgKernels
import Linalg
import Testing

@Suite struct VectorMathTests {
    @Test func sigmoidMatchesScalarFormulaEverywhere() {
        var values: [Double] = stride(from: -800.0, through: 800.0, by: 0.37).map { $0 }
        values += [0, -0.0, 1e-300, -1e-300, 709.5, -745, 1e308, -1e308, 36.7, -36.7]
        var out = values
        out.withUnsafeMutableBufferPointer { Double.sigmoidInPlace($0.baseAddress!, count: $0.count) }
        for (z, s) in zip(values, out) {
            let expected = 1 / (1 + Double.exp(-z))
            #expect(s.isFinite && s >= 0 && s <= 1)
            #expect(
                abs(s - expected) <= 4 * Double.ulpOfOne * max(expected, 1e-300) || abs(s - expected) < 1e-300,
                "σ(\(z)) = \(s), expected \(expected)")
        }
    }

    @Test func largeBuffersAreSplitAcrossCoresWithTheSameResults() {
        let count = 3 * VectorMath.parallelThreshold + 5
        var g = Xoshiro256StarStar(seed: 8)
        let z = (0..<count).map { _ in 8 * g.nextNormal() }
        for activation in Activation.allCases {
            var x = z
            x.withUnsafeMutableBufferPointer { VectorMath.applyInPlace(activation, $0.baseAddress!, count: count) }
            #expect(zip(x, z).allSatisfy { abs($0 - activation.value($1)) <= 4 * Double.ulpOfOne }, "\(activation)")
            var v = z
            x.withUnsafeBufferPointer { xp in
                v.withUnsafeMutableBufferPointer {
                    VectorMath.scaleByDerivative(activation, $0.baseAddress!, output: xp.baseAddress!, count: count)
                }
            }
            // The C kernel may fuse 1 − x² into one rounding: agreement to a few ulp.
            #expect(
                (0..<count).allSatisfy {
                    abs(v[$0] - z[$0] * activation.derivative(atOutput: x[$0])) <= 4 * Double.ulpOfOne * abs(z[$0])
                }, "\(activation)")
        }
    }

    @Test func expIsAccurateToAFewUlp() {
        var values = Array(stride(from: -700.0, to: 700.0, by: 0.0813))
        var exps = values
        exps.withUnsafeMutableBufferPointer { VectorMath.expInPlace($0.baseAddress!, count: $0.count) }
        var worst = 0.0
        for (t, e) in zip(values, exps) { worst = max(worst, abs(e / Double.exp(t) - 1)) }
        #expect(worst < 4 * Double.ulpOfOne, "max relative error \(worst)")
        values = [-1e308, 1e308, 710, -720]
        values.withUnsafeMutableBufferPointer { VectorMath.expInPlace($0.baseAddress!, count: $0.count) }
        #expect(values.allSatisfy { $0.isFinite && $0 > 0 })
    }

    /// The single-precision sigmoid (AVX-512F, AVX2 or scalar, whichever this CPU runs) against
    /// σ computed in Double and rounded: within 4 ulp of float wherever σ is a normal float, and
    /// saturating without NaN; every length, so the vector tails are covered.
    @Test func singlePrecisionSigmoidIsAccurateEverywhere() {
        var values: [Float] = stride(from: Float(-100), through: 100, by: 0.0371).map { $0 }
        values += [0, -0.0, 1e-30, -1e-30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 87.5, -87.5]
        for length in [values.count, 1, 7, 15, 17, 33] {
            var out = Array(values.prefix(length))
            out.withUnsafeMutableBufferPointer { Float.sigmoidInPlace($0.baseAddress!, count: $0.count) }
            for (z, s) in zip(values, out) {
                let expected = 1 / (1 + Double.exp(-Double(z)))
                #expect(s.isFinite && s >= 0 && s <= 1, "σ(\(z)) = \(s)")
                if expected > 1e-37 {
                    #expect(
                        abs(Double(s) - expected) <= 4 * Double(Float.ulpOfOne) * expected,
                        "σ(\(z)) = \(s), expected \(expected)")
                } else {
                    #expect(Double(s) <= max(1.01 * expected, 1.7e-38), "σ(\(z)) = \(s), clamped at σ(−87)")
                }
            }
        }
        let kernel = VectorMath.isVectorised ? (VectorMath.usesAVX512 ? "AVX-512F" : "AVX2") : "scalar"
        #expect(!kernel.isEmpty)
    }

    /// The ReLUs keep a NaN (a silent 0 would hide a diverged pass) and match their formulas in Float.
    @Test func reluPassesMatchTheFormulasAndKeepNaN() {
        let z: [Float] = [-2, -0.5, 0, 0.25, 3, .nan, -.infinity, .infinity] + (0..<100).map { Float($0) / 7 - 7 }
        for activation in [Activation.relu, .leakyReLU(slope: 0.1), .leakyReLU(slope: 2)] {
            var x = z
            x.withUnsafeMutableBufferPointer { VectorMath.applyInPlace(activation, $0.baseAddress!, count: $0.count) }
            for (a, b) in zip(x, z) {
                let expected: Float = activation.value(b)
                #expect(a == expected || (a.isNaN && b.isNaN), "\(activation)(\(b)) = \(a)")
            }
        }
    }

    /// The single-precision tanh against tanh in Double, rounded: within 4 ulp of float (relative)
    /// on both sides of the switch at |z| = 1/4, for tiny, huge and infinite arguments, and for
    /// every tail length of the vector loop.
    @Test func singlePrecisionTanhIsAccurateEverywhere() {
        var values: [Float] = stride(from: Float(-20), through: 20, by: 0.00731).map { $0 }
        values += [0, -0.0, 1e-30, -1e-30, 1e-6, 0.2499999, 0.25, 0.2500001, -0.25, 88, -100, .infinity, -.infinity]
        for length in [values.count, 1, 7, 9, 15] {
            var out = Array(values.prefix(length))
            out.withUnsafeMutableBufferPointer { Float.tanhInPlace($0.baseAddress!, count: $0.count) }
            for (z, t) in zip(values, out) {
                let expected = Double.tanh(Double(z))
                #expect(
                    abs(Double(t) - expected) <= 4 * Double(Float.ulpOfOne) * abs(expected),
                    "tanh(\(z)) = \(t), expected \(expected)")
            }
        }
    }

    /// The passes over rows `rowStride` apart (a core's share of a split batch) give each entry of
    /// the block the bits of the kernels over whole rows, in both precisions, for widths below, at and
    /// across the prefetched pieces, and leave the entries between the rows alone; the row sums
    /// agree with sums in Double, and the row fills write the block only.
    @Test func rowPassesMatchTheKernelsOverWholeRowsAndLeaveThePaddingAlone() {
        func check<S: NeuralScalar>(_: S.Type) {
            var g = Xoshiro256StarStar(seed: 21)
            let piece = VectorMath.rowPieceBytes / MemoryLayout<S>.stride
            for (rows, width) in [(2, 0), (1, 3), (4, 1), (3, piece), (5, 2 * piece + 3), (7, 37)] {
                let ld = width + 11
                let z = (0..<(rows * ld)).map { _ in S(4 * g.nextNormal()) }
                for activation in Activation.allCases {
                    var expected = z
                    expected.withUnsafeMutableBufferPointer { buffer in
                        for r in 0..<rows {
                            VectorMath.applyInPlace(activation, buffer.baseAddress! + r * ld, count: width)
                        }
                    }
                    var x = z
                    x.withUnsafeMutableBufferPointer {
                        VectorMath.applyInPlace(activation, $0.baseAddress!, rows: rows, width: width, rowStride: ld)
                    }
                    let wrong = zip(x, expected).filter { $0 != $1 }.count
                    #expect(wrong == 0, "\(S.self) \(activation) \(rows)×\(width)")
                    var scaledRows = z, scaled = z
                    x.withUnsafeBufferPointer { output in
                        let o = output.baseAddress!
                        scaled.withUnsafeMutableBufferPointer { v in
                            for r in 0..<rows {
                                VectorMath.scaleByDerivativeInChunks(
                                    activation, v.baseAddress! + r * ld, output: o + r * ld, count: width)
                            }
                        }
                        scaledRows.withUnsafeMutableBufferPointer {
                            VectorMath.scaleByDerivative(
                                activation, $0.baseAddress!, output: o, rows: rows, width: width, rowStride: ld)
                        }
                    }
                    let wrongSlopes = zip(scaledRows, scaled).filter { $0 != $1 }.count
                    #expect(wrongSlopes == 0, "\(S.self) \(activation)' \(rows)×\(width)")
                }
                // Row sums (the bias gradients): each row's sum, scaled, against the sum in Double.
                var sums = [S](repeating: .nan, count: rows)
                z.withUnsafeBufferPointer {
                    VectorMath.scaledRowSums(
                        $0.baseAddress!, rows: rows, width: width, rowStride: ld, scale: -0.5, into: &sums)
                }
                for r in 0..<rows {
                    let row = z[(r * ld)..<(r * ld + width)].map { Double($0) }
                    let expected = -0.5 * row.reduce(0, +), size = row.reduce(0) { $0 + abs($1) }
                    #expect(
                        abs(Double(sums[r]) - expected) <= 2 * Double(width) * Double(S.ulpOfOne) * size,
                        "\(S.self) row \(r) of \(rows)×\(width): \(sums[r]) against \(expected)")
                }
                // Row fills (z starting as the bias): the block's entries only.
                var filled = z
                filled.withUnsafeMutableBufferPointer {
                    VectorMath.fillRows($0.baseAddress!, rows: rows, width: width, rowStride: ld) { S($0) + 0.5 }
                }
                let wrongFills = filled.indices.filter {
                    filled[$0] != ($0 % ld < width ? S($0 / ld) + 0.5 : z[$0])
                }.count
                #expect(wrongFills == 0, "fill \(rows)×\(width)")
                var visits = [Int](repeating: 0, count: rows * ld)
                VectorMath.forEachRowPiece(S.self, rows: rows, width: width) { r, j, count, hasNextRow in
                    #expect(count <= piece && hasNextRow == (r + 1 < rows))
                    for k in j..<(j + count) { visits[r * ld + k] += 1 }
                }
                let wrongVisits = visits.indices.filter { visits[$0] != ($0 % ld < width ? 1 : 0) }.count
                #expect(wrongVisits == 0, "pieces \(rows)×\(width)")
            }
        }
        check(Float.self)
        check(Double.self)
    }
}
