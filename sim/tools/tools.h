/* tools.h - shared by the dialsim program's commands (not a library API). */
#ifndef DIALSIM_TOOLS_H
#define DIALSIM_TOOLS_H

int dialsim_threads(void);
/* Parses a number in [lo, hi]; prints the error and returns -1. */
int dialsim_number(const char *what, const char *v, double lo, double hi, double *out);
typedef struct cx_mpi cx_mpi;
/* `sweep`; under mpirun the points are spread over the ranks (cx_mpi.h). */
int dialsim_sweep(int argc, char **argv, cx_mpi *mpi);
int dialsim_fit(int argc, char **argv);

#include <stdbool.h>
#include <stdio.h>

#include "dialsim.h"

/* `run --records FILE`: rows streamed to a temporary file, renamed into
 * place when the run succeeded. */
typedef struct dialsim_records {
    const char *path;
    char tmp[4200];
    FILE *out;
    bool failed;
    sim_record_hook hook;
} dialsim_records;

int dialsim_records_open(dialsim_records *r, const char *path);
/* keep: rename into place (else removed); -1 on a write error. */
int dialsim_records_close(dialsim_records *r, bool keep);

#endif
