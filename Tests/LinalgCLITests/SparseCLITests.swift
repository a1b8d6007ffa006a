import Foundation
import Linalg
import LinalgData
import Testing

/// `logreg` on libsvm files: fitted sparse by truncated Newton, equal to the dense solver's fit.
@Suite(.serialized) struct SparseCLITests {
    /// A zero-based libsvm file (as scikit-learn's `dump_svmlight_file` writes) of `n` rows over 40
    /// columns, pairs written in random order, and the same rows as a dense matrix.
    static func file(n: Int, seed: UInt64) -> (text: String, x: Matrix<Double>, y: [Double]) {
        var g = Xoshiro256StarStar(seed: seed)
        var x = Matrix<Double>(uncheckedRows: n, columns: 40)
        var y: [Double] = [], lines: [String] = []
        for i in 0..<n {
            var pairs: [String] = []
            for j in 0..<40 where g.nextUniform() < 0.15 || (i == 0 && j == 0) {
                x[i, j] = Double(Int(g.nextNormal() * 100)) / 100
                pairs.append("\(j):\(x[i, j])")
            }
            let z = (0..<40).reduce(0.3) { $0 + x[i, $1] * (Double($1 % 5) - 2) * 0.4 }
            y.append(g.nextUniform() < 1 / (1 + Foundation.exp(-z)) ? 1 : 0)
            pairs.shuffle(using: &g)
            lines.append("\(y[i] == 1 ? "+1" : "-1") " + pairs.joined(separator: " "))
        }
        return (lines.joined(separator: "\n") + "\n", x, y)
    }

