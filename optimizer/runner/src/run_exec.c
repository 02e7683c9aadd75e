/* run_exec.c - one scenario run: an embedded mockcxone on loopback whose
 * campaign is a live simulation, an optimizer and a policy, one clock.
 *
 * Cycle k runs at k periods after the start: the clock moves to that time
 * (the campaign dials meanwhile under the settings in force), then the
 * policy's cycle runs; anything it waits (Retry-After, backoff) moves the
 * clock further. After each cycle the runner samples the campaign's
 * regulatory window and last period straight from the server. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dialsim.h"
#include "mockcxone.h"
#include "run_internal.h"

#define START_EPOCH 1767600000.0 /* 2026-01-05T08:00:00Z, a Monday morning */
#define CAMPAIGN_ID "c-1"

typedef struct truth {
    sim_model *model;
    double start;
} truth;

static double true_p(void *ud, double t)
{
    const truth *tr = ud;
    return sim_model_live_probability(tr->model, t - tr->start);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *sorted, int n, double q)
{
    if (n == 0)
        return 0;
    int i = (int)ceil(q * n) - 1;
    return sorted[i < 0 ? 0 : (i >= n ? n - 1 : i)];
}

/* A statistic the server reported, or NaN when it did not: a missing reading
 * must never pass for a good one (0% abandoned). */
static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Reads the audit log back: every line must parse; counts cycle records;
 * finds the last applied parameters. */
static void read_audit(const char *path, run_facts *f, run_result *r, opt_params *last,
                       bool *have_last)
{
    FILE *fp = fopen(path, "r");
    f->audit_parses = fp != NULL;
    *have_last = false;
    if (!fp)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) > 0) {
        cJSON *rec = line[n - 1] == '\n' ? cJSON_Parse(line) : NULL;
        if (!rec) {
            f->audit_parses = false;
            continue;
        }
        const cJSON *type = cJSON_GetObjectItem(rec, "type");
        const cJSON *outcome = cJSON_GetObjectItem(rec, "outcome");
        if (cJSON_IsString(type) && strcmp(type->valuestring, "cycle") == 0) {
            f->audit_cycles++;
            if (cJSON_IsTrue(cJSON_GetObjectItem(rec, "written")))
                f->audit_written++;
            if (cJSON_IsString(outcome) && strcmp(outcome->valuestring, "applied") == 0) {
                opt_params p = opt_params_seed();
                const cJSON *ap = cJSON_GetObjectItem(rec, "applied_parameters");
                if (opt_params_from_json(ap, "", "", false, &p, NULL) == OPT_OK) {
                    *last = p;
                    *have_last = true;
                }
            }
        }
        cJSON_Delete(rec);
    }
    free(line);
    fclose(fp);
    r->audit_records = f->audit_cycles;
}

/* Counts the accepted writes: PATCHes, each with If-Match (seed), or PUTs of
 * general settings (cxone: no ETag, one PUT per applied cycle with the
 * default mapping). */
static void read_journal(const cJSON *j, bool cxone, run_facts *f)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
    {
        const cJSON *method = cJSON_GetObjectItem(e, "method");
        const cJSON *path = cJSON_GetObjectItem(e, "path");
        const cJSON *status = cJSON_GetObjectItem(e, "status");
        if (!cJSON_IsString(method) || !cJSON_IsString(path) || !cJSON_IsNumber(status) ||
            status->valueint != 200)
            continue;
        if (cxone) {
            if (strcmp(method->valuestring, "PUT") == 0 &&
                strstr(path->valuestring, "/parameters/general-settings"))
                f->patches_accepted++;
            continue;
        }
        if (strcmp(method->valuestring, "PATCH") != 0)
            continue;
        f->patches_accepted++;
        if (!cJSON_GetObjectItem(cJSON_GetObjectItem(e, "headers"), "If-Match"))
            f->patches_without_if_match++;
    }
}

