/// Truncated Newton on a mini-batch with the Gauss-Newton matrix ("Hessian-free", Martens 2010 §4):
/// the step `d` approximately solves `(G + λI) d = −g` by conjugate gradients, `G = Jᵀ H_ℓ J / N` of the
/// batch's mean loss applied by Gauss-Newton-vector products (never formed); CG starts from `0.95`
/// times the last accepted step; the Levenberg-Marquardt damping `λ` follows the reduction ratio
/// `ρ = (L(θ + αd) − L(θ)) / q(αd)` of the model `q(s) = gᵀs + ½ sᵀG s` (`λ ← 3λ/2` for `ρ < ¼`,
/// `λ ← 2λ/3` for `ρ > ¾`), and a step that does not lower the batch loss is not taken.
///
/// Samples may be weighted (`G = Σ_b w_b J_bᵀ H_b J_b / Σ_b w_b`, the loss likewise), and the batch may be
/// split across the processes of a ``DataParallelGroup``: each product `G v` and each trial loss is then
/// summed over the processes (one reduction each), so every process runs the same CG iterations and
/// takes the same step.
final class HessianFreeStep<Scalar: NeuralScalar> {
    let count: Int
    let maxIterations: Int
    var damping: Double
    /// The last accepted step (CG's warm start), the CG vectors, and `(G + λI) d` kept along.
    var previous: [Double], direction: [Double], residual: [Double], search: [Double]
    var product: [Double], dampedProduct: [Double]
    /// The Scalar tangent handed to the Gauss-Newton product, and the trial parameters.
    var tangent: [Scalar], trial: [Scalar]

    init(count: Int, maxIterations: Int, damping: Double) {
        self.count = count
        self.maxIterations = maxIterations
        self.damping = damping
        previous = Array(repeating: 0, count: count)
        (direction, residual, search, product, dampedProduct) = (previous, previous, previous, previous, previous)
        tangent = Array(repeating: 0, count: count)
        trial = tangent
    }

    /// The batch in `space` (`x₀` loaded), its targets (`targetStride` apart), weights and loss: what
    /// one step needs to evaluate the loss and `G v`, with `scale` the mean's `1/Σw` over the whole
    /// batch; `group` sums the processes' shares (`hasSamples`: this process's share is not empty).
    struct Batch {
        let space: NetProductWorkspace<Scalar>
        let targets: UnsafePointer<Scalar>
        let targetStride: Int
        let weights: UnsafePointer<Scalar>?
        let loss: NetLoss
        let scale: Double
        let group: (any DataParallelGroup)?
        let hasSamples: Bool
    }

    /// `(G + λI) v` into `out`, `G v` from one Gauss-Newton-vector product of the batch.
    func dampedGaussNewton(
        _ net: MLP<Scalar>, _ theta: UnsafePointer<Scalar>, _ v: [Double], _ batch: Batch,
        into out: inout [Double]
    ) {
        if batch.hasSamples {
            for i in 0..<count { tangent[i] = Scalar(v[i]) }
            tangent.withUnsafeBufferPointer { t in
                // The batch's activations at θ are in the workspace from the gradient's pass.
                _ = net.ggnvpPass(
                    theta, tangent: t.baseAddress!, targets: batch.targets, targetStride: batch.targetStride,
                    loss: batch.loss, weights: batch.weights, batch.space, forward: false)
            }
            let g = batch.space.product(0)
            for i in 0..<count { out[i] = Double(g[i]) }
        } else {
            for i in 0..<count { out[i] = 0 }
        }
        batch.group?.sum(&out)
        for i in 0..<count { out[i] = batch.scale * out[i] + damping * v[i] }
    }

    /// Conjugate gradients on `(G + λI) d = −g` from `0.95 d_prev`, at most `maxIterations` products,
    /// until `‖r‖ ≤ min(½, √‖g‖) ‖g‖` or Martens's relative progress test on the quadratic
    /// `φ(d) = ½ dᵀ(G + λI)d + gᵀd` fails (`φ_i < 0` and `(φ_i − φ_{i−k}) / φ_i < k · 5·10⁻⁴` with
    /// `k = max(10, i/10)`); leaves `d` in `direction` and `(G + λI) d` in `dampedProduct`.
    func solve(_ net: MLP<Scalar>, _ theta: UnsafePointer<Scalar>, gradient g: UnsafePointer<Scalar>, _ batch: Batch) {
        for i in 0..<count { direction[i] = 0.95 * previous[i] }
        dampedGaussNewton(net, theta, direction, batch, into: &dampedProduct)
        var gradientNorm = 0.0, rr = 0.0
        for i in 0..<count {
            residual[i] = -Double(g[i]) - dampedProduct[i]
            search[i] = residual[i]
            gradientNorm += Double(g[i]) * Double(g[i])
            rr += residual[i] * residual[i]
        }
        gradientNorm = gradientNorm.squareRoot()
        let target = min(0.5, gradientNorm.squareRoot()) * gradientNorm
        var iteration = 0
        var progress: [Double] = []
        progress.reserveCapacity(maxIterations)
        while iteration < maxIterations, rr.squareRoot() > target {
            dampedGaussNewton(net, theta, search, batch, into: &product)
            var curvature = 0.0
            for i in 0..<count { curvature += search[i] * product[i] }
            guard curvature > 0 else { break }
            let alpha = rr / curvature
            var next = 0.0
            for i in 0..<count {
                direction[i] += alpha * search[i]
                dampedProduct[i] += alpha * product[i]
                residual[i] -= alpha * product[i]
                next += residual[i] * residual[i]
            }
            for i in 0..<count { search[i] = residual[i] + (next / rr) * search[i] }
            rr = next
            iteration += 1
            var phi = 0.0
            for i in 0..<count { phi += direction[i] * (0.5 * dampedProduct[i] + Double(g[i])) }
            progress.append(phi)
            let k = max(10, iteration / 10)
            if iteration > k, phi < 0, (phi - progress[iteration - 1 - k]) / phi < Double(k) * 5e-4 { break }
        }
    }

    /// One step of `θ` on the batch: `g` the mean loss's gradient there and `loss` its mean value.
    func step(
        _ net: MLP<Scalar>, _ theta: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>, loss: Double,
        learningRate alpha: Double, _ batch: Batch
    ) {
        solve(net, theta, gradient: g, batch)
        // q(αd) = α gᵀd + ½ α² dᵀG d, with G d = (G + λI) d − λ d.
        var slope = 0.0, curvature = 0.0
        for i in 0..<count {
            slope += Double(g[i]) * direction[i]
            curvature += direction[i] * (dampedProduct[i] - damping * direction[i])
            trial[i] = theta[i] + Scalar(alpha * direction[i])
        }
        let model = alpha * slope + 0.5 * alpha * alpha * curvature
        var trialLosses = [
            !batch.hasSamples
                ? 0
                : trial.withUnsafeBufferPointer { t in
                    net.lossValuePass(
                        t.baseAddress!, targets: batch.targets, targetStride: batch.targetStride, loss: batch.loss,
                        weights: batch.weights, batch.space)
                }
        ]
        batch.group?.sum(&trialLosses)
        let trialLoss = trialLosses[0] * batch.scale
        let ratio = model < 0 ? (trialLoss - loss) / model : -1
        if ratio < 0.25 { damping *= 1.5 } else if ratio > 0.75 { damping *= 2.0 / 3.0 }
        if trialLoss < loss {
            for i in 0..<count { theta[i] = trial[i] }
            previous = direction
        } else {
            for i in 0..<count { previous[i] = 0 }
        }
    }
}
