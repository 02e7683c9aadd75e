/* fuzz_opt_json.c - every JSON document libcxopt takes from outside, by the
 * first byte: a token endpoint's answer, a seed campaign body, CXone's
 * parameter blocks (through the built-in mapping), a mapping file, a
 * constraints file, a target file. */
#include <cjson/cJSON.h>
#include <string.h>

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
    int which = data[0] % 6;
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
