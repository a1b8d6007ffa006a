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

static inline double dot_ref(const int32_t *restrict idx, const double *restrict val, size_t count,
                             const double *restrict v) {
    double s[4] = {0, 0, 0, 0};
    size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        for (int l = 0; l < 4; ++l) s[l] += val[k + l] * v[idx[k + l]];
    }
    for (int l = 0; k < count; ++k, ++l) s[l] += val[k] * v[idx[k]];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

void linalg_csr_dmv_ref(size_t r0, size_t r1, const int64_t *restrict offsets, const int32_t *restrict indices,
                        const double *restrict values, const double *restrict v, double *restrict y) {
    for (size_t i = r0; i < r1; ++i) {
        const int64_t start = offsets[i];
        y[i] = dot_ref(indices + start, values + start, (size_t)(offsets[i + 1] - start), v);
    }
}

void linalg_csr_dmtv_ref(size_t r0, size_t r1, const int64_t *restrict offsets, const int32_t *restrict indices,
                         const double *restrict values, const double *restrict u, double *restrict out) {
    for (size_t i = r0; i < r1; ++i) {
        const double ui = u[i];
        if (ui == 0) continue;
        for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) out[indices[k]] += ui * values[k];
    }
}

double linalg_csr_gram_dmv_ref(size_t r0, size_t r1, const int64_t *restrict offsets,
                               const int32_t *restrict indices, const double *restrict values,
                               const double *restrict d, const double *restrict v, double shift,
                               double *restrict out) {
    double total = 0;
    for (size_t i = r0; i < r1; ++i) {
        const int64_t start = offsets[i], count = offsets[i + 1] - start;
        const double t = d[i] * (dot_ref(indices + start, values + start, (size_t)count, v) + shift);
        total += t;
        if (t == 0) continue;
        for (int64_t k = start; k < start + count; ++k) out[indices[k]] += t * values[k];
    }
    return total;
}

void linalg_csr_gradient_diagonal_ref(size_t r0, size_t r1, const int64_t *restrict offsets,
                                      const int32_t *restrict indices, const double *restrict values,
                                      const double *restrict r, const double *restrict d, double *restrict g,
                                      double *restrict h) {
    for (size_t i = r0; i < r1; ++i) {
        const double ri = r[i], di = d[i];
        for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
            const double x = values[k];
            g[indices[k]] += ri * x;
            h[indices[k]] += di * x * x;
        }
    }
}
