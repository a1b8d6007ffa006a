import BenchSupport
import Linalg

/// The derivative products of the wide net at one batch (`mlp.jvp`, `mlp.vjp`, `mlp.hvp`, `mlp.ggnvp`,
/// `mlp.per_sample_norms`, and `_f32` twins), each timed alternately with the plain gradient of the
/// squared error (targets `0.5·x`, as in `mlp.gradient`), so that the ratio column is the product's cost
/// in gradients.
enum ProductCases {
    struct Setup<S: NeuralScalar> {
        var net: MLP<S>
        var x: Matrix<S>, targets: Matrix<S>, inputTangent: Matrix<S>
        var v: NetParameters<S>
        var space: NetProductWorkspace<S>
        var gradientSpace: MLPWorkspace<S>

        init(_ sizes: [Int], batch: Int) {
            var generator = Xoshiro256StarStar(seed: 7)
            net = try! MLP<Double>(sizes: sizes, using: &generator).converted(to: S.self)
            let x64 = Matrix<Double>.random(rows: sizes[0], columns: batch, distribution: .randn, using: &generator)
            x = x64.converted(to: S.self)
            targets = x64.map { 0.5 * $0 }.converted(to: S.self)
            inputTangent = Matrix<Double>.random(
                rows: sizes[0], columns: batch, distribution: .randn, using: &generator
            )
            .converted(to: S.self)
            var tangent = NetParameters<S>(zerosLike: net)
            for i in tangent.scalars.indices { tangent.scalars[i] = S(generator.nextNormal() * 0.05) }
            v = tangent
            space = try! NetProductWorkspace<S>(sizes: sizes, batchSize: batch)
            gradientSpace = try! MLPWorkspace<S>(sizes: sizes, batchSize: batch)
        }

        /// One squared-error gradient, the cost unit of the ratio column.
        func gradient() { blackHole(try! net.squaredErrorAndGradient(x, targets: targets, workspace: gradientSpace)) }
    }

    static func all<S: NeuralScalar>(_ sizes: [Int], batch: Int, _: S.Type) -> [BenchCase] {
        let suffix = S.self == Float.self ? "_f32" : ""
        let note = (S.self == Float.self ? "float32; " : "") + "baseline: one squared-error gradient"
        func product(_ name: String, flops: Double, _ body: @escaping (Setup<S>) -> Void) -> BenchCase {
            BenchCase(
                name: "mlp.\(name)\(suffix)", sizes: sizes, batch: batch, gemmBound: true,
                singlePrecision: S.self == Float.self, note: note, interleaved: true
            ) {
                let setup = Setup<S>(sizes, batch: batch)
                return PreparedCase(
                    linalg: { body(setup) },
                    baseline: Baseline(implementation: "linalg-gradient", body: setup.gradient),
                    flops: { flops })
            }
        }
        return [
            product("jvp", flops: FlopCount.mlpJVP(sizes, batch: batch)) { s in
                try! s.net.jvp(s.x, inputTangent: s.inputTangent, parameterTangent: s.v, workspace: s.space)
            },
            product("vjp", flops: FlopCount.mlpVJP(sizes, batch: batch)) { s in
                // The cotangents alone, as JAX's `vjp(f, θ, x)[1](g)` (whose jit drops f's last GEMM).
                try! s.net.vjp(s.x, cotangent: s.targets, workspace: s.space, computingOutput: false)
            },
            product("hvp", flops: FlopCount.mlpHVP(sizes, batch: batch)) { s in
                // ∇²L v alone, as JAX's `jvp(grad(L))[1]` (whose jit drops the gradient's GEMMs).
                blackHole(
                    try! s.net.hvp(
                        s.x, targets: s.targets, loss: .squaredError, vector: s.v, workspace: s.space,
                        computingGradient: false))
            },
            product("ggnvp", flops: FlopCount.mlpGGNVP(sizes, batch: batch)) { s in
                // G v alone, as JAX's `vjp(f)(2 jvp(f)[1])` (whose jit drops f's last GEMM).
                blackHole(
                    try! s.net.ggnvp(
                        s.x, targets: s.targets, loss: .squaredError, vector: s.v, workspace: s.space,
                        computingLoss: false))
            },
            product("per_sample_norms", flops: FlopCount.mlpPerSampleNorms(sizes, batch: batch)) { s in
                blackHole(
                    try! s.net.perSampleGradientNorms(s.x, targets: s.targets, loss: .squaredError, workspace: s.space))
            },
        ]
    }
}
