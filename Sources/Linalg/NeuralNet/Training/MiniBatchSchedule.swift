/// The steps of one training run: every epoch shuffles the samples (seeded Fisher–Yates) and
/// takes mini-batches in order (the last one smaller when `B ∤ n`), each gathered into a
/// workspace, differentiated by one forward and one backward pass, its gradient summed over the
/// processes of a group and handed to the optimizer. The buffers are made once: nothing is
/// allocated per step.
final class MiniBatchSchedule<Scalar: NeuralScalar> {
    let sampleCount: Int, batch: Int, stepsPerEpoch: Int
    /// This process's share of a full batch and of the last one (all of it without a group); a
    /// share may be empty when the last batch has fewer samples than there are processes.
    let fullShare: Range<Int>, restShare: Range<Int>
    let full: MLPWorkspace<Scalar>, rest: MLPWorkspace<Scalar>
    /// With per-sample clipping: the product workspaces whose bases are `full` and `rest`, and the
    /// seeded source of the noise (the same on every process, added once to the group's sum).
    let clipping: PerSampleClipping?
    let fullProducts: NetProductWorkspace<Scalar>?, restProducts: NetProductWorkspace<Scalar>?
    var noise: Xoshiro256StarStar
    /// With `newton-cg`: the truncated-Newton step and its state.
    let hessianFree: HessianFreeStep<Scalar>?
    /// The batch's targets, `h_L` rows of the workspace's row stride.
    let targets: UnsafeMutablePointer<Scalar>
    /// The batch's sample weights (one per column), when the samples have weights.
    let batchWeights: UnsafeMutablePointer<Scalar>
    let optimizer: OptimizerState<Scalar>
    let learningRate: Double
    let lossKind: NetLoss
    let group: (any DataParallelGroup)?
    /// The gradient and the loss, in `Double`, for the group's sum.
    var shared: [Double]
    var generator: Xoshiro256StarStar
    var order: [Int]
    /// Steps between progress reports (about a hundred an epoch).
    let reportEvery: Int

    init(
        net: MLP<Scalar>, sampleCount n: Int, configuration: TrainingConfiguration, group: (any DataParallelGroup)?
    ) throws(LinalgError) {
        sampleCount = n
        batch = min(configuration.batchSize, n)
        stepsPerEpoch = (n + batch - 1) / batch
        fullShare = group?.columns(ofBatch: batch) ?? 0..<batch
        let restSize = n % batch == 0 ? batch : n % batch
        restShare = group?.columns(ofBatch: restSize) ?? 0..<restSize
        clipping = configuration.clipping
        if case .newtonCG(let iterations, let damping) = configuration.optimizer {
            hessianFree = HessianFreeStep(count: net.parameters.count, maxIterations: iterations, damping: damping)
        } else {
            hessianFree = nil
        }
        if clipping != nil || hessianFree != nil {
            let products = try NetProductWorkspace<Scalar>(sizes: net.sizes, batchSize: fullShare.count)
            fullProducts = products
            restProducts =
                restShare.count == fullShare.count
                ? products : try NetProductWorkspace<Scalar>(sizes: net.sizes, batchSize: restShare.count)
            full = products.base
            rest = restProducts!.base
        } else {
            (fullProducts, restProducts) = (nil, nil)
            full = try MLPWorkspace<Scalar>(sizes: net.sizes, batchSize: fullShare.count)
            rest =
                restShare.count == fullShare.count
                ? full : try MLPWorkspace<Scalar>(sizes: net.sizes, batchSize: restShare.count)
        }
        noise = Xoshiro256StarStar(seed: configuration.seed ^ 0x6E6F_6973_655F_6470)
        targets = .allocate(capacity: net.outputSize * max(1, full.rowStride))
        batchWeights = .allocate(capacity: max(1, full.rowStride))
        optimizer = OptimizerState<Scalar>(configuration.optimizer, count: net.parameters.count)
        learningRate = configuration.learningRate
        lossKind = configuration.loss
        self.group = group
        shared = [Double](repeating: 0, count: group == nil ? 0 : net.parameters.count + 1)
        generator = Xoshiro256StarStar(seed: configuration.seed)
        order = Array(0..<n)
        reportEvery = max(1, stepsPerEpoch / 100)
    }

