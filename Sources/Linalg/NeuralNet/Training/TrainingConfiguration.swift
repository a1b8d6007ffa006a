/// Settings of ``MLP/train(on:validation:configuration:group:progress:)``: mini-batch training on
/// the mean of a ``NetLoss`` (by default the mean squared error `(1/(B h_L)) Σ_b ‖f(x_b) − y_b‖²`,
/// PyTorch's `MSELoss()`).
public struct TrainingConfiguration: Sendable, Equatable {
    /// How the parameters are stepped.
    public var optimizer: Optimizer
    /// The learning rate `α`.
    public var learningRate: Double
    /// Passes over the training samples.
    public var epochs: Int
    /// Samples per step `B`; the last step of an epoch takes the `n mod B` left over.
    public var batchSize: Int
    /// Seed of the shuffle: a Fisher–Yates permutation of the samples from a seeded
    /// `Xoshiro256StarStar` at the start of every epoch.
    public var seed: UInt64
    /// Stop after this many epochs without a lower validation loss (and keep the best
    /// parameters); `nil` trains every epoch.
    public var patience: Int?
    /// The loss trained on (``NetLoss/normaliser(samples:outputs:)`` gives its mean).
    public var loss: NetLoss
    /// DP-SGD's per-sample clipping and Gaussian noise, or `nil` for plain gradients.
    public var clipping: PerSampleClipping? = nil

    /// Adam with `α = 10⁻³`, 20 epochs of batches of 64, as a PyTorch user would start.
    public init(
        optimizer: Optimizer = .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: Double = 1e-3,
        epochs: Int = 20, batchSize: Int = 64, seed: UInt64 = 0, patience: Int? = nil, loss: NetLoss = .squaredError
    ) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.patience = patience
        self.loss = loss
    }

    /// Checks the settings: epochs ≥ 0, batch ≥ 1, patience ≥ 1, a finite positive rate, and
    /// optimizer constants in range.
    public func validate() throws(LinalgError) {
        guard epochs >= 0 else { throw .invalidValue(what: "epochs", detail: "must be ≥ 0, got \(epochs)") }
        guard batchSize >= 1 else { throw .invalidValue(what: "batch", detail: "must be ≥ 1, got \(batchSize)") }
        if let patience, patience < 1 {
            throw .invalidValue(what: "patience", detail: "must be ≥ 1, got \(patience)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidValue(what: "learning rate", detail: "must be finite and > 0, got \(learningRate)")
        }
        if let clipping { try clipping.validate() }
        switch optimizer {
        case .sgd: break
        case .momentum(let mu):
            guard mu >= 0, mu < 1 else { throw .invalidValue(what: "momentum", detail: "must be in [0, 1), got \(mu)") }
        case .newtonCG(let iterations, let damping):
            guard iterations >= 1, damping.isFinite, damping > 0 else {
                throw .invalidValue(
                    what: "newton-cg",
                    detail: "needs ≥ 1 CG iteration and a damping > 0, got \(iterations), \(damping)"
                )
            }
        case .adam(let beta1, let beta2, let epsilon):
            guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1, epsilon > 0, epsilon.isFinite else {
                throw .invalidValue(
                    what: "Adam", detail: "needs 0 ≤ β₁, β₂ < 1 and ε > 0, got \(beta1), \(beta2), \(epsilon)")
            }
        }
    }
}

/// One epoch of training, as reported to the progress callback and in the report.
public struct TrainingEpoch: Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    /// The mean of the epoch's mini-batch losses, weighted by batch size (each measured before
    /// its step), as PyTorch loops usually report it.
    public var trainingLoss: Double
    /// The mean loss on the validation samples after the epoch, if any were given.
    public var validationLoss: Double?
    /// For a classification loss, the fraction of validation samples classified right (the largest
    /// output on the target's class for the softmax; each output's sign against its 0/1 target for
    /// the sigmoid).
    public var validationAccuracy: Double? = nil
    /// Wall-clock seconds of the epoch's steps (not the validation pass).
    public var seconds: Double
    /// Training samples per second.
    public var samplesPerSecond: Double { seconds > 0 ? Double(sampleCount) / seconds : .infinity }
    /// Training samples seen in the epoch.
    public var sampleCount: Int
}

/// What the training loop reports while it runs.
public enum TrainingProgress: Sendable {
    /// `done` of `total` steps of epoch `epoch` taken; `loss` is the epoch's running mean.
    case step(epoch: Int, done: Int, total: Int, loss: Double)
    /// An epoch finished.
    case epoch(TrainingEpoch)
}

/// What ``MLP/train(on:validation:configuration:group:progress:)`` returns.
public struct TrainingReport<Scalar: NeuralScalar>: Sendable {
    /// The trained net: with early stopping, the parameters of the best validation epoch.
    public var net: MLP<Scalar>
    /// Every epoch trained.
    public var epochs: [TrainingEpoch]
    /// The epoch whose parameters ``net`` holds (the last, or the best under early stopping).
    public var bestEpoch: Int
    /// Whether training stopped before the configured epochs because of the patience.
    public var stoppedEarly: Bool
}

/// DP-SGD's gradient (Abadi et al. 2016, as Opacus's `DPOptimizer` takes it): every sample's gradient
/// `g_b` of its mean-normalised loss clipped to norm `C` (scaled by `min(1, C/(‖g_b‖ + 10⁻⁶))`), the
/// clipped gradients summed, Gaussian noise `N(0, (σC)²)` added to every parameter, and the sum divided
/// by the batch size.
public struct PerSampleClipping: Sendable, Equatable {
    /// The clipping norm `C`.
    public var maxNorm: Double
    /// The noise multiplier `σ` (0: clipping only).
    public var noiseMultiplier: Double

    /// Clipping to `maxNorm` with noise `noiseMultiplier · maxNorm`.
    public init(maxNorm: Double, noiseMultiplier: Double = 0) {
        self.maxNorm = maxNorm
        self.noiseMultiplier = noiseMultiplier
    }

    /// Checks `C > 0` and `σ ≥ 0`, both finite.
    public func validate() throws(LinalgError) {
        guard maxNorm.isFinite, maxNorm > 0 else {
            throw .invalidValue(what: "clipping norm", detail: "must be finite and > 0, got \(maxNorm)")
        }
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else {
            throw .invalidValue(what: "noise multiplier", detail: "must be finite and ≥ 0, got \(noiseMultiplier)")
        }
    }
}
