import Foundation
import Linalg

/// Reads the JSON files of `linalg eval`'s derivative products, naming the file and the key of every
/// problem: tangents `{"inputs": B × h_0, "weights": [W_l], "biases": [b_l]}` (each part optional),
/// cotangents `{"cotangents": B × h_L}`, targets `{"targets": B × h_L}` or `{"labels": [B integers]}`,
/// and parameter vectors `{"weights": [W_l], "biases": [b_l]}`. Matrices are lists of rows; weights are
/// shaped as in the model file (`W_l` is `h_{l+1} × h_l`).
enum ProductFiles {
    /// The JSON object at the top of `path`.
    static func object(_ path: String) throws -> [String: Any] {
        guard let object = try ModelFiles.parseJSON(path) as? [String: Any] else {
            throw UserError("\(path): top level must be a JSON object")
        }
        return object
    }

    /// `object[key]`, a list of `batch` rows of `width` numbers, as a `width × batch` matrix (one
    /// column per sample); `nil` when the key is absent.
    static func samples(
        _ object: [String: Any], key: String, width: Int, batch: Int, _ path: String
    ) throws
        -> Matrix<Double>?
    {
        guard let value = object[key], !(value is NSNull) else { return nil }
        let rows = try ModelFiles.matrix(value, path, "\"\(key)\"")
        guard rows.rows == batch, rows.columns == width else {
            throw UserError(
                "\(path): \"\(key)\" is \(rows.rows)×\(rows.columns); it must be \(batch)×\(width) "
                    + "(one row per input)")
        }
        return rows.transposed()
    }

    /// A vector shaped as `net`'s parameters from `object`'s `"weights"` and `"biases"` (each optional,
    /// missing parts zero).
    static func parameters<S: NeuralScalar>(
        _ object: [String: Any], for net: MLP<S>, _ path: String
    ) throws
        -> NetParameters<S>
    {
        var weights: [Matrix<S>]?
        if let value = object["weights"], !(value is NSNull) {
            guard let list = value as? [Any], list.count == net.layerCount else {
                throw UserError("\(path): \"weights\" must be a list of \(net.layerCount) matrices, one per layer")
            }
            weights = try list.enumerated().map { l, item in
                let w = try ModelFiles.matrix(item, path, "weights[\(l)]")
                guard w.rows == net.sizes[l + 1], w.columns == net.sizes[l] else {
                    throw UserError(
                        "\(path): weights[\(l)] is \(w.rows)×\(w.columns), the model's W_\(l) is "
                            + "\(net.sizes[l + 1])×\(net.sizes[l])")
                }
                return w.converted(to: S.self)
            }
        }
        var biases: [[S]]?
        if let value = object["biases"], !(value is NSNull) {
            guard net.hasBiases else { throw UserError("\(path): \"biases\" given, but the model has no biases") }
            guard let list = value as? [Any], list.count == net.layerCount else {
                throw UserError("\(path): \"biases\" must be a list of \(net.layerCount) vectors, one per layer")
            }
            biases = try list.enumerated().map { l, item in
                guard let entries = item as? [Any], entries.count == net.sizes[l + 1] else {
                    throw UserError("\(path): biases[\(l)] must be a list of \(net.sizes[l + 1]) numbers")
                }
                return try entries.enumerated().map {
                    S(try ModelFiles.number($0.element, path, "biases[\(l)][\($0.offset)]"))
                }
            }
        }
        do {
            return try NetParameters(weights: weights, biases: biases, shapedAs: net)
        } catch {
            throw UserError("\(path): \(error)")
        }
    }

    /// The `h_L × B` targets of a targets file: `"targets"` (B rows of h_L numbers) or, for the softmax
    /// cross-entropy, `"labels"` (B class indices in `0..<h_L`, made one-hot).
    static func targets(_ path: String, outputs: Int, batch: Int, loss: NetLoss) throws -> Matrix<Double> {
        let object = try object(path)
        if let targets = try samples(object, key: "targets", width: outputs, batch: batch, path) { return targets }
        guard let value = object["labels"] else {
            throw UserError("\(path): needs \"targets\" (\(batch) rows of \(outputs) numbers) or \"labels\"")
        }
        guard loss == .softmaxCrossEntropy else {
            throw UserError("\(path): \"labels\" are class indices for softmax-cross-entropy; give \"targets\"")
        }
        guard let list = value as? [Any], list.count == batch else {
            throw UserError("\(path): \"labels\" must be a list of \(batch) class indices, one per input")
        }
        var y = try Matrix<Double>(rows: outputs, columns: batch)
        for (b, item) in list.enumerated() {
            let label = try ModelFiles.number(item, path, "labels[\(b)]")
            guard label == label.rounded(), label >= 0, label < Double(outputs) else {
                throw UserError("\(path): labels[\(b)] is \(label); a class index must be an integer in 0..<\(outputs)")
            }
            y[Int(label), b] = 1
        }
        return y
    }
}
