import ArgumentParser
import BenchSupport
import Foundation
import Linalg

/// `swift run -c release bench`: Linalg against its pure-Swift reference and against the
/// machine's measured dgemm rate.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark Linalg (OpenBLAS) against LinalgReference (plain Swift) and the dgemm roofline."
    )

    @Flag(help: "Smaller sizes and time budgets (under a minute on 2 cores).") var quick = false
    @Option(help: "Write the records as a JSON array to this file.") var json: String?
    @Option(help: "Run only the cases whose name contains this text.") var filter: String?
    @Option(help: "OpenBLAS threads (default: OpenBLAS's own choice).") var threads: Int?

    func run() throws {
        #if DEBUG
        print("WARNING: DEBUG BUILD. These timings are meaningless: run `swift run -c release bench`.")
        #endif
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            OpenBLAS.threadCount = threads
        }
        let settings = BenchSettings(quick: quick, filter: filter)
        printHeader(settings)
        var runner = CaseRunner(settings: settings)
        var records = runner.measurePeaks()
        runner.printRooflines()
        runner.table.printHeader()
        for benchCase in BenchCases.all(settings) where settings.includes(benchCase.name) {
            records += runner.run(benchCase)
        }
        if let json {
            try BenchRecord.json(records).write(to: URL(fileURLWithPath: json))
            print("\nwrote \(records.count) records to \(json)")
        }
    }

    func printHeader(_ settings: BenchSettings) {
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        print("Linalg benchmark (\(settings.quick ? "quick" : "full"))")
        print("build: \(build)")
        print("CPU: \(MachineInfo.cpuModel) (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
        print("OpenBLAS: core \(OpenBLAS.coreName), \(OpenBLAS.threadCount) threads, \(OpenBLAS.configuration)")
        let coretype =
            ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" }
            ?? "OPENBLAS_CORETYPE unset"
        print("environment: \(coretype)")
        print("kernels: \(FMAPeak.instructionSet) (the kernel table's choice for this CPU)")
        print("small-product threshold: m·n·k < \(GemmKernel.blasThreshold) runs as plain vectorised loops")
    }

}

/// Times the cases of one run, each with its baseline and roofline, and prints their rows.
struct CaseRunner {
    let settings: BenchSettings
    let table = ResultTable()
    let roofline: GemmRoofline<Double>
    let singleRoofline: GemmRoofline<Float>
    /// The FMA peaks (float64, float32) in GFLOP/s, once measured.
    var peaks: (double: Double, single: Double)?

    init(settings: BenchSettings) {
        self.settings = settings
        roofline = GemmRoofline<Double>(size: settings.quick ? 512 : 1024)
        singleRoofline = GemmRoofline<Float>(size: settings.quick ? 512 : 1024)
    }

