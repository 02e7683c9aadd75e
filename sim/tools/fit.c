/* fit.c - `dialsim fit RECORDS.csv... --out model.json [--columns MAP.json]
 * [--report FILE.json]`: the campaign model fitted to call records
 * (libdialsim's sim_fit, see dialsim_fit.h), and `dialsim run --records`'s
 * writer. The model is written to a temporary file and renamed into place:
 * nothing is half-written. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx_plot.h"
#include "dialsim_fit.h"
#include "tools.h"

/* --------------------------------------------------- records out (run) */

static void write_row(void *ctx, const sim_attempt *a)
{
    dialsim_records *r = ctx;
    char buf[SIM_RECORD_MAX];
    size_t n = sim_record_format(a, buf);
    if (fwrite(buf, 1, n, r->out) != n)
        r->failed = true;
}

int dialsim_records_open(dialsim_records *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    snprintf(r->tmp, sizeof r->tmp, "%s.tmp%ld", path, (long)getpid());
    r->out = fopen(r->tmp, "w");
    if (!r->out) {
        fprintf(stderr, "dialsim: %s: cannot write\n", r->tmp);
        return -1;
    }
    setvbuf(r->out, NULL, _IOFBF, 1 << 20);
    fputs(SIM_RECORD_HEADER, r->out);
    r->hook.attempt = write_row;
    r->hook.ctx = r;
    return 0;
}

int dialsim_records_close(dialsim_records *r, bool keep)
{
    if (!r->out)
        return 0;
    bool bad = fclose(r->out) != 0 || r->failed;
    r->out = NULL;
    if (!keep || bad || rename(r->tmp, r->path) != 0) {
        unlink(r->tmp);
        if (keep)
            fprintf(stderr, "dialsim: %s: could not write the records\n", r->path);
        return keep ? -1 : 0;
    }
    return 0;
}

/* ------------------------------------------------------------ dialsim fit */

/* The fitted against the empirical CDFs, the hourly live share with its
 * Wilson interval and the patience's Kaplan-Meier curve, in one picture. */
static int plot(const char *out, const cJSON *rep)
{
    cx_plot p;
    cx_plot_init(&p, "dialsim", out);
    FILE *d = cx_plot_data(&p);
    if (!d)
        return -1;
    const char *data = p.data;
    static const char *const dur[] = {"ringTime", "talkTime", "wrapTime"};
    for (int i = 0; i < 3; i++) { /* blocks 0-2: t, empirical, fitted */
        const cJSON *pts = cJSON_GetObjectItem(cJSON_GetObjectItem(rep, dur[i]), "cdf");
        const cJSON *pt;
        fputs("0 0 0\n", d);
        cJSON_ArrayForEach(pt, pts)
            fprintf(d, "%g %g %g\n", cJSON_GetArrayItem(pt, 0)->valuedouble,
                    cJSON_GetArrayItem(pt, 1)->valuedouble, cJSON_GetArrayItem(pt, 2)->valuedouble);
        fputs("\n\n", d);
    }
    const cJSON *h; /* block 3: hour, live, lo, hi */
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(rep, "hourly"))
    {
        const cJSON *l = cJSON_GetObjectItem(h, "live"), *ci = cJSON_GetObjectItem(l, "ci95");
        fprintf(d, "%d %g %g %g\n", cJSON_GetObjectItem(h, "hour")->valueint,
                100 * cJSON_GetObjectItem(l, "value")->valuedouble,
                100 * cJSON_GetArrayItem(ci, 0)->valuedouble,
                100 * cJSON_GetArrayItem(ci, 1)->valuedouble);
    }
    fputs("\n\n0 1\n", d); /* block 4: Kaplan-Meier, t survival */
    const cJSON *pat = cJSON_GetObjectItem(rep, "patience"), *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItem(pat, "kaplanMeier"))
        fprintf(d, "%g %g\n", cJSON_GetObjectItem(k, "t")->valuedouble,
                cJSON_GetObjectItem(k, "survival")->valuedouble);
    FILE *g = cx_plot_start(&p, 1500, 900);
    if (!g)
        return -1;
    fprintf(g, "set grid\nset key bottom right\n");
    fprintf(g, "set multiplot layout 2,3 title 'dialsim fit: %g records'\n",
            cJSON_GetObjectItem(rep, "records")->valuedouble);
    for (int i = 0; i < 3; i++) {
        const cJSON *x = cJSON_GetObjectItem(rep, dur[i]);
        const cJSON *c = cJSON_GetObjectItem(x, "chosen");
        if (!cJSON_GetObjectItem(x, "cdf")) {
            fprintf(g, "set title '%s: %s'\nunset xlabel\nplot 0 notitle\n", dur[i],
                    cJSON_IsString(c) ? c->valuestring : "no sample");
            continue;
        }
        fprintf(g, "set title '%s: %s (KS %.4f)'\nset xlabel 'seconds'\nset ylabel 'CDF'\n",
                dur[i], c->valuestring, cJSON_GetObjectItem(x, "ks")->valuedouble);
        fprintf(g, "plot '%s' index %d using 1:2 with steps lw 3 lc rgb '#999999' title "
                   "'empirical', '' index %d using 1:3 with lines lw 1.5 lc rgb 'red' title "
                   "'fitted'\n",
                data, i, i);
    }
    fprintf(g, "set title 'live answers per attempt, by hour (95%% Wilson)'\n"
               "set xlabel 'hour of the day'\nset ylabel '%%'\nset xrange [-0.5:23.5]\n"
               "plot '%s' index 3 using 1:2:3:4 with yerrorbars pt 7 lc rgb 'blue' notitle\n"
               "set xrange [*:*]\n",
            data);
    fprintf(g, "set title 'patience: Kaplan-Meier (connected waits censored)'\n"
               "set xlabel 'seconds at the ACD'\nset ylabel 'still waiting'\n"
               "set yrange [0:1.05]\nplot '%s' index 4 using 1:2 with steps lw 2 notitle\n"
               "unset multiplot\n",
            data);
    return cx_plot_end(&p);
}

