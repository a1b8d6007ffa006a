import ArgumentParser
import Linalg

/// `linalg gradcheck`: the exercise's random net and inputs, `f`, and the finite-difference
/// check of `df/dx₀`, every `df/dW_l` and (with `--biases`) every `df/db_l`.
struct GradcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: """
            Check df/dx0, df/dW_l (and df/db_l) of a random net against central finite differences (exit 1 if \\
            any error exceeds 1e-6 in float64, 1e-2 in float32).
            """
    )

    @Option(help: "Layer sizes h_0,h_1,…,h_L.") var sizes = "2,10,10,2"
    @Option(parsing: .unconditional, help: "Number of random inputs x ~ randn(h_0).") var batch = 1
    @Option(help: "Seed of the weights and inputs.") var seed: UInt64 = 0
    @Option(help: "Hidden activation: sigmoid, tanh, relu, leaky_relu, softplus or identity.")
    var activation = "sigmoid"
    @Option(help: "Output activation: identity, sigmoid, tanh, relu, leaky_relu or softplus.")
    var outputActivation = "identity"
    @Option(parsing: .unconditional, help: "The slope of leaky_relu for z ≤ 0.") var leakySlope = 0.01
    @Option(help: "Compute (and difference) in float32 or float64.") var dtype = "float64"
    @Flag(help: "Give the net random biases b_l ~ randn / √h_{l+1} and check df/db_l too.") var biases = false

    /// The tolerance of the float64 checks (``MLP/derivativeTolerance``), also used by `exercise`.
    static let tolerance = MLP<Double>.derivativeTolerance

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
            let net = try MLP<Double>(sizes: sizes, activation: hidden, outputActivation: output, using: &generator)
            let b =
                biases
                ? (1..<sizes.count).map { h in
                    (0..<sizes[h]).map { _ in generator.nextNormal() / Double(sizes[h]).squareRoot() }
                } : nil
            let x = Matrix<Double>.random(rows: sizes[0], columns: batch, distribution: .randn, using: &generator)
            let biased = try MLP<Double>(
                weights: net.weights, biases: b, activation: hidden, outputActivation: output)
            print(
                "net \(sizes.map(String.init).joined(separator: ",")), \(hidden) hidden, \(output) output, "
                    + "\(biases ? "biases" : "no biases"), \(dtype), batch \(batch), seed \(seed)"
            )
            switch try ModelFiles.DType.parse(dtype) {
            case .float32: return try check(biased.converted(to: Float.self), x.converted(to: Float.self))
            case .float64: return try check(biased, x)
            }
        }
        if !passed { throw ExitCode(1) }
    }

    /// Prints `f` and the derivative table of `net` at the columns of `x`; whether every check passed.
    func check<S: NeuralScalar>(_ net: MLP<S>, _ x: Matrix<S>) throws -> Bool {
        let f = try net(x)
        for b in 0..<x.columns {
            print("f(x_\(b)) = [\(f.column(b).map { $0.description }.joined(separator: ", "))]")
        }
        let report = try net.checkDerivatives(x)
        let tolerance = MLP<S>.derivativeTolerance
        print(DerivativeTable.render(report, tolerance: tolerance))
        return report.maxRelativeError <= tolerance
    }
}
