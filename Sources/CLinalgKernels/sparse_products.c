#include "kernel_table.h"
#include <stdint.h>

// Products of a CSR matrix X (row offsets, 32-bit column indices, values) with dense vectors, over
// a range of rows [r0, r1) so that the cores can split the rows:
//   y_i = <x_i, v>                              (linalg_csr_dmv)
//   out += sum_i u_i x_i                        (linalg_csr_dmtv: X^T u, into a core's partial)
//   t_i = d_i (<x_i, v> + shift), out += sum_i t_i x_i, returning sum_i t_i
//                                               (linalg_csr_gram_dmv: X^T D (X v + shift), fused:
//                                                each row is read once, its dot product then its scatter)
//   g += sum_i r_i x_i, h += sum_i d_i x_i^2     (linalg_csr_gradient_diagonal: a gradient and the
//                                                Hessian's diagonal in one pass)
// The dot products keep four partial sums (entries k mod 4), so that four loads of v are in
// flight at once. These portable kernels are the table's on every CPU: an AVX2 version gathering v
// four entries at a time (vgatherdpd) measured 1.8x slower on the AMD EPYC (Zen) this was written
// on, where gathers are microcoded; the scatter of X^T u has no AVX2 instruction at all.
// The bodies are in csr_products_body.h, instantiated for double values (linalg_csr_dmv_ref, ...)
// and for float values with double vectors and sums (linalg_csr_smv_ref, ...).

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define CSR_VALUE double
#define CSR_DOT csr_dot_d
#define CSR_MV linalg_csr_dmv_ref
#define CSR_MTV linalg_csr_dmtv_ref
#define CSR_GRAM linalg_csr_gram_dmv_ref
#define CSR_GRADIENT linalg_csr_gradient_diagonal_ref
#include "csr_products_body.h"
#undef CSR_VALUE
#undef CSR_DOT
#undef CSR_MV
#undef CSR_MTV
#undef CSR_GRAM
#undef CSR_GRADIENT

#define CSR_VALUE float
#define CSR_DOT csr_dot_s
#define CSR_MV linalg_csr_smv_ref
#define CSR_MTV linalg_csr_smtv_ref
#define CSR_GRAM linalg_csr_gram_smv_ref
#define CSR_GRADIENT linalg_csr_gradient_sdiagonal_ref
#include "csr_products_body.h"

