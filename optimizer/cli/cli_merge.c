/* cli_merge.c - `cxopt merge`: joins the reports of `cxopt run --shard K/N`
 * (each CI job's JSON, or each one's JUnit file) into the report one run of
 * the whole library writes. The shards are contiguous blocks of the sorted
 * scenario list, so joining them in shard order restores the list; each
 * result is copied as it is, and only the totals (JUnit's tests, failures
 * and summed time) are recomputed. Exit 0 when every scenario passed, 1
 * when any failed (as `run`), 2 on a file that is not such a report. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define JUNIT_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
#define SUITE_OPEN "  <testsuite name=\"cxopt scenarios\" "
#define SUITE_CLOSE "  </testsuite>\n</testsuites>\n"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cx_buf b;
    cx_buf_init(&b, 1u << 30);
    char chunk[65536];
    size_t n;
    int bad = 0;
    while (!bad && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bad = cx_buf_append(&b, chunk, n);
    bad |= ferror(f);
    fclose(f);
    if (bad) {
        cx_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    char *s = cx_buf_steal(&b);
    return s ? s : calloc(1, 1);
}

/* Writes text to path through a temporary file renamed into place, or to
 * stdout when path is NULL. */
static int emit(const char *path, const char *text)
{
    if (!path)
        return fputs(text, stdout) < 0 ? -1 : 0;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        cli_error("--out %s: cannot write: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

/* The number in attribute `name="..."` of the tag starting at tag. */
static int attr(const char *tag, const char *name, double *out)
{
    const char *end = strchr(tag, '>');
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    if (!p || !end || p > end)
        return -1;
    char *stop;
    *out = strtod(p + strlen(key), &stop);
    return *stop == '"' ? 0 : -1;
}

static int merge_junit(cli_args *a)
{
    cx_buf body;
    cx_buf_init(&body, 1u << 30);
    double tests = 0, failures = 0, time = 0;
    for (int i = 0; i < a->n_operands; i++) {
        const char *path = a->operands[i];
        size_t len;
        char *text = slurp(path, &len);
        if (!text) {
            cli_error("%s: cannot read: %s", path, strerror(errno));
            cx_buf_free(&body);
            return EXIT_USAGE;
        }
        const char *suite = strstr(text, SUITE_OPEN), *start = suite ? strchr(suite, '\n') : NULL;
        const char *close = strstr(text, SUITE_CLOSE);
        double t, f, s;
        if (strncmp(text, JUNIT_HEAD, strlen(JUNIT_HEAD)) != 0 || !start || !close ||
            close < start || strlen(close) != strlen(SUITE_CLOSE) || attr(suite, "tests", &t) ||
            attr(suite, "failures", &f) || attr(suite, "time", &s)) {
            cli_error("%s: not a JUnit file of cxopt run (no <testsuite name=\"cxopt "
                      "scenarios\" tests=... failures=... time=...> closing the file)",
                      path);
            free(text);
            cx_buf_free(&body);
            return EXIT_USAGE;
        }
        tests += t;
        failures += f;
        time += s;
        int bad = cx_buf_append(&body, start + 1, (size_t)(close - start - 1));
        free(text);
        if (bad) {
            cli_error("out of memory");
            cx_buf_free(&body);
            return EXIT_FAILED;
        }
    }
    cx_buf out;
    cx_buf_init(&out, (1u << 30) + 4096);
    int bad = cx_buf_printf(&out, "%stests=\"%.0f\" failures=\"%.0f\" time=\"%.3f\">\n", JUNIT_HEAD,
                            tests, failures, time);
    bad |= cx_buf_printf(&out, "%stests=\"%.0f\" failures=\"%.0f\" time=\"%.3f\">\n", SUITE_OPEN,
                         tests, failures, time);
    bad |= cx_buf_append(&out, body.data ? body.data : "", body.len);
    bad |= cx_buf_append(&out, SUITE_CLOSE, strlen(SUITE_CLOSE));
    cx_buf_free(&body);
    int rc = bad ? (cli_error("out of memory"), EXIT_FAILED)
                 : emit(a->out, out.data) != 0 ? EXIT_FAILED
                                               : failures > 0 ? EXIT_FAILED : EXIT_OK;
    cx_buf_free(&out);
    return rc;
}

static int merge_json(cli_args *a)
{
    cJSON *all = cJSON_CreateArray();
    bool failed = false;
    for (int i = 0; all && i < a->n_operands; i++) {
        const char *path = a->operands[i];
        cx_error err = {0};
        cJSON *doc = cx_json_load_file(path, &err);
        if (!doc) {
            cli_error("%s", err.msg);
            cJSON_Delete(all);
            return EXIT_USAGE;
        }
        if (!cJSON_IsArray(doc)) {
            cli_error("%s: not the JSON of cxopt run --json (an array of results)", path);
            cJSON_Delete(doc);
            cJSON_Delete(all);
            return EXIT_USAGE;
        }
        int k = 0;
        for (cJSON *r = doc->child; r; r = r->next, k++) {
            const cJSON *passed = cJSON_GetObjectItemCaseSensitive(r, "passed");
            if (!cJSON_IsObject(r) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r,
                                                                                    "scenario")) ||
                !cJSON_IsBool(passed)) {
                cli_error("%s: [%d]: not a scenario result (needs \"scenario\" and \"passed\")",
                          path, k);
                cJSON_Delete(doc);
                cJSON_Delete(all);
                return EXIT_USAGE;
            }
            failed |= cJSON_IsFalse(passed);
        }
        while (doc->child)
            cJSON_AddItemToArray(all, cJSON_DetachItemViaPointer(doc, doc->child));
        cJSON_Delete(doc);
    }
    char *text = all ? cJSON_Print(all) : NULL;
    cJSON_Delete(all);
    cx_buf out;
    cx_buf_init(&out, SIZE_MAX / 2);
    int rc = !text || cx_buf_printf(&out, "%s\n", text) ? (cli_error("out of memory"), EXIT_FAILED)
             : emit(a->out, out.data) != 0            ? EXIT_FAILED
             : failed                                 ? EXIT_FAILED
                                                      : EXIT_OK;
    free(text);
    cx_buf_free(&out);
    return rc;
}

int cli_merge(cli_args *a)
{
    if (a->n_operands == 0) {
        cli_error("merge needs the shards' reports, in shard order (see cxopt --help)");
        return EXIT_USAGE;
    }
    /* one kind for all: the first byte that is not blank says which */
    int kind = 0;
    for (int i = 0; i < a->n_operands; i++) {
        FILE *f = fopen(a->operands[i], "rb");
        int c = ' ';
        while (f && (c = fgetc(f)) != EOF && strchr(" \t\r\n", c))
            ;
        if (f)
            fclose(f);
        else {
            cli_error("%s: cannot read: %s", a->operands[i], strerror(errno));
            return EXIT_USAGE;
        }
        int k = c == '[' ? 1 : c == '<' ? 2 : 0;
        if (k == 0) {
            cli_error("%s: neither JSON (cxopt run --json) nor JUnit XML (--junit)",
                      a->operands[i]);
            return EXIT_USAGE;
        }
        if (kind && k != kind) {
            cli_error("%s: is %s, but %s is %s: merge one kind at a time", a->operands[i],
                      k == 1 ? "JSON" : "JUnit", a->operands[0], kind == 1 ? "JSON" : "JUnit");
            return EXIT_USAGE;
        }
        kind = k;
    }
    return kind == 1 ? merge_json(a) : merge_junit(a);
}