    @Test func libsvmFilesAreFittedSparseAsTheDenseSolverFitsThem() throws {
        let directory = try CLI.temporaryDirectory()
        let (text, x, y) = Self.file(n: 400, seed: 3)
        let path = try CLI.write(text, "data.svm", in: directory)
        for (lambda, intercept) in [(1.0, true), (0.2, false)] {
            let result = try CLI.run(
                ["logreg", "--data", path, "--lambda", "\(lambda)", "--json"] + (intercept ? ["--fit-intercept"] : []))
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["solver"] as? String == "newton-cg" && (object["cg_iterations"] as? Int ?? 0) > 0)
            #expect(object["classes"] as? [Double] == [-1, 1])
            let dense = try LogisticRegression.fit(
                try LogisticProblem(x: x, y: y, lambda: lambda, fitIntercept: intercept))
            let coefficients = try #require(object["coefficients"] as? [Double])
            #expect(coefficients.count == 40)
            #expect(
                zip(coefficients, dense.coefficients).allSatisfy { abs($0 - $1) <= 1e-9 * max(1e-3, abs($1)) },
                "λ = \(lambda)")
            #expect((object["standard_errors"] as? [Double])?.count == 40 + (intercept ? 1 : 0))
        }
    }

    @Test func savedSparseModelsPredictLibsvmFilesWithoutADenseTable() throws {
        let directory = try CLI.temporaryDirectory()
        let (text, x, y) = Self.file(n: 300, seed: 4)
        let path = try CLI.write(text, "train.svm", in: directory)
        let model = directory.appendingPathComponent("m.json").path
        #expect(try CLI.run(["logreg", "--data", path, "--fit-intercept", "--save", model]).status == 0)
        let predicted = try CLI.run(["predict", "--model", model, "--data", path, "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let scores = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [String: Any])
        let fit = try LogisticRegression.fit(try LogisticProblem(x: x, y: y, lambda: 1, fitIntercept: true))
        let logits = try fit.model(featureNames: (1...40).map { "f\($0)" }, lambda: 1).logits(x)
        let expected = zip(logits, y).reduce(0) { $0 + Foundation.log(1 + Foundation.exp($1.0)) - $1.1 * $1.0 } / 300
        #expect(abs((scores["log_loss"] as? Double ?? 0) - expected) < 1e-9, "\(scores)")
        #expect(scores["classes"] as? [Double] == [-1, 1])
        let probabilities = try CLI.run(["predict", "--model", model, "--data", path]).stdout.split(separator: "\n")
        #expect(probabilities.first == "probability" && probabilities.count == 301)
        // Fewer columns in a row are zeros; a column past the model's is named by its line.
        let short = try CLI.write("1 1:0.5\n-1 3:1\n", "short.svm", in: directory)
        #expect(try CLI.run(["predict", "--model", model, "--data", short]).status == 0)
        let beyond = try CLI.write("1 1:0.5\n-1 41:1\n", "beyond.svm", in: directory)
        expectUserError(try CLI.run(["predict", "--model", model, "--data", beyond]), "beyond.svm:2", "41")
    }

    /// libsvm → sparse `.npz` (stored and deflated) → libsvm keeps every bit; the archive fits
    /// and predicts as the libsvm file does; a dense table becomes sparse with `--sparse`.
    @Test func sparseArchivesConvertFitAndPredictAsLibsvm() throws {
        let directory = try CLI.temporaryDirectory()
        let (text, _, _) = Self.file(n: 200, seed: 5)
        let svm = try CLI.write(text, "data.svm", in: directory)
        let npz = directory.appendingPathComponent("data.npz").path,
            packed = directory.appendingPathComponent("z.npz").path
        let back = directory.appendingPathComponent("back.svm").path
        #expect(try CLI.run(["convert", "--data", svm, "--output", npz]).status == 0)
        #expect(try CLI.run(["convert", "--data", svm, "--output", packed, "--compress"]).status == 0)
        #expect(try CLI.run(["convert", "--data", packed, "--output", back]).status == 0)
        let (a, b) = (try LibSVMReader.read(contentsOf: svm), try LibSVMReader.read(contentsOf: back))
        #expect(a.matrix == b.matrix && a.labels == b.labels)
        let fits = try [svm, npz].map { try CLI.run(["logreg", "--data", $0, "--json", "--fit-intercept"]).stdout }
        let objects = try fits.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects[0]["coefficients"] as? [Double] == objects[1]["coefficients"] as? [Double])
        #expect(objects[1]["solver"] as? String == "newton-cg")
        let model = directory.appendingPathComponent("m.json").path
        #expect(try CLI.run(["logreg", "--data", npz, "--save", model]).status == 0)
        let predicted = try [svm, npz].map { try CLI.run(["predict", "--model", model, "--data", $0]).stdout }
        #expect(predicted[0] == predicted[1] && predicted[0].hasPrefix("probability\n"))
        let csv = try CLI.write("a,b,y\n0,1.5,1\n2,0,0\n0,0,1\n", "t.csv", in: directory)
        let fromTable = directory.appendingPathComponent("t.svm").path
        expectUserError(try CLI.run(["convert", "--data", csv, "--output", fromTable]), "--sparse")
        #expect(try CLI.run(["convert", "--data", csv, "--output", fromTable, "--sparse"]).status == 0)
        #expect(try String(contentsOfFile: fromTable, encoding: .utf8) == "1.0 2:1.5\n0.0 1:2.0\n1.0\n")
    }

    /// `--path` and `--cv` on a libsvm file run on CSR (solver newton-cg) and choose the λ and the fit the
    /// dense table's Newton-Cholesky path chooses.
    @Test func sparsePathsAndCrossValidationChooseAsTheDenseTable() throws {
        let directory = try CLI.temporaryDirectory()
        let svm = try CLI.write(Self.file(n: 300, seed: 11).text, "data.svm", in: directory)
        let runs = try [[], ["--solver", "newton-cholesky"]].map { extra in
            let result = try CLI.run(
                ["logreg", "--data", svm, "--path", "6", "--cv", "3", "--fit-intercept", "--json"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        #expect(runs[0]["solver"] as? String == "newton-cg" && runs[1]["solver"] == nil)
        let best = try runs.map { try #require($0["best_lambda"] as? Double) }
        #expect(abs(best[0] - best[1]) <= 1e-12 * best[1])
        let coefficients = try runs.map { try #require($0["coefficients"] as? [Double]) }
        #expect(zip(coefficients[0], coefficients[1]).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) })
        let paths = try runs.map { try #require($0["path"] as? [[String: Any]]) }
        #expect(paths[0].count == 6 && paths[1].count == 6)
        for (a, b) in zip(paths[0], paths[1]) {
            let (da, db) = (a["cv_deviance_mean"] as? Double ?? .nan, b["cv_deviance_mean"] as? Double ?? .nan)
            #expect(abs(da - db) <= 1e-8 * db)
        }
    }

    /// A libsvm file with three classes is fitted multinomial on CSR (truncated Newton), to the dense
    /// table's Newton-Cholesky coefficients, and its saved model predicts the file.
    @Test func threeClassLibsvmFilesAreFittedMultinomialOnCSR() throws {
        let directory = try CLI.temporaryDirectory()
        var g = Xoshiro256StarStar(seed: 12)
        let lines = (0..<240).map { i -> String in
            let pairs = (1...8).filter { _ in g.nextUniform() < 0.4 }.map { j in
                "\(j):\(Double(Int(g.nextNormal() * 100)) / 100)"
            }
            return "\(i % 3 == 0 ? 0 : (g.nextUniform() < 0.6 ? 1 : 2)) " + pairs.joined(separator: " ")
        }
        let svm = try CLI.write(lines.joined(separator: "\n") + "\n", "three.svm", in: directory)
        let model = directory.appendingPathComponent("m.json").path
        let runs = try [["--save", model], ["--solver", "newton-cholesky"]].map { extra in
            let result = try CLI.run(["logreg", "--data", svm, "--lambda", "0.5", "--json", "--tol", "1e-12"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        #expect(runs[0]["solver"] as? String == "newton-cg" && runs[1]["solver"] as? String == "newton-cholesky")
        let coefficients = try runs.map { try #require($0["coefficients"] as? [[Double]]).flatMap { $0 } }
        #expect(coefficients[0].count == 24)
        #expect(zip(coefficients[0], coefficients[1]).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) })
        let predicted = try CLI.run(["predict", "--model", model, "--data", svm])
        #expect(predicted.status == 0 && predicted.stdout.hasPrefix("p_0,p_1,p_2,class\n"))
        // A path with cross-validation stays on CSR and chooses as the dense table's.
        let paths = try [[], ["--solver", "newton-cholesky"]].map { extra in
            let result = try CLI.run(["logreg", "--data", svm, "--path", "4", "--cv", "3", "--json"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        #expect(paths[0]["solver"] as? String == "newton-cg" && (paths[0]["path"] as? [Any])?.count == 4)
        let best = try paths.map { try #require($0["best_lambda"] as? Double) }
        #expect(abs(best[0] - best[1]) <= 1e-12 * best[1])
    }

    /// A sparse `.npz` written dense as `.npy` and `.csv`: `X`'s columns, then `y`, with every number.
    @Test func sparseArchivesConvertToDenseTables() throws {
        let directory = try CLI.temporaryDirectory()
        let (text, x, y) = Self.file(n: 30, seed: 8)
        let svm = try CLI.write(text, "data.svm", in: directory)
        let npz = directory.appendingPathComponent("data.npz").path
        let npy = directory.appendingPathComponent("dense.npy").path
        let csv = directory.appendingPathComponent("dense.csv").path
        #expect(try CLI.run(["convert", "--data", svm, "--output", npz, "--compress"]).status == 0)
        #expect(try CLI.run(["convert", "--data", npz, "--output", npy]).status == 0)
        #expect(try CLI.run(["convert", "--data", npz, "--output", csv]).status == 0)
        let dense = try NumpyFile.read(contentsOf: npy).matrix
        // The libsvm file's largest index is 39 at most: its 40 columns, or fewer when the last never occur.
        let d = dense.columns - 1
        #expect(dense.rows == 30 && d <= 40)
        for i in 0..<30 {
            for j in 0..<d { #expect(dense[i, j] == x[i, j]) }
            #expect(dense[i, d] == (y[i] == 1 ? 1 : -1), "the libsvm file's labels are ±1")
        }
        let header = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")[0]
        #expect(header == ((0..<d).map(String.init) + ["y"]).joined(separator: ","))
    }

    @Test func badSparseFilesAreOneLine() throws {
        let directory = try CLI.temporaryDirectory()
        let twice = try CLI.write("1 1:1 3:2\n0 2:1 3:1 2:5\n", "twice.svm", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", twice]), "twice.svm:2:4", "twice")
        let wide = try CLI.write("1 1:1\n0 2147483648:1\n", "wide.svm", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", wide]), "wide.svm:2:2")
        let zero = try CLI.write("1 0:1\n0 1:1\n", "zero.svm", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", zero, "--one-based"]), "zero.svm:1:2")
        let huge = try CLI.write("1 1:1\n0 999999999:1\n", "huge.svm", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", huge, "--max-memory", "1G"]), "999999999")
    }
}
