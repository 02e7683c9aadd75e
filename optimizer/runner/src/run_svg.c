/* run_svg.c - SVG line charts written directly, for the HTML report.
 *
 * Written here rather than with gnuplot: the report needs shaded bands,
 * marks with tooltips and a class on each chart (for the browser tests) in
 * one self-contained file per page, and a few hundred bytes of <path> per
 * series keep the whole library's report small; gnuplot would be a process
 * per chart and an SVG to splice into HTML. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_svg.h"

#define ML 56 /* margins: left, right, top, bottom (legend) */
#define MR 12
#define MT 24
#define MB 40

void run__put(run__out *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        if (cx_buf_append(&o->b, small, (size_t)n) != 0)
            o->failed = 1;
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big) {
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (!big || cx_buf_append(&o->b, big, (size_t)n) != 0)
        o->failed = 1;
    free(big);
}

void run__esc(run__out *o, const char *s)
{
    for (; s && *s && !o->failed; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (cx_buf_append(&o->b, rep ? rep : s, rep ? strlen(rep) : 1) != 0)
            o->failed = 1;
    }
}

static double px(const run__chart *c, double x)
{
    double span = c->x1 > c->x0 ? c->x1 - c->x0 : 1;
    return ML + (x - c->x0) / span * (c->w - ML - MR);
}

static double py(const run__chart *c, double y)
{
    double span = c->y1 > c->y0 ? c->y1 - c->y0 : 1;
    if (y < c->y0)
        y = c->y0;
    if (y > c->y1)
        y = c->y1;
    return c->h - MB - (y - c->y0) / span * (c->h - MT - MB);
}

void run__chart_begin(run__chart *c, const char *title, int decimals, double yscale)
{
    run__out *o = c->o;
    run__put(o, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
                "font-size=\"11\">\n",
             c->w, c->h, c->w, c->h);
    run__put(o, "<text x=\"%d\" y=\"15\" font-weight=\"bold\">", ML);
    run__esc(o, title);
    run__put(o, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
                "stroke=\"#999\"/>\n",
             ML, MT, c->w - ML - MR, c->h - MT - MB);
    for (int i = 0; i <= 4; i++) {
        double y = c->y0 + (c->y1 - c->y0) * i / 4;
        char lab[32];
        snprintf(lab, sizeof lab, "%.*f", decimals, y * yscale);
        run__put(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                 ML, c->w - MR, py(c, y), py(c, y), ML - 4, py(c, y) + 4, lab);
    }
    double span = c->x1 - c->x0, step = span <= 6 ? 1 : span <= 24 ? 4 : span <= 72 ? 12 : 24;
    for (double x = ceil(c->x0 / step) * step; x <= c->x1 + 1e-9; x += step)
        run__put(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%gh</text>\n", px(c, x),
                 c->h - MB + 14, x);
}

void run__chart_band(run__chart *c, double from, double until, const char *label)
{
    if (until < from)
        return;
    double a = px(c, from < c->x0 ? c->x0 : from), b = px(c, until > c->x1 ? c->x1 : until);
    run__put(c->o, "<rect class=\"fault\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                   "fill=\"#f5a623\" fill-opacity=\"0.22\"><title>fault: ",
             a, MT, b - a > 1 ? b - a : 1, c->h - MT - MB);
    run__esc(c->o, label);
    run__put(c->o, "</title></rect>\n");
}

void run__chart_hline(run__chart *c, double y, const char *color, const char *label)
{
    run__put(c->o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-dasharray=\"6 4\" stroke-width=\"1.5\"/><text x=\"%d\" y=\"%.1f\" "
                   "text-anchor=\"end\" fill=\"%s\">",
             ML, c->w - MR, py(c, y), py(c, y), color, c->w - MR - 4, py(c, y) - 4, color);
    run__esc(c->o, label);
    run__put(c->o, "</text>\n");
}

void run__chart_line(run__chart *c, const double *x, const double *y, int n, const char *color,
                     int step, const char *label)
{
    run__put(c->o, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
             color);
    int pen = 0;
    double last = NAN;
    for (int i = 0; i < n; i++) {
        if (isnan(y[i])) {
            pen = 0;
            continue;
        }
        if (pen && step && !isnan(last))
            run__put(c->o, "L%.1f %.1f", px(c, x[i]), py(c, last));
        run__put(c->o, "%c%.1f %.1f", pen ? 'L' : 'M', px(c, x[i]), py(c, y[i]));
        pen = 1;
        last = y[i];
    }
    run__put(c->o, "\"><title>");
    run__esc(c->o, label);
    run__put(c->o, "</title></path>\n");
}

void run__chart_mark(run__chart *c, double x, double y, const char *color, const char *tip)
{
    run__put(c->o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#fff\">"
                   "<title>",
             px(c, x), py(c, y), color);
    run__esc(c->o, tip);
    run__put(c->o, "</title></circle>\n");
}

void run__chart_legend(run__chart *c, int i, const char *color, const char *text)
{
    int x = ML + i * 150, y = c->h - 8;
    run__put(c->o, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"8\" fill=\"%s\"/>"
                   "<text x=\"%d\" y=\"%d\">",
             x, y - 8, color, x + 16, y);
    run__esc(c->o, text);
    run__put(c->o, "</text>\n");
}

void run__chart_note(run__chart *c, int i, const char *text)
{
    run__put(c->o, "<text class=\"failed-expectation\" x=\"%d\" y=\"%d\" fill=\"#c92a2a\" "
                   "font-weight=\"bold\">&#10007; ",
             ML + 6, MT + 14 + 14 * i);
    run__esc(c->o, text);
    run__put(c->o, "</text>\n");
}

void run__chart_end(run__chart *c) { run__put(c->o, "</svg>\n"); }
