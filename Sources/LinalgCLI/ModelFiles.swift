import Foundation
import Linalg

/// Reads MODEL.json, `{"activation": "sigmoid", "weights": [W_0, W_1, …], "output_activation": …}`
/// (`"leaky_slope"` for `"leaky_relu"`, 0.01 by default),
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

    /// The net of a MODEL.json file.
    static func loadModel(_ path: String) throws -> MLP {
        guard let object = try parseJSON(path) as? [String: Any] else {
            throw UserError("\(path): top level must be a JSON object")
        }
        let hidden = try activation(object, key: "activation", default: .sigmoid, path)
        let output = try activation(object, key: "output_activation", default: .identity, path)
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
        return try MLP(weights: weights, activation: hidden, outputActivation: output)
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
        var batch = Matrix<Double>(rows: inputSize, columns: rows.count)
        for (b, entries) in rows.enumerated() {
            for (k, entry) in entries.enumerated() { batch[k, b] = try number(entry, path, "inputs[\(b)][\(k)]") }
        }
        return batch
    }
}
