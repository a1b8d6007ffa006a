/// The outcome of checking a net's analytic derivatives against central finite differences.
public struct MLPDerivativeReport: Sendable {
    /// `df/dx₀`, worst over the batch.
    public var inputJacobian: DerivativeCheck
    /// `df/dW_l` for every layer, worst over the batch.
    public var weightJacobians: [DerivativeCheck]
    /// `df/db_l = δ_l` for every layer, worst over the batch; empty for a net without biases.
    public var biasJacobians: [DerivativeCheck] = []

    /// The largest relative error of all checks.
    public var maxRelativeError: Double {
        ([inputJacobian] + weightJacobians + biasJacobians).map(\.maxRelativeError)
            .reduce(0) { $1.isNaN ? .nan : max($0, $1) }
    }
}

extension MLP {
    /// The relative error ``checkDerivatives(_:)`` is expected to stay below in this precision:
    /// `10⁻⁶` in `Double` (central differences agree to about `ε^{2/3} = 4·10⁻¹¹`, times the
    /// curvature), `10⁻²` in `Float` (`ε^{2/3} = 2.4·10⁻⁵`, and a deep net's curvature and the
    /// rounding of each evaluation at `ε/h ≈ 2·10⁻⁵` multiply it).
    public static var derivativeTolerance: Double { Scalar.self == Float.self ? 1e-2 : 1e-6 }

    /// Checks `df/dx₀`, every `df/dW_l` and every `df/db_l` of each sample of `x` against central
    /// finite differences (``FiniteDifferences``, evaluated in the net's own precision) and reports
    /// the worst relative error of each.
    public func checkDerivatives(_ x: Matrix<Scalar>) throws(LinalgError) -> MLPDerivativeReport {
        let jacobians = try inputJacobians(x)
        let factors = try weightJacobianFactors(x)
        var inputCheck = DerivativeCheck(maxAbsoluteError: 0, maxRelativeError: 0, worstIndex: nil, count: 0)
        var weightChecks = [DerivativeCheck](repeating: inputCheck, count: layerCount)
        var biasChecks = hasBiases ? weightChecks : []
        func evaluate(_ net: MLP, _ x0: [Scalar]) -> [Scalar] {
            (try? net(x0)) ?? [Scalar](repeating: .nan, count: outputSize)
        }
        /// `f(x₀)` as a function of the `count` parameters from `start` on.
        func numericJacobian(start: Int, count: Int, x0: [Scalar]) -> Matrix<Scalar> {
            FiniteDifferences.jacobian(
                of: { flat in
                    var perturbed = self
                    perturbed.parameters.replaceSubrange(start..<(start + count), with: flat)
                    return evaluate(perturbed, x0)
                }, at: Array(parameters[start..<(start + count)]))
        }
        for b in 0..<x.columns {
            let x0 = x.column(b)
            inputCheck = worse(
                inputCheck, FiniteDifferences.checkJacobian(jacobians[b], of: { evaluate(self, $0) }, at: x0))
            for l in 0..<layerCount {
                let numeric = numericJacobian(start: weightOffsets[l], count: sizes[l + 1] * sizes[l], x0: x0)
                let check = FiniteDifferences.compare(
                    analytic: factors.tensor(layer: l, sample: b).scalars, numeric: numeric.scalars.map { Double($0) })
                weightChecks[l] = worse(weightChecks[l], check)
                if hasBiases {
                    let numeric = numericJacobian(start: biasOffsets[l], count: sizes[l + 1], x0: x0)
                    let check = FiniteDifferences.compare(
                        analytic: factors.sensitivity(layer: l, sample: b).scalars, numeric: numeric.scalars)
                    biasChecks[l] = worse(biasChecks[l], check)
                }
            }
        }
        return MLPDerivativeReport(inputJacobian: inputCheck, weightJacobians: weightChecks, biasJacobians: biasChecks)
    }
}

/// The check with the larger relative error (NaN counts as worst), with the counts added.
func worse(_ a: DerivativeCheck, _ b: DerivativeCheck) -> DerivativeCheck {
    var result = (b.maxRelativeError.isNaN || b.maxRelativeError > a.maxRelativeError || a.worstIndex == nil) ? b : a
    result.count = a.count + b.count
    return result
}
