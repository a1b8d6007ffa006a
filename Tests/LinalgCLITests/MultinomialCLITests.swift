import Foundation
import Linalg
import LinalgData
import Testing

/// `logreg` on labels of more than two classes (and of two classes other than 0/1), through the
/// executable.
@Suite(.serialized) struct MultinomialCLITests {
    /// Three classes labelled 3, 7 and 10 from a softmax model of two features; a weight column.
    static let csv: String = {
        var g = Xoshiro256StarStar(seed: 31)
        var lines = ["a,b,w,y"]
        for _ in 0..<240 {
            let a = g.nextNormal(), b = g.nextNormal()
            let z = [0, 0.9 * a - 0.4 * b + 0.3, -0.7 * a + 0.8 * b - 0.2].map { Foundation.exp($0) }
            let u = g.nextUniform() * z.reduce(0, +)
            let label = u < z[0] ? 3 : u < z[0] + z[1] ? 7 : 10
            lines.append("\(a),\(b),\(0.5 + g.nextUniform()),\(label)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The library's fit of the same data (classes 3, 7, 10 as 0, 1, 2).
    static func libraryFit(lambda: Double, weighted: Bool) throws -> MultinomialFit {
        let table = try DataTable(csvText: csv, file: "data.csv")
        let rows = (0..<table.rowCount).map { [table.values[$0, 0], table.values[$0, 1]] }
        let classes = (0..<table.rowCount).map { [3.0: 0, 7: 1, 10: 2][table.values[$0, 3]]! }
        let problem = try MultinomialProblem(
            x: Matrix(rows), classIndices: classes, classCount: 3, lambda: lambda,
            sampleWeights: weighted ? (0..<table.rowCount).map { table.values[$0, 2] } : nil, fitIntercept: true)
        return try MultinomialRegression.fit(problem, inference: InferenceOptions())
    }

    @Test func threeClassesGiveTheLibrarysFitWithEveryKey() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "three.csv", in: directory)
        for lambda in [0.0, 0.5] {
            let result = try CLI.run([
                "logreg", "--data", path, "--label", "y", "--weights", "w", "--lambda", "\(lambda)", "--fit-intercept",
                "--json",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try Self.object(result.stdout)
            #expect(object["classes"] as? [Double] == [3, 7, 10])
            let library = try Self.libraryFit(lambda: lambda, weighted: true)
            let rows = try #require(object["coefficients"] as? [[Double]])
            #expect(rows.count == (lambda > 0 ? 3 : 2) && rows.allSatisfy { $0.count == 2 })
            let flat = rows.flatMap { $0 }
            #expect(zip(flat, library.coefficients.scalars).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
            #expect((object["intercept"] as? [Double])?.count == rows.count)
            #expect(object["converged"] as? Bool == true && object["iterations"] is Int && object["loss"] is Double)
            let statistics = ["standard_errors", "z_values", "p_values", "confidence_intervals", "covariance", "aic"]
            if lambda == 0 {
                let errors = try #require(object["standard_errors"] as? [[Double]])
                #expect(errors.count == 2 && errors.allSatisfy { $0.count == 3 })
                let expected = try #require(library.inference?.standardErrors)
                #expect(zip(errors.flatMap { $0 }, expected).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })
                let intervals = try #require(object["confidence_intervals"] as? [[[Double]]])
                #expect(
                    intervals.count == 2 && intervals.allSatisfy { $0.count == 3 && $0.allSatisfy { $0.count == 2 } })
                #expect((object["covariance"] as? [[Double]])?.count == 6)
                for key in statistics + ["log_likelihood", "null_log_likelihood", "bic", "pseudo_r2"] {
                    #expect(object[key] != nil, "missing \(key)")
                }
            } else {
                for key in statistics { #expect(object[key] == nil, "\(key) is for λ = 0") }
            }
        }
        // Both solvers reach the same minimiser; the JSON says which ran.
        let arguments = ["logreg", "--data", path, "--label", "y", "--lambda", "0.5", "--fit-intercept", "--json"]
        let cg = try Self.object(try CLI.run(arguments + ["--solver", "newton-cg"]).stdout)
        let cholesky = try Self.object(try CLI.run(arguments + ["--solver", "newton-cholesky"]).stdout)
        #expect(cg["solver"] as? String == "newton-cg" && (cg["cg_iterations"] as? Int ?? 0) > 0)
        #expect(cholesky["solver"] as? String == "newton-cholesky" && cholesky["cg_iterations"] as? Int == 0)
        let a = try #require(cg["coefficients"] as? [[Double]]).flatMap { $0 }
        let b = try #require(cholesky["coefficients"] as? [[Double]]).flatMap { $0 }
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) })
        expectUserError(try CLI.run(arguments + ["--solver", "lbfgs"]), "--solver", "lbfgs")
        let text = try CLI.run(["logreg", "--data", path, "--label", "y", "--lambda", "0", "--fit-intercept"])
        #expect(text.status == 0 && text.stdout.contains("y = 7") && text.stdout.contains("std err"))
    }

