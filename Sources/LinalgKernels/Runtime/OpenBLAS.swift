import CLinalgBLAS

/// OpenBLAS's runtime controls: its thread pool and the kernel it chose for this CPU.
public enum OpenBLAS {
    /// The number of threads OpenBLAS uses for one call (`openblas_get/set_num_threads`).
    /// Setting it to 1 removes thread start-up cost for many small calls.
    ///
    /// Linalg's own parallel passes (large logistic problems, wide nets on large batches) use at
    /// most this many cores as well: with 1, everything runs on the calling thread.
    ///
    /// While Linalg's own parallel passes run (the logistic loss, gradient and Hessian on large
    /// data, a Newton fit, and a wide net's passes on a large batch), OpenBLAS is
    /// single-threaded; this property then reads and sets the count that applies again when
    /// they end.
    public static var threadCount: Int {
        get { SingleThreadedBLAS.threadCount }
        set {
            SingleThreadedBLAS.setThreadCount(max(1, newValue))
            // One setting for every layer's passes (the data layer's too).
            ParallelChunks.setCoreLimit(newValue)
        }
    }

    /// The name of the CPU core kernels OpenBLAS selected, e.g. `"Haswell"` or `"Zen"`
    /// (`openblas_get_corename`); `OPENBLAS_CORETYPE` in the environment overrides the choice.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (`openblas_get_config`), e.g. version and threading.
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }
}
