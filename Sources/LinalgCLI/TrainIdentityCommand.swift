import ArgumentParser
import Foundation
import Linalg

/// `linalg train-identity`: exercise 1c, SGD of the net towards `f(x) = x`.
struct TrainIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-identity",
        abstract: "Train the net towards the identity map by SGD; last line: heldout_mse initial=<n> final=<n>."
    )

    @Option(help: "Layer sizes h_0,…,h_L (h_L must equal h_0).") var sizes = "2,10,10,2"
    @Option(parsing: .unconditional, help: "Number of SGD steps.") var steps = 20_000
    @Option(parsing: .unconditional, help: "Learning rate α of W_l ← W_l − α ∂loss/∂W_l.") var lr = 0.01
    @Option(
        parsing: .unconditional,
        help: "Samples per step (1: per-sample SGD as in the exercise; >1: mean mini-batch gradient).") var batch = 1
    @Option(help: "Seed of the initial weights and the samples.") var seed: UInt64 = 0
    @Option(help: "Write step,loss rows to this CSV file.") var log: String?
    @Option(help: "Write the trained net to this model file (the format eval reads).") var save: String?
    @Option(help: "Train in float32 or float64.") var dtype = "float64"

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try reportingUserErrors {
            try memory.apply()
            let sizes = try parseSizes(self.sizes)
            guard sizes.first == sizes.last else {
                throw UserError("--sizes: the identity map needs h_L = h_0, got \(sizes.first!) and \(sizes.last!)")
            }
            guard steps >= 0 else { throw UserError("--steps must be ≥ 0, got \(steps)") }
            guard lr.isFinite, lr > 0 else { throw UserError("--lr must be a finite number > 0, got \(lr)") }
            guard batch >= 1 else { throw UserError("--batch must be at least 1, got \(batch)") }
            try checkNetFitsInMemory(sizes: sizes, batch: batch, jacobians: false)
            let dtype = try ModelFiles.DType.parse(self.dtype)
            if let save { try checkCanWrite(save, flag: "--save") }
            var logHandle: FileHandle?
            if let log, DistributedJob.isLeader {
                guard FileManager.default.createFile(atPath: log, contents: nil),
                    let handle = FileHandle(forWritingAtPath: log)
                else {
                    throw UserError("\(log): cannot create the log file")
                }
                logHandle = handle
            }
            switch dtype {
            case .float32: try train(try MLP<Float>(sizes: sizes, seed: seed), logHandle: logHandle)
            case .float64: try train(try MLP<Double>(sizes: sizes, seed: seed), logHandle: logHandle)
            }
        }
    }

    /// Trains `net`, writes the log and the model, and prints the summary lines.
    func train<S: NeuralScalar>(_ initial: MLP<S>, logHandle: FileHandle?) throws {
        var net = initial
        let configuration = IdentityTrainingConfiguration(
            steps: steps, learningRate: lr, batchSize: batch, seed: seed)
        let showProgress = standardErrorIsTerminal && DistributedJob.isLeader
        let interval = max(1, steps / 20)
        let started = Date()
        let report = try net.trainIdentity(
            configuration, progressInterval: interval, group: DistributedJob.current
        ) { step, loss in
            guard showProgress else { return }
            FileHandle.standardError.write(Data(String(format: "\rstep %d/%d  loss %.6g", step, steps, loss).utf8))
        }
        let seconds = Date().timeIntervalSince(started)
        if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
        if let logHandle {
            var csv = "step,loss\n"
            for (step, loss) in report.lossHistory.enumerated() { csv += "\(step + 1),\(loss)\n" }
            logHandle.write(Data(csv.utf8))
            logHandle.closeFile()
        }
        guard DistributedJob.isLeader else { return }
        if let lastLoss = report.lossHistory.last {
            print(
                String(
                    format: "trained %d steps (batch %d, lr %g) in %.3f s; last step loss %.6g",
                    steps, batch, lr, seconds, lastLoss))
        }
        guard report.finalHeldOutError.isFinite else {
            throw UserError("training diverged (held-out error is \(report.finalHeldOutError)); try a smaller --lr")
        }
        if let save { try writeText(ModelFiles.modelJSON(report.net), to: save) }
        print("heldout_mse initial=\(report.initialHeldOutError) final=\(report.finalHeldOutError)")
    }
}
