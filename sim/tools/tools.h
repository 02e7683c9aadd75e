/* tools.h - shared by the dialsim program's commands (not a library API). */
#ifndef DIALSIM_TOOLS_H
#define DIALSIM_TOOLS_H

int dialsim_threads(void);
/* Parses a number in [lo, hi]; prints the error and returns -1. */
int dialsim_number(const char *what, const char *v, double lo, double hi, double *out);
int dialsim_sweep(int argc, char **argv);

#endif
