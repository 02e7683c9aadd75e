/* run_svg.h - a small SVG line chart for the HTML report (internal). */
#ifndef RUN_SVG_H
#define RUN_SVG_H

#include <stdarg.h>

#include "cxcommon.h"

/* Text appended to a capped buffer; the first failure sticks in `failed`. */
typedef struct run__out {
    cx_buf b;
    int failed;
} run__out;

void run__put(run__out *o, const char *fmt, ...) CX_PRINTF(2, 3);
/* `s` HTML-escaped (& < > " '). */
void run__esc(run__out *o, const char *s);

/* One chart: x in hours over [x0, x1], y over [y0, y1], drawn w x h px. */
typedef struct run__chart {
    run__out *o;
    double x0, x1, y0, y1;
    int w, h;
} run__chart;

/* Opens the <svg> with a title, axes, grid and tick labels (y times
 * `yscale`, with `decimals` decimals). */
void run__chart_begin(run__chart *c, const char *title, int decimals, double yscale);
/* A shaded vertical band over [from, until] hours with a label. */
void run__chart_band(run__chart *c, double from, double until, const char *label);
/* A dashed horizontal line at y with a label at its right end. */
void run__chart_hline(run__chart *c, double y, const char *color, const char *label);
/* A polyline through the points (NaN ys break it); `step` draws it as a
 * staircase (a setting holds until the next change). */
void run__chart_line(run__chart *c, const double *x, const double *y, int n, const char *color,
                     int step, const char *label);
/* A mark at (x, y): a circle, with a tooltip. */
void run__chart_mark(run__chart *c, double x, double y, const char *color, const char *tip);
/* A legend entry (colour, text) under the plot, at slot i. */
void run__chart_legend(run__chart *c, int i, const char *color, const char *text);
/* A note in red inside the plot's top left, line `i` (a failed expectation). */
void run__chart_note(run__chart *c, int i, const char *text);
void run__chart_end(run__chart *c);

#endif
