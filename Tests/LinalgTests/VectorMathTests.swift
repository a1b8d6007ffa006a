@testable import LinalgKernels
import Linalg
import Testing

@Suite struct VectorMathTests {
    @Test func sigmoidMatchesScalarFormulaEverywhere() {
        var values: [Double] = stride(from: -800.0, through: 800.0, by: 0.37).map { $0 }
        values += [0, -0.0, 1e-300, -1e-300, 709.5, -745, 1e308, -1e308, 36.7, -36.7]
        var out = values
        out.withUnsafeMutableBufferPointer { VectorMath.sigmoidInPlace($0.baseAddress!, count: $0.count) }
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
}
