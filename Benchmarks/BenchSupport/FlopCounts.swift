/// Floating-point operation counts of the benchmark cases (a multiply-add counts as 2).
/// Activation functions, copies and element-wise scalings are not counted: the counts are the
/// GEMM work the cases are bound by, so GFLOP/s compares directly with the dgemm rate.
public enum FlopCount {
    /// `C = AB` with `A` `m × k`, `B` `k × n`: `2mnk`.
    public static func gemm(m: Int, n: Int, k: Int) -> Double { 2 * Double(m) * Double(n) * Double(k) }

    /// `Σ_l h_{l+1} h_l`: the weight count of a net with widths `sizes`.
    public static func weightCount(_ sizes: [Int]) -> Double {
        zip(sizes, sizes.dropFirst()).reduce(0) { $0 + Double($1.0 * $1.1) }
    }

    /// Forward pass of a batch: one GEMM per layer, `2B Σ_l h_{l+1} h_l`.
    public static func mlpForward(_ sizes: [Int], batch: Int) -> Double { 2 * Double(batch) * weightCount(sizes) }

    /// Forward + backprop of a scalar loss: the forward GEMMs, `∂loss/∂W_l = Δ_l x_lᵀ` for every
    /// layer and `W_lᵀ Δ_l` for every layer but the first: `2B(3Σ − h₁h₀)`.
    public static func mlpGradient(_ sizes: [Int], batch: Int) -> Double {
        2 * Double(batch) * (3 * weightCount(sizes) - Double(sizes[0] * sizes[1]))
    }

    /// Forward pass plus `df/dx₀` for every sample, accumulated in the cheaper direction. The
    /// outermost factor is a diagonal scaling, not a product, so the accumulation costs
    /// `2B h (Σ − edge)` with `h = min(h₀, h_L)` and `edge` the weight count of the layer next to
    /// where it starts (`h₁h₀` forward, `h_L h_{L−1}` reverse).
    public static func mlpInputJacobian(_ sizes: [Int], batch: Int) -> Double {
        let (h0, hL) = (sizes.first!, sizes.last!)
        let edge = h0 < hL ? sizes[0] * sizes[1] : sizes[sizes.count - 1] * sizes[sizes.count - 2]
        return mlpForward(sizes, batch: batch) + 2 * Double(batch) * Double(min(h0, hL))
            * (weightCount(sizes) - Double(edge))
    }

    /// Forward pass plus the sensitivities `δ_l` of every layer (the factors of `df/dW_l`):
    /// `δ_{l−1} = δ_l W_l` for `1 ≤ l ≤ L − 2` (`δ_{L−1}` is diagonal, `δ_{L−2}` a scaling):
    /// `2B Σ + 2B h_L (Σ − h₁h₀ − h_L h_{L−1})` for `L ≥ 2`.
    public static func mlpWeightJacobianFactors(_ sizes: [Int], batch: Int) -> Double {
        let inner =
            sizes.count < 3
            ? 0
            : weightCount(sizes) - Double(sizes[0] * sizes[1]) - outputLayerWeights(sizes)
        return mlpForward(sizes, batch: batch) + 2 * Double(batch) * Double(sizes.last!) * inner
    }

    /// A JVP in both the inputs and the parameters: the forward GEMMs, `W_l ẋ_l` and `V_l x_l`: `6BΣ`.
    public static func mlpJVP(_ sizes: [Int], batch: Int) -> Double { 3 * mlpForward(sizes, batch: batch) }

    /// A VJP to the inputs and the parameters without `f` (linear output layer): the forward GEMMs but
    /// the output layer's, `Δ_l x_lᵀ` and `W_lᵀ Δ_l` for every layer: `2B(3Σ − h_L h_{L−1})`.
    public static func mlpVJP(_ sizes: [Int], batch: Int) -> Double {
        3 * mlpForward(sizes, batch: batch) - 2 * Double(batch) * outputLayerWeights(sizes)
    }

    /// A Hessian-vector product alone (no gradient) by forward over reverse: `x_l`, `V_l x_l`, `Δ̇_l x_lᵀ`
    /// for every layer and `W_l ẋ_l`, `Δ_l ẋ_lᵀ`, `W_lᵀ Δ_l`, `W_lᵀ Δ̇_l`, `V_lᵀ Δ_l` for all
    /// but the first (`ẋ₀ = 0`): `2B(3Σ + 5(Σ − h₁h₀))`.
    public static func mlpHVP(_ sizes: [Int], batch: Int) -> Double {
        let s = weightCount(sizes), inner = s - Double(sizes[0] * sizes[1])
        return 2 * Double(batch) * (3 * s + 5 * inner)
    }

    /// A Gauss-Newton-vector product of the squared error without `L` (linear output layer): the forward
    /// GEMMs but the output layer's, `V_l x_l`, `Δ_l x_lᵀ` for every layer, `W_l ẋ_l` and `W_lᵀ Δ_l`
    /// for all but the first: `2B(3Σ + 2(Σ − h₁h₀) − h_L h_{L−1})`.
    public static func mlpGGNVP(_ sizes: [Int], batch: Int) -> Double {
        let s = weightCount(sizes), inner = s - Double(sizes[0] * sizes[1])
        return 2 * Double(batch) * (3 * s + 2 * inner - outputLayerWeights(sizes))
    }

    /// `h_L h_{L−1}`, the output layer's weights.
    static func outputLayerWeights(_ sizes: [Int]) -> Double {
        Double(sizes[sizes.count - 1] * sizes[sizes.count - 2])
    }

    /// Per-sample gradient norms: forward and `W_lᵀ Δ_l` for all layers but the first, no weight
    /// gradient: `2B(2Σ − h₁h₀)`.
    public static func mlpPerSampleNorms(_ sizes: [Int], batch: Int) -> Double {
        2 * Double(batch) * (2 * weightCount(sizes) - Double(sizes[0] * sizes[1]))
    }

    /// `steps` per-sample SGD steps (each a forward and backward pass with batch 1).
    public static func sgd(_ sizes: [Int], steps: Int, batch: Int = 1) -> Double {
        Double(steps) * mlpGradient(sizes, batch: batch)
    }

    /// The logistic Hessian `Xᵀdiag(h)X` by `syrk` (`n d (d+1)`, the lower triangle) plus the
    /// logits `Xβ` (`2nd`).
    public static func logisticHessian(n: Int, d: Int) -> Double {
        Double(n) * Double(d) * Double(d + 1) + 2 * Double(n) * Double(d)
    }

    /// A Newton fit of `iterations` steps: per step one Hessian and about two `gemv` passes
    /// over `X` for the trial point's logits and gradient (`4nd`), plus the start (`4nd`).
    public static func logisticFit(n: Int, d: Int, iterations: Int) -> Double {
        Double(iterations) * (logisticHessian(n: n, d: d) + 4 * Double(n) * Double(d)) + 4 * Double(n) * Double(d)
    }
}
