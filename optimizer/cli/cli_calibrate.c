/* cli_calibrate.c - `cxopt calibrate`: the campaign model fitted to the
 * skill's completed contacts (libcxopt's opt_calibrate), written atomically. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cx_progress.h"

/* YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM): epoch seconds,
 * or -1. */
static double parse_date(const char *s)
{
    int y, mo, d, h = 0, mi = 0, used = 0;
    double sec = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return -1;
    const char *p = s + used;
    double off = 0;
    if (*p) {
        if ((*p != 'T' && *p != 't' && *p != ' ') ||
            sscanf(p + 1, "%2d:%2d:%lf%n", &h, &mi, &sec, &used) != 3 || h > 23 || mi > 59 ||
            !(sec >= 0 && sec < 61))
            return -1;
        p += 1 + used;
        int oh, om;
        if ((*p == 'Z' || *p == 'z') && !p[1]) {
        } else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
                   sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
            off = (*p == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
        } else {
            return -1;
        }
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi};
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (double)t + sec - off;
}

/* Writes j to path through a temporary file in the same directory, synced,
 * then renamed: the old file or the new one, never half of either. */
static int write_atomic(const char *path, const cJSON *j)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    char *text = cJSON_Print(j);
    int fd = text ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    int saved = text ? errno : ENOMEM;
    bool ok = fd >= 0;
    if (ok) {
        size_t len = strlen(text), off = 0;
        while (ok && off < len) {
            ssize_t w = write(fd, text + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            off += w > 0 ? (size_t)w : 0;
        }
        ok = ok && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
        saved = errno;
        if (close(fd) != 0 && ok) {
            ok = false;
            saved = errno;
        }
    }
    free(text);
    if (!ok || rename(tmp, path) != 0) {
        if (ok)
            saved = errno;
        if (fd >= 0)
            unlink(tmp);
        cli_error("%s: cannot write: %s (nothing written)", path, strerror(saved));
        return -1;
    }
    return 0;
}

/* Whether `path` can be written by a rename into its directory: checked
 * before the pull, so a typo does not cost one. */
static bool writable(const char *flag, const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!path[0] || (slash && slash[1] == '\0')) {
        cli_error("%s: \"%s\" names no file", flag, path);
        return false;
    }
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error("%s: %s is a directory", flag, path);
        return false;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        cli_error("%s: cannot write in %s: %s", flag, dir, strerror(errno));
        return false;
    }
    return true;
}

static void say_progress(void *ud, long records, long pages)
{
    cx_progress *p = ud;
    char line[96];
    snprintf(line, sizeof line, "%ld records, %ld pages", records, pages);
    cx_progress_note(p, line);
}

static const cJSON *at(const cJSON *o, const char *a, const char *b)
{
    o = cJSON_GetObjectItemCaseSensitive(o, a);
    return b ? cJSON_GetObjectItemCaseSensitive(o, b) : o;
}

/* "name value [lo, hi]" for an estimate {"value", "ci95"} */
static void est(const char *label, const cJSON *e, double scale)
{
    const cJSON *v = at(e, "value", NULL), *ci = at(e, "ci95", NULL);
    if (!cJSON_IsNumber(v) || cJSON_GetArraySize(ci) != 2)
        return;
    printf("  %-30s %10.4f  [%.4f, %.4f]\n", label, v->valuedouble * scale,
           cJSON_GetArrayItem(ci, 0)->valuedouble * scale,
           cJSON_GetArrayItem(ci, 1)->valuedouble * scale);
}

