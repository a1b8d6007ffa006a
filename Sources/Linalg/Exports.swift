// `Matrix`, `LinalgError` and the random sources are defined in LinalgCore (pure Swift, shared
// with LinalgReference) and are part of Linalg's public API.
@_exported import LinalgCore
// BLAS, LAPACK, the vectorised kernels and OpenBLAS's controls: the checked kernel layer.
@_exported import LinalgKernels