static int write_json(const char *path, const cJSON *j)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    char *s = cJSON_Print(j);
    FILE *f = s ? fopen(tmp, "w") : NULL;
    bool ok = f && fputs(s, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = false;
    free(s);
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        fprintf(stderr, "dialsim: %s: cannot write\n", path);
        return -1;
    }
    return 0;
}

static double num(const cJSON *o, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
        o = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

/* "label  value  [lo, hi]" for the estimate {"value", "ci95"} at path */
static void est_row(const cJSON *rep, const char *path, const char *label, double scale)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *o = rep;
    for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
        o = cJSON_GetObjectItemCaseSensitive(o, k);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "value");
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(o, "ci95");
    if (!cJSON_IsNumber(v) || cJSON_GetArraySize(ci) != 2)
        return;
    printf("  %-28s %12.4f  [%.4f, %.4f]\n", label, v->valuedouble * scale,
           cJSON_GetArrayItem(ci, 0)->valuedouble * scale,
           cJSON_GetArrayItem(ci, 1)->valuedouble * scale);
}

static void duration_rows(const cJSON *rep, const char *key, const char *label)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(rep, key);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(d, "chosen");
    if (!cJSON_IsString(c)) {
        printf("  %-28s no sample\n", label);
        return;
    }
    printf("  %-28s %s (n %g", label, c->valuestring, num(d, "n"));
    if (!isnan(num(d, "ks")))
        printf(", KS %.4f", num(d, "ks"));
    printf(")\n");
    static const char *const params[] = {"mean", "sd", "shape", "scale", "min", "max", "value"};
    for (size_t i = 0; i < sizeof params / sizeof *params; i++) {
        char lab[64];
        snprintf(lab, sizeof lab, "  %s", params[i]);
        est_row(d, params[i], lab, 1);
    }
}

