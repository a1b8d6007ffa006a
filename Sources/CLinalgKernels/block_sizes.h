#ifndef LINALG_BLOCK_SIZES_H
#define LINALG_BLOCK_SIZES_H
// Block and tile sizes of the kernels, in one place (the register tile of the Hessian kernel,
// LINALG_SYRK_TILE, is in the public header: the Swift layer pads rows to it).

/// Bytes in a cache line (prefetches are issued per line).
#define CACHE_LINE 64

/// The L1 data cache the panel kernel plans for: B is packed panel by panel beyond it.
#define PANEL_L1_BYTES (32 * 1024)

/// The largest k whose 16-column panel of B (k x 16 doubles) the panel kernel packs on the stack.
#define PANEL_PACK_MAX_K 64

/// A class-product tile: 6 rows (scores) or 6 classes (sums) by 8 columns (two 256-bit vectors),
/// 12 accumulators; the rows or classes share each load of the other side.
#define CLASS_TILE_ROWS 6
#define CLASS_TILE_COLUMNS 8

/// Values of p per block of the scores kernel: the packed panel's slice (KC x 8 doubles) and six
/// rows' slices stay in L1 (32 KiB) while the rows pass.
#define CLASS_SCORES_KC 128

/// The packed GEMM (gemm_packed.c), BLIS's loops with its Zen block sizes: a register tile of
/// GEMM_MR rows by two vectors (6 x 8 doubles, 6 x 16 floats: 12 accumulators of 256 bits); a
/// GEMM_KC-deep micro-panel of B (16 KiB) stays in L1 while the micro-panels of the MC x GEMM_KC
/// block of A (144 KiB) stream from L2; the GEMM_KC x NC block of B (2 MiB) lives in L3.
#define GEMM_MR 6
#define GEMM_NR_F64 8
#define GEMM_NR_F32 16
#define GEMM_MC_F64 72
#define GEMM_MC_F32 144
#define GEMM_KC 256
#define GEMM_NC_F64 1024
#define GEMM_NC_F32 2048

/// exp's argument is clamped to [EXP_LO, EXP_HI], so 2^n stays a normal double.
#define EXP_LO (-708.0)
#define EXP_HI (709.0)

#endif
