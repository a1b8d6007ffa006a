import Linalg

/// `linalg eval`'s derivative products: `--jvp`, `--vjp`, and with `--loss` and `--targets` the loss,
/// its gradient, `--hvp`, `--ggnvp` and `--per-sample-norms`.
struct ProductRequest {
    var jvp: String?
    var vjp: String?
    var loss: NetLoss?
    var targets: String?
    var hvp: String?
    var ggnvp: String?
    var perSampleNorms: Bool

    var isEmpty: Bool { jvp == nil && vjp == nil && loss == nil }

    /// Checks that the loss options come together: `--loss` with `--targets`, and `--hvp`, `--ggnvp`,
    /// `--per-sample-norms` only with both.
    init(
        jvp: String?, vjp: String?, loss: String?, targets: String?, hvp: String?, ggnvp: String?, perSampleNorms: Bool
    )
        throws
    {
        (self.jvp, self.vjp, self.targets, self.hvp, self.ggnvp, self.perSampleNorms) =
            (jvp, vjp, targets, hvp, ggnvp, perSampleNorms)
        if let loss {
            guard let parsed = NetLoss(rawValue: loss) else {
                throw UserError(
                    "--loss must be one of \(NetLoss.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(loss)\""
                )
            }
            self.loss = parsed
        }
        guard (self.loss == nil) == (targets == nil) else {
            throw UserError("--loss and --targets go together: the loss needs its targets")
        }
        if self.loss == nil, hvp != nil || ggnvp != nil || perSampleNorms {
            throw UserError("--hvp, --ggnvp and --per-sample-norms need --loss and --targets")
        }
    }

    /// The JSON members of every requested product of `net` at the batch `x` (`h₀ × B`).
    func members<S: NeuralScalar>(_ net: MLP<S>, _ x: Matrix<S>) throws -> [(String, String)] {
        var members: [(String, String)] = []
        if let jvp {
            let object = try ProductFiles.object(jvp)
            let inputs = try ProductFiles.samples(object, key: "inputs", width: net.inputSize, batch: x.columns, jvp)
            let tangent = try ProductFiles.parameters(object, for: net, jvp)
            let hasParts = object["weights"] != nil || object["biases"] != nil
            guard hasParts || inputs != nil else {
                throw UserError(
                    "\(jvp): needs \"inputs\", \"weights\" or \"biases\" (the tangents; missing parts are 0)")
            }
            let result = try net.jvp(
                x, inputTangent: inputs?.converted(to: S.self), parameterTangent: hasParts ? tangent : nil)
            members.append(("jvp", try Self.rows(result.tangent, "jvp")))
        }
        if let vjp {
            let object = try ProductFiles.object(vjp)
            guard
                let cotangent = try ProductFiles.samples(
                    object, key: "cotangents", width: net.outputSize, batch: x.columns, vjp)
            else { throw UserError("\(vjp): needs \"cotangents\" (\(x.columns) rows of \(net.outputSize) numbers)") }
            let (inputs, parameters) = try net.vjp(x, cotangent: cotangent.converted(to: S.self))
            members.append(("vjp_inputs", try Self.rows(inputs, "vjp_inputs")))
            members += try Self.parameterMembers(parameters, prefix: "vjp")
        }
        if let loss, let targets {
            members += try lossMembers(net, x, loss: loss, targetsPath: targets)
        }
        return members
    }

    func lossMembers<S: NeuralScalar>(
        _ net: MLP<S>, _ x: Matrix<S>, loss: NetLoss, targetsPath: String
    ) throws
        -> [(String, String)]
    {
        let y = try ProductFiles.targets(targetsPath, outputs: net.outputSize, batch: x.columns, loss: loss)
            .converted(to: S.self)
        let workspace = try NetProductWorkspace<S>(sizes: net.sizes, batchSize: x.columns)
        // One HVP pass gives the loss, its gradient and ∇²L·V (V = 0 without --hvp).
        let v =
            try hvp.map { try ProductFiles.parameters(try ProductFiles.object($0), for: net, $0) }
            ?? NetParameters<S>(zerosLike: net)
        let value = try net.hvp(x, targets: y, loss: loss, vector: v, workspace: workspace)
        guard value.isFinite else { throw UserError("the loss is \(value) (the weights overflow)") }
        var members = [("loss", JSONWriter.number(value))]
        members += try Self.parameterMembers(workspace.parameterGradient, prefix: "gradient")
        if hvp != nil { members += try Self.parameterMembers(workspace.parameterProduct, prefix: "hvp") }
        if let ggnvp {
            let v = try ProductFiles.parameters(try ProductFiles.object(ggnvp), for: net, ggnvp)
            // The loss is the HVP pass's.
            _ = try net.ggnvp(x, targets: y, loss: loss, vector: v, workspace: workspace, computingLoss: false)
            members += try Self.parameterMembers(workspace.parameterProduct, prefix: "ggnvp")
        }
        if perSampleNorms {
            _ = try net.perSampleGradientNorms(x, targets: y, loss: loss, workspace: workspace)
            let norms = workspace.perSampleGradientNorms
            try Self.requireFinite(norms, "per_sample_gradient_norms")
            members.append(("per_sample_gradient_norms", JSONWriter.array(norms)))
        }
        return members
    }

    /// A `rows × B` result as a list of `B` rows (one per input).
    static func rows<S: NeuralScalar>(_ m: Matrix<S>, _ name: String) throws -> String {
        let samples = (0..<m.columns).map { m.column($0).map { Double($0) } }
        for (b, sample) in samples.enumerated() { try requireFinite(sample, "\(name)[\(b)]") }
        return JSONWriter.array(encoded: samples.map(JSONWriter.array))
    }

    /// `<prefix>_weights` (a list of matrices shaped as the model's) and, with biases, `<prefix>_biases`.
    static func parameterMembers<S: NeuralScalar>(_ v: NetParameters<S>, prefix: String) throws -> [(String, String)] {
        try requireFinite(v.scalars.map { Double($0) }, "\(prefix)_weights")
        let weights = v.weights.map { w in
            JSONWriter.array(encoded: w.rowArrays.map { JSONWriter.array($0.map { Double($0) }) })
        }
        var members = [("\(prefix)_weights", JSONWriter.array(encoded: weights))]
        if let biases = v.biases {
            members.append(
                ("\(prefix)_biases", JSONWriter.array(encoded: biases.map { JSONWriter.array($0.map { Double($0) }) })))
        }
        return members
    }

    /// Throws, naming the result, when a value is not finite (JSON has no form for it).
    static func requireFinite(_ values: [Double], _ name: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw UserError("\(name) has \(values[i]) at entry \(i) (the weights or tangents overflow)")
        }
    }
}
