import BenchSupport
import Linalg
import LinalgReference

/// A benchmark case: what it computes, for which sizes, and how to set it up.
struct BenchCase {
    var name: String
    var sizes: [Int]
    var batch: Int?
    /// Whether the case is bound by GEMM-like work (its rate is compared with dgemm's, or with
    /// sgemm's for a single-precision case).
    var gemmBound: Bool
    /// Whether the case computes in `Float` (its roofline is then sgemm).
    var singlePrecision = false
    var note: String?
    /// Whether Linalg and the baseline are timed alternately, call by call (for a feature against
    /// Linalg without it, whose cost ratio is the result).
    var interleaved = false
    /// Builds the data (outside the timing) and returns the timed bodies.
    var prepare: () -> PreparedCase
}

/// The timed bodies of a case and its flop count (a closure: a fit knows its count only after running).
struct PreparedCase {
    var linalg: () -> Void
    var baseline: Baseline?
    var flops: () -> Double?
}

/// What a case is compared with, and the `implementation` its records carry: `reference` for the
/// plain-Swift oracle (`LinalgReference`) only; a baseline of Linalg itself is named for what it is.
struct Baseline {
    var implementation: String
    var body: () -> Void

    /// The same computation by `LinalgReference`.
    static func reference(_ body: @escaping () -> Void) -> Baseline {
        Baseline(implementation: "reference", body: body)
    }
    /// One fit from zero, beside a path or CV that warm-starts.
    static func coldFit(_ body: @escaping () -> Void) -> Baseline {
        Baseline(implementation: "linalg-cold-fit", body: body)
    }
    /// The same fit without its statistics.
    static func withoutInference(_ body: @escaping () -> Void) -> Baseline {
        Baseline(implementation: "linalg-without-inference", body: body)
    }
    /// The regularisation path alone, beside its cross-validation.
    static func path(_ body: @escaping () -> Void) -> Baseline { Baseline(implementation: "linalg-path", body: body) }
    /// The same pass in `Double`, beside a `Float` case.
    static func float64(_ body: @escaping () -> Void) -> Baseline {
        Baseline(implementation: "linalg-float64", body: body)
    }
}

enum BenchCases {
    static let exerciseNet = [2, 10, 10, 2]
    static let wideNet = [256, 512, 512, 256]

    static func all(_ settings: BenchSettings) -> [BenchCase] {
        var cases: [BenchCase] = []
        for n in [64, 256, 1024] { cases.append(gemm(n, withReference: n <= 256)) }
        for batch in [1, 64, 1024] { cases += mlpCases(exerciseNet, batch: batch, jacobianBatch: batch) }
        cases += mlpCases(wideNet, batch: 1024, jacobianBatch: 4)
        cases += mlpFloatCases(wideNet, batch: 1024)
        cases +=
            ProductCases.all(wideNet, batch: 1024, Double.self) + ProductCases.all(wideNet, batch: 1024, Float.self)
        cases.append(sgd())
        let (n, d) = settings.quick ? (20_000, 50) : (100_000, 100)
        cases += logistic(n: n, d: d)
        cases += IOCases.all(n: settings.quick ? 20_000 : 100_000, d: settings.quick ? 50 : 100)
        cases += SparseCases.all(quick: settings.quick)
        return cases
    }

    // MARK: C = AB, square   (flops 2n³)

    static func gemm(_ n: Int, withReference: Bool) -> BenchCase {
        BenchCase(
            name: "gemm", sizes: [n, n, n], batch: nil, gemmBound: true,
            note: withReference ? nil : "reference skipped: too slow at this size"
        ) {
            var generator = Xoshiro256StarStar(seed: UInt64(n))
            let a = Matrix<Double>.random(rows: n, columns: n, distribution: .randn, using: &generator)
            let b = Matrix<Double>.random(rows: n, columns: n, distribution: .randn, using: &generator)
            var c = Matrix<Double>(uncheckedRows: n, columns: n)
            return PreparedCase(
                linalg: { try! BLAS.gemm(a, b, into: &c) },
                baseline: withReference ? .reference { blackHole(Reference.matmul(a, b)) } : nil,
                flops: { FlopCount.gemm(m: n, n: n, k: n) })
        }
    }

