@testable import LinalgCore
import Linalg
import Testing

@Suite struct MatrixTests {
    @Test func rowsAndFlatInitialisersAgree() throws {
        let a = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        let b = try Matrix<Double>(rows: 2, columns: 3, scalars: [1, 2, 3, 4, 5, 6])
        #expect(a == b)
        #expect(a[1, 2] == 6)
        #expect(a.row(1) == [4, 5, 6])
        #expect(a.column(1) == [2, 5])
        #expect(a.transposed().rowArrays == [[1, 4], [2, 5], [3, 6]])
        #expect(a.rowArrays == [[1, 2, 3], [4, 5, 6]])
    }

    @Test func raggedAndEmptyLiteralsThrow() throws {
        #expect(throws: LinalgError.raggedRows(row: 1, expected: 2, found: 3)) {
            try Matrix<Double>([[1, 2], [3, 4, 5]])
        }
        #expect(throws: LinalgError.emptyMatrixLiteral) { try Matrix<Float>([[]]) }
        #expect(throws: LinalgError.emptyMatrixLiteral) { try Matrix<Float>([]) }
        #expect(throws: LinalgError.countMismatch(rows: 2, columns: 2, count: 3)) {
            try Matrix<Double>(rows: 2, columns: 2, scalars: [1, 2, 3])
        }
        #expect(throws: LinalgError.negativeDimension(rows: -1, columns: 2)) {
            try Matrix<Double>(rows: -1, columns: 2, scalars: [])
        }
        // The filled initialiser and its siblings throw like the others instead of trapping.
        #expect(throws: LinalgError.negativeDimension(rows: 3, columns: -2)) {
            try Matrix<Double>(rows: 3, columns: -2)
        }
        #expect(throws: LinalgError.negativeDimension(rows: -1, columns: -1)) { try Matrix<Float>.identity(-1) }
        let overflow = #expect(throws: LinalgError.self) { try Matrix<Double>(rows: 1 << 40, columns: 1 << 40) }
        #expect(overflow?.description.contains("2^63 bytes") == true)
        let huge = #expect(throws: LinalgError.self) { try Matrix<Double>.zeros(rows: 1 << 30, columns: 1 << 20) }
        #expect(huge?.description.contains("would need") == true)
    }

    @Test func identityZerosAndCopyOnWrite() throws {
        let identity = try Matrix<Double>.identity(3)
        #expect(identity[0, 0] == 1 && identity[0, 1] == 0 && identity[2, 2] == 1)
        var copy = identity
        copy[0, 1] = 7
        #expect(identity[0, 1] == 0, "mutating a copy must not change the original")
        #expect(try Matrix<Float>.zeros(rows: 0, columns: 4).isEmpty)
    }

    @Test func randomIsReproducibleAndHasTheRightMoments() {
        var g1 = Xoshiro256StarStar(seed: 7), g2 = Xoshiro256StarStar(seed: 7)
        let a = Matrix<Double>.random(rows: 200, columns: 50, distribution: .randn, using: &g1)
        let b = Matrix<Double>.random(rows: 200, columns: 50, distribution: .randn, using: &g2)
        #expect(a == b)
        let mean = a.scalars.reduce(0, +) / Double(a.scalars.count)
        let variance = a.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(a.scalars.count)
        #expect(abs(mean) < 0.05 && abs(variance - 1) < 0.05)
        let u = Matrix<Double>.random(rows: 100, columns: 100, distribution: .rand, using: &g1)
        #expect(u.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.scalars.reduce(0, +) / 10_000 - 0.5) < 0.02)
    }

    @Test func approximateEqualityIsNormwise() throws {
        let a = try Matrix<Double>([[1, 1e6]])
        let b = try Matrix<Double>([[1 + 1e-3, 1e6]])
        #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-8))
        #expect(!a.isApproximatelyEqual(to: b, relativeTolerance: 1e-10))
        let nan = try Matrix<Double>([[.nan, 1e6]])
        #expect(!a.isApproximatelyEqual(to: nan))
        #expect(nan.firstNonFinite! == (0, 0))
    }

    @Test func firstNonFiniteFindsTheFirstBadEntryAtEveryPosition() throws {
        // Around the scan's 2048-entry blocks, at the ends, and several bad entries at once.
        let rows = 7, columns = 900  // 6300 entries: three blocks, the last one partial
        let finite: [Double] = [
            0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, 1, -3.5,
        ]
        let base = (0..<(rows * columns)).map { finite[$0 % finite.count] }
        #expect(try Matrix(rows: rows, columns: columns, scalars: base).firstNonFinite == nil)
        for bad in [Double.nan, .infinity, -.infinity, -.nan, .signalingNaN] {
            for position in [0, 1, 2046, 2047, 2048, 2049, 4095, 4096, 6298, 6299] {
                var scalars = base
                scalars[position] = bad
                if position + 5 < scalars.count { scalars[position + 5] = .nan }
                let found = try Matrix(rows: rows, columns: columns, scalars: scalars).firstNonFinite
                #expect(found.map { $0.row * columns + $0.column } == position, "\(bad) at \(position)")
            }
        }
        let floats = try Matrix<Float>(
            rows: 3, columns: 1000, scalars: (0..<3000).map { $0 == 2500 ? .infinity : Float($0) })
        #expect(floats.firstNonFinite! == (2, 500))
        #expect(
            try Matrix<Float>(rows: 1, columns: 3, scalars: [.greatestFiniteMagnitude, 0, -1]).firstNonFinite == nil)
        #expect(try Matrix<Double>(rows: 0, columns: 3).firstNonFinite == nil)
    }

    /// The copy that checks while it copies: every entry copied bit for bit, and `false` exactly
    /// when a NaN or ±∞ is among them, in both precisions, finite extremes included.
    @Test func checkedCopyCopiesEveryBitAndFlagsNonFiniteEntries() {
        func bits<S>(_ value: S) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
        func check<S: BinaryFloatingPoint>(_ finite: [S], _ bad: [S]) {
            let count = 37
            let source = (0..<count).map { finite[$0 % finite.count] }
            var destination = [S](repeating: 0, count: count)
            #expect(NonFiniteScan.copy(source, to: &destination, count: count))
            #expect(zip(source, destination).allSatisfy { bits($0) == bits($1) })
            for value in bad {
                for position in [0, 17, count - 1] {
                    var scalars = source
                    scalars[position] = value
                    #expect(!NonFiniteScan.copy(scalars, to: &destination, count: count), "\(value) at \(position)")
                    #expect(bits(destination[position]) == bits(value))
                }
            }
        }
        check(
            [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -1] as [Double],
            [.nan, .infinity, -.infinity, .signalingNaN])
        check(
            [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -1] as [Float],
            [.nan, .infinity, -.infinity, .signalingNaN])
    }
}
