import Foundation
import Linalg
import LinalgData

/// The JSON file of a logistic model: `format`, `feature_names`, `coefficients`, `intercept`
/// (null without one), `lambda`, `offset_column` (null without one), `covariance` (p × p, or null).
enum LogisticModelFile {
    static let format = "linalg-logistic-regression/1"

    static func write(_ model: LogisticModel, classes: [ClassLabel]? = nil, to path: String) throws {
        let covariance = model.covariance.map { matrix in
            JSONWriter.array(encoded: (0..<matrix.rows).map { JSONWriter.array(matrix.row($0)) })
        }
        let text = JSONWriter.object(
            [
                ("format", JSONWriter.string(format)),
                ("feature_names", JSONWriter.array(encoded: model.featureNames.map(JSONWriter.string))),
                ("coefficients", JSONWriter.array(model.coefficients)),
                ("intercept", model.intercept.map(JSONWriter.number) ?? "null"),
                ("lambda", JSONWriter.number(model.lambda)),
                ("offset_column", model.offsetColumn.map(JSONWriter.string) ?? "null"),
                ("covariance", covariance ?? "null"),
            ] + (classes.map { [("classes", LogisticReport.classesJSON($0))] } ?? []))
        try writeText(text, to: path)
    }

    static func read(_ path: String) throws -> LogisticModel {
        guard case .binary(let model, _) = try SavedModel.read(path) else {
            throw UserError("\(path): a model of more than two classes, where a binary one is expected")
        }
        return model
    }

    /// The binary model of a parsed file `object` of this format.
    static func read(_ object: [String: Any], path: String) throws -> LogisticModel {
        guard let names = object["feature_names"] as? [Any], let featureNames = names as? [String] else {
            throw UserError("\(path): \"feature_names\" must be a list of strings")
        }
        guard let coefficientList = object["coefficients"] as? [Any] else {
            throw UserError("\(path): \"coefficients\" must be a list of numbers")
        }
        let coefficients = try coefficientList.enumerated().map {
            try ModelFiles.number($0.element, path, "coefficients[\($0.offset)]")
        }
        let intercept = try optional(object["intercept"]).map { try ModelFiles.number($0, path, "intercept") }
        guard let lambdaValue = object["lambda"] else { throw UserError("\(path): \"lambda\" is missing") }
        let lambda = try ModelFiles.number(lambdaValue, path, "lambda")
        var offsetColumn: String? = nil
        if let value = try optional(object["offset_column"]) {
            guard let name = value as? String else {
                throw UserError("\(path): \"offset_column\" must be a string or null")
            }
            offsetColumn = name
        }
        let covariance = try optional(object["covariance"]).map { try ModelFiles.matrix($0, path, "covariance") }
        do throws(LinalgError) {
            return try LogisticModel(
                featureNames: featureNames, coefficients: coefficients, intercept: intercept, lambda: lambda,
                offsetColumn: offsetColumn, covariance: covariance)
        } catch {
            throw UserError("\(path): \(error.description)")
        }
    }

    /// `nil` for a missing key or JSON null.
    static func optional(_ value: Any?) throws -> Any? {
        guard let value, !(value is NSNull) else { return nil }
        return value
    }
}

/// A model file written by `linalg logreg --save`: binary or multinomial, told apart by `format`.
enum SavedModel {
    /// The model and, when saved with it, its two class labels (class 1 the second).
    case binary(LogisticModel, classes: [ClassLabel]?)
    /// The model and its class labels in class order.
    case multinomial(MultinomialModel, classes: [ClassLabel])
    /// A net saved by `linalg train`: its inputs' names and, for a softmax classifier, its classes.
    case net(ModelFiles.Model, featureNames: [String], loss: NetLoss, classes: [ClassLabel]?)

    static func read(_ path: String) throws -> SavedModel {
        guard let object = try ModelFiles.parseJSON(path) as? [String: Any] else {
            throw UserError("\(path): a logistic model is a JSON object")
        }
        if object["weights"] != nil && object["format"] == nil {
            let names = object["feature_names"] as? [String] ?? []
            let loss = (object["loss"] as? String).flatMap(NetLoss.init(rawValue:)) ?? .squaredError
            let classes = try (object["classes"] as? [Any]).map { try SavedModel.classes($0, path: path) }
            return .net(try ModelFiles.loadModel(path), featureNames: names, loss: loss, classes: classes)
        }
        switch object["format"] as? String {
        case LogisticModelFile.format?:
            let classes = try (object["classes"] as? [Any]).map { try SavedModel.classes($0, path: path) }
            return .binary(try LogisticModelFile.read(object, path: path), classes: classes)
        case MultinomialModelFile.format?:
            let (model, classes) = try MultinomialModelFile.read(object, path: path)
            return .multinomial(model, classes: classes)
        case let format?
        where format.hasPrefix("linalg-logistic-regression/")
            || format.hasPrefix("linalg-multinomial-regression/"):
            throw UserError("\(path): unsupported model format \"\(format)\"")
        default:
            throw UserError(
                "\(path): \"format\" is not \"\(LogisticModelFile.format)\" or \"\(MultinomialModelFile.format)\": "
                    + "not a model written by `linalg logreg --save`")
        }
    }

    /// A `classes` list: numbers or strings.
    static func classes(_ list: [Any], path: String) throws -> [ClassLabel] {
        try list.enumerated().map { index, value throws -> ClassLabel in
            if let name = value as? String { return .text(name) }
            return .number(try ModelFiles.number(value, path, "classes[\(index)]"))
        }
    }
}
