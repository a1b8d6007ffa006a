extension MLP {
    // MARK: θ ← step(θ, ∇_θ (1/(B h_L)) Σ_b ‖f(x_b) − y_b‖²), shuffled mini-batches

    /// Trains the net on `samples` by mini-batch gradient steps on the mean squared error
    /// `(1/(B h_L)) Σ_b ‖f(x_b) − y_b‖²`: every epoch shuffles the samples (seeded
    /// Fisher–Yates), takes the batches in order (the last one smaller when `B ∤ n`), computes
    /// the gradient by one forward and one backward pass and lets the optimizer step. With
    /// validation samples, their mean squared error is measured after every epoch, and with a
    /// patience training stops once it has not improved for that many epochs, keeping the best
    /// parameters. Nothing is allocated per step. `progress` hears about steps (about a hundred
    /// times an epoch) and epochs.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public mutating func train(
        on samples: RegressionSamples<Scalar>, validation: RegressionSamples<Scalar>? = nil,
        configuration: TrainingConfiguration = TrainingConfiguration(),
        group: (any DataParallelGroup)? = nil,
        progress: ((TrainingProgress) -> Void)? = nil
    ) throws(LinalgError) -> TrainingReport<Scalar> {
        try configuration.validate()
        try checkShapes(samples, name: "training samples")
        if let validation { try checkShapes(validation, name: "validation samples") }
        let run = try MiniBatchSchedule(
            net: self, sampleCount: samples.count, configuration: configuration, group: group)
        var stopping = EarlyStopping<Scalar>(patience: configuration.patience)
        var epochs: [TrainingEpoch] = []
        let clock = ContinuousClock()
        for epoch in 1...max(1, configuration.epochs) where configuration.epochs > 0 {
            let started = clock.now
            let lossSum = run.epoch(epoch, of: self, parameters: &parameters, samples: samples, progress: progress)
            let elapsed = started.duration(to: clock.now)
            guard lossSum.isFinite, parameters.allSatisfy(\.isFinite) else { throw .trainingDiverged(epoch: epoch) }
            let validationLoss = try validation.map { v throws(LinalgError) in try meanSquaredError(on: v) }
            let record = TrainingEpoch(
                epoch: epoch, trainingLoss: lossSum / Double(samples.count), validationLoss: validationLoss,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                sampleCount: samples.count)
            epochs.append(record)
            progress?(.epoch(record))
            if let validationLoss, stopping.shouldStop(after: epoch, loss: validationLoss, parameters: parameters) {
                break
            }
        }
        var bestEpoch = epochs.count
        if let best = stopping.stoppedAtBest {
            parameters = best.parameters
            bestEpoch = best.epoch
        }
        return TrainingReport(
            net: self, epochs: epochs, bestEpoch: bestEpoch, stoppedEarly: stopping.stoppedAtBest != nil)
    }

    /// `(1/(n h_L)) Σ_i ‖f(x_i) − y_i‖²` over samples given one per row, in batches of up to 1024:
    /// the mean over every output of every sample, as PyTorch's `MSELoss` (see also
    /// ``meanSquaredDistance(_:targets:)``, the mean per sample).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func meanSquaredError(on samples: RegressionSamples<Scalar>) throws(LinalgError) -> Double {
        try checkShapes(samples, name: "samples")
        let n = samples.count, batch = min(1024, n)
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: batch)
        var total = 0.0
        parameters.withUnsafeBufferPointer { p in
            samples.inputs.withUnsafeBufferPointer { x in
                samples.targets.withUnsafeBufferPointer { y in
                    var start = 0
                    while start < n {
                        let size = min(batch, n - start)
                        workspace.prepare(batchSize: size)
                        let ld = workspace.rowStride
                        let rows = x.baseAddress! + start * inputSize, input = workspace.activations[0]
                        for b in 0..<size {
                            for r in 0..<inputSize { input[r * ld + b] = rows[b * inputSize + r] }
                        }
                        forwardInWorkspace(p.baseAddress!, workspace)
                        let f = workspace.activations[layerCount], targets = y.baseAddress! + start * outputSize
                        for b in 0..<size {
                            for i in 0..<outputSize {
                                let residual = Double(f[i * ld + b]) - Double(targets[b * outputSize + i])
                                total += residual * residual
                            }
                        }
                        start += size
                    }
                }
            }
        }
        return total / Double(n * outputSize)
    }

    /// Throws unless the samples' widths are the net's `h₀` and `h_L`.
    func checkShapes(_ samples: RegressionSamples<Scalar>, name: String) throws(LinalgError) {
        guard samples.inputs.columns == inputSize, samples.targets.columns == outputSize else {
            throw .shapeMismatch(
                operation: "MLP.train",
                detail: "\(name) have \(samples.inputs.columns) inputs and \(samples.targets.columns) targets per "
                    + "sample; the net maps \(inputSize) to \(outputSize) (sizes \(sizes))")
        }
    }
}
