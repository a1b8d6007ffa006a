/// The distribution of the entries of ``Matrix/random(rows:columns:distribution:using:)``.
public enum RandomDistribution: Sendable, Equatable {
    /// Uniform on `[lower, upper)`; `uniform(0, 1)` is MATLAB/numpy's `rand`.
    case uniform(lower: Double, upper: Double)
    /// Normal with the given mean and standard deviation; `normal(0, 1)` is `randn`.
    case normal(mean: Double, standardDeviation: Double)

    /// `rand`: uniform on `[0, 1)`.
    public static let rand = RandomDistribution.uniform(lower: 0, upper: 1)
    /// `randn`: standard normal.
    public static let randn = RandomDistribution.normal(mean: 0, standardDeviation: 1)
}

extension Matrix {
    /// An `m × n` matrix of independent samples from `distribution`, drawn in row-major order.
    @inlinable
    public static func random(
        rows: Int, columns: Int,
        distribution: RandomDistribution = .rand,
        using generator: inout Xoshiro256StarStar
    ) -> Matrix {
        var result = Matrix(uncheckedRows: rows, columns: columns)
        for index in result.storage.indices {
            let value: Double
            switch distribution {
            case let .uniform(lower, upper): value = lower + (upper - lower) * generator.nextUniform()
            case let .normal(mean, sd): value = mean + sd * generator.nextNormal()
            }
            result.storage[index] = Scalar(value)
        }
        return result
    }
}
