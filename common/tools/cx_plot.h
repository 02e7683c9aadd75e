/* cx_plot.h - the gnuplot plumbing of the command-line tools' plots
 * (dialsim sweep and fit, cxopt compare), not for the libraries, which
 * never print or start processes. The plots themselves stay with their
 * commands; what they share is here:
 *
 *   cx_plot_init   the program's name (for messages) and the output file;
 *   cx_plot_data   optional: a temporary data file beside the output,
 *                  OUT.data.PID (p->data), for the script to read;
 *   cx_plot_start  gnuplot on a pipe, its terminal chosen by the output's
 *                  extension (.png: pngcairo, else svg; white background)
 *                  and its output set to a temporary file beside OUT: the
 *                  caller writes the script;
 *   cx_plot_end    waits for gnuplot, renames its output into place when
 *                  it succeeded (else removes it: nothing is half-written),
 *                  and removes the data file.
 *
 * Errors are printed on stderr as "PROG: ..." (no gnuplot on the PATH is
 * said as such); a call that fails (NULL, -1) has already closed what it
 * opened and removed its files, so the caller only returns. Paths must not
 * hold a single quote (gnuplot's string delimiter). */
#ifndef CX_PLOT_H
#define CX_PLOT_H

#include <stdio.h>

typedef struct cx_plot {
    const char *prog, *out;
    char data[4200]; /* the data file's path; "" when there is none */
    char tmp[4200];  /* gnuplot's output until it succeeded */
    FILE *d, *g;
} cx_plot;

void cx_plot_init(cx_plot *p, const char *prog, const char *out);
/* Opens p->data for writing; the stream, or NULL. */
FILE *cx_plot_data(cx_plot *p);
/* Closes the data file (if any) and starts gnuplot at width x height
 * pixels; gnuplot's stdin, or NULL. */
FILE *cx_plot_start(cx_plot *p, int width, int height);
/* Ends gnuplot and removes the data file: 0, or -1 when gnuplot failed. */
int cx_plot_end(cx_plot *p);

#endif
