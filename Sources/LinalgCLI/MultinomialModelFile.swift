import Foundation
import Linalg

/// The JSON file of a multinomial model: `format`, `feature_names`, `classes` (the labels, in class
/// order), `modelled_classes` (the class index of each coefficient row), `coefficients` (rows of d),
/// `intercept` (one per row, or null), `lambda`, `offset_columns` (one column name per class, or
/// null; files without the key have none).
enum MultinomialModelFile {
    static let format = "linalg-multinomial-regression/1"

    static func write(_ model: MultinomialModel, classes: [ClassLabel], to path: String) throws {
        let m = model.coefficients.rows
        let text = JSONWriter.object([
            ("format", JSONWriter.string(format)),
            ("feature_names", JSONWriter.array(encoded: model.featureNames.map(JSONWriter.string))),
            ("classes", LogisticReport.classesJSON(classes)),
            ("modelled_classes", JSONWriter.array(encoded: model.modelledClasses.map(String.init))),
            ("coefficients", JSONWriter.array(encoded: (0..<m).map { JSONWriter.array(model.coefficients.row($0)) })),
            ("intercept", model.intercepts.map(JSONWriter.array) ?? "null"),
            ("lambda", JSONWriter.number(model.lambda)),
            (
                "offset_columns",
                model.offsetColumns.map { JSONWriter.array(encoded: $0.map(JSONWriter.string)) } ?? "null"
            ),
        ])
        try writeText(text, to: path)
    }

    /// The model and its class labels from a parsed file `object`.
    static func read(_ object: [String: Any], path: String) throws -> (MultinomialModel, [ClassLabel]) {
        guard let names = object["feature_names"] as? [String] else {
            throw UserError("\(path): \"feature_names\" must be a list of strings")
        }
        guard let classList = object["classes"] as? [Any] else {
            throw UserError("\(path): \"classes\" must be a list of numbers or strings")
        }
        let classes = try SavedModel.classes(classList, path: path)
        let modelled = try numbers(object["modelled_classes"], path, "modelled_classes").map { value throws -> Int in
            guard value == value.rounded(), (0..<classes.count).contains(Int(value)) else {
                throw UserError("\(path): \"modelled_classes\" holds \(value), not a class index")
            }
            return Int(value)
        }
        guard let coefficients = object["coefficients"] else { throw UserError("\(path): \"coefficients\" is missing") }
        let matrix = try ModelFiles.matrix(coefficients, path, "coefficients")
        let intercepts = try LogisticModelFile.optional(object["intercept"]).map { try numbers($0, path, "intercept") }
        guard let lambdaValue = object["lambda"] else { throw UserError("\(path): \"lambda\" is missing") }
        let lambda = try ModelFiles.number(lambdaValue, path, "lambda")
        let offsetColumns = try LogisticModelFile.optional(object["offset_columns"]).map { value throws -> [String] in
            guard let names = value as? [String] else {
                throw UserError("\(path): \"offset_columns\" must be a list of strings or null")
            }
            return names
        }
        do throws(LinalgError) {
            let model = try MultinomialModel(
                featureNames: names, classCount: classes.count, modelledClasses: modelled, coefficients: matrix,
                intercepts: intercepts, lambda: lambda, offsetColumns: offsetColumns)
            return (model, classes)
        } catch {
            throw UserError("\(path): \(error.description)")
        }
    }

    static func numbers(_ value: Any?, _ path: String, _ name: String) throws -> [Double] {
        guard let list = value as? [Any] else { throw UserError("\(path): \"\(name)\" must be a list of numbers") }
        return try list.enumerated().map { try ModelFiles.number($0.element, path, "\(name)[\($0.offset)]") }
    }
}
