import CLinalgKernels

/// The two products of a multinomial pass over a chunk of rows with few classes `m`, `X` read in
/// place: the scores `Z = X Vᵀ` and the sums `S += Uᵀ X` (unchecked `package` entry points: callers
/// own the shapes). BLAS would run them as GEMMs one side of which is `m` wide, packing the chunk
/// of `X` for `m` FMAs per entry; these kernels keep a tile of 6 rows (or classes) × 8 columns in
/// registers and stream `X` as it lies.
package enum ClassProductKernels {
    /// Columns of a packed panel of `m` class rows (`m` rounded up to 4).
    @inlinable
    package static func panelWidth(classes m: Int) -> Int { linalg_class_panel_width(m) }

    /// `packed` (`d × panelWidth(m)`) `= Vᵀ` for `V` (`m × d`, leading dimension `ldv`), zero in
    /// the columns past `m`.
    @inlinable
    package static func pack(
        classes m: Int, features d: Int, _ v: UnsafePointer<Double>, ldv: Int, into packed: UnsafeMutablePointer<Double>
    ) {
        linalg_pack_class_rows(m, d, v, ldv, packed)
    }

    /// `Z` (`rows × m`, leading dimension `ldz`) `= X Vᵀ`, `V` packed by ``pack(classes:features:_:ldv:into:)``.
    @inlinable
    package static func scores(
        rows: Int, features d: Int, classes m: Int, x: UnsafePointer<Double>, ldx: Int,
        packed: UnsafePointer<Double>, z: UnsafeMutablePointer<Double>, ldz: Int, reference: Bool = false
    ) {
        if reference {
            linalg_class_scores_ref(rows, d, m, x, ldx, packed, z, ldz)
        } else {
            linalg_class_scores(rows, d, m, x, ldx, packed, z, ldz)
        }
    }

    /// `S` (`m × d`, leading dimension `lds`) `+= Uᵀ X` for `U` `rows × m` (leading dimension `ldu`).
    @inlinable
    package static func sums(
        rows: Int, features d: Int, classes m: Int, u: UnsafePointer<Double>, ldu: Int,
        x: UnsafePointer<Double>, ldx: Int, s: UnsafeMutablePointer<Double>, lds: Int, reference: Bool = false
    ) {
        if reference {
            linalg_class_sums_ref(rows, d, m, u, ldu, x, ldx, s, lds)
        } else {
            linalg_class_sums(rows, d, m, u, ldu, x, ldx, s, lds)
        }
    }
}
