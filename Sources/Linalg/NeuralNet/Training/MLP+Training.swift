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
        let n = samples.count, batch = min(configuration.batchSize, n)
        let stepsPerEpoch = (n + batch - 1) / batch
        // Each process's share of a full batch and of the last one (all of them without a group);
        // a share may be empty when the last batch has fewer samples than there are processes.
        let fullShare = group?.columns(ofBatch: batch) ?? 0..<batch
        let restSize = n % batch == 0 ? batch : n % batch
        let restShare = group?.columns(ofBatch: restSize) ?? 0..<restSize
        let full = MLPWorkspace<Scalar>(sizes: sizes, batchSize: fullShare.count)
        let rest =
            restShare.count == fullShare.count ? full : MLPWorkspace<Scalar>(sizes: sizes, batchSize: restShare.count)
        var shared = [Double](repeating: 0, count: group == nil ? 0 : parameters.count + 1)
        let targets = UnsafeMutablePointer<Scalar>.allocate(capacity: outputSize * max(1, full.rowStride))
        defer { targets.deallocate() }
        let optimizer = OptimizerState<Scalar>(configuration.optimizer, count: parameters.count)
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        var order = Array(0..<n)
        var epochs: [TrainingEpoch] = []
        var best: (loss: Double, epoch: Int, parameters: [Scalar])?
        var stoppedEarly = false
        let reportEvery = max(1, stepsPerEpoch / 100)
        let clock = ContinuousClock()
        for epoch in 1...max(1, configuration.epochs) where configuration.epochs > 0 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
            let started = clock.now
            var lossSum = 0.0
            let net = self
            parameters.withUnsafeMutableBufferPointer { p in
                let theta = p.baseAddress!
                samples.inputs.withUnsafeBufferPointer { x in
                    samples.targets.withUnsafeBufferPointer { y in
                        order.withUnsafeBufferPointer { order in
                            for step in 0..<stepsPerEpoch {
                                let start = step * batch, size = min(batch, n - start)
                                let share = size == batch ? fullShare : restShare
                                let workspace = size == batch ? full : rest
                                let ld = workspace.rowStride
                                let first = start + share.lowerBound
                                RegressionSamples<Scalar>.gather(
                                    x.baseAddress!, width: net.inputSize, order: order.baseAddress!, start: first,
                                    batch: share.count, into: workspace.activations[0], stride: ld)
                                RegressionSamples<Scalar>.gather(
                                    y.baseAddress!, width: net.outputSize, order: order.baseAddress!, start: first,
                                    batch: share.count, into: targets, stride: ld)
                                let elements = Double(size * net.outputSize)
                                var loss = 0.0
                                if share.isEmpty {
                                    workspace.gradient.update(repeating: 0, count: net.parameters.count)
                                } else {
                                    loss = net.squaredErrorStep(
                                        UnsafePointer(theta), targets: targets, targetStride: ld,
                                        workspace: workspace, scale: Scalar(1 / elements))
                                }
                                if let group {
                                    // One reduction per step: the gradient and the loss of every share.
                                    let count = shared.count - 1
                                    for i in 0..<count { shared[i] = Double(workspace.gradient[i]) }
                                    shared[count] = loss
                                    shared.withUnsafeMutableBufferPointer { group.sum($0) }
                                    for i in 0..<count { workspace.gradient[i] = Scalar(shared[i]) }
                                    loss = shared[count]
                                }
                                optimizer.step(
                                    theta, gradient: workspace.gradient, learningRate: configuration.learningRate)
                                lossSum += loss / Double(net.outputSize)
                                if let progress, (step + 1) % reportEvery == 0 || step + 1 == stepsPerEpoch {
                                    progress(
                                        .step(
                                            epoch: epoch, done: step + 1, total: stepsPerEpoch,
                                            loss: lossSum / Double(start + size)))
                                }
                            }
                        }
                    }
                }
            }
            let elapsed = started.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            guard lossSum.isFinite, parameters.allSatisfy(\.isFinite) else {
                throw .invalidValue(
                    what: "training",
                    detail:
                        "diverged in epoch \(epoch) (the loss or a parameter is not finite); lower the learning rate")
            }
            let validationLoss = try validation.map { v throws(LinalgError) in try meanSquaredError(on: v) }
            let record = TrainingEpoch(
                epoch: epoch, trainingLoss: lossSum / Double(n), validationLoss: validationLoss, seconds: seconds,
                sampleCount: n)
            epochs.append(record)
            progress?(.epoch(record))
            if let validationLoss, let patience = configuration.patience {
                if best == nil || validationLoss < best!.loss {
                    best = (validationLoss, epoch, parameters)
                } else if epoch - best!.epoch >= patience {
                    stoppedEarly = true
                    break
                }
            }
        }
        var bestEpoch = epochs.count
        if stoppedEarly, let best {
            parameters = best.parameters
            bestEpoch = best.epoch
        }
        return TrainingReport(net: self, epochs: epochs, bestEpoch: bestEpoch, stoppedEarly: stoppedEarly)
    }

    /// `(1/(n h_L)) Σ_i ‖f(x_i) − y_i‖²` over samples given one per row, in batches of up to 1024.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func meanSquaredError(on samples: RegressionSamples<Scalar>) throws(LinalgError) -> Double {
        try checkShapes(samples, name: "samples")
        let n = samples.count, batch = min(1024, n)
        let workspace = MLPWorkspace<Scalar>(sizes: sizes, batchSize: batch)
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