    @Test func twoClassesOtherThanZeroAndOneFitTheSecondAsOne() throws {
        let directory = try CLI.temporaryDirectory()
        let lines = Self.csv.split(separator: "\n").filter { !$0.hasSuffix(",10") }.joined(separator: "\n") + "\n"
        let path = try CLI.write(lines, "two.csv", in: directory)
        let zeroOne = try CLI.write(
            lines.replacingOccurrences(of: ",3\n", with: ",0\n").replacingOccurrences(of: ",7\n", with: ",1\n"),
            "zero-one.csv", in: directory)
        let arguments = ["logreg", "--label", "y", "--weights", "w", "--lambda", "0.3", "--fit-intercept", "--json"]
        let mapped = try Self.object(try CLI.run(arguments + ["--data", path]).stdout)
        let plain = try Self.object(try CLI.run(arguments + ["--data", zeroOne]).stdout)
        #expect(mapped["classes"] as? [Double] == [3, 7] && plain["classes"] as? [Double] == [0, 1])
        #expect(mapped["coefficients"] as? [Double] == plain["coefficients"] as? [Double])
        let reversed = try Self.object(try CLI.run(arguments + ["--data", path, "--classes", "7,3"]).stdout)
        let flipped = try #require(reversed["coefficients"] as? [Double])
        let original = try #require(mapped["coefficients"] as? [Double])
        #expect(zip(flipped, original).allSatisfy { abs($0 + $1) <= 1e-10 * max(1, abs($1)) }, "class 1 is the second")
    }

