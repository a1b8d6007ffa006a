import Foundation
import Linalg

/// Reads and writes MODEL.json, `{"activation": "sigmoid", "weights": [W_0, W_1, …], "biases": [b_0, …],
/// "output_activation": …, "dtype": "float64"}` (`"leaky_slope"` for `"leaky_relu"`, 0.01 by default;
/// `"biases"` and `"dtype"` optional),
/// and INPUT.json, `{"inputs": [[…h₀ numbers…], …]}`, naming the file and the place of every problem.
enum ModelFiles {
    static func parseJSON(_ path: String) throws -> Any {
        let data = try readFile(path)
        guard !data.isEmpty else { throw UserError("\(path): file is empty") }
        do {
            return try JSONSerialization.jsonObject(with: data, options: [])
        } catch let error as NSError {
            let detail = (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? error.localizedDescription
            throw UserError("\(path): malformed JSON: \(detail)")
        }
    }

    static func number(_ value: Any, _ path: String, _ place: String) throws -> Double {
        guard !isBoolean(value), let number = value as? NSNumber else {
            throw UserError("\(path): \(place) is not a number")
        }
        // Foundation hands long mantissas back as NSDecimalNumber, whose doubleValue is not
        // correctly rounded; its decimal text parsed by Double(_:) is.
        let double = (number as? NSDecimalNumber).flatMap { Double($0.stringValue) } ?? number.doubleValue
        guard double.isFinite else { throw UserError("\(path): \(place) is not finite (\(double))") }
        return double
    }

    /// JSON `true`/`false`, which Foundation may hand back as a number.
    static func isBoolean(_ value: Any) -> Bool {
        if value is Bool && !(value is Int) && !(value is Double) { return true }
        if let number = value as? NSNumber { return String(cString: number.objCType) == "c" }
        return false
    }

    static func matrix(_ value: Any, _ path: String, _ name: String) throws -> Matrix<Double> {
        guard let rows = value as? [Any], !rows.isEmpty else {
            throw UserError("\(path): \(name) must be a non-empty list of rows")
        }
        var parsed: [[Double]] = []
        for (i, row) in rows.enumerated() {
            guard let entries = row as? [Any], !entries.isEmpty else {
                throw UserError("\(path): \(name) row \(i) must be a non-empty list of numbers")
            }
            if let first = parsed.first, first.count != entries.count {
                throw UserError("\(path): \(name) row \(i) has \(entries.count) numbers, row 0 has \(first.count)")
            }
            parsed.append(try entries.enumerated().map { try number($0.element, path, "\(name)[\(i)][\($0.offset)]") })
        }
        return try Matrix(parsed)
    }

    static func activation(
        _ object: [String: Any], key: String, default fallback: Activation, _ path: String
    ) throws -> Activation {
        guard let value = object[key] else { return fallback }
        var slope = 0.01
        if let given = object["leaky_slope"] {
            slope = try number(given, path, "leaky_slope")
            guard slope >= 0 else { throw UserError("\(path): \"leaky_slope\" must be ≥ 0, got \(slope)") }
        }
        guard let name = value as? String, let activation = Activation(name: name, leakySlope: slope) else {
            throw UserError(
                "\(path): \"\(key)\": unknown activation \(value) (expected one of "
                    + "\(Activation.names.joined(separator: ", ")))"
            )
        }
        return activation
    }

    /// The precision a net computes in: `"float32"` or `"float64"` in model files and `--dtype`.
    enum DType: String, CaseIterable {
        case float32, float64

        /// `--dtype`'s value, or a one-line error naming the flag.
        static func parse(_ text: String, flag: String = "--dtype") throws -> DType {
            guard let dtype = DType(rawValue: text.lowercased()) else {
                throw UserError("\(flag): expected float32 or float64, got '\(text)'")
            }
            return dtype
        }
    }

    /// What a MODEL.json file holds, in the `Double` it was written with, before it becomes a net
    /// of one precision.
    struct Model {
        var weights: [Matrix<Double>]
        var biases: [[Double]]?
        var activation: Activation
        var outputActivation: Activation
        var dtype: DType

        /// The net in precision `S` (parameters rounded to it).
        func net<S: NeuralScalar>(_: S.Type) throws -> MLP<S> {
            try MLP<S>(
                weights: weights.map { $0.converted(to: S.self) }, biases: biases?.map { $0.map { S($0) } },
                activation: activation, outputActivation: outputActivation)
        }
    }

    /// The net of a MODEL.json file: `"weights"` (a list of matrices), optional `"biases"` (one list
    /// of h_{l+1} numbers per layer), `"activation"`, `"output_activation"`, `"leaky_slope"` and
    /// `"dtype"` (`"float64"` by default).
    static func loadModel(_ path: String) throws -> Model {
        guard let object = try parseJSON(path) as? [String: Any] else {
            throw UserError("\(path): top level must be a JSON object")
        }
        let hidden = try activation(object, key: "activation", default: .sigmoid, path)
        let output = try activation(object, key: "output_activation", default: .identity, path)
        var dtype = DType.float64
        if let value = object["dtype"] {
            guard let text = value as? String, let parsed = DType(rawValue: text) else {
                throw UserError("\(path): \"dtype\" must be \"float32\" or \"float64\", got \(value)")
            }
            dtype = parsed
        }
        guard let list = object["weights"] as? [Any], !list.isEmpty else {
            throw UserError("\(path): \"weights\" must be a non-empty list of matrices")
        }
        var weights: [Matrix<Double>] = []
        for (l, item) in list.enumerated() {
            let w = try matrix(item, path, "W_\(l)")
            if let previous = weights.last, w.columns != previous.rows {
                throw UserError(
                    "\(path): W_\(l) has \(w.columns) columns but W_\(l - 1) has \(previous.rows) rows (layer "
                        + "\(l) width)"
                )
            }
            weights.append(w)
        }
        var biases: [[Double]]?
        if let value = object["biases"], !(value is NSNull) {
            guard let items = value as? [Any], items.count == weights.count else {
                throw UserError("\(path): \"biases\" must be a list of \(weights.count) vectors, one per layer")
            }
            biases = try items.enumerated().map { l, item in
                guard let entries = item as? [Any], entries.count == weights[l].rows else {
                    throw UserError("\(path): b_\(l) must be a list of \(weights[l].rows) numbers (rows of W_\(l))")
                }
                return try entries.enumerated().map { try number($0.element, path, "b_\(l)[\($0.offset)]") }
            }
        }
        return Model(weights: weights, biases: biases, activation: hidden, outputActivation: output, dtype: dtype)
    }

    /// The JSON text of a model file for `net`, readable by ``loadModel(_:)``. Every parameter is
    /// written as the shortest decimal of its `Double` value, so reading it back (into `Double`,
    /// then rounding to the net's precision) gives the same bits.
    static func modelJSON<S: NeuralScalar>(_ net: MLP<S>, extra: [(String, String)] = []) -> String {
        var members =
            extra + [
                ("dtype", JSONWriter.string(S.self == Float.self ? DType.float32.rawValue : DType.float64.rawValue)),
                ("activation", JSONWriter.string(net.activation.name)),
                ("output_activation", JSONWriter.string(net.outputActivation.name)),
            ]
        for a in [net.activation, net.outputActivation] {
            if case .leakyReLU(let slope) = a {
                members.append(("leaky_slope", JSONWriter.number(slope)))
                break
            }
        }
        let weights = net.weights.map { w in
            JSONWriter.array(encoded: w.rowArrays.map { JSONWriter.array($0.map { Double($0) }) })
        }
        members.append(("weights", JSONWriter.array(encoded: weights)))
        if let biases = net.biases {
            members.append(
                ("biases", JSONWriter.array(encoded: biases.map { JSONWriter.array($0.map { Double($0) }) })))
        }
        return JSONWriter.object(members)
    }

    /// The `h₀ × B` input batch of an INPUT.json file.
    static func loadInputs(_ path: String, inputSize: Int) throws -> Matrix<Double> {
        guard let object = try parseJSON(path) as? [String: Any] else {
            throw UserError("\(path): top level must be a JSON object")
        }
        guard let list = object["inputs"] as? [Any] else {
            throw UserError("\(path): \"inputs\" must be a list of input vectors")
        }
        // Every width is checked before the batch is allocated: the file then holds its h_0 × B numbers.
        var rows: [[Any]] = []
        for (b, item) in list.enumerated() {
            guard let entries = item as? [Any] else {
                throw UserError("\(path): inputs[\(b)] must be a list of numbers")
            }
            guard entries.count == inputSize else {
                throw UserError(
                    "\(path): inputs[\(b)] has \(entries.count) numbers, the model's input size h_0 is \(inputSize)")
            }
            rows.append(entries)
        }
        var batch = try Matrix<Double>(rows: inputSize, columns: rows.count)
        for (b, entries) in rows.enumerated() {
            for (k, entry) in entries.enumerated() { batch[k, b] = try number(entry, path, "inputs[\(b)][\(k)]") }
        }
        return batch
    }
}
