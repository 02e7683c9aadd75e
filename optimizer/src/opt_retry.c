/* opt_retry.c - Retry-After, full-jitter exponential backoff, the loop. */
#include "opt_retry.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int month_index(const char *m)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; i++)
        if (strncmp(m, months[i], 3) == 0)
            return i;
    return -1;
}

static int parse_hms(const char *s, int *h, int *mi, int *se)
{
    if (strlen(s) < 8 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
        s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]) ||
        s[5] != ':' || !isdigit((unsigned char)s[6]) || !isdigit((unsigned char)s[7]))
        return -1;
    *h = (s[0] - '0') * 10 + (s[1] - '0');
    *mi = (s[3] - '0') * 10 + (s[4] - '0');
    *se = (s[6] - '0') * 10 + (s[7] - '0');
    return (*h < 24 && *mi < 60 && *se < 61) ? 0 : -1;
}

/* IMF-fixdate:  Sun, 06 Nov 1994 08:49:37 GMT
 * RFC 850:      Sunday, 06-Nov-94 08:49:37 GMT
 * asctime:      Sun Nov  6 08:49:37 1994 */
int opt__http_date_parse(const char *s, double *epoch)
{
    struct tm tm = {0};
    char wd[16], mon[4], hms[9], tz[4];
    int day, year, n = 0;
    const char *comma = strchr(s, ',');
    int h, mi, se;
    if (comma && sscanf(s, "%15[A-Za-z], %2d %3s %4d %8s %3s%n", wd, &day, mon, &year, hms, tz,
                        &n) == 6 &&
        s[n] == '\0' && strcmp(tz, "GMT") == 0) {
        /* IMF-fixdate */
    } else if (comma && sscanf(s, "%15[A-Za-z], %2d-%3s-%2d %8s %3s%n", wd, &day, mon, &year,
                               hms, tz, &n) == 6 &&
               s[n] == '\0' && strcmp(tz, "GMT") == 0) {
        year += year < 70 ? 2000 : 1900; /* RFC 9110: two-digit years, 50-year rule simplified */
    } else if (!comma && sscanf(s, "%3s %3s %2d %8s %4d%n", wd, mon, &day, hms, &year, &n) == 5 &&
               s[n] == '\0') {
        /* asctime */
    } else {
        return -1;
    }
    int m = month_index(mon);
    if (m < 0 || day < 1 || day > 31 || year < 1970 || parse_hms(hms, &h, &mi, &se) != 0)
        return -1;
    tm.tm_year = year - 1900;
    tm.tm_mon = m;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *epoch = (double)t;
    return 0;
}

int opt__retry_after_parse(const char *value, double now, double *delay)
{
    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        char *end;
        errno = 0;
        unsigned long long secs = strtoull(value, &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (errno != 0 || *end != '\0')
            return -1;
        *delay = secs > 31536000ULL ? 31536000.0 : (double)secs; /* a year at most */
        return 0;
    }
    char copy[64];
    if (!cx_copy(copy, sizeof copy, value))
        return -1;
    size_t len = strlen(copy);
    while (len && (copy[len - 1] == ' ' || copy[len - 1] == '\t'))
        copy[--len] = '\0';
    double when;
    if (opt__http_date_parse(copy, &when) != 0)
        return -1;
    *delay = when > now ? when - now : 0.0;
    return 0;
}

opt_retry_policy opt_retry_default(void)
{
    opt_retry_policy p = {.base_s = 0.5, .cap_s = 30.0, .max_attempts = 4, .deadline_s = 120.0};
    return p;
}

double opt__backoff_delay(const opt_retry_policy *p, int k, double u)
{
    double ceiling = p->base_s * ldexp(1.0, k > 60 ? 60 : k);
    if (ceiling > p->cap_s)
        ceiling = p->cap_s;
    return u * ceiling;
}

double opt__rand01(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

opt__verdict opt__retry_run(const opt_retry_policy *p, cx_clock *clk, uint64_t *rng,
                            opt__attempt_fn fn, void *ud, opt__retry_log *log)
{
    double start = cx_clock_monotonic(clk);
    int max_attempts = p->max_attempts > 0 ? p->max_attempts : 1;
    memset(log, 0, sizeof *log);
    for (int attempt = 1;; attempt++) {
        double retry_after = 0;
        log->attempts = attempt;
        opt__verdict v = fn(ud, attempt, &retry_after);
        if (v == OPT__DONE)
            return v;
        if (attempt >= max_attempts) {
            log->gave_up = true;
            snprintf(log->why, sizeof log->why, "gave up after %d attempts", attempt);
            return v;
        }
        double wait = v == OPT__RETRY_AFTER ? retry_after
                                            : opt__backoff_delay(p, attempt - 1, opt__rand01(rng));
        double elapsed = cx_clock_monotonic(clk) - start;
        if (p->deadline_s > 0 && elapsed + wait > p->deadline_s) {
            log->gave_up = true;
            snprintf(log->why, sizeof log->why,
                     "gave up after %d attempts: waiting %.1f s more would pass the %.0f s deadline",
                     attempt, wait, p->deadline_s);
            return v;
        }
        cx_clock_sleep(clk, wait);
        log->waited_s += wait;
    }
}
