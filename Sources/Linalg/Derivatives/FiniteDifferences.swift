#if canImport(Glibc)
import Glibc
#endif

/// Central finite differences and the comparison of analytic derivatives with them.
///
/// The derivative of `f` along coordinate `j` is approximated by
/// `(f(x + h e_j) − f(x − h e_j)) / 2h` with `h = ε^{1/3} · max(1, |x_j|)` (`ε` the machine
/// epsilon): the step that balances the `O(h²)` truncation error against the `O(ε/h)`
/// rounding error, scaled with the coordinate. Expect agreement to about `ε^{2/3} ≈ 4·10⁻¹¹`
/// relative for smooth functions of moderate curvature.
public enum FiniteDifferences {
    /// `ε^{1/3}` for `Double`, `∛(2.220446049250313e-16)`.
    public static let cubeRootOfEpsilon = 6.055454452393343e-06

    /// `ε^{1/3}` of `S`.
    @inlinable
    public static func cubeRootOfEpsilon<S: MatrixScalar>(_: S.Type) -> S {
        S.self == Double.self ? S(cubeRootOfEpsilon) : S(cbrt(Double(S.ulpOfOne)))
    }

    /// The step `h = ε^{1/3} · max(1, |x|)` used for a coordinate with value `x`.
    @inlinable
    public static func step<S: MatrixScalar>(at x: S) -> S {
        cubeRootOfEpsilon(S.self) * max(1, abs(x))
    }

    /// The Jacobian `∂f/∂x` (`m × n`) of `f: ℝⁿ → ℝᵐ` by central differences, one column per coordinate.
    public static func jacobian<S: MatrixScalar>(of f: ([S]) throws -> [S], at x: [S]) rethrows -> Matrix<S> {
        let m = try f(x).count
        var result = Matrix<S>(uncheckedRows: m, columns: x.count)
        var probe = x
        for j in x.indices {
            let h = step(at: x[j])
            probe[j] = x[j] + h
            let plus = try f(probe)
            probe[j] = x[j] - h
            let minus = try f(probe)
            probe[j] = x[j]
            for i in 0..<m { result[i, j] = (plus[i] - minus[i]) / (2 * h) }
        }
        return result
    }

    /// The gradient of a scalar function by central differences.
    public static func gradient<S: MatrixScalar>(of f: ([S]) throws -> S, at x: [S]) rethrows -> [S] {
        try jacobian(of: { [try f($0)] }, at: x).scalars
    }

    /// The directional derivative `(f(x + εv) − f(x − εv)) / 2ε` of `f` along `v`, with
    /// `ε = ε_mach^{1/3} · max(1, ‖x‖_∞) / max(‖v‖_∞, tiny)`: a cheap check of `J v` for large nets.
    public static func directionalDerivative<S: MatrixScalar>(
        of f: ([S]) throws -> [S], at x: [S],
        along v: [S]
    ) rethrows -> [S] {
        precondition(x.count == v.count, "directionalDerivative: x has \(x.count), v has \(v.count)")
        let scale = max(1, x.map(abs).max() ?? 0) / max(v.map(abs).max() ?? 0, .leastNormalMagnitude)
        let h = step(at: S(0)) * scale
        let plus = try f(zip(x, v).map { $0 + h * $1 })
        let minus = try f(zip(x, v).map { $0 - h * $1 })
        return zip(plus, minus).map { ($0 - $1) / (2 * h) }
    }

    /// Compares an analytic derivative (any shape, flattened row-major) with its finite-difference
    /// approximation. The relative error is `|a − n| / max(1, max|n|)`, measured against the
    /// largest entry so that near-zero entries do not inflate it.
    public static func compare<S: MatrixScalar>(analytic: [S], numeric: [S]) -> DerivativeCheck {
        precondition(
            analytic.count == numeric.count, "FiniteDifferences.compare: \(analytic.count) vs \(numeric.count) entries")
        let scale = Double(max(1, numeric.map(abs).max() ?? 0))
        var worst = DerivativeCheck(maxAbsoluteError: 0, maxRelativeError: 0, worstIndex: nil, count: analytic.count)
        for index in analytic.indices {
            let error = abs(Double(analytic[index]) - Double(numeric[index]))
            if error.isNaN {
                worst.maxAbsoluteError = .nan
                worst.worstIndex = index
                break
            }
            if worst.worstIndex == nil || error > worst.maxAbsoluteError {
                worst.maxAbsoluteError = error
                worst.worstIndex = index
            }
        }
        worst.maxRelativeError = worst.maxAbsoluteError / scale
        return worst
    }

    /// Checks an analytic Jacobian of `f: ℝⁿ → ℝᵐ` (`m × n`) against central differences at `x`.
    public static func checkJacobian<S: MatrixScalar>(
        _ analytic: Matrix<S>, of f: ([S]) throws -> [S],
        at x: [S]
    ) rethrows -> DerivativeCheck {
        let numeric = try jacobian(of: f, at: x)
        precondition(
            analytic.rows == numeric.rows && analytic.columns == numeric.columns,
            "checkJacobian: analytic is \(analytic.rows)×\(analytic.columns), f gives "
                + "\(numeric.rows)×\(numeric.columns)"
        )
        return compare(analytic: analytic.scalars, numeric: numeric.scalars)
    }

    /// Checks an analytic Jacobian-vector product `J v` against
    /// `(f(x + εv) − f(x − εv)) / 2ε` for a direction `v` (cost: two evaluations of `f`).
    public static func checkDirectional<S: MatrixScalar>(
        _ analyticProduct: [S], of f: ([S]) throws -> [S],
        at x: [S], along v: [S]
    ) rethrows -> DerivativeCheck {
        compare(analytic: analyticProduct, numeric: try directionalDerivative(of: f, at: x, along: v))
    }
}

/// The outcome of comparing an analytic derivative with finite differences.
public struct DerivativeCheck: Sendable, Equatable {
    /// `max |analytic − numeric|`.
    public var maxAbsoluteError: Double
    /// `maxAbsoluteError / max(1, max|numeric|)`.
    public var maxRelativeError: Double
    /// The flat (row-major) index of the worst entry, `nil` for an empty derivative.
    public var worstIndex: Int?
    /// How many entries were compared.
    public var count: Int

    /// `true` when the relative error is at most `tolerance` (and not NaN).
    public func passes(tolerance: Double) -> Bool { maxRelativeError <= tolerance }
}
