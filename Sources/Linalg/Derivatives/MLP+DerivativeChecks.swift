/// The outcome of checking a net's analytic derivatives against central finite differences.
public struct MLPDerivativeReport: Sendable {
    /// `df/dx₀`, worst over the batch.
    public var inputJacobian: DerivativeCheck
    /// `df/dW_l` for every layer, worst over the batch.
    public var weightJacobians: [DerivativeCheck]

    /// The largest relative error of all checks.
    public var maxRelativeError: Double {
        ([inputJacobian] + weightJacobians).map(\.maxRelativeError).reduce(0) { $1.isNaN ? .nan : max($0, $1) }
    }
}

extension MLP {
    /// Checks `df/dx₀` and every `df/dW_l` of each sample of `x` against central finite
    /// differences (``FiniteDifferences``) and reports the worst relative error of each.
    public func checkDerivatives(_ x: Matrix<Double>) throws(LinalgError) -> MLPDerivativeReport {
        let jacobians = try inputJacobians(x)
        let factors = try weightJacobianFactors(x)
        var inputCheck = DerivativeCheck(maxAbsoluteError: 0, maxRelativeError: 0, worstIndex: nil, count: 0)
        var weightChecks = [DerivativeCheck](repeating: inputCheck, count: layerCount)
        func evaluate(_ net: MLP, _ x0: [Double]) -> [Double] {
            (try? net(x0)) ?? [Double](repeating: .nan, count: outputSize)
        }
        for b in 0..<x.columns {
            let x0 = x.column(b)
            inputCheck = worse(
                inputCheck, FiniteDifferences.checkJacobian(jacobians[b], of: { evaluate(self, $0) }, at: x0))
            for l in 0..<layerCount {
                let (rows, columns) = (sizes[l + 1], sizes[l])
                let numeric = FiniteDifferences.jacobian(
                    of: { flat in
                        var perturbed = self
                        perturbed.parameters.replaceSubrange(
                            weightOffsets[l]..<(weightOffsets[l] + rows * columns), with: flat)
                        return evaluate(perturbed, x0)
                    }, at: weight(l).scalars)
                let check = FiniteDifferences.compare(
                    analytic: factors.tensor(layer: l, sample: b).scalars, numeric: numeric.scalars)
                weightChecks[l] = worse(weightChecks[l], check)
            }
        }
        return MLPDerivativeReport(inputJacobian: inputCheck, weightJacobians: weightChecks)
    }
}

/// The check with the larger relative error (NaN counts as worst), with the counts added.
func worse(_ a: DerivativeCheck, _ b: DerivativeCheck) -> DerivativeCheck {
    var result = (b.maxRelativeError.isNaN || b.maxRelativeError > a.maxRelativeError || a.worstIndex == nil) ? b : a
    result.count = a.count + b.count
    return result
}
