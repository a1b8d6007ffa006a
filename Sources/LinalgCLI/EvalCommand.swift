import ArgumentParser
import Linalg

/// `linalg eval`: a model and inputs from JSON files, outputs (and Jacobians) as JSON on stdout.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate MODEL.json on INPUT.json; print outputs (and with --jacobians df/dx0 and df/dW_l) as JSON."
    )

    @Option(help: "MODEL.json: {\"activation\": \"sigmoid\", \"weights\": [W_0, W_1, …], \"biases\": [b_0, …]}.")
    var model: String
    @Option(help: "INPUT.json: {\"inputs\": [[…h_0 numbers…], …]}.") var input: String
    @Flag(
        help: """
            Also print jacobian_x0 [B][h_L][h_0], jacobian_weights [L][B][h_L][h_{l+1}][h_l] and, for a net with \
            biases, jacobian_biases [L][B][h_L][h_{l+1}].
            """)
    var jacobians = false
    @Option(help: "Compute in float32 or float64 (default: the model file's \"dtype\", else float64).")
    var dtype: String?
    @Option(
        help: """
            T.json: tangents {"inputs": B×h_0, "weights": [W_l], "biases": [b_l]} (any part may be missing: 0); \
            prints jvp (B × h_L), the Jacobian-vector product.
            """)
    var jvp: String?
    @Option(
        help: """
            C.json: {"cotangents": B×h_L}; prints the vector-Jacobian product vjp_inputs (B × h_0), vjp_weights, \
            vjp_biases.
            """)
    var vjp: String?
    @Option(
        help: """
            squared-error, softmax-cross-entropy or sigmoid-cross-entropy, summed over the inputs: prints loss, \
            gradient_weights, gradient_biases (needs --targets).
            """)
    var loss: String?
    @Option(help: "Y.json: {\"targets\": B×h_L} or, for softmax-cross-entropy, {\"labels\": [B class indices]}.")
    var targets: String?
    @Option(help: "V.json: {\"weights\": [W_l], \"biases\": [b_l]}; prints hvp_weights, hvp_biases (∇²L·V).")
    var hvp: String?
    @Option(help: "V.json as for --hvp; prints ggnvp_weights, ggnvp_biases (the Gauss-Newton product JᵀH_ℓJ·V).")
    var ggnvp: String?
    @Flag(help: "Print per_sample_gradient_norms (B): ‖∇_θ ℓ_b‖ of every input, the gradients never formed.")
    var perSampleNorms = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        let out = JSONOutputStream()
        try reportingUserErrors { () throws -> Void in
            try memory.apply()
            let file = try ModelFiles.loadModel(model)
            switch try dtype.map({ try ModelFiles.DType.parse($0) }) ?? file.dtype {
            case .float32: try evaluate(try file.net(Float.self), to: out)
            case .float64: try evaluate(try file.net(Double.self), to: out)
            }
        }
        out.write("\n")
        out.flush()
    }

    /// Writes the JSON object of the outputs (and Jacobians and products) of `net` on the inputs, in the
    /// net's precision, to `out`; every number is written as its exact `Double` value. The products are
    /// computed before anything is written; the Jacobians are streamed a chunk of inputs at a time.
    func evaluate<S: NeuralScalar>(_ net: MLP<S>, to out: JSONOutputStream) throws {
        let x = try ModelFiles.loadInputs(input, inputSize: net.inputSize).converted(to: S.self)
        try checkNetFitsInMemory(sizes: net.sizes, batch: x.columns, jacobians: false)
        let products = try ProductRequest(
            jvp: jvp, vjp: vjp, loss: loss, targets: targets, hvp: hvp, ggnvp: ggnvp, perSampleNorms: perSampleNorms)
        let f = try net(x)
        if let (i, b) = f.firstNonFinite {
            throw UserError("\(model): output \(i) of input \(b) is not finite (the weights overflow)")
        }
        let productMembers = try products.members(net, x)
        out.write(
            "{" + JSONWriter.string("outputs") + ": "
                + JSONWriter.array(encoded: (0..<x.columns).map { JSONWriter.array(doubles(f.column($0))) }))
        if jacobians { try streamJacobians(net, x, to: out) }
        for (key, value) in productMembers { out.write(", " + JSONWriter.string(key) + ": " + value) }
        out.write("}")
    }

    /// The exact `Double` values of `values`.
    func doubles<S: NeuralScalar>(_ values: [S]) -> [Double] { values.map { Double($0) } }
}
