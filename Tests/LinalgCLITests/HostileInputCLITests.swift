import Foundation
import Testing

/// Inputs that crashed or allocated without bound: each is now one line on stderr and exit 2.
@Suite(.serialized) struct HostileInputCLITests {
    @Test func jacobianOverflowIsNamedNotATrap() throws {
        let directory = try CLI.temporaryDirectory()
        let model = try CLI.write(
            #"{"activation": "sigmoid", "weights": [[[0.0]], [[1e300]]]}"#, "m.json", in: directory)
        let input = try CLI.write(#"{"inputs": [[1e300]]}"#, "i.json", in: directory)
        let plain = try CLI.run(["eval", "--model", model, "--input", input])
        #expect(plain.status == 0, "outputs are finite: \(plain.stderr)")
        expectUserError(
            try CLI.run(["eval", "--model", model, "--input", input, "--jacobians"]), "m.json", "df/dW_0", "input 0",
            "[0][0][0]")
    }

    @Test func argumentErrorsAreOneLineWithStatusTwo() throws {
        expectUserError(try CLI.run(["logreg", "--data", "x.csv", "--lambda", "abc"]), "--lambda", "abc")
        expectUserError(try CLI.run(["gradcheck", "--batch", "many"]), "--batch")
        expectUserError(try CLI.run(["no-such-command"]), "no-such-command")
        let help = try CLI.run(["logreg", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--data"))
    }

    @Test func featuresWhoseHessianCannotFitAreRefusedBeforeAllocating() throws {
        let directory = try CLI.temporaryDirectory()
        let d = 100_000
        let header = (0..<d).map { "c\($0)" }.joined(separator: ",") + ",y\n"
        let rows =
            [String](repeating: "0.5", count: d).joined(separator: ",") + ",1\n"
            + [String](repeating: "-0.5", count: d).joined(separator: ",") + ",0\n"
        let path = try CLI.write(header + rows, "wide.csv", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", path]), "d = 100000", "Hessian", "80 GB")
    }

    @Test func sizesBeyondMemoryAreRefusedBeforeAllocating() throws {
        expectUserError(try CLI.run(["gradcheck", "--sizes", "4000000000,4000000000"]), "2^63")
        expectUserError(try CLI.run(["gradcheck", "--sizes", "100000,100000"]), "would need", "GB")
        expectUserError(try CLI.run(["gradcheck", "--batch", "10000000000"]), "would need")
        expectUserError(try CLI.run(["train-identity", "--batch", "100000000000"]), "would need", "TB")
        let directory = try CLI.temporaryDirectory()
        let widths = (0..<1000).map { _ in "0.5" }.joined(separator: ", ")
        let model = try CLI.write(#"{"weights": [[["# + widths + #"]]]}"#, "wide.json", in: directory)
        let empty = try CLI.write(
            #"{"inputs": ["# + [String](repeating: "[]", count: 5000).joined(separator: ", ") + "]}",
            "empty.json", in: directory)
        expectUserError(try CLI.run(["eval", "--model", model, "--input", empty]), "inputs[0] has 0 numbers", "1000")
    }

    @Test func hessianOverflowIsReportedNotLoopedOn() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write("a,y\n1e200,1\n2e200,0\n-1e200,1\n-3e200,0\n", "huge.csv", in: directory)
        expectUserError(
            try CLI.run(["logreg", "--data", path, "--max-iter", "100000000"]), "Hessian", "feature 1", "rescale")
    }

    @Test func maxMemoryLowersTheLimitEverySizeCheckUses() throws {
        let directory = try CLI.temporaryDirectory()
        let rows = (0..<2000).map { i in "\(i % 7),\(i % 3),\(i % 2)" }.joined(separator: "\n")
        let path = try CLI.write("a,b,y\n" + rows + "\n", "small.csv", in: directory)
        #expect(try CLI.run(["logreg", "--data", path, "--json"]).status == 0)
        expectUserError(try CLI.run(["logreg", "--data", path, "--max-memory", "10K"]), "the limit is 10 KB")
        expectUserError(try CLI.run(["gradcheck", "--sizes", "1000,1000", "--max-memory", "1M"]), "the limit is 1 MB")
        expectUserError(try CLI.run(["logreg", "--data", path, "--max-memory", "lots"]), "--max-memory")
    }

    /// A cell of 10⁶–6·10⁷ bytes after more than one read block of short rows (so the long line
    /// crosses a block's end): digits then a bad byte, a bad byte then digits, and a quote never
    /// closed. Each is an error naming the line and column, never a trap or a wrong cut.
    @Test(arguments: [1_000_000, 10_000_000, 60_000_000])
    func cellsOfManyMegabytesAreErrorsNamingTheirPlace(length: Int) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shortRows = 700_000  // 4.2 MB: the long line starts in the second block
        let before = "a,y\n" + String(repeating: "1.5,1\n", count: shortRows)
        let digits = String(repeating: "7", count: length)
        let cells = length > 10_000_000 ? [digits + "x"] : [digits + "x", "x" + digits, "\"" + digits]
        for (index, cell) in cells.enumerated() {
            let path = try CLI.write(before + cell + ",1\n2,0\n", "long\(index).csv", in: directory)
            expectUserError(
                try CLI.run(["logreg", "--data", path, "--label", "y"]), "long\(index).csv:\(shortRows + 2):1")
        }
        let svm = String(repeating: "1 1:1.5\n", count: shortRows) + "0 1:" + digits + "x\n1 1:2\n"
        let path = try CLI.write(svm, "long.svm", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", path]), "long.svm:\(shortRows + 1):")
    }
}
