extension Matrix where Scalar == Double {
    /// Labels drawn from the logistic model with coefficients `β`: `y_i ~ Bernoulli(σ(x_iᵀβ))` for
    /// the rows `x_i` of this matrix, `y_i = 1` when a uniform draw from `generator` falls below
    /// `σ(z_i)`, `z_i = x_iᵀβ` (summed in column order). Synthetic data with a known minimiser (the
    /// tests, the exercise and the benchmark use it).
    public func bernoulliLabels(coefficients beta: [Double], using generator: inout Xoshiro256StarStar) -> [Double] {
        precondition(beta.count == columns, "bernoulliLabels: \(beta.count) coefficients for \(columns) columns")
        return (0..<rows).map { i -> Double in
            let z = (0..<columns).reduce(0.0) { $0 + self[i, $1] * beta[$1] }
            return generator.nextUniform() < Logistic.sigmoid(z) ? 1 : 0
        }
    }
}