/* DIR/NAME-POLICY-SEED.EXT: the files --audit-dir keeps of a run. */
static void kept_path(char *out, size_t n, const run_options *o, const run_scenario *s,
                      const run_result *r, const char *ext)
{
    snprintf(out, n, "%s/%s-%s-%llu.%s", o->audit_dir, s->name, r->policy,
             (unsigned long long)r->seed, ext);
}

/* Writes `j` (consumed) to `path`, mode 0600, whole or not at all. */
static run_status write_json(const char *path, cJSON *j, cx_error *err)
{
    char *text = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!text)
        return cx_error_set(err, RUN_EIO, "%s: out of memory", path);
    char tmp[4200];
    FILE *f = run__create(path, 0600, tmp, sizeof tmp);
    run_status st;
    if (f)
        st = run__commit(f, fputs(text, f) >= 0 && fputc('\n', f) != EOF, tmp, path, err);
    else
        st = cx_error_set(err, RUN_EIO, "%s: cannot write: %s", path, strerror(errno));
    cJSON_free(text);
    return st;
}

/* With an audit directory, what the mock saw is kept beside the audit log:
 * .journal.json (every request and answer, secrets redacted) and
 * .webhooks.json (every webhook delivered). Consumes `journal`. */
static run_status keep_mock_record(mock_server *m, cJSON *journal, const run_options *o,
                                   const run_scenario *s, const run_result *r, cx_error *err)
{
    char path[4096];
    kept_path(path, sizeof path, o, s, r, "journal.json");
    run_status st = write_json(path, journal, err);
    kept_path(path, sizeof path, o, s, r, "webhooks.json");
    return st == RUN_OK ? write_json(path, mock_server_webhooks(m), err) : st;
}

static void sample(mock_server *m, const run_scenario *s, double hours, const opt_params *set,
                   int outcome, run_sample *out)
{
    cJSON *st = NULL;
    memset(out, 0, sizeof *out);
    out->hours = hours;
    out->answer_rate = set->answer_rate;
    out->abandon_target = set->abandon_rate;
    out->max_calls = set->max_concurrent_calls;
    out->call_interval_ms = set->call_interval_ms;
    out->outcome = outcome;
    out->window_rate = out->period_rate = out->period_occupancy = NAN;
    out->window_live = -1; /* unread */
    /* judged as a regulator would: the truth, AMD false positives included */
    if (mock_server_truth(m, CAMPAIGN_ID, s->window_s, s->period_s, &st) != MOCK_OK)
        return;
    const cJSON *w = cJSON_GetObjectItem(st, "window"), *p = cJSON_GetObjectItem(st, "period");
    double live = num(w, "liveAnswers");
    out->window_rate = num(w, "abandonRate");
    out->window_live = isnan(live) ? -1 : (long)live;
    out->period_rate = num(p, "abandonRate");
    out->period_occupancy = num(p, "occupancy");
    cJSON_Delete(st);
}

/* The fault rules' active periods, one band per distinct from/until. */
static void fault_bands(const cJSON *faults, run_result *r)
{
    const cJSON *rule;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItem(faults, "faults"))
    {
        double from = num(rule, "from"), until = num(rule, "until");
        if (isnan(from))
            continue;
        char what[64];
        const cJSON *a = cJSON_GetObjectItem(rule, "action"), *sc = cJSON_GetObjectItem(rule, "status");
        if (cJSON_IsString(a))
            snprintf(what, sizeof what, "%s", a->valuestring);
        else if (cJSON_IsNumber(sc))
            snprintf(what, sizeof what, "%d", sc->valueint);
        else if (cJSON_GetObjectItem(rule, "delayMs"))
            snprintf(what, sizeof what, "delay");
        else
            snprintf(what, sizeof what, "fault");
        int i = 0;
        for (; i < r->n_bands; i++)
            if (r->bands[i].from_h == from / 3600.0 &&
                r->bands[i].until_h == (isnan(until) ? -1 : until / 3600.0))
                break;
        if (i == r->n_bands) {
            if (r->n_bands == RUN_MAX_BANDS)
                continue;
            r->n_bands++;
            r->bands[i].from_h = from / 3600.0;
            r->bands[i].until_h = isnan(until) ? -1 : until / 3600.0;
            r->bands[i].what[0] = '\0';
        }
        run_band *b = &r->bands[i];
        size_t used = strlen(b->what);
        if (!strstr(b->what, what) && used + strlen(what) + 3 < sizeof b->what)
            snprintf(b->what + used, sizeof b->what - used, "%s%s", used ? ", " : "", what);
    }
}

