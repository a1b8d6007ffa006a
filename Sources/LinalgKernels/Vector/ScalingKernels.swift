import CLinalgKernels

/// Row and column scalings and the tiled `C += AᵀA` of the logistic Hessian: the C kernels that
/// the models use directly, behind unchecked `package` entry points (callers own the shapes).
@usableFromInline
package enum ScalingKernels {
    /// Width of the register tile of ``syrkLowerPadded(rows:paddedWidth:usedRows:a:c:prefetch:prefetchBytes:)``:
    /// the padded dimension must be a multiple of it.
    package static let syrkTileWidth = Int(LINALG_SYRK_TILE)

    /// `dst[r·stride + j] = √w_r · src[r·columns + j]` for `j < columns`, zero for
    /// `columns ≤ j < stride`: a zero-padded copy of a block of rows scaled by `√w`.
    @inlinable
    package static func scaleRowsBySqrt(
        into dst: UnsafeMutablePointer<Double>, stride: Int,
        from src: UnsafePointer<Double>, weights: UnsafePointer<Double>,
        rows: Int, columns: Int
    ) {
        linalg_scale_rows_by_sqrt(dst, stride, src, weights, rows, columns)
    }

    /// `C ← C + AᵀA` on the lower triangle of `C`'s first `usedRows` rows, `A` `rows × paddedWidth`
    /// and `C` `paddedWidth × paddedWidth` (row-major, leading dimension `paddedWidth`, a multiple of
    /// ``syrkTileWidth``), prefetching `prefetchBytes` at `prefetch` into L2 meanwhile. Returns
    /// `false` without computing anything when the CPU lacks AVX2+FMA (use BLAS `syrk` then).
    @inlinable
    package static func syrkLowerPadded(
        rows: Int, paddedWidth: Int, usedRows: Int, a: UnsafePointer<Double>,
        c: UnsafeMutablePointer<Double>, prefetch: UnsafeRawPointer?,
        prefetchBytes: Int
    ) -> Bool {
        linalg_syrk_lower_padded(rows, paddedWidth, usedRows, a, c, prefetch, prefetchBytes) != 0
    }
}
