/* sim_records.c - call records: writing dialsim's rows, and reading any
 * records file (a column map, CSV with simple quoting, numbers, RFC 3339
 * times) into the fit's accumulators, in one pass and fixed memory.
 *
 * Speed: a row is split in place and its numbers read by a short decimal
 * loop (strtod only for exponents and the like); the file is read in 1 MiB
 * blocks, a line longer than 64 KiB is an error. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_fit.h"
#include "sim_json_number.h"
#include "sim_model.h"

/* ------------------------------------------------------------ writing */

/* x to the millisecond; nothing for NAN */
static char *put_ms(char *p, double x)
{
    if (isnan(x))
        return p;
    if (x < 0) {
        *p++ = '-';
        x = -x;
    }
    if (!(x < 1e15))
        return p + sprintf(p, "%.6g", x);
    uint64_t ms = (uint64_t)llround(x * 1000.0);
    p = sim__put_uint(p, ms / 1000);
    unsigned f = (unsigned)(ms % 1000);
    *p++ = '.';
    *p++ = (char)('0' + f / 100);
    *p++ = (char)('0' + f / 10 % 10);
    *p++ = (char)('0' + f % 10);
    return p;
}

static const char *const outcome_names[] = {"live", "machine", "busy", "no-answer", "invalid",
                                            NULL};
static const char *const amd_names[] = {"none", "human", "machine", NULL};

size_t sim_record_format(const sim_attempt *a, char *buf)
{
    char *p = put_ms(buf, a->start);
    *p++ = ',';
    double h = fmod(floor(a->start / 3600.0), 24.0);
    p = sim__put_uint(p, (uint64_t)(h < 0 ? h + 24 : h));
    *p++ = ',';
    const char *o = outcome_names[a->outcome], *m = amd_names[a->amd];
    size_t lo = strlen(o), lm = strlen(m);
    memcpy(p, o, lo);
    p += lo;
    *p++ = ',';
    p = put_ms(p, a->ring_s);
    *p++ = ',';
    memcpy(p, m, lm);
    p += lm;
    *p++ = ',';
    p = put_ms(p, a->amd_s);
    *p++ = ',';
    p = put_ms(p, a->wait_s);
    *p++ = ',';
    *p++ = a->abandoned ? '1' : '0';
    *p++ = ',';
    p = put_ms(p, a->talk_s);
    *p++ = ',';
    p = put_ms(p, a->wrap_s);
    *p++ = ',';
    if (a->agent >= 0)
        p = sim__put_uint(p, (uint64_t)a->agent);
    *p++ = '\n';
    *p = '\0';
    return (size_t)(p - buf);
}

/* ------------------------------------------------------------ the map */

static const char *const field_names[SIM_REC_FIELDS] = {
    "start", "hour", "outcome", "ring", "amd", "amd_seconds", "wait", "abandoned", "talk",
    "wrap", "agent"};

