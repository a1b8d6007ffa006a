// `Matrix`, `LinalgError` and the random sources are defined in LinalgCore (pure Swift, shared
// with LinalgReference) and are part of Linalg's public API.
@_exported import LinalgCore