    // MARK: MLP forward, gradient, Jacobians

    static func mlpCases(_ sizes: [Int], batch: Int, jacobianBatch: Int) -> [BenchCase] {
        let wide = sizes.max()! > 64
        func setup(_ batch: Int) -> (MLP<Double>, Reference.MLP, Matrix<Double>, [[Double]], MLPWorkspace<Double>) {
            var generator = Xoshiro256StarStar(seed: 7)
            let net = try! MLP<Double>(sizes: sizes, using: &generator)
            let x = Matrix<Double>.random(rows: sizes[0], columns: batch, distribution: .randn, using: &generator)
            let reference = Reference.MLP(weights: net.weights)
            return (
                net, reference, x, (0..<batch).map(x.column), try! MLPWorkspace<Double>(sizes: sizes, batchSize: batch)
            )
        }
        let jacobianNote =
            jacobianBatch != batch ? "batch \(jacobianBatch): the per-sample reference is too slow at 1024" : nil
        return [
            // flops 2BΣ h_{l+1}h_l
            BenchCase(name: "mlp.forward", sizes: sizes, batch: batch, gemmBound: wide, note: nil) {
                let (net, reference, x, columns, workspace) = setup(batch)
                return PreparedCase(
                    linalg: { try! net.forward(x, workspace: workspace) },
                    baseline: .reference { for column in columns { blackHole(reference(column)) } },
                    flops: { FlopCount.mlpForward(sizes, batch: batch) })
            },
            // flops 2B(3Σ − h₁h₀): forward, Δ_l x_lᵀ, W_lᵀ Δ_l
            BenchCase(
                name: "mlp.gradient", sizes: sizes, batch: batch, gemmBound: wide,
                note: "squared error, forward + backprop"
            ) {
                let (net, reference, x, columns, workspace) = setup(batch)
                let targets = x.map { 0.5 * $0 }
                let targetColumns = (0..<batch).map(targets.column)
                return PreparedCase(
                    linalg: { blackHole(try! net.squaredErrorAndGradient(x, targets: targets, workspace: workspace)) },
                    baseline: .reference { blackHole(reference.squaredError(columns, targets: targetColumns).loss) },
                    flops: { FlopCount.mlpGradient(sizes, batch: batch) })
            },
            // flops 2BΣ + 2B min(h₀,h_L) Σ
            BenchCase(name: "mlp.jacobian_x0", sizes: sizes, batch: jacobianBatch, gemmBound: wide, note: jacobianNote)
            {
                let (net, reference, x, columns, workspace) = setup(jacobianBatch)
                var result = Matrix<Double>(uncheckedRows: jacobianBatch * sizes.last!, columns: sizes[0])
                return PreparedCase(
                    linalg: { try! net.inputJacobians(x, workspace: workspace, into: &result) },
                    baseline: .reference { for column in columns { blackHole(reference.inputJacobian(column)) } },
                    flops: { FlopCount.mlpInputJacobian(sizes, batch: jacobianBatch) })
            },
            // flops 2BΣ + 2B h_L (Σ − h₁h₀): the factors δ_l, x_l of every df/dW_l
            BenchCase(
                name: "mlp.jacobian_weights", sizes: sizes, batch: jacobianBatch, gemmBound: wide,
                note: "factors δ_l, x_l" + (jacobianNote.map { "; " + $0 } ?? "")
            ) {
                let (net, reference, x, columns, workspace) = setup(jacobianBatch)
                return PreparedCase(
                    linalg: { try! net.computeWeightJacobianFactors(x, workspace: workspace) },
                    baseline: .reference { for column in columns { blackHole(reference.sensitivities(column)) } },
                    flops: { FlopCount.mlpWeightJacobianFactors(sizes, batch: jacobianBatch) })
            },
        ]
    }