sim_status sim_fit_create(const cJSON *map, const char *map_file, sim_fit **out, cx_error *err)
{
    sim__gsl_init(); /* the fit's Weibull goes through GSL's root solver */
    *out = NULL;
    sim_fit *f = calloc(1, sizeof *f);
    if (!f)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    for (int i = 0; i < SIM_REC_FIELDS; i++) {
        cx_copy(f->names[i], sizeof f->names[i], field_names[i]);
        f->has[i] = true;
    }
    f->truth = true;
    for (int i = 0; i < SIM__FIT_OPEN_HOURS; i++)
        f->open[i].key = -1;
    sim__dstat *ds[] = {&f->ring, &f->talk, &f->wrap, &f->amd_s, &f->machine, &f->busy,
                        &f->noanswer, &f->invalid};
    for (size_t i = 0; i < sizeof ds / sizeof *ds; i++)
        sim__dstat_init(ds[i]);
    f->ev_min = INFINITY;
    f->ev_max = -INFINITY;
    f->cens_max = -INFINITY;
    if (map) {
        cx_jobj o, c, v;
        static const char *const keys[] = {"columns", "outcomeValues", "truth", NULL};
        const char *file = map_file ? map_file : "";
        int has_c, has_v;
        if (cx_jobj_init(&o, map, file, "", SIM_EINVAL, err) != 0 || cx_jobj_only(&o, keys) ||
            cx_jobj_bool(&o, "truth", false, &f->truth) != 0 ||
            (has_c = cx_jobj_child(&o, "columns", false, &c)) < 0 ||
            (has_v = cx_jobj_child(&o, "outcomeValues", false, &v)) < 0)
            goto bad;
        if (has_c) {
            const cJSON *it;
            cJSON_ArrayForEach(it, c.node)
            {
                int k = -1;
                for (int i = 0; i < SIM_REC_FIELDS; i++)
                    if (strcmp(it->string, field_names[i]) == 0)
                        k = i;
                if (k < 0) {
                    cx_jobj_fail(&c, it->string, "not a records field (start, hour, outcome, "
                                                 "ring, amd, amd_seconds, wait, abandoned, "
                                                 "talk, wrap, agent)");
                    goto bad;
                }
                if (cJSON_IsNull(it)) {
                    f->has[k] = false;
                } else if (!cJSON_IsString(it) ||
                           !cx_copy(f->names[k], sizeof f->names[k], it->valuestring)) {
                    cx_jobj_fail(&c, it->string, "expected a column name (under 64 bytes) or null");
                    goto bad;
                }
            }
        }
        if (has_v) {
            const cJSON *it;
            cJSON_ArrayForEach(it, v.node)
            {
                int k = -1;
                for (int i = 0; i < SIM__O_COUNT && cJSON_IsString(it); i++)
                    if (strcmp(it->valuestring, outcome_names[i]) == 0)
                        k = i;
                if (k < 0 || f->n_values == 64 ||
                    !cx_copy(f->value_from[f->n_values], 64, it->string)) {
                    cx_jobj_fail(&v, it->string, "expected one of live, machine, busy, "
                                                 "no-answer, invalid (at most 64 values)");
                    goto bad;
                }
                f->value_to[f->n_values++] = k;
            }
        }
    }
    if (!f->has[SIM_REC_OUTCOME] || (!f->has[SIM_REC_START] && !f->has[SIM_REC_HOUR])) {
        cx_error_set(err, SIM_EINVAL, "%s: the records need an outcome and a start or an hour",
                     map_file ? map_file : "the column map");
        goto bad;
    }
    *out = f;
    return SIM_OK;
bad:
    sim_fit_destroy(f);
    return SIM_EINVAL;
}

void sim_fit_destroy(sim_fit *f)
{
    if (!f)
        return;
    for (int i = 0; i < SIM__FIT_OPEN_HOURS; i++)
        free(f->open[i].ids);
    free(f);
}

/* ------------------------------------------------------------ reading */

typedef struct reader {
    sim_fit *f;
    const char *name;
    uint64_t line;
    int col_of[SIM_REC_FIELDS]; /* CSV column of each field, -1 absent */
    int n_cols;
    bool header_done;
} reader;

