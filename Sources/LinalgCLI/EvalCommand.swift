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
    @Flag(help: "Print per_sample_gradient_norms (B): ‖∇_θ ℓ_b‖ of every input, without forming the gradients.")
    var perSampleNorms = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        let text = try reportingUserErrors { () throws -> String in
            try memory.apply()
            let file = try ModelFiles.loadModel(model)
            switch try dtype.map({ try ModelFiles.DType.parse($0) }) ?? file.dtype {
            case .float32: return try evaluate(try file.net(Float.self))
            case .float64: return try evaluate(try file.net(Double.self))
            }
        }
        print(text)
    }

    /// The JSON text of the outputs (and Jacobians) of `net` on the inputs, in the net's precision;
    /// every number is written as its exact `Double` value.
    func evaluate<S: NeuralScalar>(_ net: MLP<S>) throws -> String {
        let x = try ModelFiles.loadInputs(input, inputSize: net.inputSize).converted(to: S.self)
        try checkNetFitsInMemory(sizes: net.sizes, batch: x.columns, jacobians: jacobians)
        if jacobians { try Self.checkJacobianOutputSize(sizes: net.sizes, batch: x.columns, model: model) }
        let products = try ProductRequest(
            jvp: jvp, vjp: vjp, loss: loss, targets: targets, hvp: hvp, ggnvp: ggnvp, perSampleNorms: perSampleNorms)
        let f = try net(x)
        if let (i, b) = f.firstNonFinite {
            throw UserError("\(model): output \(i) of input \(b) is not finite (the weights overflow)")
        }
        var members = [
            ("outputs", JSONWriter.array(encoded: (0..<x.columns).map { JSONWriter.array(doubles(f.column($0))) }))
        ]
        if jacobians {
            let inputJacobians = try net.inputJacobians(x)
            let factors = try net.weightJacobianFactors(x)
            try Self.requireFinite(
                inputJacobians: inputJacobians, factors: factors, layers: net.layerCount, model: model)
            members.append(
                (
                    "jacobian_x0",
                    JSONWriter.array(
                        encoded: inputJacobians.map { j in
                            JSONWriter.array(encoded: j.rowArrays.map { JSONWriter.array(doubles($0)) })
                        })
                ))
            let perLayer = (0..<net.layerCount).map { l in
                JSONWriter.array(
                    encoded: (0..<x.columns).map { b in
                        let tensor = factors.tensor(layer: l, sample: b)
                        return JSONWriter.array(
                            encoded: (0..<tensor.shape.0).map { i in
                                JSONWriter.array(encoded: tensor.slice(output: i).rowArrays.map(JSONWriter.array))
                            })
                    })
            }
            members.append(("jacobian_weights", JSONWriter.array(encoded: perLayer)))
            if net.hasBiases {
                // ∂f/∂b_l = δ_l, sample by sample.
                let perLayer = (0..<net.layerCount).map { l in
                    JSONWriter.array(
                        encoded: (0..<x.columns).map { b in
                            let delta = factors.sensitivity(layer: l, sample: b)
                            return JSONWriter.array(encoded: delta.rowArrays.map { JSONWriter.array(doubles($0)) })
                        })
                }
                members.append(("jacobian_biases", JSONWriter.array(encoded: perLayer)))
            }
        }
        members += try products.members(net, x)
        return JSONWriter.object(members)
    }

    /// The exact `Double` values of `values`.
    func doubles<S: NeuralScalar>(_ values: [S]) -> [Double] { values.map { Double($0) } }

    /// Refuses `--jacobians` output whose JSON text (about 24 bytes a number, `B h_L (h_0 + Σ h_{l+1} h_l)`
    /// numbers) would take more than a quarter of physical memory, saying how large it would be.
    static func checkJacobianOutputSize(sizes: [Int], batch: Int, model: String) throws {
        let h = sizes.last!
        var terms = [[batch, h, sizes[0], 24]]
        terms += (0..<(sizes.count - 1)).map { [batch, h, sizes[$0 + 1], sizes[$0], 24] }
        let limit = SystemMemory.limit / 4
        guard let bytes = checkedSum(of: terms), bytes <= limit else {
            let size = checkedSum(of: terms).map(SystemMemory.formatted) ?? "more than 2^63 bytes"
            throw UserError(
                "\(model): --jacobians for \(batch) inputs would print about \(size) of JSON (B·h_L·Σh_{l+1}h_l "
                    + "numbers); the limit is \(SystemMemory.formatted(limit)): use fewer inputs")
        }
    }

    /// Throws, naming the derivative, the input and the entry, when a Jacobian entry is not finite
    /// (finite weights whose products overflow): JSON has no form for it.
    static func requireFinite<S: NeuralScalar>(
        inputJacobians: [Matrix<S>], factors: WeightJacobianFactors<S>, layers: Int, model: String
    ) throws {
        for (b, jacobian) in inputJacobians.enumerated() {
            if let (i, k) = jacobian.firstNonFinite {
                throw UserError(
                    "\(model): df/dx0 of input \(b) is \(jacobian[i, k]) at [\(i)][\(k)] (the weights overflow)")
            }
        }
        for l in 0..<layers {
            for b in 0..<inputJacobians.count {
                let tensor = factors.tensor(layer: l, sample: b)
                guard let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) else { continue }
                let (rows, columns) = (tensor.shape.1, tensor.shape.2)
                let (i, j, k) = (index / (rows * columns), index / columns % rows, index % columns)
                throw UserError(
                    "\(model): df/dW_\(l) of input \(b) is \(tensor.scalars[index]) at [\(i)][\(j)][\(k)] "
                        + "(the product δ_\(l) x_\(l) overflows)")
            }
        }
    }
}