void run_result_free(run_result *r)
{
    if (!r)
        return;
    free(r->samples);
    r->samples = NULL;
}

/* The optimizer's policy for a runner policy: "vicidial" is the campaign's
 * own VICIdial dialer (mock_campaign_def.vicidial_dialer), which the
 * optimizer leaves alone. */
static const char *optimizer_policy(const char *policy)
{
    return strcmp(policy, "vicidial") == 0 ? "do-nothing" : policy;
}

run_status run_policy_name_check(const char *name, cx_error *err)
{
    opt_params t = opt_params_seed(); /* any target and truth: only the name counts */
    opt_policy_options po = {.target = &t, .truth = true_p};
    cx_error e = {0};
    if (name && opt_policy_check(optimizer_policy(name), &po, &e) == OPT_OK)
        return RUN_OK;
    return cx_error_set(err, RUN_EINVAL,
                        "unknown policy \"%s\" (known: do-nothing, static, vicidial, adaptive, "
                        "oracle)",
                        name ? name : "");
}

run_status run_options_check(const run_scenario *s, const run_options *o, cx_error *err)
{
    const char *policy = o && o->policy ? o->policy : s->policy;
    const char *profile = o && o->profile ? o->profile : s->profile;
    if (strcmp(profile, "seed") != 0 && strcmp(profile, "cxone") != 0)
        return cx_error_set(err, RUN_EINVAL, "%s: unknown API profile \"%s\" (seed, cxone)",
                            s->file, profile);
    /* the runner always supplies the oracle's truth; the target is the
     * scenario's to give */
    opt_policy_options po = {.target = s->has_target ? &s->target : NULL, .truth = true_p};
    cx_error e = {0};
    if (opt_policy_check(optimizer_policy(policy), &po, &e) == OPT_OK)
        return RUN_OK;
    if (strcmp(policy, "static") == 0 && !s->has_target)
        return cx_error_set(err, RUN_EINVAL,
                            "%s: the static policy needs a target, and this scenario has none "
                            "(give it one as \"policy\": {\"name\": ..., \"target\": {...}}, "
                            "or choose another policy)",
                            s->file);
    return cx_error_set(err, RUN_EINVAL, "%s: %s", s->file, e.msg);
}