    /// The machine's FMA peak in float64 and float32 (independent FMA chains on every core, the
    /// best of a few runs), printed and returned as the records `peak.fma` and `peak.fma_f32`.
    mutating func measurePeaks() -> [BenchRecord] {
        let cores = ParallelChunks.coreLimit, iterations = settings.quick ? 20_000_000 : 50_000_000
        var records: [BenchRecord] = []
        for single in [false, true] {
            var seconds: [Double] = [], flops = 0.0
            for _ in 0..<(settings.quick ? 3 : 5) {
                let started = DispatchTime.now().uptimeNanoseconds
                flops = FMAPeak.run(iterations: iterations, cores: cores, single: single)
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9)
            }
            // The peak: the fastest run (slower ones met another process on a core).
            var timing = TimingSummary(samples: seconds)
            timing.median = timing.min
            records.append(
                BenchRecord(
                    caseName: single ? "peak.fma_f32" : "peak.fma", sizes: [], batch: nil, implementation: "linalg",
                    timing: timing, flops: flops))
        }
        peaks = (records[0].gflops ?? .nan, records[1].gflops ?? .nan)
        print(
            String(
                format: "FMA peak: %.1f GFLOP/s float64, %.1f float32 (%@, %d cores)", peaks!.double, peaks!.single,
                FMAPeak.instructionSet, cores))
        return records
    }

    func printRooflines() {
        let rate = roofline.measure(budget: settings.quick ? 0.5 : 2)
        let singleRate = singleRoofline.measure(budget: settings.quick ? 0.5 : 2)
        let n = roofline.size
        let text = String(format: "%d×%d×%d at %.1f GFLOP/s; sgemm %.1f GFLOP/s", n, n, n, rate, singleRate)
        print("dgemm roofline: " + text)
        print("(%dgemm compares each GEMM-bound case with the dgemm rate, or the sgemm rate for a float32 case:")
        print(" the case and the roofline product timed in alternating blocks, the median of the per-block ratios,")
        print(" so that the machine's drift in speed does not enter the ratio)\n")
    }

    /// Two bodies timed in alternating blocks (a case and its roofline, or float64 and float32):
    /// the first one's samples and the median of the per-round ratios first / second.
    func inAlternatingBlocks(_ first: () -> Void, _ second: () -> Void) -> (TimingSummary, Double) {
        let (timing, _, ratio) = measureInBlocks(
            rounds: settings.quick ? 3 : 5, blockBudget: settings.quick ? 0.1 : 0.25, warmUp: 0.15, first, second)
        return (timing, ratio)
    }

    func record(
        _ benchCase: BenchCase, _ implementation: String, _ timing: TimingSummary, flops: Double?
    )
        -> BenchRecord
    {
        BenchRecord(
            caseName: benchCase.name, sizes: benchCase.sizes, batch: benchCase.batch,
            implementation: implementation, timing: timing, flops: flops)
    }

    /// The case's records (Linalg's, then its baseline's), its row printed.
    func run(_ benchCase: BenchCase) -> [BenchRecord] {
        let prepared = benchCase.prepare()
        if benchCase.interleaved, let baseline = prepared.baseline {
            return runInterleaved(benchCase, prepared.linalg, baseline)
        }
        let (linalgTiming, adjacentRate) = timeAgainstRoofline(benchCase, prepared.linalg)
        let linalg = record(benchCase, "linalg", linalgTiming, flops: prepared.flops())
        var baselineRecord: BenchRecord?
        var speedup: Double?
        if let baseline = prepared.baseline {
            let timing: TimingSummary
            if benchCase.singlePrecision {
                // The float64 pass in alternating blocks with the float32 one, as the case with
                // the roofline: the speed-up is the median of the per-round ratios.
                (timing, speedup) = inAlternatingBlocks(baseline.body, prepared.linalg)
            } else {
                timing = measure(budget: settings.budget, minimumSamples: 3, baseline.body)
            }
            baselineRecord = record(benchCase, baseline.implementation, timing, flops: prepared.flops())
        }
        table.printRow(
            benchCase, linalg: linalg, baseline: baselineRecord, dgemmRate: adjacentRate,
            peak: adjacentRate == nil ? nil : benchCase.singlePrecision ? peaks?.single : peaks?.double,
            speedup: speedup, note: benchCase.note)
        return [linalg] + (baselineRecord.map { [$0] } ?? [])
    }

    /// Linalg's timing and, for a GEMM-bound case, the roofline's rate in the same seconds: the
    /// case and the roofline product in alternating blocks, the ratio taken per round.
    func timeAgainstRoofline(_ benchCase: BenchCase, _ body: () -> Void) -> (TimingSummary, Double?) {
        guard benchCase.gemmBound else { return (measure(budget: settings.budget, body), nil) }
        let single = benchCase.singlePrecision
        let (timing, ratio) = inAlternatingBlocks(body, single ? singleRoofline.multiplyOnce : roofline.multiplyOnce)
        // ratio = t_case / t_gemm per round, so the roofline's rate in the case's seconds is
        // gemmFlops / (t_case / ratio).
        return (timing, (single ? singleRoofline.flops : roofline.flops) * ratio / timing.median / 1e9)
    }

    /// A feature and its baseline timed call by call; the row shows the median ratio.
    func runInterleaved(_ benchCase: BenchCase, _ body: () -> Void, _ baseline: Baseline) -> [BenchRecord] {
        let (timing, baselineTiming, ratio) = measureInterleaved(
            budget: settings.budget, rounds: settings.quick ? 3 : 5, body, baseline.body)
        let pair = [
            record(benchCase, "linalg", timing, flops: nil),
            record(benchCase, baseline.implementation, baselineTiming, flops: nil),
        ]
        table.printRow(
            benchCase, linalg: pair[0], baseline: pair[1], dgemmRate: nil,
            note: (benchCase.note ?? "") + String(format: "; interleaved, median ratio %.3f", ratio))
        return pair
    }
}

/// The roofline: the dgemm (or sgemm) rate of a square product, measured on demand.
final class GemmRoofline<S: BLASScalar> {
    let size: Int
    private let a: Matrix<S>, b: Matrix<S>
    private var c: Matrix<S>

    init(size: Int) {
        self.size = size
        var generator = Xoshiro256StarStar(seed: 1)
        a = Matrix<Double>.random(rows: size, columns: size, distribution: .randn, using: &generator).converted()
        b = Matrix<Double>.random(rows: size, columns: size, distribution: .randn, using: &generator).converted()
        c = Matrix<S>(uncheckedRows: size, columns: size)
    }

    /// The flops of one product, `2n³`.
    var flops: Double { FlopCount.gemm(m: size, n: size, k: size) }

    /// One product `C = AB`.
    func multiplyOnce() { try! BLAS.gemm(a, b, into: &c) }

    /// GFLOP/s of `C = AB`, median over `budget` seconds.
    func measure(budget: Double) -> Double {
        let timing = BenchSupport.measure(budget: budget, minimumSamples: 3) { multiplyOnce() }
        return flops / timing.median / 1e9
    }
}

/// Sizes and budgets of one run.
struct BenchSettings {
    var quick: Bool
    var filter: String?
    /// Seconds of timing per case and implementation.
    var budget: Double { quick ? 0.25 : 1.0 }

    func includes(_ name: String) -> Bool { filter.map { name.contains($0) } ?? true }
}

/// What the machine is.
enum MachineInfo {
    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
                ?? "unknown"
        }
        return "unknown"
    }
}
