/* cx_progress.h - a progress line for the command-line tools (dialsim,
 * cxopt), not for the libraries, which never print.
 *
 * Shown on stderr only when stderr is a terminal and the user did not ask
 * for quiet: "\r<label>: 3 of 13 done (23%), 4.1 s elapsed, about 12 s left
 * [last: NAME]". Piped or redirected output never carries it. The ETA
 * assumes the remaining items take as long, on average, as the done ones.
 * Updates may come from several threads: the caller serialises them (cxopt
 * calls it under its job lock). */
#ifndef CX_PROGRESS_H
#define CX_PROGRESS_H

#include <stdbool.h>

typedef struct cx_progress {
    bool on;
    int total, done;
    double t0;
    int width;       /* of the last line drawn, to blank it */
    char label[64];
} cx_progress;

/* Shown when !quiet and stderr is a terminal. */
void cx_progress_start(cx_progress *p, const char *label, int total, bool quiet);
/* One more item done; `what` (may be NULL) names it. */
void cx_progress_step(cx_progress *p, const char *what);
/* Erases the line, so what follows starts clean. */
void cx_progress_end(cx_progress *p);

#endif