    @Test func badLabelsAreOneLineNamingThePlace() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "three.csv", in: directory)
        let base = ["logreg", "--data", path, "--label", "y", "--fit-intercept"]
        expectUserError(try CLI.run(base + ["--classes", "3,7"]), "three.csv:", "is not one of --classes")
        let single = try CLI.write("a,y\n1,4\n2,4\n3,4\n", "single.csv", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", single, "--label", "y"]), "single.csv", "one class")
        var continuous = ["a,y"]
        for i in 0..<2000 { continuous.append("\(i),\(Double(i) * 0.37)") }
        let wide = try CLI.write(continuous.joined(separator: "\n") + "\n", "continuous.csv", in: directory)
        expectUserError(
            try CLI.run(["logreg", "--data", wide, "--label", "y", "--max-classes", "1000"]), "continuous.csv:1002:2",
            "more than 1000 distinct labels")
        let zeroWeight = try CLI.write("a,w,y\n1,1,0\n2,1,1\n3,0,2\n4,1,1\n", "zero.csv", in: directory)
        expectUserError(
            try CLI.run(["logreg", "--data", zeroWeight, "--label", "y", "--weights", "w"]), "zero.csv", "class 2",
            "no sample of positive weight")
        let textWeight = try CLI.write("a,w,y\n1,1,0\n2,heavy,1\n3,1,2\n", "text.csv", in: directory)
        expectUserError(
            try CLI.run(["logreg", "--data", textWeight, "--label", "y", "--weights", "w"]), "text.csv:3:2", "heavy")
    }

    @Test func savedModelPredictsEveryClassWithScores() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "three.csv", in: directory)
        let model = directory.appendingPathComponent("m.json").path
        let fit = try CLI.run([
            "logreg", "--data", path, "--label", "y", "--weights", "w", "--lambda", "0.5", "--fit-intercept", "--save",
            model,
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        let output = directory.appendingPathComponent("p.csv").path
        let predicted = try CLI.run(["predict", "--model", model, "--data", path, "--output", output, "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let scores = try Self.object(predicted.stdout)
        let table = try DataTable(contentsOf: output)
        #expect(table.columnNames == ["p_3", "p_7", "p_10", "class"])
        let library = try Self.libraryFit(lambda: 0.5, weighted: true)
        let data = try DataTable(csvText: Self.csv, file: "data.csv")
        let x = try Matrix((0..<data.rowCount).map { [data.values[$0, 0], data.values[$0, 1]] })
        let probabilities = try library.probabilities(x)
        for i in 0..<data.rowCount {
            for c in 0..<3 { #expect(abs(table.values[i, c] - probabilities[i, c]) <= 1e-13) }
            let best = (0..<3).max { probabilities[i, $0] < probabilities[i, $1] }!
            #expect(table.values[i, 3] == [3.0, 7, 10][best])
        }
        let truth = (0..<data.rowCount).map { [3.0: 0, 7: 1, 10: 2][data.values[$0, 3]]! }
        let accuracy = ClassificationMetrics.accuracy(probabilities: probabilities, classes: truth)
        #expect(abs((scores["accuracy"] as? Double ?? -1) - accuracy) < 1e-15)
        #expect(scores["classes"] as? [Double] == [3, 7, 10])
        let confusion = try #require(scores["confusion"] as? [[Int]])
        #expect(
            confusion.count == 3
                && confusion.map { $0.reduce(0, +) } == [0, 1, 2].map { c in truth.filter { $0 == c }.count })
        let text = try CLI.run(["predict", "--model", model, "--data", path, "--confusion"])
        #expect(text.status == 0 && text.stderr.contains("log_loss=") && text.stderr.contains("confusion"))
        let other = try CLI.write("a,b,w,y\n1,2,1,3\n0.5,1,1,4\n", "other.csv", in: directory)
        expectUserError(
            try CLI.run(["predict", "--model", model, "--data", other, "--label", "y"]), "other.csv:3:4",
            "not one of the model's classes")
    }

    @Test func textLabelsAreClassesInByteOrderThroughFitAndPredict() throws {
        let directory = try CLI.temporaryDirectory()
        let names = [3.0: "\"small, round\"", 7: "Medium", 10: "large"]
        let text =
            Self.csv.split(separator: "\n").enumerated().map { index, line -> String in
                guard index > 0 else { return String(line) }
                var fields = line.split(separator: ",").map(String.init)
                fields[3] = names[Double(fields[3])!]!
                return fields.joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        let path = try CLI.write(text, "named.csv", in: directory)
        let model = directory.appendingPathComponent("m.json").path
        let arguments = [
            "logreg", "--data", path, "--label", "y", "--weights", "w", "--lambda", "0.5", "--fit-intercept",
        ]
        let fit = try CLI.run(arguments + ["--json", "--save", model])
        #expect(fit.status == 0, "\(fit.stderr)")
        let object = try Self.object(fit.stdout)
        #expect(object["classes"] as? [String] == ["Medium", "large", "small, round"])
        // The same fit as numbers 3, 7, 10, with the classes in the text order (7, 10, 3).
        let library = try Self.libraryFit(lambda: 0.5, weighted: true)
        let rows = try #require(object["coefficients"] as? [[Double]])
        let expected = [1, 2, 0].map { library.coefficients.row($0) }
        #expect(zip(rows.flatMap { $0 }, expected.flatMap { $0 }).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
        let predicted = try CLI.run(["predict", "--model", model, "--data", path, "--label", "y", "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        #expect(try Self.object(predicted.stdout)["classes"] as? [String] == ["Medium", "large", "small, round"])
        let csv = try CLI.run(["predict", "--model", model, "--data", path])
        #expect(csv.stdout.hasPrefix("p_Medium,p_large,\"p_small, round\",class\n"))
        expectUserError(try CLI.run(arguments + ["--classes", "Medium,large"]), "named.csv:", "small, round")
    }

    @Test func pathsAndCrossValidationWorkForManyClasses() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "three.csv", in: directory)
        let result = try CLI.run([
            "logreg", "--data", path, "--label", "y", "--fit-intercept", "--path", "6", "--cv", "3", "--cv-seed", "1",
            "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.object(result.stdout)
        let points = try #require(object["path"] as? [[String: Any]])
        #expect(points.count == 6 && points.allSatisfy { $0["cv_deviance_mean"] is Double })
        let best = try #require(object["best_lambda"] as? Double)
        #expect(object["lambda"] as? Double == best)
        #expect((points.first?["coefficients"] as? [[Double]])?.count == 3)
    }

    /// `--offset o3,o7,o10`: one offset column per class; constant offsets `t_c` shift the λ = 0
    /// intercepts by `−(t_k − t_0)` and leave the coefficients; a wrong count is one line.
    @Test func perClassOffsetColumnsShiftTheIntercepts() throws {
        let directory = try CLI.temporaryDirectory()
        let t = [0.4, -1.1, 0.7]
        let lines = Self.csv.split(separator: "\n")
        let withOffsets =
            (["\(lines[0]),o3,o7,o10"] + lines.dropFirst().map { "\($0),\(t[0]),\(t[1]),\(t[2])" }).joined(
                separator: "\n")
            + "\n"
        let path = try CLI.write(withOffsets, "offsets.csv", in: directory)
        let base = [
            "logreg", "--data", path, "--label", "y", "--weights", "w", "--lambda", "0", "--fit-intercept", "--json",
        ]
        let result = try CLI.run(base + ["--offset", "o3,o7,o10"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try Self.object(result.stdout)
        let library = try Self.libraryFit(lambda: 0, weighted: true)
        let coefficients = try #require(object["coefficients"] as? [[Double]]).flatMap { $0 }
        #expect(zip(coefficients, library.coefficients.scalars).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) })
        let intercepts = try #require(object["intercept"] as? [Double])
        let expected = try #require(library.intercepts).enumerated().map { $1 - (t[$0 + 1] - t[0]) }
        #expect(
            zip(intercepts, expected).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) },
            "\(intercepts) vs \(expected)")
        // Saved with its offset columns, the model predicts as the fit without offsets (constant
        // offsets and shifted intercepts give the same probabilities); a file without them is an error.
        let (withPath, withoutPath) = (
            directory.appendingPathComponent("m1.json").path, directory.appendingPathComponent("m0.json").path
        )
        #expect(try CLI.run(base + ["--offset", "o3,o7,o10", "--save", withPath]).status == 0)
        #expect(try CLI.run(base + ["--save", withoutPath]).status == 0)
        let saved = try Self.object(try String(contentsOfFile: withPath, encoding: .utf8))
        #expect(saved["offset_columns"] as? [String] == ["o3", "o7", "o10"])
        let predictions = try [withPath, withoutPath].map {
            try CLI.run(["predict", "--model", $0, "--data", path]).stdout
        }
        let numbers = predictions.map {
            $0.split(separator: "\n").dropFirst().flatMap { $0.split(separator: ",").compactMap { Double($0) } }
        }
        #expect(numbers[0].count == 240 * 4 && zip(numbers[0], numbers[1]).allSatisfy { abs($0 - $1) < 1e-8 })
        let plain = try CLI.write(Self.csv, "plain.csv", in: directory)
        expectUserError(try CLI.run(["predict", "--model", withPath, "--data", plain]), "o3")
        expectUserError(try CLI.run(base + ["--offset", "o3,o7"]), "--offset", "3 offset columns")
        expectUserError(try CLI.run(base + ["--offset", "o3,o7,w"]), "--offset")
    }
}
