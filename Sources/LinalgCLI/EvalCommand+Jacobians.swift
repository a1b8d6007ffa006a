import Linalg

extension EvalCommand {
    /// Inputs per chunk of the streamed Jacobians: about 2²³ numbers of `df/dx₀` and of the factors
    /// `δ_l` (`h_L (h₀ + Σ_{l≥1} h_l)` per input) at a time, whatever the batch.
    static func jacobianChunk(sizes: [Int]) -> Int {
        let perInput = sizes.last! * sizes.reduce(0, +)
        return max(1, (1 << 23) / max(1, perInput))
    }

    /// Writes the members `jacobian_x0` `[B][h_L][h_0]`, `jacobian_weights` `[L][B][h_L][h_{l+1}][h_l]` and,
    /// for a net with biases, `jacobian_biases` `[L][B][h_L][h_{l+1}]`, a chunk of inputs at a time and
    /// one row of numbers at a time: memory stays bounded by the chunk, never by the batch or the text.
    /// A number that is not finite (weights whose products overflow) is an error naming it; what was
    /// written before it stays written.
    func streamJacobians<S: NeuralScalar>(_ net: MLP<S>, _ x: Matrix<S>, to out: JSONOutputStream) throws {
        let chunk = Self.jacobianChunk(sizes: net.sizes)
        out.write(", \"jacobian_x0\": [")
        try net.inputJacobians(x, chunkSize: chunk) { samples, jacobians in
            for (i, jacobian) in jacobians.enumerated() {
                let b = samples.lowerBound + i
                if let (r, k) = jacobian.firstNonFinite {
                    throw UserError(
                        "\(model): df/dx0 of input \(b) is \(jacobian[r, k]) at [\(r)][\(k)] (the weights overflow)")
                }
                out.write(
                    (b > 0 ? ", " : "")
                        + JSONWriter.array(encoded: jacobian.rowArrays.map { JSONWriter.array(doubles($0)) }))
            }
        }
        out.write("], \"jacobian_weights\": [")
        for l in 0..<net.layerCount {
            out.write(l > 0 ? ", [" : "[")
            try net.weightJacobianFactors(x, chunkSize: chunk) { samples, factors in
                for i in 0..<samples.count {
                    try writeWeightJacobian(factors, layer: l, sample: i, input: samples.lowerBound + i, to: out)
                }
            }
            out.write("]")
        }
        out.write("]")
        guard net.hasBiases else { return }
        // ∂f/∂b_l = δ_l, sample by sample.
        out.write(", \"jacobian_biases\": [")
        for l in 0..<net.layerCount {
            out.write(l > 0 ? ", [" : "[")
            try net.weightJacobianFactors(x, chunkSize: chunk) { samples, factors in
                for i in 0..<samples.count {
                    let delta = factors.sensitivity(layer: l, sample: i)
                    out.write(
                        (samples.lowerBound + i > 0 ? ", " : "")
                            + JSONWriter.array(encoded: delta.rowArrays.map { JSONWriter.array(doubles($0)) }))
                }
            }
            out.write("]")
        }
        out.write("]")
    }

    /// One input's `∂f_i/∂(W_l)_{jk} = (δ_l)_{ij} (x_l)_k` as `[h_L][h_{l+1}][h_l]`, a row of `h_l`
    /// numbers at a time.
    func writeWeightJacobian<S: NeuralScalar>(
        _ factors: WeightJacobianFactors<S>, layer l: Int, sample i: Int, input b: Int, to out: JSONOutputStream
    ) throws {
        let delta = factors.sensitivity(layer: l, sample: i), x = factors.layerInputs[l].column(i)
        out.write(b > 0 ? ", [" : "[")
        for output in 0..<delta.rows {
            out.write(output > 0 ? ", [" : "[")
            for j in 0..<delta.columns {
                let d = delta[output, j]
                let row = x.map { Double(d * $0) }
                if let k = row.firstIndex(where: { !$0.isFinite }) {
                    throw UserError(
                        "\(model): df/dW_\(l) of input \(b) is \(row[k]) at [\(output)][\(j)][\(k)] "
                            + "(the product δ_\(l) x_\(l) overflows)")
                }
                out.write((j > 0 ? ", " : "") + JSONWriter.array(row))
            }
            out.write("]")
        }
        out.write("]")
    }
}
