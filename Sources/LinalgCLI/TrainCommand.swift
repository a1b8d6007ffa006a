import ArgumentParser
import Foundation
import Linalg

/// `linalg train`: a net with biases trained on a user's regression data by SGD, momentum or
/// Adam on the mean squared error, with validation, early stopping, a log, a plot and a model file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP on X → Y data (mean squared error); print one line per epoch and the final errors."
    )

    @Option(help: "Layer sizes h_0,…,h_L (h_0 = the inputs' width, h_L = the targets').") var sizes: String
    @OptionGroup var input: DataOptions
    @Option(help: "Validation data in the same layout (its error is printed every epoch).") var validation: String?
    @Option(help: "Target columns of a table (comma-separated names; default: the last column).") var targets: String?
    @Option(
        help: ArgumentHelp(
            "squared-error, softmax-cross-entropy (classes from a --label column; the last layer has one output "
                + "per class) or sigmoid-cross-entropy (0/1 --targets)."))
    var loss = "squared-error"
    @Option(help: "softmax-cross-entropy: the column of class labels (numbers or text).") var label: String?
    @Option(help: "A column of per-sample weights w ≥ 0 (losses are weighted means Σ w ℓ / Σ w).")
    var weights: String?
    @Option(
        help: """
            sgd, momentum (μ = 0.9), adam (β = 0.9, 0.999, ε = 1e-8) or newton-cg (truncated Newton with the \
            Gauss-Newton matrix of each batch, at most 10 CG steps, Levenberg-Marquardt damping λ₀ = 1; use large \
            batches).
            """)
    var optimizer = "adam"
    @Option(parsing: .unconditional, help: "newton-cg: the most conjugate-gradient steps per batch.")
    var cgIterations = 10
    @Option(parsing: .unconditional, help: "newton-cg: the initial Levenberg-Marquardt damping λ.")
    var damping = 1.0
    @Option(
        parsing: .unconditional,
        help: "Learning rate (default 1e-3; for newton-cg the step's scale α, default 1).")
    var lr: Double?
    @Option(parsing: .unconditional, help: "Passes over the training data.") var epochs = 20
    @Option(parsing: .unconditional, help: "Samples per step.") var batch = 64
    @Option(help: "Seed of the initial parameters and of the shuffles.") var seed: UInt64 = 0
    @Option(help: "float32 or float64.") var dtype = "float32"
    @Option(help: "Write the trained net to this model file (the format eval reads).") var save: String?
    @Option(help: "Write epoch,train_loss,validation_loss,seconds,samples_per_second rows to this CSV file.")
    var log: String?
    @Option(help: "Draw the loss curves into this SVG file.") var plot: String?
    @Flag(help: "Layers without biases.") var noBias = false
    @Option(help: "Hidden activation: sigmoid, tanh, relu, leaky_relu, softplus or identity.")
    var activation = "sigmoid"
    @Option(help: "Output activation (default identity).") var outputActivation = "identity"
    @Option(parsing: .unconditional, help: "The slope of leaky_relu for z ≤ 0.") var leakySlope = 0.01
    @Option(parsing: .unconditional, help: "Stop after this many epochs without a lower validation error.")
    var patience: Int?
    @Option(
        parsing: .unconditional,
        help: """
            DP-SGD: clip every sample's gradient to this norm C (factor min(1, C/(‖g_b‖ + 1e-6)), as Opacus) \
            before summing; the per-sample norms come from the backprop factors, no gradient is formed per sample.
            """)
    var clipPerSample: Double?
    @Option(
        parsing: .unconditional,
        help: "With --clip-per-sample: add Gaussian noise of deviation σ·C to the clipped sum (seeded by --seed).")
    var noiseMultiplier: Double?

    @OptionGroup var memory: MemoryOptions

    /// `--lr`, or the optimizer's usual rate: 1 (a full Newton step) for newton-cg, 10⁻³ otherwise.
    var learningRate: Double { lr ?? (optimizer.lowercased() == "newton-cg" ? 1 : 1e-3) }

    func run() throws {
        try reportingUserErrors {
            try memory.apply()
            let sizes = try parseSizes(self.sizes)
            let dtype = try ModelFiles.DType.parse(self.dtype)
            let hidden = try parseActivation(activation, flag: "--activation", leakySlope: leakySlope)
            let output = try parseActivation(outputActivation, flag: "--output-activation", leakySlope: leakySlope)
            let configuration = try parsedConfiguration()
            try checkNetFitsInMemory(sizes: sizes, batch: batch, jacobians: false)
            for (path, flag) in [(save, "--save"), (log, "--log"), (plot, "--plot")] {
                if let path { try checkCanWrite(path, flag: flag) }
            }
            let names = targets.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            let lossKind = try parsedLoss()
            // In an MPI job every rank reads the whole data (each takes its share of every batch).
            let (data, validationData) = try (DistributedJob.current?.agreeing ?? { try $0() }) {
                () throws -> (TrainingData, TrainingData?) in
                let data = try TrainingData.load(input, targets: names, classesFrom: lossKind.label, weights: weights)
                guard let validation else { return (data, nil) }
                var options = input
                options.data = validation
                return (
                    data,
                    try TrainingData.load(
                        options, targets: names, classesFrom: lossKind.label, given: data.classes, weights: weights)
                )
            }
            for (name, d) in [("--data", data)] + (validationData.map { [("--validation", $0)] } ?? []) {
                guard d.inputs.columns == sizes.first!, d.targets.columns == sizes.last! else {
                    throw UserError(
                        "\(name): the data have \(d.inputs.columns) inputs and \(d.targets.columns) targets per "
                            + "sample, --sizes \(self.sizes) maps \(sizes.first!) to \(sizes.last!)")
                }
            }
            var configured = configuration
            configured.loss = lossKind.loss
            let setup = TrainingSetup(
                sizes: sizes, biases: !noBias, hidden: hidden, output: output, configuration: configured,
                classes: data.classes, inputNames: data.inputNames)
            // Handed over: the Double tables live only until they are converted.
            switch dtype {
            case .float32: try train(Float.self, setup, consume data, consume validationData)
            case .float64: try train(Double.self, setup, consume data, consume validationData)
            }
        }
    }

    /// The training settings of the flags, checked: the optimizer (newton-cg with `--cg-iterations` and
    /// `--damping`), the rate, the batches, the patience and the per-sample clipping.
    func parsedConfiguration() throws -> TrainingConfiguration {
        guard var optimizer = Optimizer(name: optimizer.lowercased()) else {
            throw UserError("--optimizer: expected sgd, momentum, adam or newton-cg, got '\(self.optimizer)'")
        }
        if optimizer.isSecondOrder { optimizer = .newtonCG(maxIterations: cgIterations, damping: damping) }
        guard patience == nil || validation != nil else { throw UserError("--patience needs --validation") }
        var configuration = TrainingConfiguration(
            optimizer: optimizer, learningRate: learningRate, epochs: epochs, batchSize: batch, seed: seed,
            patience: patience)
        guard noiseMultiplier == nil || clipPerSample != nil else {
            throw UserError("--noise-multiplier needs --clip-per-sample (the noise is σ times the clipping norm)")
        }
        guard clipPerSample == nil || weights == nil else {
            throw UserError("--clip-per-sample takes unweighted samples: drop --weights")
        }
        configuration.clipping = clipPerSample.map {
            PerSampleClipping(maxNorm: $0, noiseMultiplier: noiseMultiplier ?? 0)
        }
        try configuration.validate()
        return configuration
    }

    struct TrainingSetup {
        var sizes: [Int]
        var biases: Bool
        var hidden: Activation
        var output: Activation
        var configuration: TrainingConfiguration
        /// The class labels of a softmax cross-entropy's outputs, in order.
        var classes: [ClassLabel]?
        /// The input columns' names.
        var inputNames: [String]
    }

    /// `--loss`, with the label column a softmax cross-entropy reads its classes from.
    func parsedLoss() throws -> (loss: NetLoss, label: String?) {
        guard let kind = NetLoss(rawValue: loss) else {
            throw UserError(
                "--loss: expected squared-error, softmax-cross-entropy or sigmoid-cross-entropy, got '\(loss)'")
        }
        if kind == .softmaxCrossEntropy {
            guard let label else { throw UserError("--loss softmax-cross-entropy: name the class column with --label") }
            guard targets == nil else {
                throw UserError("--targets: a softmax cross-entropy takes its classes from --label")
            }
            return (kind, label)
        }
        if label != nil { throw UserError("--label: only for --loss softmax-cross-entropy (use --targets)") }
        return (kind, nil)
    }

    func train<S: NeuralScalar>(
        _: S.Type, _ setup: TrainingSetup, _ data: consuming TrainingData, _ validationData: consuming TrainingData?
    ) throws {
        var net = try MLP<S>(
            fanInUniformSizes: setup.sizes, biases: setup.biases, activation: setup.hidden,
            outputActivation: setup.output, seed: seed)
        let samples = try data.samples(S.self)
        let validationSamples = try validationData.take()?.samples(S.self)
        let leader = DistributedJob.isLeader
        let bar = ProgressBar(epochs: epochs, onTerminal: standardErrorIsTerminal, printing: leader)
        if leader {
            print(
                "training \(setup.sizes.map(String.init).joined(separator: ",")) "
                    + "(\(setup.biases ? "biases" : "no biases"), "
                    + "\(setup.hidden.name) hidden, \(setup.output.name) output, \(dtype)) on \(samples.count) samples"
                    + (validationSamples.map { ", validating on \($0.count)" } ?? "")
                    + ": \(optimizer), lr \(learningRate), batch \(batch), \(epochs) epochs"
                    + (DistributedJob.current.map { " on \($0.size) MPI ranks" } ?? ""))
        }
        let report = try net.train(
            on: samples, validation: validationSamples, configuration: setup.configuration,
            group: DistributedJob.current, progress: bar.update)
        guard leader else { return }
        try writeFiles(report, setup)
        if report.stoppedEarly {
            print("stopped early after epoch \(report.epochs.count): kept epoch \(report.bestEpoch)'s parameters")
        }
        try printFinal(report, setup, samples, validationSamples)
    }

    /// `--log`, `--plot` and `--save`.
    func writeFiles<S: NeuralScalar>(_ report: TrainingReport<S>, _ setup: TrainingSetup) throws {
        if let log {
            var csv = "epoch,train_loss,validation_loss,seconds,samples_per_second\n"
            for e in report.epochs {
                csv +=
                    "\(e.epoch),\(e.trainingLoss),\(e.validationLoss.map { "\($0)" } ?? ""),\(e.seconds),"
                    + "\(e.samplesPerSecond)\n"
            }
            try writeText(String(csv.dropLast()), to: log)
        }
        if let plot {
            let svg = LossPlot.svg(
                training: report.epochs.map(\.trainingLoss), validation: report.epochs.map(\.validationLoss),
                title: "linalg train --sizes \(sizes) (\(activation), \(optimizer), lr \(learningRate), batch \(batch))"
            )
            try writeText(svg, to: plot)
        }
        if let save {
            var extra = [
                ("loss", JSONWriter.string(setup.configuration.loss.rawValue)),
                ("feature_names", JSONWriter.array(encoded: setup.inputNames.map(JSONWriter.string))),
            ]
            if let classes = setup.classes { extra.append(("classes", LogisticReport.classesJSON(classes))) }
            try writeText(ModelFiles.modelJSON(report.net, extra: extra), to: save)
        }
    }

    /// The last lines: for the squared error `final train_mse=… validation_mse=… epochs=…
    /// best_epoch=… seconds=…`; for a classification loss the epochs on one line, then
    /// `final train_loss=… validation_loss=… validation_accuracy=…`.
    func printFinal<S: NeuralScalar>(
        _ report: TrainingReport<S>, _ setup: TrainingSetup, _ samples: RegressionSamples<S>,
        _ validationSamples: RegressionSamples<S>?
    ) throws {
        let seconds = report.epochs.map(\.seconds).reduce(0, +)
        let kind = setup.configuration.loss
        let epochs =
            "epochs=\(report.epochs.count) best_epoch=\(report.bestEpoch)" + String(format: " seconds=%.3f", seconds)
        guard kind.isClassification else {
            let trainMSE = try report.net.meanSquaredError(on: samples)
            let validationMSE = try validationSamples.map { try report.net.meanSquaredError(on: $0) }
            print("final train_mse=\(trainMSE)" + (validationMSE.map { " validation_mse=\($0)" } ?? "") + " " + epochs)
            return
        }
        let trained = try report.net.evaluate(on: samples, loss: kind)
        let validated = try validationSamples.map { try report.net.evaluate(on: $0, loss: kind) }
        print(epochs + " train_accuracy=\(trained.accuracy ?? .nan)")
        print(
            "final train_loss=\(trained.loss)"
                + (validated.map { " validation_loss=\($0.loss) validation_accuracy=\($0.accuracy ?? .nan)" } ?? ""))
    }
}