run_status run_scenario_run(const run_scenario *s, const run_options *o, run_result *r,
                            cx_error *err)
{
    static const run_options defaults = {0};
    if (!o)
        o = &defaults;
    memset(r, 0, sizeof *r);
    run_status cst = run_options_check(s, o, err);
    if (cst != RUN_OK)
        return cst;
    double wall0 = cx_wall_monotonic();
    cx_copy(r->name, sizeof r->name, s->name);
    cx_copy(r->policy, sizeof r->policy, o->policy ? o->policy : s->policy);
    cx_copy(r->profile, sizeof r->profile, o->profile ? o->profile : s->profile);
    bool cxone = strcmp(r->profile, "cxone") == 0;
    r->seed = s->seed + o->seed_offset;
    r->window_s = s->window_s;
    r->limit = s->limit;
    fault_bands(cxone ? s->faults_cxone : s->faults, r);
    const run_expect *x = cxone ? &s->expect_cxone : &s->expect;
    bool do_nothing = strcmp(r->policy, "do-nothing") == 0;
    if (x->has_min_occupancy_gain && !do_nothing) {
        /* the baseline: the same scenario, seed and profile, nothing changed */
        run_options bo = *o;
        bo.policy = "do-nothing";
        bo.profile = r->profile;
        run_result b;
        run_status bst = run_scenario_run(s, &bo, &b, err);
        r->has_baseline = bst == RUN_OK;
        r->baseline_occupancy = b.occupancy;
        r->baseline_max_window_rate = b.max_window_rate;
        run_result_free(&b);
        if (bst != RUN_OK)
            return bst;
    }
    r->samples = calloc((size_t)s->cycles, sizeof *r->samples);
    if (!r->samples)
        return cx_error_set(err, RUN_ENOMEM, "out of memory");

    run_status st = RUN_EFAIL;
    cx_clock *clk = o->real_time ? cx_clock_real_create() : cx_clock_virtual_create(START_EPOCH);
    mock_server *m = NULL;
    opt_optimizer *opt = NULL;
    opt_policy *pol = NULL;
    truth tr = {NULL, 0};
    char *tmp = NULL;
    double *wall = calloc((size_t)s->cycles, sizeof *wall);
    double *simt = calloc((size_t)s->cycles, sizeof *simt);
    char audit[4096], base[64], auth[96], hook[128];
    cx_error e = {0};
    if (!clk || !wall || !simt) {
        st = cx_error_set(err, RUN_ENOMEM, "out of memory");
        goto out;
    }
    double start = cx_clock_now(clk);

    /* the server */
    mock_options mo;
    mock_options_default(&mo);
    mock_client client = {RUN_CLIENT_ID, RUN_CLIENT_SECRET, s->scope};
    mock_campaign_def camp = {
        .id = CAMPAIGN_ID, .name = s->name, .model = s->campaign, .dialer = s->dialer};
    camp.vicidial_dialer = strcmp(r->policy, "vicidial") == 0;
    camp.vicidial = s->vicidial;
    mo.clients = &client;
    mo.n_clients = 1;
    mo.campaigns = &camp;
    mo.n_campaigns = 1;
    mo.token_ttl_s = s->token_ttl_s;
    mo.faults = cxone ? s->faults_cxone : s->faults;
    mo.seed = r->seed;
    mo.rate_per_s = s->rate;
    mo.burst = s->burst;
    mo.stats_window_s = s->window_s;
    /* the tenant's engine accepts what the scenario's constraints allow */
    mo.bounds = opt_constraints_bounds(&s->constraints);
    mo.journal_max = 200000;
    mo.clock = clk;
    mo.profile = cxone ? MOCK_PROFILE_CXONE : MOCK_PROFILE_SEED;
    mo.require_accept = cxone; /* as CXone: the optimizer must send Accept */
    mo.retry_after_on_429 = !cxone;
    if (mock_server_create(&mo, &m, &e) != MOCK_OK || mock_server_start(m, &e) != MOCK_OK) {
        st = cx_error_set(err, RUN_EINVAL, "%s: the mock: %s", s->file, e.msg);
        goto out;
    }
    snprintf(base, sizeof base, "http://127.0.0.1:%u", mock_server_port(m));
    snprintf(auth, sizeof auth, "%s/auth/token", base);
    snprintf(hook, sizeof hook, "%s/__webhook/scenario", base);

    /* the audit log */
    if (o->audit_dir) {
        kept_path(audit, sizeof audit, o, s, r, "jsonl");
        unlink(audit);
    } else {
        char tmpl[] = "/tmp/cxrun-XXXXXX";
        const char *dir = mkdtemp(tmpl);
        if (!dir || !(tmp = strdup(dir))) {
            st = cx_error_set(err, RUN_EIO, "cannot make a temporary directory");
            goto out;
        }
        snprintf(audit, sizeof audit, "%s/audit.jsonl", tmp);
    }

    /* the optimizer and its policy */
    opt_settings os;
    opt_settings_defaults(&os);
    os.profile = r->profile;
    os.client_id = RUN_CLIENT_ID;
    os.client_secret = RUN_CLIENT_SECRET;
    os.auth_url = auth;
    os.api_url = cxone ? NULL : base; /* cxone finds its host by discovery */
    os.access_key_id = MOCK_DEFAULT_ACCESS_KEY_ID;
    os.access_key_secret = MOCK_DEFAULT_ACCESS_KEY_SECRET;
    os.tenant_id = MOCK_DEFAULT_TENANT;
    os.campaign_id = CAMPAIGN_ID;
    os.webhook_url = s->webhook ? hook : NULL;
    os.webhook_secret = RUN_WEBHOOK_SECRET;
    os.audit_path = audit;
    os.constraints = s->constraints;
    os.limit = s->limit;
    os.amd_false_positive = s->amd_false_positive;
    os.window_s = s->window_s;
    os.stats_period_s = s->period_s;
    os.model = o->model ? o->model : s->campaign;
    os.predict_hours = s->predict_hours;
    os.predict_replications = s->predict_replications;
    /* the scenario's replication count, fixed: a closed loop of many cycles
     * cannot afford the gate's run to a 0.1-point half-width at every one */
    os.predict_max_replications = s->predict_replications;
    os.predict_threads = 1; /* runs go in parallel instead (--jobs) */
    os.clock = clk;
    if (s->timeout_ms > 0) /* wire faults hold real time: hang, dribble, slow-close */
        os.timeout_ms = s->timeout_ms;
    os.seed = r->seed * 2654435761ULL + 17;
    if (opt_optimizer_create(&os, &opt, &e) != OPT_OK) {
        st = cx_error_set(err, RUN_EFAIL, "%s: the optimizer: %s", s->file, e.msg);
        goto out;
    }
    if (sim_model_parse(s->campaign, s->file, "campaign", &tr.model, &e) != SIM_OK) {
        st = cx_error_set(err, RUN_EINVAL, "%s", e.msg);
        goto out;
    }
    tr.start = start;
    opt_policy_options po = {
        .target = s->has_target ? &s->target : NULL,
        .truth = true_p,
        .truth_ud = &tr,
        .window_s = s->window_s,
        .period_s = s->period_s,
    };
    if (opt_policy_create(optimizer_policy(r->policy), opt, &po, &pol, &e) != OPT_OK) {
        st = cx_error_set(err, RUN_EINVAL, "%s: policy: %s", s->file, e.msg);
        goto out;
    }

    /* the cycles */
    opt_params cur = s->initial;
    for (int k = 1; k <= s->cycles; k++) {
        double due = start + k * s->period_s, now = cx_clock_now(clk);
        if (now < due)
            cx_clock_sleep(clk, due - now);
        double t0 = cx_clock_now(clk), w0 = cx_wall_monotonic();
        opt_cycle_report rep;
        if (opt_policy_cycle(pol, &rep, &e) != OPT_OK) {
            st = cx_error_set(err, RUN_EFAIL, "%s: cycle %d: %s", s->file, k, e.msg);
            goto out;
        }
        wall[k - 1] = (cx_wall_monotonic() - w0) * 1000.0;
        simt[k - 1] = (cx_clock_now(clk) - t0) * 1000.0;
        if ((unsigned)rep.outcome < RUN_OUTCOMES)
            r->outcomes[rep.outcome]++;
        r->retries += rep.retries;
        r->reauths += rep.reauths;
        r->conflicts += rep.conflicts;
        if (rep.webhook_attempted)
            rep.webhook_delivered ? r->webhooks_delivered++ : r->webhooks_failed++;
        if (rep.outcome == OPT_OUTCOME_APPLIED)
            cur = rep.after;
        sample(m, s, (cx_clock_now(clk) - start) / 3600.0, &cur, (int)rep.outcome,
               &r->samples[k - 1]);
        r->n_samples = k;
        r->cycles = k;
    }
    r->applied = r->outcomes[OPT_OUTCOME_APPLIED];
    r->refused = r->outcomes[OPT_OUTCOME_REJECTED_VALIDATION] +
                 r->outcomes[OPT_OUTCOME_REJECTED_COMPLIANCE] +
                 r->outcomes[OPT_OUTCOME_REJECTED_STATE];
    r->failed = r->outcomes[OPT_OUTCOME_FAILED_AUTH] + r->outcomes[OPT_OUTCOME_FAILED_API] +
                r->outcomes[OPT_OUTCOME_FAILED_NETWORK];

    /* what came out */
    qsort(wall, (size_t)s->cycles, sizeof *wall, cmp_double);
    qsort(simt, (size_t)s->cycles, sizeof *simt, cmp_double);
    r->wall_p50 = pct(wall, s->cycles, 0.50);
    r->wall_p95 = pct(wall, s->cycles, 0.95);
    r->wall_p99 = pct(wall, s->cycles, 0.99);
    r->sim_p50 = pct(simt, s->cycles, 0.50);
    r->sim_p95 = pct(simt, s->cycles, 0.95);
    r->sim_p99 = pct(simt, s->cycles, 0.99);
    run__worst_window(r, x->window_min_live);
    r->final_window_rate = r->occupancy = NAN;
    r->final_live_answers = -1;
    cJSON *fin = NULL;
    if (mock_server_truth(m, CAMPAIGN_ID, s->window_s, s->period_s, &fin) == MOCK_OK) {
        const cJSON *w = cJSON_GetObjectItem(fin, "window"), *t = cJSON_GetObjectItem(fin, "total");
        r->final_window_rate = num(w, "abandonRate");
        double live = num(w, "liveAnswers");
        r->final_live_answers = isnan(live) ? -1 : (long)live;
        r->occupancy = num(t, "occupancy");
        cJSON_Delete(fin);
    }
    run_facts facts = {0};
    opt_params last;
    bool have_last;
    opt_optimizer_destroy(opt); /* closes the audit log */
    opt = NULL;
    read_audit(audit, &facts, r, &last, &have_last);
    cJSON *journal = mock_server_journal(m);
    read_journal(journal, cxone, &facts);
    mock_campaign_state cs;
    mock_server_campaign(m, CAMPAIGN_ID, &cs);
    /* the dialer's settings the campaign ends with, over what the records
     * say it should have: the last applied target, or the first settings */
    opt_params now_p = opt_params_from_sim(&cs.dialer);
    opt_params want = have_last ? last : s->initial;
    if (have_last) {
        facts.final_matches_audit = opt_params_equal(&now_p, &want);
        if (!facts.final_matches_audit)
            snprintf(facts.lost_update_detail, sizeof facts.lost_update_detail,
                     "the campaign has answerRate %.4g, the last applied record says %.4g",
                     now_p.answer_rate, last.answer_rate);
    } else {
        /* nothing applied, so nothing of the dialer's changed (a lock
         * changes the campaign's status and version, not its settings) */
        facts.final_matches_audit = opt_params_equal(&now_p, &want);
        if (!facts.final_matches_audit)
            snprintf(facts.lost_update_detail, sizeof facts.lost_update_detail,
                     "the campaign's settings changed (version %ld, answerRate %.4g, first "
                     "%.4g) with no applied record",
                     cs.version, now_p.answer_rate, want.answer_rate);
    }
    if (do_nothing) { /* its own baseline: it gains nothing over itself */
        r->has_baseline = true;
        r->baseline_occupancy = r->occupancy;
        r->baseline_max_window_rate = r->max_window_rate;
    }
    run__check(s, x, &facts, r);
    if (o->audit_dir) {
        st = keep_mock_record(m, journal, o, s, r, err);
    } else {
        cJSON_Delete(journal);
        st = RUN_OK;
    }
out:
    r->wall_s = cx_wall_monotonic() - wall0;
    opt_policy_destroy(pol);
    opt_optimizer_destroy(opt);
    mock_server_destroy(m);
    sim_model_destroy(tr.model);
    cx_clock_destroy(clk);
    if (tmp) {
        unlink(audit);
        rmdir(tmp);
        free(tmp);
    }
    free(wall);
    free(simt);
    return st;
}
