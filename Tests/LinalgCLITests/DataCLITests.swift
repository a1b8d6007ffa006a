import Foundation
import Linalg
import LinalgData
import Testing

/// `linalg convert` and `linalg logreg` on every format of the data layer.
@Suite(.serialized) struct DataCLITests {
    static let csv = LogisticCLITests.csv

    @Test func convertRoundTripsBitForBit() throws {
        let directory = try CLI.temporaryDirectory()
        // Hard-to-round decimals: 17 digits, subnormals, extremes, long mantissas.
        let decimals = [
            "5e-324", "2.4703282292062328e-324", "1.7976931348623157e308", "1e308", "0.1",
            "2.2250738585072011e-308", "9007199254740993", "1.00000000000000011102230246251565404236316680908203125",
            "-123456789.12345678901234567890", "3.14159265358979323846264338327950288",
        ]
        let text = "a,b\n" + decimals.map { "\($0),\($0)" }.joined(separator: "\n") + "\n"
        let source = try CLI.write(text, "hard.csv", in: directory)
        let npy = directory.appendingPathComponent("hard.npy").path
        let result = try CLI.run(["convert", "--data", source, "--output", npy])
        #expect(result.status == 0, "\(result.stderr)")
        let array = try NumpyFile.read(contentsOf: npy)
        #expect(array.shape == [decimals.count, 2])
        for (i, decimal) in decimals.enumerated() {
            // Swift's Double(String) is correctly rounded too: the bits of Python's float().
            #expect(array.values[2 * i].bitPattern == Double(decimal)!.bitPattern, "\(decimal)")
        }
        let back = directory.appendingPathComponent("back.tsv").path
        #expect(try CLI.run(["convert", "--data", npy, "--output", back]).status == 0)
        let table = try DataTable(contentsOf: back)
        #expect(table.columnNames == ["0", "1"])
        #expect(table.values.scalars.map(\.bitPattern) == array.values.map(\.bitPattern))

        expectUserError(try CLI.run(["convert", "--data", source, "--output", source]), "input file")
        expectUserError(
            try CLI.run(["convert", "--data", source, "--output", directory.appendingPathComponent("x.npz").path]),
            "--sparse")
        expectUserError(
            try CLI.run(["convert", "--data", source, "--output", directory.appendingPathComponent("x.xlsx").path]),
            ".npy")
        expectUserError(try CLI.run(["convert", "--data", source, "--format", "xls", "--output", npy]), "--format")
        expectUserError(
            try CLI.run(["convert", "--data", directory.path, "--format", "csv", "--output", npy]), "is a directory")
    }

    @Test func logregReadsEveryFormatToTheSameFit() throws {
        let directory = try CLI.temporaryDirectory()
        let csvPath = try CLI.write(Self.csv, "data.csv", in: directory)
        let expected = try CLI.run(["logreg", "--data", csvPath, "--json"])
        #expect(expected.status == 0, "\(expected.stderr)")
        func coefficients(_ result: CLIResult) throws -> [Double] {
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONDecoder().decode(FitOutput.self, from: Data(result.stdout.utf8)).coefficients
        }
        let reference = try coefficients(expected)

        let tsv = try CLI.write(Self.csv.replacingOccurrences(of: ",", with: "\t"), "data.tsv", in: directory)
        #expect(try coefficients(CLI.run(["logreg", "--data", tsv, "--json"])) == reference)
        let semicolon = try CLI.write(Self.csv.replacingOccurrences(of: ",", with: ";"), "data.txt", in: directory)
        #expect(
            try coefficients(
                CLI.run([
                    "logreg", "--data", semicolon, "--format", "csv", "--delimiter", "semicolon",
                    "--json",
                ])) == reference)
        let npy = directory.appendingPathComponent("data.npy").path
        #expect(try CLI.run(["convert", "--data", csvPath, "--output", npy]).status == 0)
        #expect(try coefficients(CLI.run(["logreg", "--data", npy, "--json"])) == reference)

        // libsvm with −1/+1 labels.
        let table = try DataTable(csvText: Self.csv, file: "data.csv")
        var svm = ""
        for i in 0..<table.rowCount {
            svm += (table.values[i, 2] == 1 ? "+1" : "-1") + " 1:\(table.values[i, 0]) 2:\(table.values[i, 1])\n"
        }
        // Fitted sparse (truncated Newton on the CSR matrix): the same minimiser, other rounding.
        let svmPath = try CLI.write(svm, "data.svm", in: directory)
        let sparse = try coefficients(CLI.run(["logreg", "--data", svmPath, "--json"]))
        #expect(sparse.count == reference.count)
        #expect(zip(sparse, reference).allSatisfy { abs($0 - $1) <= 1e-9 * max(1e-3, abs($1)) }, "\(sparse)")
    }

    @Test func weightsComeFromAColumn() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write("a,w,y\n1,2,1\n2,1,0\n-1,1,0\n0.5,3,1\n-2,1,1\n", "w.csv", in: directory)
        let result = try CLI.run(["logreg", "--data", path, "--weights", "w", "--label", "y", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let coefficients = try JSONDecoder().decode(FitOutput.self, from: Data(result.stdout.utf8)).coefficients
        let x = try Matrix<Double>([[1], [2], [-1], [0.5], [-2]])
        let fit = try LogisticRegression.fit(
            LogisticProblem(x: x, y: [1, 0, 0, 1, 1], lambda: 1, sampleWeights: [2, 1, 1, 3, 1]))
        #expect(coefficients == fit.coefficients)
        expectUserError(try CLI.run(["logreg", "--data", path, "--weights", "nope"]), "--weights", "'nope'")
        let negative = try CLI.write("a,w,y\n1,-2,1\n2,1,0\n", "n.csv", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", negative, "--weights", "w"]), "n.csv:2:2", "negative")
        let twice = try CLI.write("a,a,y\n1,2,1\n2,1,0\n", "d.csv", in: directory)
        expectUserError(try CLI.run(["logreg", "--data", twice, "--label", "a"]), "2 columns are named 'a'")
    }
}
