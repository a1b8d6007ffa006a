#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real floating-point type a ``Matrix`` can hold: `Float` or `Double`.
///
/// Besides IEEE arithmetic it provides the elementary functions the models need
/// (`exp`, `log`, `log1p`, `expm1`, `tanh`), so generic reference code can be written once.
public protocol MatrixScalar: BinaryFloatingPoint, Sendable, Codable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// `eˣ`.
    static func exp(_ x: Self) -> Self
    /// Natural logarithm `ln x`.
    static func log(_ x: Self) -> Self
    /// `ln(1 + x)`, accurate for small `x`.
    static func log1p(_ x: Self) -> Self
    /// `eˣ − 1`, accurate for small `x`.
    static func expm1(_ x: Self) -> Self
    /// Hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
}

extension Double: MatrixScalar {
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inlinable public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
}

extension Float: MatrixScalar {
    @inlinable public static func exp(_ x: Float) -> Float { Glibc.expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { Glibc.logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { Glibc.log1pf(x) }
    @inlinable public static func expm1(_ x: Float) -> Float { Glibc.expm1f(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { Glibc.tanhf(x) }
}
