// The CSR products of sparse_products.c for one value type, included once per type with
// CSR_VALUE (the matrix's values: double or float), CSR_DOT, CSR_MV, CSR_MTV, CSR_GRAM and
// CSR_GRADIENT (the functions' names) defined. Vectors, products and sums are double whatever the
// values: a float value widens exactly, so float values give the bits of the same values stored
// as doubles, with a third less memory traffic per non-zero (4 + 4 bytes instead of 8 + 4).
// No include guard: meant to be included more than once.

static inline double CSR_DOT(const int32_t *restrict idx, const CSR_VALUE *restrict val, size_t count,
                             const double *restrict v) {
    double s[4] = {0, 0, 0, 0};
    size_t k = 0;
    for (; k + 4 <= count; k += 4) {
        for (int l = 0; l < 4; ++l) s[l] += (double)val[k + l] * v[idx[k + l]];
    }
    for (int l = 0; k < count; ++k, ++l) s[l] += (double)val[k] * v[idx[k]];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

void CSR_MV(size_t r0, size_t r1, const int64_t *restrict offsets, const int32_t *restrict indices,
            const CSR_VALUE *restrict values, const double *restrict v, double *restrict y) {
    for (size_t i = r0; i < r1; ++i) {
        const int64_t start = offsets[i];
        y[i] = CSR_DOT(indices + start, values + start, (size_t)(offsets[i + 1] - start), v);
    }
}

void CSR_MTV(size_t r0, size_t r1, const int64_t *restrict offsets, const int32_t *restrict indices,
             const CSR_VALUE *restrict values, const double *restrict u, double *restrict out) {
    for (size_t i = r0; i < r1; ++i) {
        const double ui = u[i];
        if (ui == 0) continue;
        for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) out[indices[k]] += ui * (double)values[k];
    }
}

double CSR_GRAM(size_t r0, size_t r1, const int64_t *restrict offsets,
                const int32_t *restrict indices, const CSR_VALUE *restrict values,
                const double *restrict d, const double *restrict v, double shift,
                double *restrict out) {
    double total = 0;
    for (size_t i = r0; i < r1; ++i) {
        const int64_t start = offsets[i], count = offsets[i + 1] - start;
        const double t = d[i] * (CSR_DOT(indices + start, values + start, (size_t)count, v) + shift);
        total += t;
        if (t == 0) continue;
        for (int64_t k = start; k < start + count; ++k) out[indices[k]] += t * (double)values[k];
    }
    return total;
}

void CSR_GRADIENT(size_t r0, size_t r1, const int64_t *restrict offsets,
                  const int32_t *restrict indices, const CSR_VALUE *restrict values,
                  const double *restrict r, const double *restrict d, double *restrict g,
                  double *restrict h) {
    for (size_t i = r0; i < r1; ++i) {
        const double ri = r[i], di = d[i];
        for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
            const double x = (double)values[k];
            g[indices[k]] += ri * x;
            h[indices[k]] += di * x * x;
        }
    }
}
