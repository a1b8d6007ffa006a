import Foundation
import Linalg
import Testing

/// `train --loss softmax-cross-entropy|sigmoid-cross-entropy` through the executable.
@Suite(.serialized) struct ClassifierTrainCLITests {
    /// Three clusters in the plane with text labels (one holding the delimiter, quoted).
    static func csv(seed: UInt64, rows: Int) -> String {
        var g = Xoshiro256StarStar(seed: seed)
        let centres = [(2.0, 0.0), (-1.0, 1.7), (-1.0, -1.7)], names = ["east", "\"north, west\"", "south"]
        var lines = ["a,b,kind"]
        for i in 0..<rows {
            let c = i % 3
            lines.append("\(centres[c].0 + 0.5 * g.nextNormal()),\(centres[c].1 + 0.5 * g.nextNormal()),\(names[c])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func softmaxTrainingReportsAccuracyAndSavesTheClasses() throws {
        let directory = try CLI.temporaryDirectory()
        let train = try CLI.write(Self.csv(seed: 1, rows: 300), "train.csv", in: directory)
        let valid = try CLI.write(Self.csv(seed: 2, rows: 90), "valid.csv", in: directory)
        let model = directory.appendingPathComponent("net.json").path
        let result = try CLI.run([
            "train", "--sizes", "2,12,3", "--data", train, "--validation", valid, "--label", "kind", "--loss",
            "softmax-cross-entropy", "--epochs", "25", "--lr", "0.01", "--batch", "16", "--activation", "tanh",
            "--save", model,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let last = try #require(result.stdout.split(separator: "\n").last)
        #expect(
            last.hasPrefix("final train_loss=") && last.contains(" validation_loss=")
                && last.contains(" validation_accuracy="))
        let accuracy = try #require(Double(last.components(separatedBy: "validation_accuracy=")[1]))
        #expect(accuracy > 0.95, "\(last)")
        let saved = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
        #expect(saved["loss"] as? String == "softmax-cross-entropy")
        #expect(saved["feature_names"] as? [String] == ["a", "b"])
        // predict applies the net as a multinomial model: p_<class> columns, class, and the scores.
        let predicted = try CLI.run(["predict", "--model", model, "--data", valid, "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let scores = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [String: Any])
        #expect(abs((scores["accuracy"] as? Double ?? 0) - accuracy) < 0.02)
        let table = try CLI.run(["predict", "--model", model, "--data", valid])
        #expect(table.stdout.hasPrefix("p_east,\"p_north, west\",p_south,class\n"))
        #expect(
            saved["classes"] as? [String]
                == ["\"north, west\"".replacingOccurrences(of: "\"", with: ""), "east", "south"].sorted())
    }

    @Test func badClassifierOptionsAreOneLine() throws {
        let directory = try CLI.temporaryDirectory()
        let train = try CLI.write(Self.csv(seed: 1, rows: 60), "train.csv", in: directory)
        let base = ["train", "--sizes", "2,4,3", "--data", train, "--epochs", "1"]
        expectUserError(try CLI.run(base + ["--loss", "hinge"]), "--loss", "hinge")
        expectUserError(try CLI.run(base + ["--loss", "softmax-cross-entropy"]), "--label")
        let other = try CLI.write("a,b,kind\n1,2,east\n3,4,west\n", "other.csv", in: directory)
        expectUserError(
            try CLI.run(base + ["--loss", "softmax-cross-entropy", "--label", "kind", "--validation", other]),
            "other.csv:3:3", "west")
        expectUserError(
            try CLI.run(
                base + ["--loss", "softmax-cross-entropy", "--label", "kind", "--output-activation", "sigmoid"]),
            "identity")
    }

    /// `csv` with a weights column `w` after the label: `weight(i)` for row `i`.
    static func weighted(_ csv: String, _ weight: (Int) -> String) -> String {
        let lines = csv.split(separator: "\n").map(String.init)
        return (["\(lines[0]),w"] + lines.dropFirst().enumerated().map { "\($1),\(weight($0))" })
            .joined(separator: "\n") + "\n"
    }

    /// The `final` line's numbers by name.
    static func finalNumbers(_ stdout: String) -> [String: Double] {
        let last = String(stdout.split(separator: "\n").last ?? "")
        return Dictionary(
            uniqueKeysWithValues: last.dropFirst("final ".count).split(separator: " ").map {
                let pair = $0.split(separator: "=")
                return (String(pair[0]), Double(pair.count == 2 ? pair[1] : "") ?? .nan)
            })
    }

    /// A column of weights 1 trains as no weights (the same steps; the losses summed in another
    /// order); the validation file has the column too.
    @Test func weightsOfOneTrainAsNoWeights() throws {
        let directory = try CLI.temporaryDirectory()
        let (plain, valid) = (Self.csv(seed: 1, rows: 120), Self.csv(seed: 2, rows: 60))
        let runs = [
            (try CLI.write(plain, "plain.csv", in: directory), try CLI.write(valid, "valid.csv", in: directory), false),
            (
                try CLI.write(Self.weighted(plain) { _ in "1" }, "ones.csv", in: directory),
                try CLI.write(Self.weighted(valid) { _ in "1" }, "valid-ones.csv", in: directory), true
            ),
        ]
        var finals: [[String: Double]] = []
        for (train, validation, weighted) in runs {
            let result = try CLI.run(
                [
                    "train", "--sizes", "2,8,3", "--data", train, "--validation", validation, "--label", "kind",
                    "--loss", "softmax-cross-entropy", "--epochs", "3", "--lr", "0.01", "--batch", "16", "--dtype",
                    "float64",
                ] + (weighted ? ["--weights", "w"] : []))
            #expect(result.status == 0, "\(result.stderr)")
            finals.append(Self.finalNumbers(result.stdout))
        }
        for key in ["train_loss", "validation_loss", "validation_accuracy"] {
            let (a, b) = (finals[0][key] ?? .nan, finals[1][key] ?? .infinity)
            #expect(abs(a - b) <= 1e-12 * max(1, abs(a)), "\(key): \(a) vs \(b)")
        }
    }

    @Test func badWeightsAreOneLineNamingTheCell() throws {
        let directory = try CLI.temporaryDirectory()
        let plain = Self.csv(seed: 1, rows: 30)
        let base = ["--sizes", "2,4,3", "--label", "kind", "--loss", "softmax-cross-entropy", "--epochs", "1"]
        let negative = try CLI.write(Self.weighted(plain) { $0 == 6 ? "-0.5" : "1" }, "negative.csv", in: directory)
        expectUserError(
            try CLI.run(["train", "--data", negative, "--weights", "w"] + base), "negative.csv:8:4", "negative")
        let text = try CLI.write(Self.weighted(plain) { $0 == 3 ? "heavy" : "1" }, "text.csv", in: directory)
        expectUserError(try CLI.run(["train", "--data", text, "--weights", "w"] + base), "text.csv:5:4")
        let zeros = try CLI.write(Self.weighted(plain) { _ in "0" }, "zeros.csv", in: directory)
        expectUserError(try CLI.run(["train", "--data", zeros, "--weights", "w"] + base), "zeros.csv", "sum to 0")
        let ones = try CLI.write(Self.weighted(plain) { _ in "1" }, "ones.csv", in: directory)
        expectUserError(try CLI.run(["train", "--data", ones, "--weights", "kind"] + base), "--weights", "kind")
        expectUserError(try CLI.run(["train", "--data", ones, "--weights", "nope"] + base), "nope")
    }
}
