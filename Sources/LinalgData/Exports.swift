// Tables are `Matrix` values: the data layer speaks the core vocabulary.
@_exported import LinalgCore
