import Foundation
import Linalg
import LinalgCore

/// Parses `--sizes 2,10,10,2`: at least two positive integers.
func parseSizes(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    var sizes: [Int] = []
    for (index, part) in parts.enumerated() {
        guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
            throw UserError("--sizes: entry \(index) '\(part)' is not an integer (expected e.g. 2,10,10,2)")
        }
        guard value > 0 else {
            throw UserError("--sizes: entry \(index) is \(value); every layer size must be positive")
        }
        sizes.append(value)
    }
    guard sizes.count >= 2 else {
        throw UserError("--sizes: need at least two layer sizes (input and output), got \(sizes.count)")
    }
    return sizes
}

/// Parses an activation name (`sigmoid`, `tanh`, `relu`, `leaky_relu`, `softplus`, `identity`);
/// a leaky ReLU takes `leakySlope` (≥ 0).
func parseActivation(_ name: String, flag: String, leakySlope: Double = 0.01) throws -> Activation {
    guard leakySlope.isFinite, leakySlope >= 0 else {
        throw UserError("--leaky-slope must be a finite number ≥ 0, got \(leakySlope)")
    }
    guard let activation = Activation(name: name, leakySlope: leakySlope) else {
        throw UserError(
            "\(flag): unknown activation '\(name)' (expected one of \(Activation.names.joined(separator: ", ")))")
    }
    return activation
}

/// `Σ terms` of products with overflow checks (`nil` on overflow).
func checkedSum(of products: [[Int]]) -> Int? {
    var total = 0
    for factors in products {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            product = next
        }
        let (next, overflow) = total.addingReportingOverflow(product)
        guard !overflow else { return nil }
        total = next
    }
    return total
}

/// Refuses, before anything is allocated, a net and batch whose buffers would not fit in
/// physical memory: the weights and their gradients (`2 Σ h_{l+1} h_l`), per sample the
/// activations and errors of every layer (`2 Σ h_l`) and, when `jacobians`, the factors and
/// input Jacobians of each sample (`h_L (Σ h_{l+1} + h_0)`), in doubles.
func checkNetFitsInMemory(sizes: [Int], batch: Int, jacobians: Bool) throws {
    let layers = (0..<(sizes.count - 1))
    var terms = layers.map { [2, sizes[$0], sizes[$0 + 1]] }
    terms += sizes.map { [2, batch, $0] }
    if jacobians { terms += (sizes.dropFirst() + [sizes[0]]).map { [batch, sizes.last!, $0] } }
    let limit = SystemMemory.limit
    guard let doubles = checkedSum(of: terms), doubles <= limit / 8 else {
        let size = checkedSum(of: terms).map { SystemMemory.formatted($0 * 8) } ?? "more than 2^63 bytes"
        throw UserError(
            "--sizes \(sizes.map(String.init).joined(separator: ",")) with batch \(batch) would need \(size); "
                + SystemMemory.limitText)
    }
}
