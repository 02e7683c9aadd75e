/* fuzz_sim_config.c - dialsim configuration files: campaign model (profiles,
 * schedules, distributions), dialer settings, run keys. A config that parses
 * is also run for a few simulated minutes, so what the parser let through
 * is proved runnable. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "dialsim.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cx_error err = {0};
    cJSON *root = cx_json_parse((const char *)data, size, "fuzz.json", &err);
    if (!root) {
        FUZZ_REFUSAL_NAMED(0, err.msg);
        return 0;
    }
    sim_config cfg;
    sim_status st = sim_config_parse(root, "fuzz.json", &cfg, &err);
    cJSON_Delete(root);
    FUZZ_REFUSAL_NAMED(st == SIM_OK, err.msg);
    if (st != SIM_OK)
        return 0;
    /* keep each run short: minutes of simulated time, one replication, a
     * team of ordinary size (a bigger one is slow, not wrong) */
    if (cfg.hours > 0.05)
        cfg.hours = 0.05;
    cfg.discard_hours = 0;
    cfg.replications = 1;
    sim_report *r = NULL;
    bool small = sim_model_agents(cfg.model, 0) <= 200 &&
                 (cfg.dialer.strategy != SIM_FIXED_RATE || cfg.dialer.dial_rate <= 50);
    if (small) {
        /* a config the parser accepted and that is small enough to run must
         * run: a refusal here means the parser let through what the
         * simulator cannot do, which is a finding */
        if (sim_run(&cfg, 1, &r, &err) != SIM_OK) {
            fprintf(stderr, "a config that parsed did not run: %s\n", err.msg);
            abort();
        }
        cJSON *j = sim_report_to_json(r);
        cJSON_Delete(j);
    }
    sim_report_destroy(r);
    sim_config_free(&cfg);
    return 0;
}
