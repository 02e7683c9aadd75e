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
#include <stddef.h>

typedef struct cx_progress {
    bool on;
    int total, done;
    double t0;
    int width;       /* of the last line drawn, to blank it */
    bool own_eta;    /* the caller's notes say what is left (the average of the
                        done items would not: a ramp waits between steps) */
    char label[64];
} cx_progress;

/* Shown when !quiet and stderr is a terminal. */
void cx_progress_start(cx_progress *p, const char *label, int total, bool quiet);
/* One more item done; `what` (may be NULL) names it. */
void cx_progress_step(cx_progress *p, const char *what);
/* Redraws the line with `what` (may be NULL) as its note, nothing more done:
 * for a wait between items ("next step in 14 min 32 s"). */
void cx_progress_note(cx_progress *p, const char *what);
/* "42 s", "14 min 32 s", "2 h 05 min". */
void cx_progress_duration(char *buf, size_t n, double s);
/* Erases the line, so what follows starts clean. */
void cx_progress_end(cx_progress *p);

#endif
