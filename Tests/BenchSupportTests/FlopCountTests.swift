import BenchSupport
import Foundation
import Testing

@Suite struct FlopCountTests {
    @Test func gemmAndNetCounts() {
        #expect(FlopCount.gemm(m: 2, n: 3, k: 4) == 48)
        #expect(FlopCount.weightCount([2, 10, 10, 2]) == 140)
        #expect(FlopCount.mlpForward([2, 10, 10, 2], batch: 1) == 280)
        #expect(FlopCount.mlpForward([256, 512, 512, 256], batch: 1024) == 2 * 1024 * (131_072 + 262_144 + 131_072))
        // forward 280 + ∂W (280) + back-propagation through W_1, W_2 (2·(100 + 20)) = 800
        #expect(FlopCount.mlpGradient([2, 10, 10, 2], batch: 1) == 800)
        // h₀ = h_L = 2: reverse, the last layer (2·10) is a scaling.
        #expect(FlopCount.mlpInputJacobian([2, 10, 10, 2], batch: 1) == 280 + 2 * 2 * 120)
        // forward from h₀ = 2 < h_L = 8: the first layer (10·2) is a scaling.
        #expect(FlopCount.mlpInputJacobian([2, 10, 8], batch: 3) == 2 * 3 * 100 + 2 * 3 * 2 * 80)
        // only δ₀ = δ₁ W₁ is a product: 2·(10·10)
        #expect(FlopCount.mlpWeightJacobianFactors([2, 10, 10, 2], batch: 1) == 280 + 2 * 2 * 100)
        #expect(FlopCount.mlpWeightJacobianFactors([3, 4], batch: 5) == 2 * 5 * 12)
        #expect(FlopCount.sgd([2, 10, 10, 2], steps: 20_000) == 16_000_000)
        #expect(FlopCount.logisticHessian(n: 10, d: 3) == 10 * 3 * 4 + 60)
        #expect(FlopCount.logisticFit(n: 10, d: 3, iterations: 2) == 2 * (180 + 120) + 120)
    }
}