static void print_summary(const cJSON *rep, const char *out)
{
    const cJSON *src = at(rep, "source", NULL), *fit = at(rep, "fit", NULL), *x;
    printf("calibrated skill %s from %s to %s: %g records in %g pages (%g inbound left out)\n",
           at(src, "skillId", NULL)->valuestring, at(src, "since", NULL)->valuestring,
           at(src, "until", NULL)->valuestring, at(src, "records", NULL)->valuedouble,
           at(src, "pages", NULL)->valuedouble, at(src, "inboundSkipped", NULL)->valuedouble);
    printf("  from %s, mapped by %s\n", at(src, "endpoint", NULL)->valuestring,
           at(src, "mapping", NULL)->valuestring);
    cJSON_ArrayForEach(x, at(src, "assumed", NULL)) printf("  assumed: %s\n", x->valuestring);
    printf("  not in CXone's records:");
    cJSON_ArrayForEach(x, at(src, "notInRecords", NULL)) printf(" %s", x->valuestring);
    printf(" (AMD's rates cannot be identified from dispositions)\n");
    printf("  estimates (95%% intervals):\n");
    cJSON_ArrayForEach(x, at(fit, "hourly", NULL))
    {
        char lab[48];
        snprintf(lab, sizeof lab, "live share %%, hour %d (UTC)",
                 at(x, "hour", NULL)->valueint);
        est(lab, at(x, "live", NULL), 100);
    }
    est("machine share %", at(fit, "machineProbability", NULL), 100);
    est("busy share %", at(fit, "busyProbability", NULL), 100);
    est("invalid-number share %", at(fit, "invalidProbability", NULL), 100);
    static const char *const dur[] = {"ringTime", "talkTime", "wrapTime"};
    for (int i = 0; i < 3; i++) {
        const cJSON *d = at(fit, dur[i], NULL), *c = at(d, "chosen", NULL);
        if (!cJSON_IsString(c))
            continue;
        char lab[48];
        snprintf(lab, sizeof lab, "%s mean s (%s)", dur[i], c->valuestring);
        est(lab, at(d, "mean", NULL), 1);
    }
    est("patience threshold s", at(fit, "patience", "threshold"), 1);
    printf("  agents by hour:");
    cJSON_ArrayForEach(x, at(fit, "agents", NULL))
        printf(" %d:%d", at(x, "hour", NULL)->valueint, at(x, "agents", NULL)->valueint);
    printf("\nmodel written to %s\n", out);
}

int cli_calibrate(cli_args *a)
{
    if (a->n_operands) {
        cli_error("calibrate takes no operand \"%s\"", a->operands[0]);
        return EXIT_USAGE;
    }
    if (!a->since || !a->out) {
        cli_error("calibrate needs --since DATE and --out MODEL.json");
        return EXIT_USAGE;
    }
    opt_calibrate_options co = {.page_size = a->page_size};
    if ((co.since = parse_date(a->since)) < 0) {
        cli_error("--since: expected YYYY-MM-DD or an RFC 3339 time, got \"%s\"", a->since);
        return EXIT_USAGE;
    }
    if (a->until && (co.until = parse_date(a->until)) < 0) {
        cli_error("--until: expected YYYY-MM-DD or an RFC 3339 time, got \"%s\"", a->until);
        return EXIT_USAGE;
    }
    if (!writable("--out", a->out) || (a->report && !writable("--report", a->report)))
        return EXIT_USAGE;
    if (!a->until) /* calls still in progress are not completed contacts yet */
        co.until = floor((double)time(NULL)) - 1800;
    if (!(co.until > co.since)) {
        cli_error("--since (%s) must come before --until (%s)", a->since,
                  a->until ? a->until : "half an hour ago");
        return EXIT_USAGE;
    }
    opt_optimizer *o = NULL;
    cx_error err = {0};
    a->s.predict = false;
    opt_status st = opt_optimizer_create(&a->s, &o, &err);
    if (st != OPT_OK) {
        cli_error("%s", err.msg);
        return st == OPT_EUSAGE || st == OPT_EINVAL ? EXIT_USAGE : EXIT_FAILED;
    }
    cx_progress prog;
    cx_progress_start(&prog, "calibrate", 0, a->quiet);
    co.progress = say_progress;
    co.progress_ud = &prog;
    cJSON *model = NULL, *report = NULL;
    st = opt_calibrate(o, &co, &model, &report, &err);
    cx_progress_end(&prog);
    opt_optimizer_destroy(o);
    int rc = EXIT_OK;
    if (st != OPT_OK) {
        cli_error("%s", err.msg);
        rc = st == OPT_EUSAGE || st == OPT_EINVAL ? EXIT_USAGE : EXIT_FAILED;
    } else if (write_atomic(a->out, model) != 0 ||
               (a->report && write_atomic(a->report, report) != 0)) {
        rc = EXIT_FAILED;
    } else if (a->json) {
        char *s = cJSON_Print(report);
        if (s)
            puts(s);
        free(s);
    } else {
        print_summary(report, a->out);
    }
    cJSON_Delete(model);
    cJSON_Delete(report);
    return rc;
}
