/* cx_mpi.h - the parallel map's MPI backend, for the programs (dialsim,
 * cxopt), not for the libraries: MPI's state is the process's, and only a
 * program's main() may own it.
 *
 * Under `mpirun -n N PROGRAM ...` (or Slurm's `srun`) every rank runs the
 * same command line, parses the same files and builds the same list of
 * units; the backend gives rank r the units r, r + N, r + 2N, ... (spread
 * evenly whatever the cost grows with), runs them on the job's threads
 * inside the rank, and gathers every result into rank 0 (each unit packed
 * by the job's pack, unpacked by its unpack). Rank 0 then writes the one
 * CSV, table, JUnit file, report and plot, byte for byte what one process
 * writes, since every unit depends on its index alone. The ranks run the
 * same build on the same architecture (a result crosses as the bytes its
 * struct holds), as `mpirun PROGRAM` gives them.
 *
 * Ranks other than 0 send stdout and stderr to /dev/null: rank 0 speaks for
 * the job, every unit's error included (errors travel with the results).
 *
 * Built with MPI only when CMake found it (-DCX_MPI=AUTO, the default, or
 * ON); without it, a program started by mpirun with more than one process
 * refuses to run (each would do the whole job) and says how to build it. */
#ifndef CX_MPI_H
#define CX_MPI_H

#include <stdbool.h>

#include "cxcommon.h"

typedef struct cx_mpi cx_mpi;

/* Joins the MPI job when this process was started by mpirun, mpiexec or
 * srun (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK in the environment);
 * otherwise stands for one process and calls no MPI function at all.
 * Returns 0, or -1 with err set (MPI would not start, or the program was
 * built without MPI and started as several processes). */
int cx_mpi_start(int *argc, char ***argv, cx_mpi **out, cx_error *err);
/* This process's rank and the job's size: 0 and 1 for NULL or one process. */
int cx_mpi_rank(const cx_mpi *m);
int cx_mpi_size(const cx_mpi *m);
/* Whether this process writes the job's output (rank 0). */
bool cx_mpi_root(const cx_mpi *m);
/* The backend to pass to cx_map_run: NULL (the threads backend) when the job
 * is one process. */
const cx_map_backend *cx_mpi_backend(cx_mpi *m);
/* Leaves MPI (every rank must call it) and frees m; NULL is fine. */
void cx_mpi_end(cx_mpi *m);

#endif
