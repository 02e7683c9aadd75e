/* fuzz_opt_json.c - every JSON document libcxopt takes from outside, by the
 * first byte: a token endpoint's answer, a seed campaign body, CXone's
 * parameter blocks (through the built-in mapping), a mapping file, a
 * constraints file, a target file, a page of CXone's completed contacts
 * (through the built-in mapping into the fit: every row the conversion
 * writes is one the fit reads, or the page is refused with a name). */
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
        int n = cJSON_GetArraySize(page);
        long *index = malloc(((size_t)n + 1) * sizeof *index), rows = 0, inbound = 0;
        cJSON *map = opt__records_fit_map(&m.records);
        sim_fit *fit = NULL;
        cx_buf csv;
        cx_buf_init(&csv, 1u << 24);
        if (!index || !map || sim_fit_create(map, "map", &fit, &err) != SIM_OK)
            abort();
        if (cJSON_IsArray(page)) {
            st = opt__records_csv(&m.records, page, 0, "GET page", &csv, index, &rows, &inbound,
                                  &err);
            /* what the conversion wrote, the fit takes whole (a bad start
             * time is the one thing it checks that the conversion does not) */
            if (st == OPT_OK && rows > 0 &&
                sim_fit_add_text(fit, csv.data, csv.len, "", &err) != SIM_OK &&
                !strstr(err.msg, "start:")) {
                fprintf(stderr, "the fit refused what the conversion wrote: %s\n", err.msg);
                abort();
            }
        }
        cx_buf_free(&csv);
        sim_fit_destroy(fit);
        cJSON_Delete(map);
        free(index);
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
