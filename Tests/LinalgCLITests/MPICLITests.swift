#if MPI
import Foundation
import Linalg
import Testing

/// `mpirun -np P linalg logreg` (built with the MPI trait) against the single process, for one
/// file split by rows and for one file per rank. Run by `swift test --traits MPI` (CI does).
@Suite(.serialized) struct MPICLITests {
    /// `mpirun` as CI runs it: as root it must be allowed, and 3 ranks on 2 cores oversubscribe.
    static func launcher(_ ranks: Int) -> [String] {
        ["mpirun", "--oversubscribe", "--allow-run-as-root", "-np", String(ranks)]
    }

    /// A logistic data set: `n` rows of 4 features and a 0/1 label `y`, as CSV text (header first).
    static func data(rows: ClosedRange<Int>, seed: UInt64 = 5) -> String {
        var generator = Xoshiro256StarStar(seed: seed)
        var lines = ["a,b,c,d,w,y"]
        for i in 0...rows.upperBound {
            let x = (0..<4).map { _ in generator.nextNormal() }
            let z = 0.4 + x[0] - 0.7 * x[1] + 0.2 * x[3]
            let y = generator.nextUniform() < 1 / (1 + exp(-z)) ? 1 : 0
            let w = 0.5 + generator.nextUniform()
            if rows.contains(i) { lines.append((x.map { "\($0)" } + ["\(w)", "\(y)"]).joined(separator: ",")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func expectSame(_ a: FitOutput, _ b: FitOutput, _ comment: String) {
        #expect(a.iterations == b.iterations, "\(comment): iterations")
        for (x, y) in zip(a.coefficients + [a.loss ?? .nan], b.coefficients + [b.loss ?? .nan]) {
            #expect(abs(x - y) <= 1e-10 * max(1, abs(y)), "\(comment): \(x) vs \(y)")
        }
        for (x, y) in zip(a.standard_errors ?? [], b.standard_errors ?? []) {
            #expect(abs(x - y) <= 1e-10 * abs(y), "\(comment): standard error \(x) vs \(y)")
        }
    }

    @Test func newtonOnRanksGivesTheSingleProcessFit() throws {
        let directory = try CLI.temporaryDirectory()
        let n = 1200
        let file = try CLI.write(Self.data(rows: 0...(n - 1)), "all.csv", in: directory)
        for r in 0..<3 {
            _ = try CLI.write(Self.data(rows: (r * n / 3)...((r + 1) * n / 3 - 1)), "part\(r).csv", in: directory)
        }
        let options = ["--lambda", "0.3", "--fit-intercept", "--weights", "w", "--json"]
        let single = try CLI.run(["logreg", "--data", file] + options)
        #expect(single.status == 0, "\(single.stderr)")
        let expected = try JSONDecoder().decode(FitOutput.self, from: Data(single.stdout.utf8))
        for ranks in 1...3 {
            let split = try CLI.run(["logreg", "--data", file] + options, launcher: Self.launcher(ranks))
            #expect(split.status == 0, "\(split.stderr)")
            expectSame(
                try JSONDecoder().decode(FitOutput.self, from: Data(split.stdout.utf8)), expected, "\(ranks) ranks")
        }
        let perRank = directory.appendingPathComponent("part{rank}.csv").path
        let files = try CLI.run(["logreg", "--data", perRank] + options, launcher: Self.launcher(3))
        #expect(files.status == 0, "\(files.stderr)")
        expectSame(try JSONDecoder().decode(FitOutput.self, from: Data(files.stdout.utf8)), expected, "{rank} files")
        // A path is reduced the same way.
        let path = ["--path", "4", "--lambda", "0", "--json"]
        let pathSingle = try CLI.run(["logreg", "--data", file] + path)
        let pathSplit = try CLI.run(["logreg", "--data", file] + path, launcher: Self.launcher(2))
        expectSame(
            try JSONDecoder().decode(FitOutput.self, from: Data(pathSplit.stdout.utf8)),
            try JSONDecoder().decode(FitOutput.self, from: Data(pathSingle.stdout.utf8)), "path")
    }

    @Test func badInputOnOneRankIsReportedOnceWithStatus2() throws {
        let directory = try CLI.temporaryDirectory()
        for r in 0..<3 {
            var text = Self.data(rows: (r * 30)...(r * 30 + 29))
            if r == 1 { text = text.replacingOccurrences(of: "\n", with: "\nnot-a-number,", options: [], range: nil) }
            _ = try CLI.write(text, "part\(r).csv", in: directory)
        }
        let perRank = directory.appendingPathComponent("part{rank}.csv").path
        let result = try CLI.run(["logreg", "--data", perRank], launcher: Self.launcher(3))
        #expect(result.status == 2)
        let messages = result.stderr.components(separatedBy: "linalg: error:").count - 1
        #expect(messages == 1 && result.stderr.contains("part1.csv"), "\(result.stderr)")
        let cv = try CLI.run(["logreg", "--data", perRank, "--cv", "3"], launcher: Self.launcher(3))
        #expect(cv.status == 2 && cv.stderr.components(separatedBy: "linalg: error:").count == 2, "\(cv.stderr)")
    }

    /// Each rank reads only its share of one file, in every format: `.npy` by offset, CSV and
    /// libsvm by byte range; the fit is the single process's.
    @Test func sharesOfOneFileInEveryFormatGiveTheSingleProcessFit() throws {
        let directory = try CLI.temporaryDirectory()
        let csv = try CLI.write(Self.data(rows: 0...899), "all.csv", in: directory)
        let npy = directory.appendingPathComponent("all.npy").path
        #expect(try CLI.run(["convert", "--data", csv, "--output", npy]).status == 0)
        // libsvm: label first, features 1…4 (the weight column left out).
        let svmText =
            Self.data(rows: 0...899).split(separator: "\n").dropFirst().map { line in
                let v = line.split(separator: ",")
                return "\(v[5]) " + (0..<4).map { "\($0 + 1):\(v[$0])" }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
        let svm = try CLI.write(svmText, "all.svm", in: directory)
        // One process would fit a libsvm file sparse (truncated Newton); ranks fit it dense, so the
        // single process is asked for the same dense Newton-Cholesky steps here.
        let cases: [(String, [String])] = [
            (csv, ["--weights", "w"]), (npy, ["--weights", "4"]), (svm, ["--solver", "newton-cholesky"]),
        ]
        for (file, extra) in cases {
            let options = ["logreg", "--data", file, "--lambda", "0.2", "--json"] + extra
            let single = try CLI.run(options)
            #expect(single.status == 0, "\(single.stderr)")
            let expected = try JSONDecoder().decode(FitOutput.self, from: Data(single.stdout.utf8))
            for ranks in [2, 3] {
                let split = try CLI.run(options, launcher: Self.launcher(ranks))
                #expect(split.status == 0, "\(file): \(split.stderr)")
                expectSame(
                    try JSONDecoder().decode(FitOutput.self, from: Data(split.stdout.utf8)), expected,
                    "\(file) on \(ranks) ranks")
            }
        }
        // A bad cell in the last rank's share: one message, at the line a single process names.
        var lines = Self.data(rows: 0...899).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[850] = "1,2,x,4,1,0"
        let bad = try CLI.write(lines.joined(separator: "\n"), "bad.csv", in: directory)
        let single = try CLI.run(["logreg", "--data", bad])
        #expect(single.status == 2 && single.stderr.contains("bad.csv:851:3"), "\(single.stderr)")
        let split = try CLI.run(["logreg", "--data", bad], launcher: Self.launcher(3))
        #expect(split.status == 2, "\(split.stderr)")
        #expect(split.stderr.components(separatedBy: "linalg: error:").count == 2, "\(split.stderr)")
        #expect(split.stderr.contains("bad.csv:851:3"), "\(split.stderr)")
    }

    /// `{rank}` files need not agree on libsvm's width (the narrower are widened with zero
    /// columns), and must agree on a CSV header (one message otherwise).
    @Test func rankFilesAgreeOnTheirColumns() throws {
        let directory = try CLI.temporaryDirectory()
        let rows = Self.data(rows: 0...299).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        func svm(_ part: ArraySlice<[Substring]>, features: Int) -> String {
            part.map { v in
                (v[5] == "1" ? "+1" : "-1") + " " + (0..<features).map { "\($0 + 1):\(v[$0])" }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
        }
        // Rank 1's file never writes feature 4: its table is one column narrower.
        _ = try CLI.write(svm(rows[0..<100], features: 4), "p0.svm", in: directory)
        _ = try CLI.write(svm(rows[100..<200], features: 3), "p1.svm", in: directory)
        _ = try CLI.write(svm(rows[200..<300], features: 4), "p2.svm", in: directory)
        var whole = svm(rows[0..<100], features: 4) + svm(rows[100..<200], features: 3)
        whole += svm(rows[200..<300], features: 4)
        let joined = try CLI.write(whole, "joined.svm", in: directory)
        let options = ["--lambda", "0.5", "--json", "--solver", "newton-cholesky"]
        let single = try CLI.run(["logreg", "--data", joined] + options)
        #expect(single.status == 0, "\(single.stderr)")
        let perRank = directory.appendingPathComponent("p{rank}.svm").path
        let split = try CLI.run(["logreg", "--data", perRank] + options, launcher: Self.launcher(3))
        #expect(split.status == 0, "\(split.stderr)")
        expectSame(
            try JSONDecoder().decode(FitOutput.self, from: Data(split.stdout.utf8)),
            try JSONDecoder().decode(FitOutput.self, from: Data(single.stdout.utf8)), "libsvm {rank} files")
        // CSV files with different headers: one message, exit 2.
        for r in 0..<3 {
            var text = Self.data(rows: (r * 20)...(r * 20 + 19))
            if r == 2 { text = text.replacingOccurrences(of: "a,b,c,d,w,y", with: "a,b,c,e,w,y") }
            _ = try CLI.write(text, "h\(r).csv", in: directory)
        }
        let headers = try CLI.run(
            ["logreg", "--data", directory.appendingPathComponent("h{rank}.csv").path], launcher: Self.launcher(3))
        #expect(headers.status == 2, "\(headers.stderr)")
        #expect(headers.stderr.components(separatedBy: "linalg: error:").count == 2, "\(headers.stderr)")
        #expect(headers.stderr.contains("rank 2"), "\(headers.stderr)")
    }

    /// A sparse libsvm data set: `n` rows of `d` features, each present with probability 0.15, labels
    /// ±1 from a logistic model (feature `d` written only in the last row).
    static func sparseData(rows n: Int, features d: Int, seed: UInt64 = 9) -> [String] {
        var generator = Xoshiro256StarStar(seed: seed)
        let truth = (0..<d).map { _ in generator.nextNormal() }
        return (0..<n).map { i in
            var z = 0.3, entries: [String] = []
            for j in 0..<(d - 1) where generator.nextUniform() < 0.15 {
                let v = generator.nextNormal()
                z += truth[j] * v
                entries.append("\(j + 1):\(v)")
            }
            if i == n - 1 { entries.append("\(d):1.5") }
            let label = generator.nextUniform() < 1 / (1 + exp(-z)) ? "+1" : "-1"
            return ([label] + entries).joined(separator: " ")
        }
    }

    /// Truncated Newton on the ranks' CSR shares (one reduction per loss, gradient and product) gives
    /// the single process's sparse fit and statistics, from one libsvm file, `{rank}` files and a
    /// sparse `.npz`; `--solver newton-cg` on a dense table is reduced the same way.
    @Test func sparseSharesGiveTheSingleProcessFit() throws {
        let directory = try CLI.temporaryDirectory()
        let lines = Self.sparseData(rows: 900, features: 40)
        let svm = try CLI.write(lines.joined(separator: "\n") + "\n", "all.svm", in: directory)
        for r in 0..<3 {
            let part = lines[(r * 300)..<((r + 1) * 300)].joined(separator: "\n") + "\n"
            _ = try CLI.write(part, "part\(r).svm", in: directory)
        }
        let npz = directory.appendingPathComponent("all.npz").path
        #expect(try CLI.run(["convert", "--data", svm, "--output", npz]).status == 0)
        let options = ["--lambda", "0.3", "--fit-intercept", "--tol", "1e-10", "--json"]
        let single = try CLI.run(["logreg", "--data", svm] + options)
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.stdout.contains("newton-cg"), "\(single.stdout)")
        let expected = try JSONDecoder().decode(FitOutput.self, from: Data(single.stdout.utf8))
        #expect(expected.standard_errors?.count == 41)
        let perRank = directory.appendingPathComponent("part{rank}.svm").path
        for (file, ranks) in [(svm, 2), (svm, 3), (perRank, 3), (npz, 2)] {
            let split = try CLI.run(["logreg", "--data", file] + options, launcher: Self.launcher(ranks))
            #expect(split.status == 0, "\(file): \(split.stderr)")
            #expect(split.stdout.contains("newton-cg"), "\(split.stdout)")
            expectSame(
                try JSONDecoder().decode(FitOutput.self, from: Data(split.stdout.utf8)), expected,
                "\(file) on \(ranks) ranks")
        }
        // Dense rows, truncated Newton by dgemv products, reduced over the ranks.
        let csv = try CLI.write(Self.data(rows: 0...599), "all.csv", in: directory)
        let dense = ["logreg", "--data", csv, "--solver", "newton-cg", "--weights", "w", "--lambda", "0.1", "--json"]
        let denseSingle = try CLI.run(dense + ["--tol", "1e-10"])
        let denseSplit = try CLI.run(dense + ["--tol", "1e-10"], launcher: Self.launcher(2))
        #expect(denseSingle.status == 0 && denseSplit.status == 0, "\(denseSplit.stderr)")
        expectSame(
            try JSONDecoder().decode(FitOutput.self, from: Data(denseSplit.stdout.utf8)),
            try JSONDecoder().decode(FitOutput.self, from: Data(denseSingle.stdout.utf8)), "dense newton-cg")
        // Three classes (the third only in the last rank's rows): the multinomial model on CSR shares
        // (without the last line, whose feature no other row has: unpenalised, its fit is ill-conditioned).
        let three = lines.dropLast().enumerated().map { i, line in
            i % 3 == 2 && i >= 600 ? "2" + line.drop { $0 != " " } : line
        }
        let multi = try CLI.write(three.joined(separator: "\n") + "\n", "three.svm", in: directory)
        for lambda in ["0.5", "0"] {
            let options = ["logreg", "--data", multi, "--lambda", lambda, "--tol", "1e-12", "--json"]
            let one = try CLI.run(options), split = try CLI.run(options, launcher: Self.launcher(3))
            #expect(one.status == 0 && split.status == 0, "\(one.stderr) \(split.stderr)")
            let a = try JSONDecoder().decode(MultinomialOutput.self, from: Data(one.stdout.utf8))
            let b = try JSONDecoder().decode(MultinomialOutput.self, from: Data(split.stdout.utf8))
            #expect(a.iterations == b.iterations && a.coefficients.count == 3 - (lambda == "0" ? 1 : 0))
            for (x, y) in zip(a.coefficients.joined(), b.coefficients.joined()) {
                #expect(abs(x - y) <= 1e-10 * max(1, abs(x)), "λ = \(lambda): \(x) vs \(y)")
            }
        }
    }

    /// SGD with the batch split across ranks and one all-reduce per step follows the single
    /// process's loss history (the sums differ only in rounding).
    @Test func sgdOnRanksFollowsTheSingleProcessHistory() throws {
        let directory = try CLI.temporaryDirectory()
        func history(_ launcher: [String], _ name: String) throws -> [Double] {
            let log = directory.appendingPathComponent(name).path
            let result = try CLI.run(
                ["train-identity", "--batch", "12", "--steps", "2000", "--log", log], launcher: launcher)
            #expect(result.status == 0, "\(result.stderr)")
            return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { Double($0.split(separator: ",")[1])! }
        }
        let single = try history([], "one.csv"), shared = try history(Self.launcher(3), "three.csv")
        #expect(single.count == 2000 && shared.count == 2000)
        for (a, b) in zip(single, shared) { #expect(abs(a - b) <= 1e-10 * abs(a), "\(a) vs \(b)") }

        let data = try CLI.write(Self.data(rows: 0...199), "d.csv", in: directory)
        let options = [
            "train", "--sizes", "5,8,1", "--data", data, "--epochs", "3", "--batch", "32", "--dtype", "float64",
        ]
        let one = try CLI.run(options), three = try CLI.run(options, launcher: Self.launcher(3))
        #expect(one.status == 0 && three.status == 0, "\(three.stderr)")
        let final = { (text: String) in text.split(separator: "\n").last!.split(separator: " ")[1] }
        #expect(final(one.stdout) == final(three.stdout), "\(one.stdout) vs \(three.stdout)")
        // Hessian-free steps with weights: every G v and trial loss reduced over the ranks.
        let newton = [
            "train", "--sizes", "4,8,1", "--data", data, "--weights", "w", "--epochs", "3", "--batch", "100",
            "--dtype", "float64", "--optimizer", "newton-cg",
        ]
        let newtonOne = try CLI.run(newton), newtonThree = try CLI.run(newton, launcher: Self.launcher(3))
        #expect(newtonOne.status == 0 && newtonThree.status == 0, "\(newtonOne.stderr) \(newtonThree.stderr)")
        let value = { (text: String) in Double(final(text).split(separator: "=").last ?? "") ?? .nan }
        let (a, b) = (value(newtonOne.stdout), value(newtonThree.stdout))
        #expect(abs(a - b) <= 1e-9 * abs(a), "\(newtonOne.stdout) vs \(newtonThree.stdout)")
    }
}
#endif