    deinit {
        targets.deallocate()
        batchWeights.deallocate()
    }

    /// One epoch of steps on `parameters`: the sum over its batches of the loss `Σ_b w_b ℓ_b`
    /// (divided by `h_L` but for the softmax cross-entropy, as ``NetLoss/normaliser(weight:outputs:)``).
    func epoch(
        _ epoch: Int, of net: MLP<Scalar>, parameters: inout [Scalar], samples: RegressionSamples<Scalar>,
        progress: ((TrainingProgress) -> Void)?
    ) -> Double {
        for i in stride(from: sampleCount - 1, to: 0, by: -1) {
            order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        var lossSum = 0.0
        parameters.withUnsafeMutableBufferPointer { p in
            samples.inputs.withUnsafeBufferPointer { x in
                samples.targets.withUnsafeBufferPointer { y in
                    (samples.weights ?? []).withUnsafeBufferPointer { w in
                        var weightSoFar = 0.0
                        for step in 0..<stepsPerEpoch {
                            let start = step * batch, size = min(batch, sampleCount - start)
                            // An empty array's buffer may have an address: no weights is `nil`.
                            let batchData = BatchData(
                                x: x.baseAddress!, y: y.baseAddress!,
                                weights: samples.weights == nil ? nil : w.baseAddress)
                            let (loss, weight) = self.step(net, p.baseAddress!, batchData, start, size)
                            lossSum += loss
                            weightSoFar += weight
                            if let progress, (step + 1) % reportEvery == 0 || step + 1 == stepsPerEpoch {
                                progress(
                                    .step(
                                        epoch: epoch, done: step + 1, total: stepsPerEpoch,
                                        loss: lossSum / max(weightSoFar, .leastNormalMagnitude)))
                            }
                        }
                    }
                }
            }
        }
        return lossSum
    }

    /// The samples' rows, targets and weights (`nil`: all 1), in file order.
    struct BatchData {
        let x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>, weights: UnsafePointer<Scalar>?
    }

    /// One optimizer step on the batch of `size` samples from `start` in the shuffled order, on the
    /// weighted mean `Σ_b w_b ℓ_b / Σ_b w_b` (a batch of weight 0 gives a zero gradient); its loss
    /// `Σ_b w_b ℓ_b` (over `h_L` but for the softmax cross-entropy) over the whole batch (all
    /// processes), and the batch's weight.
    func step(
        _ net: MLP<Scalar>, _ theta: UnsafeMutablePointer<Scalar>, _ data: BatchData, _ start: Int, _ size: Int
    ) -> (loss: Double, weight: Double) {
        let share = size == batch ? fullShare : restShare
        let workspace = size == batch ? full : rest
        // With clipping or newton-cg: the product workspace whose base is `workspace`.
        let products = size == batch ? fullProducts : restProducts
        let ld = workspace.rowStride, first = start + share.lowerBound
        var weight = Double(size)
        order.withUnsafeBufferPointer { order in
            let order = order.baseAddress!
            RegressionSamples<Scalar>.gather(
                data.x, width: net.inputSize, order: order, start: first, batch: share.count,
                into: workspace.activations[0], stride: ld)
            RegressionSamples<Scalar>.gather(
                data.y, width: net.outputSize, order: order, start: first, batch: share.count, into: targets,
                stride: ld)
            if let w = data.weights {
                RegressionSamples<Scalar>.gather(
                    w, width: 1, order: order, start: first, batch: share.count, into: batchWeights, stride: 1)
                // Every process holds every sample: the whole batch's weight without a reduction.
                weight = (start..<(start + size)).reduce(0) { $0 + Double(w[order[$1]]) }
            }
        }
        var loss = 0.0
        if share.isEmpty || weight == 0 {
            workspace.gradient.update(repeating: 0, count: net.parameters.count)
        } else if let clipping {
            loss = net.clippedGradientPass(
                UnsafePointer(theta), targets: targets, targetStride: ld, loss: lossKind, maxNorm: clipping.maxNorm,
                scale: Scalar(1 / lossKind.normaliser(samples: 1, outputs: net.outputSize)), products!)
        } else {
            loss = net.lossStep(
                lossKind, UnsafePointer(theta), targets: targets, targetStride: ld,
                weights: data.weights == nil ? nil : UnsafePointer(batchWeights), workspace: workspace,
                scale: Scalar(1 / lossKind.normaliser(weight: weight, outputs: net.outputSize)))
        }
        if let group { loss = sumOverGroup(group, gradient: workspace.gradient, loss: loss) }
        if let clipping { addNoiseAndAverage(clipping, workspace.gradient, count: net.parameters.count, size: size) }
        if let hessianFree {
            // Every process of a group steps (its reductions are collective); a batch of weight 0 does not.
            if weight > 0 && (group != nil || !share.isEmpty) {
                let scale = 1 / lossKind.normaliser(weight: weight, outputs: net.outputSize)
                hessianFree.step(
                    net, theta, gradient: workspace.gradient, loss: loss * scale, learningRate: learningRate,
                    .init(
                        space: products!, targets: targets, targetStride: ld,
                        weights: data.weights == nil ? nil : UnsafePointer(batchWeights), loss: lossKind,
                        scale: scale, group: group, hasSamples: !share.isEmpty))
            }
        } else {
            optimizer.step(theta, gradient: workspace.gradient, learningRate: learningRate)
        }
        return (loss / lossKind.normaliser(samples: 1, outputs: net.outputSize), weight)
    }

    /// DP-SGD's last two steps on the clipped sum: `g ← (g + σC ξ)/B` with `ξ ~ N(0, I)` drawn in order
    /// (nothing drawn for `σ = 0`).
    func addNoiseAndAverage(_ clipping: PerSampleClipping, _ g: UnsafeMutablePointer<Scalar>, count: Int, size: Int) {
        let deviation = clipping.noiseMultiplier * clipping.maxNorm, scale = 1 / Double(size)
        for i in 0..<count {
            let drawn = deviation > 0 ? deviation * noise.nextNormal() : 0
            g[i] = Scalar((Double(g[i]) + drawn) * scale)
        }
    }

    /// One reduction per step: the gradient (in place) and the loss of every process's share.
    func sumOverGroup(_ group: any DataParallelGroup, gradient: UnsafeMutablePointer<Scalar>, loss: Double) -> Double {
        let count = shared.count - 1
        for i in 0..<count { shared[i] = Double(gradient[i]) }
        shared[count] = loss
        group.sum(&shared)
        for i in 0..<count { gradient[i] = Scalar(shared[i]) }
        return shared[count]
    }
}

/// Stopping once the validation loss has not improved for `patience` epochs, keeping the best
/// parameters seen.
struct EarlyStopping<Scalar> {
    let patience: Int?
    private var best: (loss: Double, epoch: Int, parameters: [Scalar])?
    /// The best epoch and its parameters, once training stopped early.
    private(set) var stoppedAtBest: (epoch: Int, parameters: [Scalar])?

    init(patience: Int?) { self.patience = patience }

    /// Records the epoch's validation loss; `true` when training should stop.
    mutating func shouldStop(after epoch: Int, loss: Double, parameters: [Scalar]) -> Bool {
        guard let patience else { return false }
        if best == nil || loss < best!.loss {
            best = (loss, epoch, parameters)
        } else if epoch - best!.epoch >= patience {
            stoppedAtBest = (best!.epoch, best!.parameters)
            return true
        }
        return false
    }
}