/* The report as a table: every estimate with its 95% interval. */
static void print_table(const cJSON *rep)
{
    printf("dialsim fit: %g records (95%% intervals)\n", num(rep, "records"));
    printf("  live answers per attempt, by hour:\n");
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(rep, "hourly"))
    {
        char lab[64];
        snprintf(lab, sizeof lab, "  hour %2d (%g attempts)", cJSON_GetObjectItem(h, "hour")->valueint,
                 num(h, "attempts"));
        est_row(h, "live", lab, 100);
    }
    est_row(rep, "machineProbability", "machine share (%)", 100);
    est_row(rep, "busyProbability", "busy share (%)", 100);
    est_row(rep, "invalidProbability", "invalid-number share (%)", 100);
    duration_rows(rep, "ringTime", "ring time (s)");
    duration_rows(rep, "talkTime", "talk time (s)");
    duration_rows(rep, "wrapTime", "wrap time (s)");
    est_row(rep, "noAnswerTimeout", "no-answer ring (s)", 1);
    const cJSON *na = cJSON_GetObjectItem(cJSON_GetObjectItem(rep, "noAnswerTimeout"), "note");
    if (cJSON_IsString(na))
        printf("    %s\n", na->valuestring);
    est_row(rep, "busyTime", "busy signal (s)", 1);
    est_row(rep, "invalidTime", "invalid number's tones (s)", 1);
    const cJSON *amd = cJSON_GetObjectItem(rep, "amd");
    if (cJSON_GetObjectItem(amd, "detection")) {
        bool ok = cJSON_IsTrue(cJSON_GetObjectItem(amd, "identifiable"));
        est_row(amd, "detection", ok ? "AMD detection (%)" : "AMD hang-ups of machines (%)", 100);
        if (ok)
            est_row(amd, "falsePositive", "AMD false positives (%)", 100);
        else
            printf("  AMD detection and false positives cannot be identified without the "
                   "truth\n");
        duration_rows(amd, "decisionTime", "AMD decision time (s)");
    } else {
        printf("  no AMD\n");
    }
    const cJSON *pat = cJSON_GetObjectItem(rep, "patience");
    printf("  patience: %g waits, %g abandons\n", num(pat, "waits"), num(pat, "abandons"));
    est_row(pat, "threshold", "  threshold (s)", 1);
    est_row(pat, "exponentialMean", "  censored exponential mean", 1);
    const cJSON *note = cJSON_GetObjectItem(pat, "note");
    if (cJSON_IsString(note))
        printf("    %s\n", note->valuestring);
    printf("  agents by hour:");
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(rep, "agents"))
        printf(" %d:%d", cJSON_GetObjectItem(h, "hour")->valueint,
               cJSON_GetObjectItem(h, "agents")->valueint);
    printf("\n");
}

int dialsim_fit(int argc, char **argv)
{
    const char *out = NULL, *map_path = NULL, *report_path = NULL, *plot_path = NULL;
    bool json = false;
    const char *files[64];
    int nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--columns") == 0 && i + 1 < argc) {
            map_path = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--plot") == 0 && i + 1 < argc) {
            plot_path = argv[++i];
        } else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
            report_path = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "dialsim: fit: unknown option %s (see dialsim --help)\n", argv[i]);
            return 2;
        } else if (nfiles < 64) {
            files[nfiles++] = argv[i];
        } else {
            fprintf(stderr, "dialsim: fit: at most 64 records files\n");
            return 2;
        }
    }
    if (!nfiles || !out) {
        fprintf(stderr, "dialsim: fit needs RECORDS.csv and --out model.json\n");
        return 2;
    }
    cx_error err = {0};
    cJSON *map = NULL;
    if (map_path && !(map = cx_json_load_file(map_path, &err))) {
        fprintf(stderr, "dialsim: %s\n", err.msg);
        return 2;
    }
    sim_fit *f = NULL;
    int rc = 2;
    cJSON *model = NULL, *report = NULL;
    if (sim_fit_create(map, map_path, &f, &err) != SIM_OK)
        goto done;
    for (int i = 0; i < nfiles; i++)
        if (sim_fit_add_file(f, files[i], &err) != SIM_OK)
            goto done;
    if (sim_fit_result(f, &model, &report, &err) != SIM_OK)
        goto done;
    rc = 1;
    if (write_json(out, model) != 0 || (report_path && write_json(report_path, report) != 0) ||
        (plot_path && plot(plot_path, report) != 0))
        goto done;
    if (json) {
        char *s = cJSON_Print(report);
        if (s)
            puts(s);
        free(s);
    } else {
        print_table(report);
    }
    rc = 0;
done:
    if (rc == 2)
        fprintf(stderr, "dialsim: %s\n", err.msg);
    cJSON_Delete(model);
    cJSON_Delete(report);
    cJSON_Delete(map);
    sim_fit_destroy(f);
    return rc;
}