    // MARK: MLP forward and gradient in Float, against the same net in Double

    /// `mlp.forward_f32` and `mlp.gradient_f32`: the wide net in `Float`; the baseline is
    /// the same pass in `Double` (so the ratio column is the speed-up of single precision), and
    /// the rate is compared with sgemm's.
    static func mlpFloatCases(_ sizes: [Int], batch: Int) -> [BenchCase] {
        func setup<S: NeuralScalar>(_: S.Type) -> (MLP<S>, Matrix<S>, Matrix<S>, MLPWorkspace<S>) {
            var generator = Xoshiro256StarStar(seed: 7)
            let net = try! MLP<Double>(sizes: sizes, using: &generator).converted(to: S.self)
            let x = Matrix<Double>.random(rows: sizes[0], columns: batch, distribution: .randn, using: &generator)
            return (
                net, x.converted(to: S.self), x.map { 0.5 * $0 }.converted(to: S.self),
                try! MLPWorkspace<S>(sizes: sizes, batchSize: batch)
            )
        }
        let note = "float32; baseline: the same pass in float64"
        return [
            BenchCase(
                name: "mlp.forward_f32", sizes: sizes, batch: batch, gemmBound: true, singlePrecision: true, note: note
            ) {
                let (net, x, _, workspace) = setup(Float.self)
                let (net64, x64, _, workspace64) = setup(Double.self)
                return PreparedCase(
                    linalg: { try! net.forward(x, workspace: workspace) },
                    baseline: .float64 { try! net64.forward(x64, workspace: workspace64) },
                    flops: { FlopCount.mlpForward(sizes, batch: batch) })
            },
            BenchCase(
                name: "mlp.gradient_f32", sizes: sizes, batch: batch, gemmBound: true, singlePrecision: true, note: note
            ) {
                let (net, x, targets, workspace) = setup(Float.self)
                let (net64, x64, targets64, workspace64) = setup(Double.self)
                return PreparedCase(
                    linalg: { blackHole(try! net.squaredErrorAndGradient(x, targets: targets, workspace: workspace)) },
                    baseline: .float64 {
                        blackHole(try! net64.squaredErrorAndGradient(x64, targets: targets64, workspace: workspace64))
                    },
                    flops: { FlopCount.mlpGradient(sizes, batch: batch) })
            },
        ]
    }

    // MARK: 20000 per-sample SGD steps towards the identity   (flops 20000 · 2(3Σ − h₁h₀))

    static func sgd() -> BenchCase {
        let steps = 20_000
        return BenchCase(
            name: "mlp.sgd_identity", sizes: exerciseNet, batch: 1, gemmBound: false, note: "\(steps) steps"
        ) {
            let net = try! MLP<Double>(sizes: exerciseNet, seed: 0)
            let configuration = IdentityTrainingConfiguration(
                steps: steps, learningRate: 0.01, batchSize: 1, seed: 0, heldOutCount: 1)
            return PreparedCase(
                linalg: {
                    var trained = net
                    blackHole(try! trained.trainIdentity(configuration).finalHeldOutError)
                },
                baseline: .reference {
                    var reference = Reference.MLP(weights: net.weights)
                    blackHole(reference.trainIdentity(steps: steps, learningRate: 0.01, seed: 0, heldOutCount: 1).final)
                },
                flops: { FlopCount.sgd(exerciseNet, steps: steps) })
        }
    }

    // MARK: Logistic regression: Hessian (flops n d (d+1) + 2nd) and Newton fit

    static func logistic(n: Int, d: Int) -> [BenchCase] {
        logisticKernels(n: n, d: d) + logisticStatistics(n: n, d: d)
    }

