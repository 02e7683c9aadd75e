/* fuzz_scenario.c - scenario files (optimizer/runner): the JSON, every key,
 * the campaign model and dialer inside, the fault script, expectations. */
#include "cxrun.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_scenario *s = NULL;
    cx_error err = {0};
    run_status st = run_scenario_parse((const char *)data, size, "fuzz.json", &s, &err);
    FUZZ_REFUSAL_NAMED(st == RUN_OK, err.msg);
    if (st == RUN_OK) {
        (void)run_scenario_name(s);
        (void)run_scenario_policy(s);
    }
    run_scenario_destroy(s);
    return 0;
}
