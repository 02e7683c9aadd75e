/* bench_sim.c - libdialsim's speed on the open-loop model, with every
 * statistic it keeps (series, batches, histogram).
 *
 *   bench_sim HOURS            -> prints "attempts seconds"
 *   bench_sim --big DAYS       -> 1000 agents for DAYS simulated days */
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialsim.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    bool big = argc > 1 && strcmp(argv[1], "--big") == 0;
    double amount = argc > (big ? 2 : 1) ? atof(argv[big ? 2 : 1]) : (big ? 30 : 1000);
    char text[1024];
    if (big) /* 1000 agents, the same per-agent load, 30 days */
        snprintf(text, sizeof text,
                 "{\"campaign\":{\"agents\":1000,\"liveAnswerProbability\":0.8333,"
                 "\"ringTime\":{\"dist\":\"exponential\",\"mean\":10},"
                 "\"talkTime\":{\"dist\":\"exponential\",\"mean\":80},\"wrapTime\":0,"
                 "\"abandonThreshold\":0},\"dialer\":{\"strategy\":\"fixed-rate\","
                 "\"dialRate\":10,\"maxConcurrentCalls\":1000000,\"callInterval\":0},"
                 "\"hours\":%g,\"seed\":1,\"intervalMinutes\":60}",
                 amount * 24);
    else
        snprintf(text, sizeof text,
                 "{\"campaign\":{\"agents\":10,\"liveAnswerProbability\":0.8333,"
                 "\"ringTime\":{\"dist\":\"exponential\",\"mean\":10},"
                 "\"talkTime\":{\"dist\":\"exponential\",\"mean\":80},\"wrapTime\":0,"
                 "\"abandonThreshold\":0},\"dialer\":{\"strategy\":\"fixed-rate\","
                 "\"dialRate\":0.1,\"maxConcurrentCalls\":1000000,\"callInterval\":0},"
                 "\"hours\":%g,\"seed\":1}",
                 amount);
    cJSON *j = cJSON_Parse(text);
    sim_config cfg;
    cx_error err = {0};
    if (sim_config_parse(j, "bench", &cfg, &err) != SIM_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    cJSON_Delete(j);
    double t0 = now();
    sim_report *r = NULL;
    if (sim_run(&cfg, 1, &r, &err) != SIM_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double s = now() - t0;
    printf("%.0f %.6f %.6f\n", r->attempts.mean, s, r->abandon_rate.mean);
    sim_report_destroy(r);
    sim_config_free(&cfg);
    return 0;
}