/* Fast decimal: [-]digits[.digits]; anything else through strtod. 0 ok. */
static int parse_num(const char *s, size_t n, double *out)
{
    const char *p = s, *e = s + n;
    bool neg = false;
    if (p < e && *p == '-')
        neg = true, p++;
    uint64_t ip = 0;
    int digits = 0;
    while (p < e && *p >= '0' && *p <= '9' && digits < 18)
        ip = ip * 10 + (uint64_t)(*p++ - '0'), digits++;
    double v = (double)ip;
    if (p < e && *p == '.') {
        p++;
        uint64_t fp = 0, scale = 1;
        int fd = 0;
        while (p < e && *p >= '0' && *p <= '9' && fd < 18)
            fp = fp * 10 + (uint64_t)(*p++ - '0'), scale *= 10, fd++;
        digits += fd;
        v += (double)fp / (double)scale;
    }
    if (p == e && digits > 0) {
        *out = neg ? -v : v;
        return 0;
    }
    char buf[64];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    v = strtod(buf, &end);
    if (errno || end == buf || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* days from 1970-01-01 (Howard Hinnant's civil algorithm) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* A number of seconds, or YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM) as epoch seconds. */
static int parse_time(const char *s, size_t n, double *out)
{
    if (parse_num(s, n, out) == 0)
        return 0;
    int y, mo, d, h, mi, used = 0;
    double sec;
    char buf[64];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (sscanf(buf, "%4d-%2d-%2d%*[T ]%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || !(sec >= 0 && sec < 61))
        return -1;
    double off = 0;
    const char *z = buf + used;
    int oh, om;
    if (*z == 'Z' && z[1] == '\0') {
    } else if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &oh, &om) == 2 && z[6] == 0) {
        off = (*z == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
    } else if (*z) {
        return -1;
    }
    *out = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 +
           mi * 60.0 + sec - off;
    return 0;
}

static int match(const char *s, size_t n, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(s, names[i], n) == 0)
            return i;
    return -1;
}

/* THE rule of a valid record, for a file's rows (do_line) and
 * sim_fit_add_record alike: val[k] (len[k] bytes; NULL or empty when absent)
 * is field k's text. Fills *row and returns -1 when valid; else the index of
 * the bad field, or SIM_REC_FIELDS when the record as a whole is wrong (no
 * start and no hour), with why[160] saying what was expected. */
static int read_record(const sim_fit *f, const char *const val[], const size_t len[],
                       sim__row *row, char why[160])
{
    *row = (sim__row){.start = NAN, .ring = NAN, .amd_s = NAN, .wait = NAN, .talk = NAN,
                      .wrap = NAN, .hour = -1, .outcome = -1, .amd = -1, .abandoned = -1,
                      .agent = -1};
    double *num[SIM_REC_FIELDS] = {[SIM_REC_RING] = &row->ring, [SIM_REC_AMD_S] = &row->amd_s,
                                 [SIM_REC_WAIT] = &row->wait, [SIM_REC_TALK] = &row->talk,
                                 [SIM_REC_WRAP] = &row->wrap};
#define BAD(...) return snprintf(why, 160, __VA_ARGS__), k
    for (int k = 0; k < SIM_REC_FIELDS; k++) {
        const char *s = f->has[k] ? val[k] : NULL;
        size_t n = s ? len[k] : 0;
        if (n == 0) {
            if (k == SIM_REC_OUTCOME)
                BAD("expected live, machine, busy, no-answer or invalid, found none");
            continue;
        }
        double v;
        switch (k) {
        case SIM_REC_START:
            if (parse_time(s, n, &row->start) != 0)
                BAD("expected seconds or an RFC 3339 time");
            break;
        case SIM_REC_HOUR:
            if (parse_num(s, n, &v) != 0 || !(v >= 0 && v < 24) || v != floor(v))
                BAD("expected a whole number 0-23");
            row->hour = (int)v;
            break;
        case SIM_REC_OUTCOME: {
            int o = match(s, n, outcome_names);
            for (int i = 0; o < 0 && i < f->n_values; i++)
                if (strlen(f->value_from[i]) == n && memcmp(s, f->value_from[i], n) == 0)
                    o = f->value_to[i];
            if (o < 0)
                BAD("\"%.*s\" is none of live, machine, busy, no-answer, invalid (map it with "
                    "outcomeValues)",
                    (int)(n > 40 ? 40 : n), s);
            row->outcome = o;
            break;
        }
        case SIM_REC_AMD:
            if ((row->amd = match(s, n, amd_names)) < 0)
                BAD("expected none, human or machine");
            break;
        case SIM_REC_ABANDONED:
            if (n == 1 && (*s == '0' || *s == '1'))
                row->abandoned = *s == '1';
            else if (n == 4 && memcmp(s, "true", 4) == 0)
                row->abandoned = 1;
            else if (n == 5 && memcmp(s, "false", 5) == 0)
                row->abandoned = 0;
            else
                BAD("expected 0, 1, true or false");
            break;
        case SIM_REC_AGENT: /* any id: numbers as such, text hashed */
            if (parse_num(s, n, &v) == 0 && v >= 0 && v < 9e15 && v == floor(v)) {
                row->agent = (int64_t)v;
            } else {
                uint64_t h = 1469598103934665603ULL;
                for (size_t i = 0; i < n; i++)
                    h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
                row->agent = (int64_t)(h >> 2);
            }
            break;
        default:
            if (parse_num(s, n, num[k]) != 0 || *num[k] < 0)
                BAD("expected a number of seconds >= 0, or none");
        }
    }
#undef BAD
    if (row->hour < 0) {
        if (isnan(row->start)) {
            snprintf(why, 160, "expected a start or an hour, found neither");
            return SIM_REC_FIELDS;
        }
        double h = fmod(floor(row->start / 3600.0), 24.0);
        row->hour = (int)(h < 0 ? h + 24 : h);
    }
    return -1;
}

static sim_status fail(reader *r, const char *line, const char *at, cx_error *err,
                       const char *what)
{
    return cx_error_set(err, SIM_EINVAL, "%s:%llu:%ld: %s", r->name,
                        (unsigned long long)r->line, (long)(at - line) + 1, what);
}

#define MAX_COLS 256

/* One line (without its newline). */
static sim_status do_line(reader *r, const char *line, size_t len, cx_error *err)
{
    const char *fs[MAX_COLS];
    size_t fl[MAX_COLS];
    int nf = 0;
    const char *p = line, *e = line + len;
    if (len && e[-1] == '\r')
        e--;
    if (p == e)
        return SIM_OK; /* blank line */
    for (;;) {
        if (nf == MAX_COLS)
            return fail(r, line, p, err, "more than 256 columns");
        if (p < e && *p == '"') { /* quoted, "" inside */
            const char *q = p + 1;
            while (q < e && !(*q == '"' && (q + 1 == e || q[1] != '"')))
                q += *q == '"' ? 2 : 1;
            if (q >= e)
                return fail(r, line, p, err, "unterminated quote");
            fs[nf] = p + 1;
            fl[nf++] = (size_t)(q - p - 1);
            p = q + 1;
            if (p < e && *p != ',')
                return fail(r, line, p, err, "expected a comma after the closing quote");
        } else {
            const char *c = memchr(p, ',', (size_t)(e - p));
            const char *end = c ? c : e;
            fs[nf] = p;
            fl[nf++] = (size_t)(end - p);
            p = end;
        }
        if (p >= e)
            break;
        p++; /* the comma */
    }
    if (!r->header_done) {
        r->n_cols = nf;
        for (int k = 0; k < SIM_REC_FIELDS; k++) {
            r->col_of[k] = -1;
            if (!r->f->has[k])
                continue;
            for (int i = 0; i < nf; i++)
                if (strlen(r->f->names[k]) == fl[i] && memcmp(fs[i], r->f->names[k], fl[i]) == 0)
                    r->col_of[k] = i;
            if (r->col_of[k] < 0 && (k == SIM_REC_OUTCOME || k == SIM_REC_START)) {
                char msg[160];
                snprintf(msg, sizeof msg, "no column \"%s\" (the %s field) in the header",
                         r->f->names[k], field_names[k]);
                return fail(r, line, line, err, msg);
            }
        }
        r->header_done = true;
        return SIM_OK;
    }
    if (nf != r->n_cols) {
        char msg[96];
        snprintf(msg, sizeof msg, "%d fields where the header has %d", nf, r->n_cols);
        return fail(r, line, line, err, msg);
    }
    const char *val[SIM_REC_FIELDS];
    size_t len_of[SIM_REC_FIELDS];
    for (int k = 0; k < SIM_REC_FIELDS; k++) {
        int c = r->col_of[k];
        val[k] = c < 0 ? NULL : fs[c];
        len_of[k] = c < 0 ? 0 : fl[c];
    }
    sim__row row;
    char why[160];
    int bad = read_record(r->f, val, len_of, &row, why);
    if (bad == SIM_REC_FIELDS)
        return fail(r, line, line, err, why);
    if (bad >= 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s: %s", field_names[bad], why);
        return fail(r, line, val[bad] ? val[bad] : line, err, msg);
    }
    if (sim__fit_row(r->f, &row) != 0)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    return SIM_OK;
}

static sim_status do_block(reader *r, const char *buf, size_t len, size_t *used, cx_error *err)
{
    const char *p = buf, *e = buf + len;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl)
            break;
        r->line++;
        sim_status st = do_line(r, p, (size_t)(nl - p), err);
        if (st != SIM_OK)
            return st;
        p = nl + 1;
    }
    *used = (size_t)(p - buf);
    return SIM_OK;
}

sim_status sim_fit_add_record(sim_fit *f, const char *const value[SIM_REC_FIELDS], int *field,
                              cx_error *err)
{
    size_t len[SIM_REC_FIELDS];
    for (int k = 0; k < SIM_REC_FIELDS; k++)
        len[k] = value[k] ? strlen(value[k]) : 0;
    sim__row row;
    char why[160];
    *field = read_record(f, value, len, &row, why);
    if (*field >= 0)
        return cx_error_set(err, SIM_EINVAL, "%s", why);
    if (sim__fit_row(f, &row) != 0)
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    return SIM_OK;
}

sim_status sim_fit_add_text(sim_fit *f, const char *text, size_t len, const char *name,
                            cx_error *err)
{
    reader r = {.f = f, .name = name};
    size_t used;
    sim_status st = do_block(&r, text, len, &used, err);
    if (st == SIM_OK && used < len) { /* a last line without its newline */
        r.line++;
        st = do_line(&r, text + used, len - used, err);
    }
    return st;
}

#define BLOCK (1u << 20)
#define MAX_LINE (1u << 16)

sim_status sim_fit_add_file(sim_fit *f, const char *path, cx_error *err)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return cx_error_set(err, SIM_EIO, "%s: %s", path, strerror(errno));
    char *buf = malloc(BLOCK + MAX_LINE);
    if (!buf) {
        fclose(in);
        return cx_error_set(err, SIM_ENOMEM, "out of memory");
    }
    reader r = {.f = f, .name = path};
    size_t have = 0;
    sim_status st = SIM_OK;
    for (;;) {
        size_t got = fread(buf + have, 1, BLOCK + MAX_LINE - have, in);
        have += got;
        size_t used = 0;
        if ((st = do_block(&r, buf, have, &used, err)) != SIM_OK)
            break;
        memmove(buf, buf + used, have - used);
        have -= used;
        if (got == 0) {
            if (ferror(in))
                st = cx_error_set(err, SIM_EIO, "%s: read error", path);
            else if (have) {
                r.line++;
                st = do_line(&r, buf, have, err);
            }
            break;
        }
        if (have >= MAX_LINE) {
            st = cx_error_set(err, SIM_EINVAL, "%s:%llu: a line longer than %u bytes", path,
                              (unsigned long long)r.line + 1, MAX_LINE);
            break;
        }
    }
    if (st == SIM_OK && !r.header_done)
        st = cx_error_set(err, SIM_EINVAL, "%s: empty: no header line", path);
    free(buf);
    fclose(in);
    return st;
}
