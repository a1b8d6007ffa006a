import CLinalgKernels
import LinalgParallel

/// The machine's FMA peak: independent chains of fused multiply-adds at the widest width the
/// kernel table has for this CPU, on every core at once (the bench's peak roofline).
package enum FMAPeak {
    /// The instruction set the kernel table uses: `AVX-512F`, `AVX2+FMA` or `baseline`.
    package static var instructionSet: String {
        linalg_kernels_avx512() != 0 ? "AVX-512F" : linalg_kernels_vectorised() != 0 ? "AVX2+FMA" : "baseline"
    }

    /// The flops of `iterations` steps of the probe on each of `cores` cores at once (in float32
    /// with `single`).
    package static func run(iterations: Int, cores: Int, single: Bool) -> Double {
        let flops = UnsafeMutablePointer<Int>.allocate(capacity: cores)
        defer { flops.deallocate() }
        let shared = UncheckedSendable(flops)
        ParallelChunks.run(count: cores, parts: cores) { part, _ in
            var sink = 0.0
            let done = single ? linalg_fma_peak_f32(iterations, &sink) : linalg_fma_peak_f64(iterations, &sink)
            shared.value[part] = sink.isNaN ? 0 : done
        }
        return (0..<cores).reduce(0) { $0 + Double(flops[$1]) }
    }
}
