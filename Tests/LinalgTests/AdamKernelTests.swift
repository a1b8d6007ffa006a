import Foundation
import Linalg
import Testing

/// Adam's step kernel (8 floats or 4 doubles at a time on AVX2) against the portable kernel and
/// against the formulas as a plain Swift loop: the same bits, over lengths around the vector width.
@Suite struct AdamKernelTests {
    /// `(θ, m, v)` after `steps` Adam steps on gradients from `g`, by the kernel or by the loop.
    static func run<S: NeuralScalar & BinaryFloatingPoint>(
        _: S.Type, count: Int, steps: Int, path: Int
    ) -> [S] {
        var g = Xoshiro256StarStar(seed: UInt64(count + 1))
        var theta = (0..<count).map { _ in S(g.nextNormal()) }
        var m = [S](repeating: 0, count: count), v = m
        let (b1, b2, eps) = (S(0.9), S(0.999), S(1e-8))
        for t in 1...steps {
            let gradient = (0..<count).map { _ in S(g.nextNormal()) * (t == 2 ? 0 : 1) }
            let stepSize = S(1e-2 / (1 - pow(0.9, Double(t)))), root = S((1 - pow(0.999, Double(t))).squareRoot())
            if path == 2 {
                for i in 0..<count {
                    m[i] = b1 * m[i] + (1 - b1) * gradient[i]
                    v[i] = b2 * v[i] + (1 - b2) * gradient[i] * gradient[i]
                    theta[i] -= stepSize * m[i] / (v[i].squareRoot() / root + eps)
                }
                continue
            }
            gradient.withUnsafeBufferPointer { gp in
                theta.withUnsafeMutableBufferPointer { tp in
                    m.withUnsafeMutableBufferPointer { mp in
                        v.withUnsafeMutableBufferPointer { vp in
                            guard count > 0 else { return }
                            S.adamStep(
                                AdamStep(
                                    theta: tp.baseAddress!, gradient: gp.baseAddress!, first: mp.baseAddress!,
                                    second: vp.baseAddress!, count: count, beta1: b1, beta2: b2, stepSize: stepSize,
                                    root: root, epsilon: eps),
                                reference: path == 1)
                        }
                    }
                }
            }
        }
        return theta + m + v
    }

    @Test(arguments: [0, 1, 3, 4, 7, 8, 9, 17, 33, 1000])
    func kernelsAndTheLoopGiveTheSameBits(_ count: Int) {
        for (type, results) in [
            ("Float", (0..<3).map { Self.run(Float.self, count: count, steps: 4, path: $0).map(Double.init) }),
            ("Double", (0..<3).map { Self.run(Double.self, count: count, steps: 4, path: $0) }),
        ] {
            #expect(results[0] == results[1], "\(type) n = \(count): kernel vs reference kernel")
            #expect(results[0] == results[2], "\(type) n = \(count): kernel vs the loop")
            #expect(results[0].allSatisfy { $0.isFinite })
        }
    }
}
