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
        if configuration.loss.isClassification && outputActivation != .identity {
            throw .invalidValue(
                what: "loss",
                detail: "\(configuration.loss.rawValue) takes the logits: the last layer's activation must be identity")
        }
        if configuration.optimizer.isSecondOrder && configuration.clipping != nil {
            throw .invalidValue(what: "optimizer", detail: "newton-cg takes no per-sample clipping")
        }
        if configuration.clipping != nil && samples.weights != nil {
            throw .invalidValue(
                what: "clipping", detail: "per-sample clipping takes unweighted samples (drop the sample weights)")
        }
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
            let validated = try validation.map { v throws(LinalgError) in try evaluate(on: v, loss: configuration.loss)
            }
            let record = TrainingEpoch(
                epoch: epoch, trainingLoss: lossSum / samples.totalWeight, validationLoss: validated?.loss,
                validationAccuracy: validated?.accuracy,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                sampleCount: samples.count)
            epochs.append(record)
            progress?(.epoch(record))
            if let loss = validated?.loss, stopping.shouldStop(after: epoch, loss: loss, parameters: parameters) {
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
        try evaluate(on: samples, loss: .squaredError).loss
    }

    /// The mean of `loss` over samples given one per row (``NetLoss/normaliser(samples:outputs:)``),
    /// in batches of up to 1024, and for a classification loss the accuracy (see
    /// ``TrainingEpoch/validationAccuracy``); with weights, both are weighted means
    /// (`Σ_i w_i ℓ_i / Σ_i w_i`, and the weight of the samples classified right over the total).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func evaluate(
        on samples: RegressionSamples<Scalar>, loss: NetLoss
    ) throws(LinalgError)
        -> (loss: Double, accuracy: Double?)
    {
        try checkShapes(samples, name: "samples")
        let n = samples.count, batch = min(1024, n)
        let workspace = try MLPWorkspace<Scalar>(sizes: sizes, batchSize: batch)
        var total = 0.0, correct = 0.0
        parameters.withUnsafeBufferPointer { p in
            samples.inputs.withUnsafeBufferPointer { x in
                samples.targets.withUnsafeBufferPointer { y in
                    (samples.weights ?? []).withUnsafeBufferPointer { w in
                        var start = 0
                        while start < n {
                            let size = min(batch, n - start)
                            let scores = evaluateBatch(
                                p.baseAddress!, workspace, loss: loss, rows: x.baseAddress! + start * inputSize,
                                targets: y.baseAddress! + start * outputSize,
                                weights: samples.weights == nil ? nil : w.baseAddress.map { $0 + start },
                                size: size)
                            total += scores.loss
                            correct += scores.correct
                            start += size
                        }
                    }
                }
            }
        }
        let accuracy =
            correct / (loss == .sigmoidCrossEntropy ? samples.totalWeight * Double(outputSize) : samples.totalWeight)
        return (
            total / loss.normaliser(weight: samples.totalWeight, outputs: outputSize),
            loss.isClassification ? accuracy : nil
        )
    }

    /// One batch of ``evaluate(on:loss:)``: the inputs (`size` rows) and targets transposed into
    /// the workspace, the forward pass, the summed (weighted) loss and the (weighted) count of
    /// samples or outputs classified right.
    @inlinable
    func evaluateBatch(
        _ p: UnsafePointer<Scalar>, _ workspace: MLPWorkspace<Scalar>, loss: NetLoss, rows: UnsafePointer<Scalar>,
        targets: UnsafePointer<Scalar>, weights: UnsafePointer<Scalar>?, size: Int
    ) -> (loss: Double, correct: Double) {
        workspace.prepare(batchSize: size)
        let ld = workspace.rowStride, input = workspace.activations[0]
        for b in 0..<size { for r in 0..<inputSize { input[r * ld + b] = rows[b * inputSize + r] } }
        forwardInWorkspace(p, workspace)
        // The targets transposed into the last error buffer's layout, then the loss's residuals (into a
        // scratch buffer: the gradient is not needed).
        let f = workspace.activations[layerCount], t = workspace.errors[layerCount - 1]
        for b in 0..<size { for i in 0..<outputSize { t[i * ld + b] = targets[b * outputSize + i] } }
        let summed = MLP.weightedLossResiduals(
            loss, f, targets: t, targetStride: ld, weights: weights, into: workspace.slopes, rowStride: ld,
            rows: outputSize, columns: 0..<size)
        let correct = MLP.correctWeight(
            loss, f, targets: t, weights: weights, rowStride: ld, rows: outputSize, samples: size)
        return (summed, correct)
    }

    /// The weight (1 each without weights) of the samples (softmax: the largest output on the
    /// target's largest entry) or outputs (sigmoid: `f > 0` exactly when `y > ½`) classified right;
    /// 0 for the squared error.
    @inlinable
    static func correctWeight(
        _ loss: NetLoss, _ f: UnsafePointer<Scalar>, targets y: UnsafePointer<Scalar>, weights: UnsafePointer<Scalar>?,
        rowStride ld: Int, rows: Int, samples: Int
    ) -> Double {
        var correct = 0.0
        switch loss {
        case .squaredError: break
        case .softmaxCrossEntropy:
            for b in 0..<samples {
                let predicted = (0..<rows).max { f[$0 * ld + b] < f[$1 * ld + b] } ?? 0
                let truth = (0..<rows).max { y[$0 * ld + b] < y[$1 * ld + b] } ?? 0
                if predicted == truth { correct += weights.map { Double($0[b]) } ?? 1 }
            }
        case .sigmoidCrossEntropy:
            for k in 0..<rows {
                for b in 0..<samples where (f[k * ld + b] > 0) == (y[k * ld + b] > 0.5) {
                    correct += weights.map { Double($0[b]) } ?? 1
                }
            }
        }
        return correct
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
