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
}