/// The progress line of `train`: a bar redrawn in place on a terminal, one line per epoch
/// otherwise (on stdout, so a log of the run keeps it).
final class ProgressBar {
    let epochs: Int
    let onTerminal: Bool
    /// Whether this process reports at all (rank 0 of an MPI job).
    let printing: Bool

    init(epochs: Int, onTerminal: Bool, printing: Bool = true) {
        self.epochs = epochs
        self.onTerminal = onTerminal && printing
        self.printing = printing
    }

    func update(_ event: TrainingProgress) {
        guard printing else { return }
        switch event {
        case .step(let epoch, let done, let total, let loss):
            guard onTerminal else { return }
            let width = 30, filled = width * done / max(1, total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(
                Data(String(format: "\r  epoch %d/%d %@ %d/%d  loss %.5g ", epoch, epochs, bar, done, total, loss).utf8)
            )
        case .epoch(let e):
            if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(
                String(format: "epoch %d/%d  loss %.6g", e.epoch, epochs, e.trainingLoss)
                    + (e.validationLoss.map { String(format: "  validation %.6g", $0) } ?? "")
                    + (e.validationAccuracy.map { String(format: "  accuracy %.4f", $0) } ?? "")
                    + String(format: "  %.0f samples/s  %.2f s", e.samplesPerSecond, e.seconds))
            fflush(nil)
        }
    }
}
