#ifndef CLINALG_BLAS_SHIM_H
#define CLINALG_BLAS_SHIM_H
// Debian's libopenblas-dev: CBLAS plus OpenBLAS's runtime controls
// (openblas_set_num_threads, openblas_get_num_threads, openblas_get_corename).
#include <cblas.h>

_Static_assert(sizeof(blasint) == 4, "Linalg expects 32-bit BLAS integers (LP64 OpenBLAS)");
#endif
