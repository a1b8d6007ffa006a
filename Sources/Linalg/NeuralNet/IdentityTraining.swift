/// Settings of ``MLP/trainIdentity(_:progressInterval:group:progress:)``: stochastic gradient descent on
/// `loss = ‖f(x) − x‖²` with `x ~ randn(h₀)` (exercise 1c).
public struct IdentityTrainingConfiguration: Sendable, Equatable {
    /// Number of SGD steps.
    public var steps: Int
    /// The step size `α` of `W_l ← W_l − α ∂loss/∂W_l`.
    public var learningRate: Double
    /// Samples per step: 1 is the exercise's per-sample SGD; with `B > 1` the step uses the
    /// mean gradient `(1/B) Σ_b ∂‖f(x_b) − x_b‖²/∂W_l`.
    public var batchSize: Int
    /// Seed of the sample stream (the held-out set is drawn first, then the training samples).
    public var seed: UInt64
    /// Size of the held-out set the mean squared error is reported on.
    public var heldOutCount: Int

    /// The exercise's defaults: 20000 per-sample steps with `α = 0.01`.
    public init(
        steps: Int = 20_000, learningRate: Double = 0.01, batchSize: Int = 1, seed: UInt64 = 0,
        heldOutCount: Int = 1000
    ) {
        self.steps = steps
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.seed = seed
        self.heldOutCount = heldOutCount
    }

    /// Checks the settings: positive batch and held-out sizes, non-negative steps, finite positive rate.
    public func validate() throws(LinalgError) {
        guard steps >= 0 else { throw .invalidValue(what: "steps", detail: "must be ≥ 0, got \(steps)") }
        guard batchSize >= 1 else { throw .invalidValue(what: "batch", detail: "must be ≥ 1, got \(batchSize)") }
        guard heldOutCount >= 1 else {
            throw .invalidValue(what: "held-out count", detail: "must be ≥ 1, got \(heldOutCount)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidValue(what: "learning rate", detail: "must be finite and > 0, got \(learningRate)")
        }
    }
}

/// What ``MLP/trainIdentity(_:progressInterval:group:progress:)`` returns.
public struct IdentityTrainingReport<Scalar: NeuralScalar>: Sendable {
    /// The trained net.
    public var net: MLP<Scalar>
    /// The loss of every step: `(1/B) Σ_b ‖f(x_b) − x_b‖²` before that step's update.
    public var lossHistory: [Double]
    /// `mean_b ‖f(x_b) − x_b‖²` on the held-out inputs before training.
    public var initialHeldOutError: Double
    /// The same after training.
    public var finalHeldOutError: Double
}

extension MLP {
    /// `mean_b ‖f(x_b) − y_b‖²` over the columns of a batch: the squared distance per sample
    /// (summed over the `h_L` outputs; ``meanSquaredError(on:)`` divides by them as well).
    public func meanSquaredDistance(_ x: Matrix<Scalar>, targets y: Matrix<Scalar>) throws(LinalgError) -> Double {
        let f = try self(x)
        guard y.rows == f.rows, y.columns == f.columns else {
            throw .shapeMismatch(
                operation: "MLP.meanSquaredError",
                detail: "targets must be \(f.rows)×\(f.columns), got \(y.rows)×\(y.columns)")
        }
        var total = 0.0
        for i in f.scalars.indices { total += Double((f.scalars[i] - y.scalars[i]) * (f.scalars[i] - y.scalars[i])) }
        return total / Double(max(1, x.columns))
    }

    // MARK: W_l ← W_l − α ∂‖f(x) − x‖²/∂W_l   (SGD towards the identity)

