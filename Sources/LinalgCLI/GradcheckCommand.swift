import ArgumentParser
import Linalg

/// `linalg gradcheck`: the exercise's random net and inputs, `f`, and the finite-difference
/// check of `df/dx₀` and every `df/dW_l`.
struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract:
            "Check df/dx0 and df/dW_l of a random net against central finite differences (exit 1 if any error > 1e-6)."
    )

    @Option(help: "Layer sizes h_0,h_1,…,h_L.") var sizes = "2,10,10,2"
    @Option(parsing: .unconditional, help: "Number of random inputs x ~ randn(h_0).") var batch = 1
    @Option(help: "Seed of the weights and inputs.") var seed: UInt64 = 0
    @Option(help: "Hidden activation: sigmoid, tanh, relu, leaky_relu, softplus or identity.")
    var activation = "sigmoid"
    @Option(help: "Output activation: identity, sigmoid, tanh, relu, leaky_relu or softplus.")
    var outputActivation = "identity"
    @Option(parsing: .unconditional, help: "The slope of leaky_relu for z ≤ 0.") var leakySlope = 0.01

    static let tolerance = 1e-6

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        let passed = try reportingUserErrors { () throws -> Bool in
            try memory.apply()
            let sizes = try parseSizes(self.sizes)
            guard batch >= 1 else { throw UserError("--batch must be at least 1, got \(batch)") }
            try checkNetFitsInMemory(sizes: sizes, batch: batch, jacobians: true)
            let hidden = try parseActivation(activation, flag: "--activation", leakySlope: leakySlope)
            let output = try parseActivation(outputActivation, flag: "--output-activation", leakySlope: leakySlope)
            var generator = Xoshiro256StarStar(seed: seed)
            let net = try MLP(sizes: sizes, activation: hidden, outputActivation: output, using: &generator)
            let x = Matrix<Double>.random(rows: sizes[0], columns: batch, distribution: .randn, using: &generator)
            let f = try net(x)
            print(
                "net \(sizes.map(String.init).joined(separator: ",")), \(hidden) hidden, \(output) output, batch "
                    + "\(batch), seed \(seed)"
            )
            for b in 0..<batch {
                print("f(x_\(b)) = [\(f.column(b).map { $0.description }.joined(separator: ", "))]")
            }
            let report = try net.checkDerivatives(x)
            print(DerivativeTable.render(report, tolerance: Self.tolerance))
            return report.maxRelativeError <= Self.tolerance
        }
        if !passed { throw ExitCode(1) }
    }
}
