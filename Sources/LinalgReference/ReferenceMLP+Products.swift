import Glibc

extension Reference.MLP {
    /// A per-sample loss `ℓ(f, y)` with its gradient and Hessian in `f`, written out as matrices.
    public enum Loss: Sendable {
        /// `‖f − y‖²`.
        case squaredError
        /// `Σ_k y_k (log Σ_j e^{f_j} − f_k)`.
        case softmaxCrossEntropy
        /// `Σ_k log(1 + e^{f_k}) − y_k f_k`.
        case sigmoidCrossEntropy

        /// `(ℓ, ∂ℓ/∂f, ∂²ℓ/∂f²)` at one sample's output `f` and target `y`.
        public func derivatives(
            _ f: [Double], _ y: [Double]
        ) -> (value: Double, gradient: [Double], hessian: Matrix<Double>) {
            let n = f.count
            var hessian = Matrix<Double>(uncheckedRows: n, columns: n)
            switch self {
            case .squaredError:
                for i in 0..<n { hessian[i, i] = 2 }
                return (
                    zip(f, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, zip(f, y).map { 2 * ($0 - $1) }, hessian
                )
            case .sigmoidCrossEntropy:
                let p = f.map { 1 / (1 + exp(-$0)) }
                for i in 0..<n { hessian[i, i] = p[i] * (1 - p[i]) }
                let value = (0..<n).reduce(0.0) { $0 + log(1 + exp(f[$1])) - y[$1] * f[$1] }
                return (value, (0..<n).map { p[$0] - y[$0] }, hessian)
            case .softmaxCrossEntropy:
                let largest = f.max()!
                let total = f.reduce(0) { $0 + exp($1 - largest) }
                let p = f.map { exp($0 - largest) / total }, mass = y.reduce(0, +)
                for i in 0..<n { for j in 0..<n { hessian[i, j] = mass * ((i == j ? p[i] : 0) - p[i] * p[j]) } }
                let value = (0..<n).reduce(0.0) { $0 + y[$1] * (largest + log(total) - f[$1]) }
                return (value, (0..<n).map { mass * p[$0] - y[$0] }, hessian)
            }
        }
    }

    /// The parameters flattened as the fast net lays them out: every `W_l` row-major, then every `b_l`.
    public var flatParameters: [Double] { weights.flatMap(\.scalars) + (biases ?? []).flatMap { $0 } }

    /// `(W_l, b_l)` of a flat vector laid out as ``flatParameters``.
    public func unflatten(_ v: [Double]) -> (weights: [Matrix<Double>], biases: [[Double]]) {
        var offset = 0
        var ws: [Matrix<Double>] = [], bs: [[Double]] = []
        for w in weights {
            ws.append(
                Matrix(
                    uncheckedRows: w.rows, columns: w.columns, storage: Array(v[offset..<(offset + w.rows * w.columns)])
                ))
            offset += w.rows * w.columns
        }
        for w in weights where biases != nil {
            bs.append(Array(v[offset..<(offset + w.rows)]))
            offset += w.rows
        }
        return (ws, bs)
    }

    /// Forward mode for one sample: `(f, ḟ)` for the tangents `ẋ₀` and `v` (flat, as ``flatParameters``).
    public func jvp(
        _ x0: [Double], inputTangent: [Double], parameterTangent v: [Double]
    ) -> (f: [Double], tangent: [Double]) {
        let (vw, vb) = unflatten(v)
        var x = x0, xDot = inputTangent
        for (l, w) in weights.enumerated() {
            var z = Reference.matvec(w, x)
            var zDot = zip(Reference.matvec(w, xDot), Reference.matvec(vw[l], x)).map { $0 + $1 }
            if let b = biases?[l] {
                z = zip(z, b).map { $0 + $1 }
                zDot = zip(zDot, vb[l]).map { $0 + $1 }
            }
            let a = activation(afterLayer: l)
            x = z.map { a.value($0) }
            xDot = zip(zDot, x).map { $0 * a.derivative(atOutput: $1) }
        }
        return (x, xDot)
    }

    /// Reverse mode for one sample and output cotangent `g`: `(∂⟨g, f⟩/∂x₀, ∂⟨g, f⟩/∂θ flat)`.
    public func vjp(_ x0: [Double], cotangent g: [Double]) -> (input: [Double], parameters: [Double]) {
        let xs = activations(x0), last = weights.count - 1
        var delta = zip(g, xs[last + 1]).map { $0 * outputActivation.derivative(atOutput: $1) }
        var gw = [[Double]](repeating: [], count: weights.count), gb = gw
        var input: [Double] = []
        for l in stride(from: last, through: 0, by: -1) {
            gw[l] = delta.flatMap { d in xs[l].map { d * $0 } }
            gb[l] = delta
            let back = Reference.matvec(weights[l].transposed(), delta)
            if l == 0 {
                input = back
            } else {
                delta = zip(back, xs[l]).map { $0 * activation.derivative(atOutput: $1) }
            }
        }
        return (input, gw.flatMap { $0 } + (biases == nil ? [] : gb.flatMap { $0 }))
    }

