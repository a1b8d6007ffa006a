#ifndef CLINALG_LAPACKE_SHIM_H
#define CLINALG_LAPACKE_SHIM_H
// Debian's liblapacke-dev. `lapack_int` is a #define that Swift cannot import; the Swift side
// passes Int32, which this assertion pins.
#include <lapacke.h>

_Static_assert(sizeof(lapack_int) == 4, "Linalg expects 32-bit LAPACK integers (LP64 LAPACKE)");
#endif
