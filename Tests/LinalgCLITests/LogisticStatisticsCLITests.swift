import Foundation
import Linalg
import LinalgData
import Testing

/// `logreg`'s inference, `--save`, `predict`, `--path` and `--cv`, through the executable.
@Suite(.serialized) struct LogisticStatisticsCLITests {
    static let csv: String = {
        var g = Xoshiro256StarStar(seed: 21)
        var lines = ["a,b,exposure,y"]
        for _ in 0..<300 {
            let a = g.nextNormal(), b = 2 * g.nextNormal(), o = 0.5 * g.nextNormal()
            let z = 0.8 * a - 0.3 * b + 0.2 + o
            lines.append("\(a),\(b),\(o),\(g.nextUniform() < 1 / (1 + Foundation.exp(-z)) ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// Equal up to Foundation's JSON number parsing, which is not always correctly rounded.
    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 4e-16 * abs($1) }
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The library's fit of the same data: X = (a, b), offsets from `exposure`.
    static func libraryFit(robust: Bool = false) throws -> LogisticFit {
        let table = try DataTable(csvText: csv, file: "data.csv")
        let rows = (0..<table.rowCount).map { [table.values[$0, 0], table.values[$0, 1]] }
        let problem = try LogisticProblem(
            x: Matrix(rows), y: (0..<table.rowCount).map { table.values[$0, 3] }, lambda: 0, fitIntercept: true,
            offsets: (0..<table.rowCount).map { table.values[$0, 2] })
        return try LogisticRegression.fit(problem, inference: InferenceOptions(alpha: 0.1, robust: robust))
    }

    @Test func inferenceJSONHasEveryKeyAndAgreesWithTheLibrary() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "data.csv", in: directory)
        for robust in [false, true] {
            let result = try CLI.run(
                [
                    "logreg", "--data", path, "--lambda", "0", "--fit-intercept", "--offset", "exposure", "--alpha",
                    "0.1",
                    "--json",
                ] + (robust ? ["--robust"] : []))
            #expect(result.status == 0, "\(result.stderr)")
            let object = try Self.object(result.stdout)
            let keys = [
                "standard_errors", "z_values", "p_values", "confidence_intervals", "covariance", "log_likelihood",
                "null_log_likelihood", "deviance", "null_deviance", "aic", "bic", "pseudo_r2", "condition_number",
                "warnings",
            ]
            for key in keys { #expect(object[key] != nil, "missing \(key)") }
            let inference = try #require(try Self.libraryFit(robust: robust).inference)
            let errors = try #require(object["standard_errors"] as? [Double])
            #expect(Self.close(errors, inference.standardErrors!), "the CLI prints the library's numbers")
            let intervals = try #require(object["confidence_intervals"] as? [[Double]])
            #expect(intervals.count == 3 && intervals.allSatisfy { $0.count == 2 && $0[0] < $0[1] })
            #expect(Self.close(intervals.map { $0[0] }, inference.confidenceIntervals!.map(\.lower)))
            let covariance = try #require(object["covariance"] as? [[Double]])
            #expect(covariance.count == 3 && covariance[0][1] == covariance[1][0])
            let logLikelihood = try #require(object["log_likelihood"] as? Double)
            #expect(Self.close([try #require(object["deviance"] as? Double)], [-2 * logLikelihood]))
            #expect(Self.close([try #require(object["aic"] as? Double)], [6 - 2 * logLikelihood]))
            #expect((object["warnings"] as? [String])?.isEmpty == true)
            #expect(try #require(object["condition_number"] as? Double) >= 1)
        }
        let text = try CLI.run(["logreg", "--data", path, "--lambda", "0", "--fit-intercept", "--offset", "exposure"])
        for part in ["coef", "std err", "P>|z|", "[0.025", "0.975]", "intercept", "AIC", "pseudo-R²"] {
            #expect(text.stdout.contains(part), "missing \(part) in\n\(text.stdout)")
        }
    }

    @Test func singularHessianGivesNullStandardErrorsAndAWarningNamingTheColumns() throws {
        var lines = ["u,v,w,y"]
        var g = Xoshiro256StarStar(seed: 5)
        for i in 0..<80 {
            let u = g.nextNormal(), v = g.nextNormal()
            lines.append("\(u),\(v),\(2 * u),\(i % 3 == 0 ? 1 : 0)")
        }
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(lines.joined(separator: "\n") + "\n", "collinear.csv", in: directory)
        let result = try CLI.run(["logreg", "--data", path, "--lambda", "0", "--json"])
        let object = try Self.object(result.stdout)
        #expect(object["standard_errors"] is NSNull && object["covariance"] is NSNull && object["p_values"] is NSNull)
        let warnings = try #require(object["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("singular Hessian") && $0.contains("u, w") }, "\(warnings)")
    }

    @Test func savedModelPredictsTheFittedProbabilities() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "data.csv", in: directory)
        let model = directory.appendingPathComponent("model.json").path
        let fitted = try CLI.run(
            ["logreg", "--data", path, "--lambda", "0", "--fit-intercept", "--offset", "exposure", "--save", model])
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let saved = try Self.object(String(decoding: try Data(contentsOf: URL(fileURLWithPath: model)), as: UTF8.self))
        #expect(
            Set(saved.keys)
                == [
                    "format", "feature_names", "coefficients", "intercept", "lambda", "offset_column", "covariance",
                    "classes",
                ])
        #expect(saved["offset_column"] as? String == "exposure" && saved["feature_names"] as? [String] == ["a", "b"])

        // Columns in another order, plus one the model does not use: matched by name.
        let table = try DataTable(csvText: Self.csv, file: "data.csv")
        var shuffled = ["extra,y,b,exposure,a"]
        for i in 0..<table.rowCount {
            let v = table.values
            shuffled.append("7,\(v[i, 3]),\(v[i, 1]),\(v[i, 2]),\(v[i, 0])")
        }
        let other = try CLI.write(shuffled.joined(separator: "\n") + "\n", "other.csv", in: directory)
        let predicted = try CLI.run(["predict", "--model", model, "--data", other])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let lines = predicted.stdout.split(separator: "\n")
        #expect(lines.first == "probability" && lines.count == table.rowCount + 1)
        let fit = try Self.libraryFit()
        for i in [0, 17, 299] {
            let v = table.values
            let z = fit.coefficients[0] * v[i, 0] + fit.coefficients[1] * v[i, 1] + fit.intercept! + v[i, 2]
            let probability = try #require(Double(String(lines[i + 1])))
            #expect(abs(probability - LogisticModel.probability(z)) <= 1e-15 * probability)
        }
        #expect(
            predicted.stderr.contains("log_loss=") && predicted.stderr.contains("accuracy=")
                && predicted.stderr.contains("auc="))
        let logLoss = predicted.stderr.split(separator: " ").first { $0.hasPrefix("log_loss=") }
            .flatMap { Double($0.dropFirst(9)) }
        #expect(abs(try #require(logLoss) + fit.inference!.logLikelihood / 300) <= 1e-12)
        // --json: the scores as one object, with the two classes and the AUC.
        let scores = try Self.object(try CLI.run(["predict", "--model", model, "--data", other, "--json"]).stdout)
        #expect(scores["classes"] as? [Double] == [0, 1] && scores["auc"] is Double)
        let confusion = try #require(scores["confusion"] as? [[Int]])
        #expect(confusion.count == 2 && confusion.flatMap { $0 }.reduce(0, +) == 300)
        #expect(abs((scores["log_loss"] as? Double ?? 0) - logLoss!) <= 1e-15 * logLoss!)

        // .npy output, and the linear predictor.
        let npy = directory.appendingPathComponent("p.npy").path
        let linear = try CLI.run(["predict", "--model", model, "--data", other, "--output", npy, "--linear"])
        #expect(linear.status == 0, "\(linear.stderr)")
        let array = try DataTable(contentsOf: npy)
        #expect(array.rowCount == 300 && array.columnCount == 1)

        // A missing feature column is named.
        let missing = try CLI.write("a,exposure\n1,0\n", "missing.csv", in: directory)
        let failed = try CLI.run(["predict", "--model", model, "--data", missing])
        #expect(failed.status == 2 && failed.stderr.contains("'b'"), "\(failed.stderr)")
        let bad = try CLI.write("{\"format\": \"x\"}", "bad.json", in: directory)
        #expect(try CLI.run(["predict", "--model", bad, "--data", other]).status == 2)
    }

    @Test func pathAndCrossValidation() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "data.csv", in: directory)
        let result = try CLI.run(
            ["logreg", "--data", path, "--fit-intercept", "--offset", "exposure", "--path", "6", "--cv", "3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.object(result.stdout)
        let points = try #require(object["path"] as? [[String: Any]])
        #expect(points.count == 6)
        let lambdas = points.compactMap { $0["lambda"] as? Double }
        #expect(lambdas == lambdas.sorted(by: >) && abs(lambdas.last! / lambdas.first! - 1e-4) < 1e-12)
        for point in points {
            for key in ["lambda", "coefficients", "intercept", "iterations", "cv_deviance_mean", "cv_deviance_std"] {
                #expect(point[key] != nil, "missing \(key)")
            }
            #expect(point["cv_deviance_mean"] is Double && point["cv_deviance_std"] is Double)
        }
        let means = points.map { $0["cv_deviance_mean"] as! Double }
        let best = try #require(object["best_lambda"] as? Double)
        #expect(best == lambdas[means.indices.min { means[$0] < means[$1] }!])
        #expect(object["lambda"] as? Double == best)
        // At λ_max the coefficients are near zero.
        let first = try #require(points[0]["coefficients"] as? [Double])
        #expect(first.allSatisfy { abs($0) < 2e-2 })

        let list = try CLI.run(["logreg", "--data", path, "--lambdas", "1,10,0.1", "--json"])
        let listed = try Self.object(list.stdout)
        #expect((listed["path"] as? [[String: Any]])?.compactMap { $0["lambda"] as? Double } == [10, 1, 0.1])
        #expect(listed["best_lambda"] is NSNull)
        #expect((listed["path"] as? [[String: Any]])?.first?["cv_deviance_mean"] is NSNull)
        // Seeded folds are reproducible.
        let seeded = ["logreg", "--data", path, "--lambdas", "1,0.1", "--cv", "4", "--cv-seed", "9", "--json"]
        #expect(try CLI.run(seeded).stdout == (try CLI.run(seeded)).stdout)
        #expect(try CLI.run(["logreg", "--data", path, "--lambdas", "1,x"]).status == 2)
        #expect(try CLI.run(["logreg", "--data", path, "--path", "3", "--lambdas", "1"]).status == 2)
    }
}
