/* fuzz_opt_json.c - every JSON document libcxopt takes from outside, by the
 * first byte: a token endpoint's answer, a seed campaign body, CXone's
 * parameter blocks (through the built-in mapping), a mapping file, a
 * constraints file, a target file, a page of CXone's completed contacts
 * (through the built-in mapping into the fit, which judges each record; a
 * refusal names the record, and the fit's two doors, a converted record and
 * a records file's row, give one verdict). */
#include <cjson/cJSON.h>
#include <string.h>

#include "dialsim_fit.h"
#include "fuzz.h"
#include "opt_auth.h"
#include "opt_profile.h"

static void token(const char *text)
{
    opt__grant g;
    cx_error err = {0};
    opt_status st = opt__grant_parse(text, &g, &err);
    FUZZ_REFUSAL_NAMED(st == OPT_OK, err.msg);
    if (st == OPT_OK && (g.access[0] == '\0' || !(g.expires_in > 0)))
        abort(); /* accepted, yet unusable */
}

static void campaign(const char *text, size_t len)
{
    opt__campaign c;
    cx_error err = {0};
    opt_status st = opt__seed_parse_campaign(text, len, "\"v1\"", "GET campaign", &c, &err);
    FUZZ_REFUSAL_NAMED(st == OPT_OK, err.msg);
}

/* The fit's two doors give one verdict: a converted contact handed to
 * sim_fit_add_record, and the same texts as a row of a records file. (The
 * converter no longer judges a record, so it cannot disagree with the fit:
 * what is left to hold is that the fit's rule is one.) */
static void two_doors(const opt__records_map *m, sim_fit *a, sim_fit *b, const cJSON *rec)
{
    opt__record r;
    cx_error err = {0}, ferr = {0};
    if (!cJSON_IsObject(rec) || opt__record_text(m, rec, "GET page", 0, &r, &err) != OPT_OK)
        return;
    cx_buf csv;
    cx_buf_init(&csv, 1u << 20);
    int rc = 0;
    for (int pass = 0; pass < 2; pass++) { /* the header, then the row */
        bool any = false;
        for (int k = 0; k < OPT__REC_COLUMNS; k++) {
            if (!m->col[k].mapped)
                continue;
            const char *v = pass ? r.value[k] : opt__rec_names[k];
            rc |= cx_buf_printf(&csv, "%s\"", any ? "," : "");
            for (const char *c = v ? v : ""; *c; c++) {
                if (*c == '\n' || *c == '\r') { /* no line of a file holds it */
                    cx_buf_free(&csv);
                    return;
                }
                rc |= cx_buf_printf(&csv, *c == '"' ? "\"\"" : "%c", *c);
            }
            rc |= cx_buf_printf(&csv, "\"");
            any = true;
        }
        rc |= cx_buf_printf(&csv, "\n");
    }
    int field = -1;
    if (rc < 0)
        abort();
    sim_status by_record = sim_fit_add_record(a, r.value, &field, &err);
    sim_status by_file = sim_fit_add_text(b, csv.data, csv.len, "records.csv", &ferr);
    if ((by_record == SIM_OK) != (by_file == SIM_OK)) {
        fprintf(stderr, "the fit's two doors disagree: record: %s; file: %s\n",
                by_record == SIM_OK ? "taken" : err.msg, by_file == SIM_OK ? "taken" : ferr.msg);
        abort();
    }
    FUZZ_REFUSAL_NAMED(by_record == SIM_OK, err.msg);
    cx_buf_free(&csv);
}

static void json_doc(int which, const char *text, size_t len)
{
    cx_error err = {0};
    cJSON *j = cx_json_parse(text, len, "fuzz.json", &err);
    if (!j) {
        FUZZ_REFUSAL_NAMED(0, err.msg);
        return;
    }
    opt_status st = OPT_OK;
    if (which == 2) {
        opt__mapping m;
        opt__mapping_default(&m);
        opt_params p;
        st = opt__cxone_params_from(&m, j, 20, "GET parameters", &p, &err);
        if (st == OPT_OK)
            st = opt__cxone_params_from(&m, j, 0, "GET parameters", &p, &err);
    } else if (which == 3) {
        opt__mapping m;
        st = opt__mapping_parse(j, "mapping.json", &m, &err);
    } else if (which == 6) {
        opt__mapping m;
        opt__mapping_default(&m);
        const cJSON *page = cJSON_GetObjectItemCaseSensitive(j, "completedContacts");
        long rows = 0, inbound = 0;
        if (cJSON_IsArray(page)) {
            cJSON *map = opt__records_fit_map(&m.records);
            sim_fit *fit = NULL;
            if (!map || sim_fit_create(map, "map", &fit, &err) != SIM_OK)
                abort();
            st = opt__records_add(&m.records, page, 0, "GET page", fit, &rows, &inbound, &err);
            sim_fit_destroy(fit);
            /* a record's verdict does not depend on the ones before it:
             * one fit a door for the whole page */
            sim_fit *a = NULL, *b = NULL;
            cx_error e = {0};
            if (sim_fit_create(map, "map", &a, &e) != SIM_OK ||
                sim_fit_create(map, "map", &b, &e) != SIM_OK)
                abort();
            const cJSON *rec;
            cJSON_ArrayForEach(rec, page)
                two_doors(&m.records, a, b, rec);
            sim_fit_destroy(a);
            sim_fit_destroy(b);
            cJSON_Delete(map);
        }
    } else if (which == 4) {
        opt_constraints c;
        st = opt_constraints_from_json(j, "constraints.json", "", &c, &err);
        if (st == OPT_OK)
            cJSON_Delete(opt_constraints_to_json(&c));
    } else {
        opt_params p = opt_params_seed();
        st = opt_params_from_json(j, "target.json", "", true, &p, &err);
        if (st == OPT_OK)
            cJSON_Delete(opt_params_to_json(&p));
    }
    FUZZ_REFUSAL_NAMED(st == OPT_OK, err.msg);
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int which = data[0] % 7;
    /* as the HTTP layer hands bodies over: NUL-ended */
    char *text = malloc(size);
    if (!text)
        abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (which == 0)
        token(text);
    else if (which == 1)
        campaign(text, size - 1);
    else
        json_doc(which, text, size - 1);
    free(text);
    return 0;
}