    /// `∂f/∂θ` for one sample, `h_L × |θ|` (columns laid out as ``flatParameters``): `∂f/∂W_l` from
    /// ``weightJacobian(_:layer:)`` and `∂f/∂b_l = δ_l`.
    public func parameterJacobian(_ x0: [Double]) -> Matrix<Double> {
        let deltas = sensitivities(x0), outputs = weights.last!.rows
        var columns: [[Double]] = []
        for l in weights.indices {
            let jl = weightJacobian(x0, layer: l), count = weights[l].rows * weights[l].columns
            for c in 0..<count { columns.append((0..<outputs).map { jl[$0 * count + c] }) }
        }
        if biases != nil {
            for l in weights.indices {
                for j in 0..<weights[l].rows { columns.append((0..<outputs).map { deltas[l][$0, j] }) }
            }
        }
        var jacobian = Matrix<Double>(uncheckedRows: outputs, columns: columns.count)
        for (c, column) in columns.enumerated() { for i in 0..<outputs { jacobian[i, c] = column[i] } }
        return jacobian
    }

    /// `Jᵀ H_ℓ J v` for one sample, with the Jacobian and the loss's Hessian formed as matrices.
    public func ggnvp(_ x0: [Double], target y: [Double], loss: Loss, vector v: [Double]) -> [Double] {
        let jacobian = parameterJacobian(x0)
        let hessian = loss.derivatives(self(x0), y).hessian
        let jv = Reference.matvec(jacobian, v)
        return Reference.matvec(jacobian.transposed(), Reference.matvec(hessian, jv))
    }

    /// `(ℓ, ∇_θ ℓ, ∇²_θ ℓ · v)` for one sample by the R-operator (Pearlmutter 1994) written out with
    /// arrays: a tangent forward pass, then backprop of `Δ_l` and `Δ̇_l`.
    public func hvp(
        _ x0: [Double], target y: [Double], loss: Loss, vector v: [Double]
    )
        -> (value: Double, gradient: [Double], product: [Double])
    {
        let (vw, vb) = unflatten(v), last = weights.count - 1
        var xs = [x0], zDots: [[Double]] = []
        var xDot = [Double](repeating: 0, count: x0.count)
        var xDots = [xDot]
        for (l, w) in weights.enumerated() {
            var z = Reference.matvec(w, xs[l])
            var zDot = zip(Reference.matvec(w, xDot), Reference.matvec(vw[l], xs[l])).map { $0 + $1 }
            if let b = biases?[l] {
                z = zip(z, b).map { $0 + $1 }
                zDot = zip(zDot, vb[l]).map { $0 + $1 }
            }
            let a = activation(afterLayer: l)
            xs.append(z.map { a.value($0) })
            xDot = zip(zDot, xs[l + 1]).map { $0 * a.derivative(atOutput: $1) }
            zDots.append(zDot)
            xDots.append(xDot)
        }
        let (value, g, h) = loss.derivatives(xs[last + 1], y)
        let gDot = Reference.matvec(h, xDot)
        func step(_ a: Activation, x: [Double], zDot: [Double], u: [Double], t: [Double]) -> ([Double], [Double]) {
            let delta = (0..<x.count).map { a.derivative(atOutput: x[$0]) * u[$0] }
            let deltaDot = (0..<x.count).map {
                a.derivative(atOutput: x[$0]) * t[$0] + a.secondDerivative(atOutput: x[$0]) * zDot[$0] * u[$0]
            }
            return (delta, deltaDot)
        }
        var (delta, deltaDot) = step(outputActivation, x: xs[last + 1], zDot: zDots[last], u: g, t: gDot)
        var gw = [[Double]](repeating: [], count: weights.count), gb = gw, hw = gw, hb = gw
        for l in stride(from: last, through: 0, by: -1) {
            gw[l] = delta.flatMap { d in xs[l].map { d * $0 } }
            hw[l] = (0..<delta.count).flatMap { i in
                (0..<xs[l].count).map { deltaDot[i] * xs[l][$0] + delta[i] * xDots[l][$0] }
            }
            gb[l] = delta
            hb[l] = deltaDot
            guard l > 0 else { break }
            let u = Reference.matvec(weights[l].transposed(), delta)
            let t = zip(
                Reference.matvec(weights[l].transposed(), deltaDot), Reference.matvec(vw[l].transposed(), delta)
            ).map { $0 + $1 }
            (delta, deltaDot) = step(activation, x: xs[l], zDot: zDots[l - 1], u: u, t: t)
        }
        let withBiases = biases != nil
        return (
            value, gw.flatMap { $0 } + (withBiases ? gb.flatMap { $0 } : []),
            hw.flatMap { $0 } + (withBiases ? hb.flatMap { $0 } : [])
        )
    }
}
