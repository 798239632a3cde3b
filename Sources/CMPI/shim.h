// The MPI C API for Swift (DistributedDiffusion, built only with the `MPI`
// package trait).
//
// Swift imports functions and plain integer constants from <mpi.h>, but not
// the handles that implementations define as macros over addresses or casts
// (Open MPI: `#define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(MPI_Comm,
// ompi_mpi_comm_world)`; MPICH: integer casts). These inline functions return
// them, so the Swift code is the same for Open MPI and MPICH.
#ifndef DIFFUSE_CMPI_SHIM_H
#define DIFFUSE_CMPI_SHIM_H

#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm cmpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_int(void) { return MPI_INT; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype cmpi_datatype_null(void) { return MPI_DATATYPE_NULL; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline MPI_Op cmpi_min(void) { return MPI_MIN; }
static inline MPI_Op cmpi_max(void) { return MPI_MAX; }
static inline MPI_Info cmpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Request cmpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *cmpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline MPI_File cmpi_file_null(void) { return MPI_FILE_NULL; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline int cmpi_proc_null(void) { return MPI_PROC_NULL; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
static inline int cmpi_order_c(void) { return MPI_ORDER_C; }
static inline int cmpi_mode_create_wronly(void) { return MPI_MODE_CREATE | MPI_MODE_WRONLY; }
static inline int cmpi_mode_rdonly(void) { return MPI_MODE_RDONLY; }
static inline int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }

/// The text of an MPI error code, written into `buffer` (NUL-terminated).
static inline void cmpi_error_string(int code, char *buffer, int capacity) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    if (length >= capacity) length = capacity - 1;
    for (int i = 0; i < length; i++) buffer[i] = text[i];
    buffer[length < 0 ? 0 : length] = 0;
}

#endif
