/// The shape of a multinomial model's parameters, shared by the dense and the sparse problems: all
/// `K` classes modelled with `λ > 0` (the penalty makes them identifiable), classes `1 … K − 1`
/// against class 0 with `λ = 0`; `Θ` row by row, each modelled class's `d` coefficients then its
/// intercept.
public protocol MultinomialParametrisation {
    /// `d`.
    var featureCount: Int { get }
    /// `K ≥ 2`.
    var classCount: Int { get }
    /// `λ ≥ 0`.
    var lambda: Double { get }
    /// Whether each modelled class has an unpenalised intercept.
    var fitIntercept: Bool { get }
}

extension MultinomialParametrisation {
    /// `d̃`: the parameters of one class (its coefficients, and its intercept when fitted).
    public var classWidth: Int { featureCount + (fitIntercept ? 1 : 0) }
    /// `m`: `K` with `λ > 0`, `K − 1` (the first class the reference) with `λ = 0`.
    public var modelledClassCount: Int { lambda > 0 ? classCount : classCount - 1 }
    /// The full class index of modelled class `k`.
    public func modelledClass(_ k: Int) -> Int { lambda > 0 ? k : k + 1 }
    /// `m d̃`.
    public var parameterCount: Int { modelledClassCount * classWidth }
}
