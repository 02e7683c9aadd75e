/* fuzz_faults.c - mockcxone fault rules ({"faults":[...]} from --faults or
 * POST /__admin/faults). Rules that load are then matched against a few
 * requests, and listed, as the server would. */
#include <cjson/cJSON.h>

#include "fuzz.h"
#include "mock_fault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cx_error err = {0};
    cJSON *doc = cx_json_parse((const char *)data, size, "faults.json", &err);
    if (!doc) {
        FUZZ_REFUSAL_NAMED(0, err.msg);
        return 0;
    }
    mock__faults *f = NULL;
    if (mock__faults_create(7, &f, &err) != MOCK_OK)
        abort();
    mock_status st = mock__faults_load(f, doc, "faults.json", false, &err);
    FUZZ_REFUSAL_NAMED(st == MOCK_OK, err.msg);
    cJSON_Delete(doc);
    if (st == MOCK_OK) {
        static const char *const req[][2] = {
            {"GET", "/api/v2/campaigns/c-1001"},
            {"PATCH", "/api/v2/campaigns/c-1001"},
            {"POST", "/auth/token"},
            {"PUT", "/inContactAPI/services/v30.0/skills/c-1001/parameters/general-settings"},
            {"GET", "/"},
        };
        for (int i = 0; i < 10; i++) {
            mock__effect e;
            mock__faults_match(f, req[i % 5][0], req[i % 5][1], i * 60.0, &e);
            mock__effect_free(&e);
        }
        cJSON_Delete(mock__faults_json(f));
    }
    mock__faults_destroy(f);
    return 0;
}