    /// `n × d` standard normal features, Bernoulli labels of a logistic model, `λ = 1`, and a
    /// point `β` near zero.
    static func logisticData(n: Int, d: Int) -> (LogisticProblem, Reference.LogisticRegression, [Double]) {
        var generator = Xoshiro256StarStar(seed: 3)
        let x = Matrix<Double>.random(rows: n, columns: d, distribution: .randn, using: &generator)
        let truth = (0..<d).map { _ in generator.nextNormal() / Double(d).squareRoot() }
        let y = x.bernoulliLabels(coefficients: truth, using: &generator)
        let beta = (0..<d).map { _ in 0.1 * generator.nextNormal() }
        return (try! LogisticProblem(x: x, y: y, lambda: 1), Reference.LogisticRegression(x: x, y: y, lambda: 1), beta)
    }

    /// The Hessian and the Newton fit, against the reference.
    static func logisticKernels(n: Int, d: Int) -> [BenchCase] {
        let data = { logisticData(n: n, d: d) }
        return [
            BenchCase(name: "logistic.hessian", sizes: [n, d], batch: nil, gemmBound: true, note: "λ = 1") {
                let (problem, reference, beta) = data()
                return PreparedCase(
                    linalg: { blackHole(try! LogisticRegression.hessian(beta, problem: problem)) },
                    baseline: .reference { blackHole(reference.hessian(beta)) },
                    flops: { FlopCount.logisticHessian(n: n, d: d) })
            },
            BenchCase(name: "logistic.fit", sizes: [n, d], batch: nil, gemmBound: true, note: "λ = 1, tol 1e-10") {
                let (problem, reference, _) = data()
                var iterations = 0
                return PreparedCase(
                    linalg: { iterations = try! LogisticRegression.fit(problem).iterations },
                    baseline: .reference { blackHole(try! reference.newton().iterations) },
                    flops: { FlopCount.logisticFit(n: n, d: d, iterations: iterations) })
            },
        ]
    }

    /// Statistics features, each timed call by call against Linalg without it.
    static func logisticStatistics(n: Int, d: Int) -> [BenchCase] {
        let data = { logisticData(n: n, d: d) }
        return [
            BenchCase(
                name: "logistic.inference", sizes: [n, d], batch: nil, gemmBound: false,
                note: "fit + inference; baseline: the fit alone", interleaved: true
            ) {
                let (problem, _, _) = data()
                return PreparedCase(
                    linalg: { blackHole(try! LogisticRegression.fit(problem, inference: InferenceOptions())) },
                    baseline: .withoutInference { blackHole(try! LogisticRegression.fit(problem)) },
                    flops: { nil })
            },
            BenchCase(
                name: "logistic.path", sizes: [n, d], batch: nil, gemmBound: false,
                note: "20 λ, warm starts; baseline: one cold fit", interleaved: true
            ) {
                let (problem, _, _) = data()
                let lambdas = try! LogisticRegression.logSpacedLambdas(problem, count: 20)
                return PreparedCase(
                    linalg: { blackHole(try! LogisticRegression.path(problem, lambdas: lambdas)) },
                    baseline: .coldFit { blackHole(try! LogisticRegression.fit(problem)) },
                    flops: { nil })
            },
            BenchCase(
                name: "logistic.cv", sizes: [n, d], batch: nil, gemmBound: false,
                note: "5-fold CV over the 20-λ path; baseline: the path", interleaved: true
            ) {
                let (problem, _, _) = data()
                let lambdas = try! LogisticRegression.logSpacedLambdas(problem, count: 20)
                return PreparedCase(
                    linalg: {
                        blackHole(try! LogisticRegression.crossValidatedPath(problem, lambdas: lambdas, folds: 5))
                    },
                    baseline: .path { blackHole(try! LogisticRegression.path(problem, lambdas: lambdas)) },
                    flops: { nil })
            },
        ]
    }
}

/// Keeps a result alive so the optimiser cannot drop the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
