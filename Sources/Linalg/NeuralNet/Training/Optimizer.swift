#if canImport(Glibc)
import Glibc
#endif

/// How ``MLP/train(on:validation:configuration:group:progress:)`` steps the parameters `θ` from the
/// mean mini-batch gradient `g` (the updates of PyTorch's `torch.optim`, so the same settings
/// train the same way).
public enum Optimizer: Sendable, Equatable {
    /// Plain SGD: `θ ← θ − α g`.
    case sgd
    /// SGD with heavy-ball momentum `μ`: `v ← μ v + g` (`v = g` at the first step), `θ ← θ − α v`.
    case momentum(Double)
    /// Adam (Kingma & Ba) with `β₁`, `β₂`, `ε`: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
    /// `θ ← θ − (α / (1 − β₁ᵗ)) m / (√v / √(1 − β₂ᵗ) + ε)`.
    case adam(beta1: Double, beta2: Double, epsilon: Double)
    /// Truncated Newton with the Gauss-Newton matrix on each batch ("Hessian-free", Martens 2010):
    /// `θ ← θ + α d` with `(G + λI) d ≈ −g` from at most `maxIterations` conjugate-gradient steps, `λ`
    /// starting at `damping` and adapted by the reduction ratio (see the training guide).
    case newtonCG(maxIterations: Int, damping: Double)

    /// The names `--optimizer` takes: `sgd`, `momentum` (μ = 0.9), `adam` (0.9, 0.999, 1e-8), `newton-cg`
    /// (at most 10 CG steps, λ₀ = 1).
    public static let names = ["sgd", "momentum", "adam", "newton-cg"]

    /// Whether it steps with curvature products (a Hessian-free step) rather than the gradient alone.
    public var isSecondOrder: Bool {
        if case .newtonCG = self { return true }
        return false
    }

    /// The optimizer called `name`, with the usual constants; `nil` for an unknown name.
    public init?(name: String) {
        switch name {
        case "sgd": self = .sgd
        case "momentum": self = .momentum(0.9)
        case "adam": self = .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        case "newton-cg": self = .newtonCG(maxIterations: 10, damping: 1)
        default: return nil
        }
    }

    /// Its name on the command line.
    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .momentum: "momentum"
        case .adam: "adam"
        case .newtonCG: "newton-cg"
        }
    }
}

/// The optimizer's state for one parameter vector: the moment buffers and the step count.
@usableFromInline
final class OptimizerState<Scalar: NeuralScalar> {
    @usableFromInline let optimizer: Optimizer
    @usableFromInline let count: Int
    /// Momentum's `v`, or Adam's first moment `m`.
    @usableFromInline let first: UnsafeMutablePointer<Scalar>
    /// Adam's second moment `v`.
    @usableFromInline let second: UnsafeMutablePointer<Scalar>
    @usableFromInline var steps = 0

    @usableFromInline
    init(_ optimizer: Optimizer, count: Int) {
        self.optimizer = optimizer
        self.count = count
        first = .allocate(capacity: max(1, count))
        first.initialize(repeating: 0, count: max(1, count))
        second = .allocate(capacity: max(1, count))
        second.initialize(repeating: 0, count: max(1, count))
    }

    deinit {
        first.deallocate()
        second.deallocate()
    }

    /// One step of `θ` (`count` entries) along the gradient `g` with learning rate `α`.
    @inlinable
    func step(_ theta: UnsafeMutablePointer<Scalar>, gradient g: UnsafePointer<Scalar>, learningRate: Double) {
        steps += 1
        let alpha = Scalar(learningRate)
        switch optimizer {
        case .sgd:
            for i in 0..<count { theta[i] -= alpha * g[i] }
        case .momentum(let mu):
            let mu = Scalar(mu), v = first
            if steps == 1 {
                for i in 0..<count { v[i] = g[i] }
            } else {
                for i in 0..<count { v[i] = mu * v[i] + g[i] }
            }
            for i in 0..<count { theta[i] -= alpha * v[i] }
        case .adam(let beta1, let beta2, let epsilon):
            let t = Double(steps)
            let stepSize = Scalar(learningRate / (1 - pow(beta1, t)))
            let root = Scalar((1 - pow(beta2, t)).squareRoot())
            Scalar.adamStep(
                AdamStep(
                    theta: theta, gradient: g, first: first, second: second, count: count, beta1: Scalar(beta1),
                    beta2: Scalar(beta2), stepSize: stepSize, root: root, epsilon: Scalar(epsilon)),
                reference: false)
        case .newtonCG:
            preconditionFailure("OptimizerState.step: newton-cg steps are taken by HessianFreeStep")
        }
    }
}
