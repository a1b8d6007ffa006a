import ArgumentParser
import Linalg

/// `linalg eval`: a model and inputs from JSON files, outputs (and Jacobians) as JSON on stdout.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate MODEL.json on INPUT.json; print outputs (and with --jacobians df/dx0 and df/dW_l) as JSON."
    )

    @Option(help: "MODEL.json: {\"activation\": \"sigmoid\", \"weights\": [W_0, W_1, …]}.") var model: String
    @Option(help: "INPUT.json: {\"inputs\": [[…h_0 numbers…], …]}.") var input: String
    @Flag(help: "Also print jacobian_x0 [B][h_L][h_0] and jacobian_weights [L][B][h_L][h_{l+1}][h_l].") var jacobians =
        false

    func run() throws {
        let text = try reportingUserErrors { () throws -> String in
            let net = try ModelFiles.loadModel(model)
            let x = try ModelFiles.loadInputs(input, inputSize: net.inputSize)
            let f = try net(x)
            if let (i, b) = f.firstNonFinite {
                throw UserError("\(model): output \(i) of input \(b) is not finite (the weights overflow)")
            }
            var members = [
                ("outputs", JSONWriter.array(encoded: (0..<x.columns).map { JSONWriter.array(f.column($0)) }))
            ]
            if jacobians {
                let inputJacobians = try net.inputJacobians(x)
                let factors = try net.weightJacobianFactors(x)
                let all = inputJacobians.flatMap(\.scalars)
                if all.contains(where: { !$0.isFinite }) { throw UserError("\(model): a Jacobian entry is not finite") }
                members.append(
                    (
                        "jacobian_x0",
                        JSONWriter.array(
                            encoded: inputJacobians.map { j in
                                JSONWriter.array(encoded: j.rowArrays.map(JSONWriter.array))
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
            }
            return JSONWriter.object(members)
        }
        print(text)
    }
}