    /// Trains the net towards the identity map `f(x) = x` (requires `h_L = h₀`) by SGD:
    /// each step draws `x ~ randn(h₀ × B)`, computes `∂/∂W_l (1/B) Σ_b ‖f(x_b) − x_b‖²` by
    /// backprop and sets `W_l ← W_l − α ∂loss/∂W_l`. Nothing is allocated per step.
    /// `progress(step, loss)` is called every `progressInterval` steps.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public mutating func trainIdentity(
        _ configuration: IdentityTrainingConfiguration = IdentityTrainingConfiguration(),
        progressInterval: Int = 1000,
        group: (any DataParallelGroup)? = nil,
        progress: ((Int, Double) -> Void)? = nil
    ) throws(LinalgError) -> IdentityTrainingReport<Scalar> {
        try configuration.validate()
        guard inputSize == outputSize else {
            throw .invalidValue(what: "identity training", detail: "needs h_L = h₀, got sizes \(sizes)")
        }
        if let group, configuration.batchSize < group.size {
            throw .invalidValue(
                what: "batch", detail: "\(configuration.batchSize) samples cannot be shared by \(group.size) processes")
        }
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        let heldOut = Matrix<Double>.random(
            rows: inputSize, columns: configuration.heldOutCount,
            distribution: .randn, using: &generator
        ).converted(to: Scalar.self)
        let initial = try meanSquaredDistance(heldOut, targets: heldOut)
        let batch = configuration.batchSize
        // In a group every process draws the whole batch (the same stream) and keeps its columns.
        let local = group?.columns(ofBatch: batch) ?? 0..<batch
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: local.count)
        var history = [Double](repeating: 0, count: configuration.steps)
        let step = Scalar(-configuration.learningRate / Double(batch))
        let ld = workspace.rowStride, parameterCount = parameters.count
        // The summed step and loss of a group's step, reduced together.
        var shared = [Double](repeating: 0, count: group == nil ? 0 : parameterCount + 1)
        let net = self
        parameters.withUnsafeMutableBufferPointer { p in
            let weights = p.baseAddress!, input = workspace.activations[0]
            // squaredErrorStep leaves `scale · ∂loss/∂θ` in the workspace's gradient buffer: with
            // scale = −α/B that is the SGD step itself.
            let sgdStep = workspace.gradient
            for t in 0..<configuration.steps {
                Self.drawStandardNormal(
                    into: input, rows: net.inputSize, stride: ld, batch: batch, keeping: local, using: &generator)
                // Targets equal the inputs; x₀ is not overwritten by the pass.
                var loss = net.squaredErrorStep(
                    UnsafePointer(weights), targets: input, targetStride: ld, workspace: workspace, scale: step)
                if let group {
                    // One reduction: the processes' steps (each from its own columns) and losses.
                    for i in 0..<parameterCount { shared[i] = Double(sgdStep[i]) }
                    shared[parameterCount] = loss
                    group.sum(&shared)
                    for i in 0..<parameterCount { weights[i] += Scalar(shared[i]) }
                    loss = shared[parameterCount]
                } else {
                    for i in 0..<parameterCount { weights[i] += sgdStep[i] }
                }
                history[t] = loss / Double(batch)
                if let progress, progressInterval > 0, (t + 1) % progressInterval == 0 { progress(t + 1, history[t]) }
            }
        }
        let final = try meanSquaredDistance(heldOut, targets: heldOut)
        return IdentityTrainingReport(
            net: self, lossHistory: history, initialHeldOutError: initial, finalHeldOutError: final)
    }

    /// Draws `rows × batch` standard normal numbers row by row from `generator` (the same stream
    /// whatever the split) and keeps the columns `local` of each row at `input` (rows `stride` apart).
    static func drawStandardNormal(
        into input: UnsafeMutablePointer<Scalar>, rows: Int, stride: Int, batch: Int, keeping local: Range<Int>,
        using generator: inout Xoshiro256StarStar
    ) {
        for r in 0..<rows {
            if local.count == batch {
                for b in 0..<batch { input[r * stride + b] = Scalar(generator.nextNormal()) }
            } else {
                for b in 0..<batch {
                    let value = Scalar(generator.nextNormal())
                    if local.contains(b) { input[r * stride + b - local.lowerBound] = value }
                }
            }
        }
    }
}
