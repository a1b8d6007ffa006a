@_exported import LinalgCore

/// Textbook implementations of Linalg's mathematics in plain Swift loops: no BLAS, no LAPACK,
/// no tricks. They are the oracle the tests compare Linalg with and the baseline of
/// `swift run -c release bench`.
public enum Reference {}
