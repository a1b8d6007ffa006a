import Linalg
import Testing

@Suite struct ActivationTests {
    /// `a'(z)`, written through the output, against central differences of `a` away from the kinks.
    func checkDerivatives<S: MatrixScalar>(_ type: S.Type, step: S, tolerance: S) {
        for activation in Activation.allCases + [.leakyReLU(slope: 0.3), .leakyReLU(slope: 0)] {
            for z in stride(from: -6.0, through: 6.0, by: 0.37) where abs(z) > 0.05 {
                let zs = S(z)
                let numeric = (activation.value(zs + step) - activation.value(zs - step)) / (2 * step)
                let analytic = activation.derivative(atOutput: activation.value(zs))
                #expect(
                    abs(analytic - numeric) <= tolerance * max(1, abs(numeric)),
                    "\(activation) at \(z): \(analytic) vs \(numeric)")
            }
        }
    }

    @Test func derivativesMatchCentralDifferences() {
        checkDerivatives(Double.self, step: 1e-6, tolerance: 1e-8)
        checkDerivatives(Float.self, step: 1e-2, tolerance: 2e-3)
    }

    @Test func valuesAndTails() {
        #expect(Activation.relu.value(-3.0) == 0 && Activation.relu.value(2.5) == 2.5)
        #expect(Activation.leakyReLU(slope: 0.1).value(-3.0) == -0.30000000000000004)
        // softplus: finite and exact in both tails; its slope σ(z) from the output keeps its digits.
        #expect(Activation.softplus.value(800.0) == 800)
        #expect(Activation.softplus.value(-800.0) == 0)
        let e = Double.exp(-30), tiny = Activation.softplus.value(-30.0)
        #expect(abs(tiny - (e - e * e / 2)) <= 1e-15 * e)
        #expect(abs(Activation.softplus.derivative(atOutput: tiny) - 1 / (1 + Double.exp(30))) <= 1e-15 * e)
        #expect(Activation.softplus.derivative(atOutput: 800.0) == 1)
    }

    @Test func namesRoundTrip() {
        #expect(Activation.names == ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity"])
        for activation in Activation.allCases { #expect(Activation(name: activation.name) == activation) }
        #expect(Activation(name: "leaky_relu", leakySlope: 0.2) == .leakyReLU(slope: 0.2))
        #expect(Activation(name: "gelu") == nil)
    }
}
