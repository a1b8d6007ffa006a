import Foundation
import Linalg
import LinalgData
import Testing

@Suite(.serialized) struct LogisticCLITests {
    static let csv: String = {
        var g = Xoshiro256StarStar(seed: 4)
        var lines = ["height,\"weight\",label"]
        for _ in 0..<60 {
            let a = g.nextNormal(), b = g.nextNormal()
            lines.append("\(a),\(b),\(a - 2 * b + g.nextNormal() > 0 ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func jsonContractAgreesWithTheLibrary() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.csv, "data.csv", in: directory)
        let result = try CLI.run(["logreg", "--data", path, "--lambda", "0.5", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["coefficients", "intercept", "loss", "gradient_norm", "iterations", "converged", "trace"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["intercept"] is NSNull)
        #expect(object["converged"] as? Bool == true)
        let coefficients = try JSONDecoder().decode(FitOutput.self, from: Data(result.stdout.utf8)).coefficients
        let table = try DataTable(csvText: Self.csv, file: "data.csv")
        let x = try Matrix(
            rows: table.values.rows, columns: 2,
            scalars: (0..<table.values.rows).flatMap { Array(table.values.row($0).prefix(2)) })
        let fit = try LogisticRegression.fit(LogisticProblem(x: x, y: table.values.column(2), lambda: 0.5))
        #expect(coefficients == fit.coefficients, "numbers must round-trip to the same Double")
        let trace = try #require(object["trace"] as? [[String: Any]])
        #expect(trace.count == fit.trace.count)

        let withIntercept = try CLI.run(["logreg", "--data", path, "--label", "label", "--fit-intercept", "--json"])
        let second = try #require(
            try JSONSerialization.jsonObject(with: Data(withIntercept.stdout.utf8)) as? [String: Any])
        #expect(second["intercept"] is Double)

        let text = try CLI.run(["logreg", "--data", path])
        #expect(text.status == 0 && text.stdout.contains("converged") && text.stdout.contains("weight"))
    }

    @Test func labelColumnCanBeChosen() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write("y,a\n1,0.5\n0,-1\n1,2\n0,-0.3\n", "first.csv", in: directory)
        let result = try CLI.run(["logreg", "--data", path, "--label", "y", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["coefficients"] as? [Double])?.count == 1)
    }

    @Test func badCSVInputExitsTwoNamingFileLineAndColumn() throws {
        let directory = try CLI.temporaryDirectory()
        func run(_ text: String, _ extra: [String] = []) throws -> CLIResult {
            try CLI.run(["logreg", "--data", try CLI.write(text, "bad.csv", in: directory)] + extra)
        }
        expectUserError(
            try CLI.run(["logreg", "--data", directory.appendingPathComponent("none.csv").path]), "none.csv",
            "no such file")
        expectUserError(try run(""), "bad.csv", "empty")
        expectUserError(try run("a,b,y\n"), "bad.csv", "no data rows")
        expectUserError(try run("a,b,y\n1,2,1\n3,4\n"), "bad.csv:3", "fields")
        expectUserError(try run("a,b,y\n1,2,1\n3,x,0\n"), "bad.csv:3:2", "not a number")
        expectUserError(try run("a,b,y\n1,2,1\n3,inf,0\n"), "bad.csv:3:2", "finite")
        expectUserError(try run("a,b,y\n1,2,1\n3,NaN,0\n"), "bad.csv:3:2")
        // Labels 1 and 2 are two classes; with the classes fixed as 0, 1 the 2 is named.
        expectUserError(try run("a,b,y\n1,2,1\n3,4,2\n", ["--classes", "0,1"]), "bad.csv:3:3", "not one of --classes")
        expectUserError(try run("a,b,y\n1,2,1\n", ["--label", "z"]), "bad.csv", "'z'")
        expectUserError(try run("a,b,y\n1,2,1\n", ["--lambda", "-1"]), "--lambda")
    }

    @Test func separableDataWithoutPenaltyIsReported() throws {
        let directory = try CLI.temporaryDirectory()
        let path = try CLI.write("a,y\n1,1\n2,1\n-1,0\n-2,0\n", "sep.csv", in: directory)
        let result = try CLI.run(["logreg", "--data", path, "--lambda", "0", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["converged"] as? Bool == false)
        #expect(object["reason"] as? String == "separable")
        #expect(result.status == 3, "a fit that did not converge exits 3")
    }

    @Test func exerciseRunsEveryPart() throws {
        let result = try CLI.run(["exercise"])
        #expect(result.status == 0, "\(result.stderr)")
        for part in ["1b", "σ(W0 x0)", "W1 σ(W0 x0)", "1c", "== 2", "Newton"] {
            #expect(result.stdout.contains(part), "missing \(part)")
        }
    }
}
