#ifndef CLINALG_MPI_SHIM_H
#define CLINALG_MPI_SHIM_H
// What Swift cannot import from Open MPI's <mpi.h>: MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM and the
// other handles are macros taking the address of library globals, so each is returned by a
// static inline function; the calls themselves are plain C and imported as they are.

#include <mpi.h>

static inline MPI_Comm linalg_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype linalg_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype linalg_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype linalg_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op linalg_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op linalg_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op linalg_mpi_min(void) { return MPI_MIN; }
static inline MPI_Errhandler linalg_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int linalg_mpi_success(void) { return MPI_SUCCESS; }
static inline void *linalg_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int linalg_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int linalg_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
