extension MLP {
    // MARK: Second-order backprop (Pearlmutter's R-operator on the backward pass)
    //
    // With ż, ẋ from the tangent forward pass and the Hessian's tangent ġ = H_ℓ ḟ of g = ∂ℓ/∂f:
    //   Δ_{L−1} = a'(z_L) ∘ g,          Δ̇_{L−1} = a''(z_L) ∘ ż_L ∘ g + a'(z_L) ∘ ġ,
    //   Δ_{l−1} = a'(z_l) ∘ u_l,
    //   Δ̇_{l−1} = a''(z_l) ∘ ż_l ∘ u_l + a'(z_l) ∘ (W_lᵀ Δ̇_l + V_lᵀ Δ_l),   with u_l = W_lᵀ Δ_l;
    //   ∂L/∂W_l = Δ_l x_lᵀ,  (∇²L v)_{W_l} = Δ̇_l x_lᵀ + Δ_l ẋ_lᵀ,  (∇²L v)_{b_l} = Δ̇_l 1.

    /// `t ← a'(x) ∘ t + a''(x) ∘ ż ∘ u`, then `u ← a'(x) ∘ u`, over `rows` rows of `width` entries
    /// `rowStride` apart, with `a'` and `a''` written through the output `x`.
    @inlinable
    static func secondOrderScale(
        _ activation: Activation, output x: UnsafePointer<Scalar>, preactivationTangent zDot: UnsafePointer<Scalar>,
        error u: UnsafeMutablePointer<Scalar>, errorTangent t: UnsafeMutablePointer<Scalar>, rows: Int, width: Int,
        rowStride ld: Int
    ) {
        if activation.isPiecewiseLinear {
            VectorMath.scaleByDerivative(activation, t, output: x, rows: rows, width: width, rowStride: ld)
            VectorMath.scaleByDerivative(activation, u, output: x, rows: rows, width: width, rowStride: ld)
            return
        }
        // The common activations in loops of their own, so that each vectorises.
        switch activation {
        case .sigmoid:
            secondOrderRows(x, zDot, u, t, rows: rows, width: width, rowStride: ld) { x in
                let slope = x * (1 - x)
                return (slope, slope * (1 - 2 * x))
            }
        case .tanh:
            secondOrderRows(x, zDot, u, t, rows: rows, width: width, rowStride: ld) { x in
                let slope = 1 - x * x
                return (slope, -2 * x * slope)
            }
        default:
            secondOrderRows(x, zDot, u, t, rows: rows, width: width, rowStride: ld) { x in
                (activation.derivative(atOutput: x), activation.secondDerivative(atOutput: x))
            }
        }
    }

    @inlinable @inline(__always)
    static func secondOrderRows(
        _ x: UnsafePointer<Scalar>, _ zDot: UnsafePointer<Scalar>, _ u: UnsafeMutablePointer<Scalar>,
        _ t: UnsafeMutablePointer<Scalar>, rows: Int, width: Int, rowStride ld: Int,
        slopes: (Scalar) -> (Scalar, Scalar)
    ) {
        for r in 0..<rows {
            let o = r * ld
            for b in o..<(o + width) {
                let (first, second) = slopes(x[b])
                let ub = u[b]
                t[b] = first * t[b] + second * zDot[b] * ub
                u[b] = first * ub
            }
        }
    }

    /// The backward pass of ``hvp(_:targets:loss:vector:workspace:computingGradient:)`` over the samples `samples`,
    /// from `g` in the workspace's `Δ_{L−1}` and `ġ` in its `Δ̇_{L−1}`: their share of `∂L/∂θ` into
    /// `gradient` (unless `nil`) and of `∇²L v` into `product`. Five GEMMs per layer (four without
    /// the gradient).
    @inlinable
    func secondOrderBackward(
        _ parameters: UnsafePointer<Scalar>, tangent v: UnsafePointer<Scalar>, _ space: NetProductWorkspace<Scalar>,
        gradient: UnsafeMutablePointer<Scalar>?, product: UnsafeMutablePointer<Scalar>, samples: Range<Int>
    ) {
        let base = space.base, ld = base.rowStride, last = layerCount - 1
        let first = samples.lowerBound, width = samples.count
        let errors = base.errors, activations = base.activations
        let errorTangents = space.errorTangents, tangents = space.tangents, zDots = space.preactivationTangents
        MLP.secondOrderScale(
            outputActivation, output: activations[last + 1] + first, preactivationTangent: zDots[last] + first,
            error: errors[last] + first, errorTangent: errorTangents[last] + first, rows: sizes[last + 1],
            width: width, rowStride: ld)
        for l in stride(from: last, through: 0, by: -1) {
            let rows = sizes[l + 1], inner = sizes[l], w = weightOffsets[l]
            func outer(
                _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, into c: UnsafeMutablePointer<Scalar>,
                beta: Scalar
            ) {
                GemmKernel.run(
                    transposeA: false, transposeB: true, m: rows, n: inner, k: width, alpha: 1, a: a + first, lda: ld,
                    b: b + first, ldb: ld, beta: beta, c: c + w, ldc: inner)
            }
            if let gradient { outer(errors[l], activations[l], into: gradient, beta: 0) }
            outer(errorTangents[l], activations[l], into: product, beta: 0)
            if l > 0 { outer(errors[l], tangents[l], into: product, beta: 1) }
            if hasBiases {
                if let gradient {
                    VectorMath.scaledRowSums(
                        errors[l] + first, rows: rows, width: width, rowStride: ld, scale: 1,
                        into: gradient + biasOffsets[l])
                }
                VectorMath.scaledRowSums(
                    errorTangents[l] + first, rows: rows, width: width, rowStride: ld, scale: 1,
                    into: product + biasOffsets[l])
            }
            guard l > 0 else { continue }
            func transposed(
                _ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, into c: UnsafeMutablePointer<Scalar>,
                beta: Scalar
            ) {
                GemmKernel.run(
                    transposeA: true, transposeB: false, m: inner, n: width, k: rows, alpha: 1, a: a + w, lda: inner,
                    b: b + first, ldb: ld, beta: beta, c: c + first, ldc: ld)
            }
            transposed(parameters, errors[l], into: errors[l - 1], beta: 0)
            transposed(parameters, errorTangents[l], into: errorTangents[l - 1], beta: 0)
            transposed(v, errors[l], into: errorTangents[l - 1], beta: 1)
            MLP.secondOrderScale(
                activation, output: activations[l] + first, preactivationTangent: zDots[l - 1] + first,
                error: errors[l - 1] + first, errorTangent: errorTangents[l - 1] + first, rows: inner, width: width,
                rowStride: ld)
        }
    }
}
