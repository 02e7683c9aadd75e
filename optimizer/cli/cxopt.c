/* cxopt - tune a CXone predictive dialer safely.
 *
 * Reads the seed's environment variables, lets flags override each, and runs
 * a command. Exit status: 0 applied (or nothing to do), 1 refused or failed,
 * 2 usage. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cx_mpi.h"
#include "dialsim.h"

static const char usage_text[] =
    "usage: cxopt COMMAND [OPTIONS]\n"
    "\n"
    "Tune the predictive dialer of a CXone campaign: validate a target, gate it on\n"
    "compliance (regulatory limit, measured abandon rate, simulated prediction),\n"
    "apply it atomically with honest retries, post a signed webhook, and append a\n"
    "durable audit record, whatever the outcome.\n"
    "\n"
    "commands:\n"
    "  apply --target FILE.json [--ramp [--ramp-interval S]] [--dry-run] [--json]\n"
    "        one optimization cycle towards the target (a predictiveDialer object;\n"
    "        fields it leaves out keep their current values). A target further than\n"
    "        maxAdjustmentDelta from the current config is refused with the numbers;\n"
    "        --ramp applies it as a sequence of cycles, each within the delta and\n"
    "        each audited, waiting --ramp-interval seconds between steps (default\n"
    "        900: one 15-minute stats period, so that each step is gated on what the\n"
    "        dialer did under the step before; 0 waits not at all). SIGINT or SIGTERM\n"
    "        stops a ramp after the step in progress, audited (exit 130 or 143).\n"
    "        --dry-run validates, gates and predicts, and sends nothing (no write,\n"
    "        no webhook); only the audit record is written.\n"
    "        The gate's verdict is compliant, remediation or refused, with its\n"
    "        reason in numbers (see the README's \"The compliance gate\").\n"
    "  show [--json]\n"
    "        the campaign as the API reports it\n"
    "  run SCENARIO_OR_DIR... [--policy NAME] [--json] [--junit FILE] [--report DIR]\n"
    "          [--quiet]\n"
    "        runs scenarios (scenarios/*.json) against an embedded mock on a virtual\n"
    "        clock and prints per scenario: cycles, changes applied and refused,\n"
    "        retries, cycle latency, abandon rate (worst regulatory window and final),\n"
    "        occupancy and whether every expectation held. Exit 1 if any did not.\n"
    "        --audit-dir DIR keeps each run's audit log, the mock's journal and the\n"
    "        webhooks it received (NAME-POLICY-SEED.jsonl, .journal.json,\n"
    "        .webhooks.json); --jobs N runs N at once;\n"
    "        --real-time runs on the wall clock instead; --profile seed|cxone runs\n"
    "        them with the mock and the optimizer speaking that API (default: each\n"
    "        scenario's \"profile\", else seed). --report DIR writes a static HTML\n"
    "        report there (index.html, failures first, and a page per scenario with\n"
    "        SVG charts over simulated time; an older report there is replaced).\n"
    "        --shard K/N runs only the K-th of N shards (contiguous blocks of the\n"
    "        sorted list), for a CI system's parallel jobs; cxopt merge joins them.\n"
    "        Under mpirun (or srun) the scenarios are spread over the ranks, --jobs\n"
    "        threads in each, and rank 0 writes the one table, JSON, JUnit, report.\n"
    "  compare SCENARIO [--policies static,adaptive,vicidial,oracle] [--seeds N]\n"
    "          (also do-nothing: the starting settings held, nothing written)\n"
    "          [--plot FILE.svg|.png] [--report DIR] [--json] [--quiet]\n"
    "        runs one scenario under each policy with the same seeds, side by side;\n"
    "        --plot draws window abandon rate and occupancy over simulated time;\n"
    "        --report DIR writes the HTML report, policies side by side (first seed);\n"
    "        under mpirun the policies' seeds are spread over the ranks\n"
    "  merge SHARD... [--out FILE]\n"
    "        joins the JSON (--json) or JUnit (--junit) reports of run --shard 1/N ..\n"
    "        N/N, given in shard order, into the report of one whole run (only the\n"
    "        totals are recomputed); exit 1 if any scenario in them failed\n"
    "  calibrate --since DATE [--until DATE] --out MODEL.json [--report FILE.json]\n"
    "          [--page-size N] [--json]    (cxone profile)\n"
    "        fits the campaign model to the skill's completed contacts from CXone's\n"
    "        reporting API (GET .../contacts/completed, paged by --page-size: 1000\n"
    "        by default, at most 2000; 429 and 503 wait for Retry-After), mapped\n"
    "        by the mapping's \"records\" (every assumed field said); DATE is\n"
    "        RFC 3339 or YYYY-MM-DD (UTC); --until defaults to half an hour ago\n"
    "        (calls still in progress are not yet completed contacts). The model\n"
    "        is written to a temporary file and renamed over MODEL.json; --model\n"
    "        loads it.\n"
    "  help  this text\n"
    "\n"
    "connection (each flag overrides its environment variable):\n"
    "  --client-id ID          CXONE_CLIENT_ID\n"
    "  --client-secret S       CXONE_CLIENT_SECRET (prefer the variable: flags are\n"
    "                          visible to other users in the process list)\n"
    "  --auth-url URL          CXONE_AUTH_URL, the OAuth token endpoint\n"
    "  --api-url URL           CXONE_API_URL, the API base\n"
    "  --campaign ID           CXONE_CAMPAIGN_ID\n"
    "  --webhook-url URL       CXONE_WEBHOOK_URL (optional)\n"
    "  --webhook-secret S      CXONE_WEBHOOK_SECRET (optional; signs webhooks with\n"
    "                          HMAC-SHA256, Standard Webhooks; whsec_<base64> or raw)\n"
    "  --profile NAME          CXONE_PROFILE: the API spoken: seed (default), or cxone\n"
    "                          (NICE CXone's skills API; see the README's \"Pointing at\n"
    "                          a real tenant\")\n"
    "  --access-key-id ID      CXONE_ACCESS_KEY_ID (cxone: the password grant's user)\n"
    "  --access-key-secret S   CXONE_ACCESS_KEY_SECRET (prefer the variable)\n"
    "  --tenant ID             CXONE_TENANT_ID (cxone: discovers the API host when\n"
    "                          CXONE_API_URL is unset)\n"
    "  --api-version vNN.0     CXONE_API_VERSION (cxone: v30.0)\n"
    "  --mapping FILE.json     CXONE_MAPPING (cxone: seed concept -> CXone field;\n"
    "                          default optimizer/cxone-mapping.json, built in)\n"
    "                          cxone's CXONE_AUTH_URL defaults to\n"
    "                          https://cxone.niceincontact.com/auth/token\n"
    "\n"
    "policy:\n"
    "  --constraints FILE.json bounds and maxAdjustmentDelta (default: the seed's)\n"
    "  --limit X               regulatory abandon limit (default 0.03)\n"
    "  --amd-false-positive F  share of people AMD hangs up on, for Ofcom's estimate\n"
    "                          of the abandons no ACD sees (default 0: no AMD)\n"
    "  --model FILE.json       dialsim campaign model for predictions (default: a\n"
    "                          built-in 20-agent campaign; see the README), such as\n"
    "                          calibrate writes; run and compare give it to the\n"
    "                          optimizer instead of each scenario's campaign, which\n"
    "                          the mock still simulates\n"
    "  --no-predict            skip the simulated prediction in the gate (a change\n"
    "                          that dials harder is then judged on the measured\n"
    "                          window alone)\n"
    "  --predict-hours H       simulated hours per replication (default 2)\n"
    "  --predict-replications N  replications first run (default 8); more are run\n"
    "                          until the 95% half-width of the predicted abandon\n"
    "                          rate is at most 0.1 point, or the cap:\n"
    "  --predict-max-replications N  the cap (default 256)\n"
    "  --predict-threads N     threads the replications run on (default 2; the\n"
    "                          answer does not depend on it)\n"
    "  --horizon S             how long the change stands before the next decision,\n"
    "                          for the end-of-window projection (default 900)\n"
    "  --require-stats         refuse a change that dials harder when the API\n"
    "                          reports no window stats (compliance cannot be\n"
    "                          measured); a retreat is still allowed\n"
    "\n"
    "behaviour:\n"
    "  --audit FILE            audit log (default $XDG_STATE_HOME/cxopt/audit.jsonl,\n"
    "                          else ~/.local/state/cxopt/audit.jsonl)\n"
    "  --retry-base S          backoff base (0.5)   --retry-cap S      cap (30)\n"
    "  --retry-attempts N      attempts (4)         --retry-deadline S (120)\n"
    "  --token-skew S          refresh the token S before expiry (60)\n"
    "  --connect-timeout MS    (5000)               --timeout MS       (15000)\n"
    "  --seed N                seed for jitter and predictions (default: jitter\n"
    "                          random; the prediction's seed derived from the\n"
    "                          campaign, its settings and the stats: one state,\n"
    "                          one answer); recorded in the audit log\n"
    "  --json                  machine-readable output\n"
    "  -q, --quiet             no progress line (it shows only on a terminal anyway)\n"
    "  -h, --help              this text\n"
    "\n"
    "exit status: 0 applied and verified, a dry run allowed, or nothing to do; 1\n"
    "refused, failed, or a write accepted but not verified; 2 usage error.\n";

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("cxopt: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

enum {
    O_CLIENT_ID = 256, O_CLIENT_SECRET, O_AUTH_URL, O_API_URL, O_CAMPAIGN, O_WEBHOOK_URL,
    O_WEBHOOK_SECRET, O_PROFILE, O_CONSTRAINTS, O_LIMIT, O_AMD_FP, O_MODEL, O_NO_PREDICT,
    O_PREDICT_HOURS, O_PREDICT_REPS, O_AUDIT, O_RETRY_BASE, O_RETRY_CAP, O_RETRY_ATTEMPTS,
    O_RETRY_DEADLINE, O_TOKEN_SKEW, O_CONNECT_TIMEOUT, O_TIMEOUT, O_SEED, O_JSON, O_TARGET,
    O_RAMP, O_RAMP_INTERVAL, O_DRY_RUN, O_POLICY, O_POLICIES, O_JUNIT, O_SEEDS, O_PLOT, O_REPORT,
    O_AUDIT_DIR, O_REAL_TIME, O_JOBS, O_SHARD, O_AK_ID, O_AK_SECRET, O_TENANT, O_API_VERSION,
    O_MAPPING, O_PREDICT_MAX, O_PREDICT_THREADS, O_HORIZON, O_REQUIRE_STATS, O_QUIET, O_SINCE,
    O_UNTIL, O_OUT, O_PAGE_SIZE
};

static const struct option options[] = {
    {"client-id", required_argument, NULL, O_CLIENT_ID},
    {"client-secret", required_argument, NULL, O_CLIENT_SECRET},
    {"auth-url", required_argument, NULL, O_AUTH_URL},
    {"api-url", required_argument, NULL, O_API_URL},
    {"campaign", required_argument, NULL, O_CAMPAIGN},
    {"webhook-url", required_argument, NULL, O_WEBHOOK_URL},
    {"webhook-secret", required_argument, NULL, O_WEBHOOK_SECRET},
    {"profile", required_argument, NULL, O_PROFILE},
    {"constraints", required_argument, NULL, O_CONSTRAINTS},
    {"limit", required_argument, NULL, O_LIMIT},
    {"amd-false-positive", required_argument, NULL, O_AMD_FP},
    {"model", required_argument, NULL, O_MODEL},
    {"no-predict", no_argument, NULL, O_NO_PREDICT},
    {"predict-hours", required_argument, NULL, O_PREDICT_HOURS},
    {"predict-replications", required_argument, NULL, O_PREDICT_REPS},
    {"predict-max-replications", required_argument, NULL, O_PREDICT_MAX},
    {"predict-threads", required_argument, NULL, O_PREDICT_THREADS},
    {"horizon", required_argument, NULL, O_HORIZON},
    {"require-stats", no_argument, NULL, O_REQUIRE_STATS},
    {"audit", required_argument, NULL, O_AUDIT},
    {"retry-base", required_argument, NULL, O_RETRY_BASE},
    {"retry-cap", required_argument, NULL, O_RETRY_CAP},
    {"retry-attempts", required_argument, NULL, O_RETRY_ATTEMPTS},
    {"retry-deadline", required_argument, NULL, O_RETRY_DEADLINE},
    {"token-skew", required_argument, NULL, O_TOKEN_SKEW},
    {"connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"seed", required_argument, NULL, O_SEED},
    {"json", no_argument, NULL, O_JSON},
    {"target", required_argument, NULL, O_TARGET},
    {"ramp", no_argument, NULL, O_RAMP},
    {"ramp-interval", required_argument, NULL, O_RAMP_INTERVAL},
    {"dry-run", no_argument, NULL, O_DRY_RUN},
    {"policy", required_argument, NULL, O_POLICY},
    {"policies", required_argument, NULL, O_POLICIES},
    {"junit", required_argument, NULL, O_JUNIT},
    {"seeds", required_argument, NULL, O_SEEDS},
    {"plot", required_argument, NULL, O_PLOT},
    {"report", required_argument, NULL, O_REPORT},
    {"audit-dir", required_argument, NULL, O_AUDIT_DIR},
    {"real-time", no_argument, NULL, O_REAL_TIME},
    {"jobs", required_argument, NULL, O_JOBS},
    {"shard", required_argument, NULL, O_SHARD},
    {"access-key-id", required_argument, NULL, O_AK_ID},
    {"access-key-secret", required_argument, NULL, O_AK_SECRET},
    {"tenant", required_argument, NULL, O_TENANT},
    {"api-version", required_argument, NULL, O_API_VERSION},
    {"mapping", required_argument, NULL, O_MAPPING},
    {"quiet", no_argument, NULL, O_QUIET},
    {"since", required_argument, NULL, O_SINCE},
    {"until", required_argument, NULL, O_UNTIL},
    {"out", required_argument, NULL, O_OUT},
    {"page-size", required_argument, NULL, O_PAGE_SIZE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int number(const char *opt, const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi)) {
        cli_error("--%s: expected a number in [%g, %g], got \"%s\"", opt, lo, hi, v);
        return -1;
    }
    *out = d;
    return 0;
}

/* --shard K/N: two whole numbers, 1 <= K <= N <= 10000. */
static int parse_shard(const char *v, cli_args *a)
{
    char *end;
    errno = 0;
    long k = strtol(v, &end, 10), n = 0;
    bool ok = end != v && *end == '/' && v[0] >= '0' && v[0] <= '9';
    if (ok) {
        const char *p = end + 1;
        n = strtol(p, &end, 10);
        ok = end != p && !*end && p[0] >= '0' && p[0] <= '9' && !errno;
    }
    if (!ok) {
        cli_error("--shard %s: expected K/N, the K-th of N shards, such as 2/4", v);
        return -1;
    }
    if (n < 1 || n > 10000) {
        cli_error("--shard %s: N must be between 1 and 10000, got %ld", v, n);
        return -1;
    }
    if (k < 1 || k > n) {
        cli_error("--shard %s: K must be between 1 and N (%ld), got %ld", v, n, k);
        return -1;
    }
    a->shard_k = (int)k;
    a->shard_n = (int)n;
    return 0;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

static int parse(int argc, char **argv, cli_args *a)
{
    opt_settings_defaults(&a->s);
    /* a ramp step waits for one stats period: the next step's gate then
     * reads a period dialed wholly under the step before */
    a->ramp_interval_s = a->s.stats_period_s;
    a->s.client_id = env("CXONE_CLIENT_ID");
    a->s.client_secret = env("CXONE_CLIENT_SECRET");
    a->s.auth_url = env("CXONE_AUTH_URL");
    a->s.api_url = env("CXONE_API_URL");
    a->s.campaign_id = env("CXONE_CAMPAIGN_ID");
    a->s.webhook_url = env("CXONE_WEBHOOK_URL");
    a->s.webhook_secret = env("CXONE_WEBHOOK_SECRET");
    if (env("CXONE_PROFILE"))
        a->s.profile = a->profile_given = env("CXONE_PROFILE");
    a->s.access_key_id = env("CXONE_ACCESS_KEY_ID");
    a->s.access_key_secret = env("CXONE_ACCESS_KEY_SECRET");
    a->s.tenant_id = env("CXONE_TENANT_ID");
    a->s.api_version = env("CXONE_API_VERSION");
    a->s.mapping_path = env("CXONE_MAPPING");
    int c;
    double d;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hq", options, NULL)) != -1) {
        const char *name = NULL;
        for (const struct option *o = options; o->name; o++)
            if (o->val == c)
                name = o->name;
        switch (c) {
        case O_CLIENT_ID: a->s.client_id = optarg; break;
        case O_CLIENT_SECRET: a->s.client_secret = optarg; break;
        case O_AUTH_URL: a->s.auth_url = optarg; break;
        case O_API_URL: a->s.api_url = optarg; break;
        case O_CAMPAIGN: a->s.campaign_id = optarg; break;
        case O_WEBHOOK_URL: a->s.webhook_url = optarg; break;
        case O_WEBHOOK_SECRET: a->s.webhook_secret = optarg; break;
        case O_PROFILE: a->s.profile = a->profile_given = optarg; break;
        case O_CONSTRAINTS: a->constraints_path = optarg; break;
        case O_MODEL: a->model_path = optarg; break;
        case O_AUDIT:
            if (!optarg[0]) {
                cli_error("--audit: the path is empty (leave --audit out for the default, "
                          "$XDG_STATE_HOME/cxopt/audit.jsonl)");
                return -1;
            }
            a->s.audit_path = optarg;
            break;
        case O_QUIET:
        case 'q': a->quiet = true; break;
        case O_TARGET: a->target_path = optarg; break;
        case O_NO_PREDICT: a->s.predict = false; break;
        case O_REQUIRE_STATS: a->s.require_stats = true; break;
        case O_JSON: a->json = true; break;
        case O_RAMP: a->ramp = true; break;
        case O_DRY_RUN: a->dry_run = true; break;
        case O_POLICY: a->policy = optarg; break;
        case O_POLICIES: a->policies = optarg; break;
        case O_JUNIT: a->junit = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_REPORT: a->report = optarg; break;
        case O_AUDIT_DIR: a->audit_dir = optarg; break;
        case O_AK_ID: a->s.access_key_id = optarg; break;
        case O_AK_SECRET: a->s.access_key_secret = optarg; break;
        case O_TENANT: a->s.tenant_id = optarg; break;
        case O_MAPPING: a->s.mapping_path = optarg; break;
        case O_API_VERSION: a->s.api_version = optarg; break;
        case O_REAL_TIME: a->real_time = true; break;
        case O_SINCE: a->since = optarg; break;
        case O_UNTIL: a->until = optarg; break;
        case O_OUT: a->out = optarg; break;
        case O_PAGE_SIZE:
            if (number(name, optarg, 1, 2000, &d)) return -1;
            a->page_size = (int)d;
            break;
        case O_SEEDS:
            if (number(name, optarg, 1, 1000, &d)) return -1;
            a->seeds = (int)d;
            break;
        case O_SHARD:
            if (parse_shard(optarg, a) != 0) return -1;
            break;
        case O_JOBS:
            if (number(name, optarg, 1, 64, &d)) return -1;
            a->jobs = (int)d;
            break;
        case O_LIMIT:
            if (number(name, optarg, 1e-6, 0.999999, &a->s.limit)) return -1;
            break;
        case O_AMD_FP:
            if (number(name, optarg, 0, 0.999999, &a->s.amd_false_positive)) return -1;
            break;
        case O_PREDICT_HOURS:
            if (number(name, optarg, 0.01, 720, &a->s.predict_hours)) return -1;
            break;
        case O_PREDICT_REPS:
            if (number(name, optarg, 2, 1000, &d)) return -1;
            a->s.predict_replications = (int)d;
            break;
        case O_PREDICT_MAX:
            if (number(name, optarg, 2, 10000, &d)) return -1;
            a->s.predict_max_replications = (int)d;
            break;
        case O_PREDICT_THREADS:
            if (number(name, optarg, 1, 64, &d)) return -1;
            a->s.predict_threads = (int)d;
            break;
        case O_HORIZON:
            if (number(name, optarg, 1, 30 * 86400.0, &a->s.horizon_s)) return -1;
            break;
        case O_RETRY_BASE:
            if (number(name, optarg, 0, 3600, &a->s.retry.base_s)) return -1;
            break;
        case O_RETRY_CAP:
            if (number(name, optarg, 0, 86400, &a->s.retry.cap_s)) return -1;
            break;
        case O_RETRY_ATTEMPTS:
            if (number(name, optarg, 1, 100, &d)) return -1;
            a->s.retry.max_attempts = (int)d;
            break;
        case O_RETRY_DEADLINE:
            if (number(name, optarg, 0, 86400, &a->s.retry.deadline_s)) return -1;
            break;
        case O_TOKEN_SKEW:
            if (number(name, optarg, 0, 86400, &a->s.token_skew_s)) return -1;
            break;
        case O_CONNECT_TIMEOUT:
            if (number(name, optarg, 1, 600000, &d)) return -1;
            a->s.connect_timeout_ms = (long)d;
            break;
        case O_TIMEOUT:
            if (number(name, optarg, 1, 3600000, &d)) return -1;
            a->s.timeout_ms = (long)d;
            break;
        case O_RAMP_INTERVAL:
            if (number(name, optarg, 0, 86400, &a->ramp_interval_s)) return -1;
            break;
        case O_SEED:
            if (number(name, optarg, 0, 9007199254740991.0, &d)) return -1;
            a->s.seed = a->s.prediction_seed = (unsigned long long)d;
            break;
        case 'h':
            a->command = "help";
            return 0;
        case '?':
        default:
            if (optopt)
                cli_error("option -%c is unknown (see cxopt --help)", optopt);
            else
                cli_error("option %s is unknown or lacks its value (see cxopt --help)",
                          argv[optind - 1]);
            return -1;
        }
    }
    if (a->s.api_version && (strncmp(a->s.api_version, "v", 1) != 0 ||
                             strspn(a->s.api_version + 1, "0123456789") + 3 !=
                                 strlen(a->s.api_version) ||
                             strcmp(a->s.api_version + strlen(a->s.api_version) - 2, ".0") != 0)) {
        cli_error("--api-version (CXONE_API_VERSION): expected vNN.0, got \"%s\"",
                  a->s.api_version);
        return -1;
    }
    if (a->s.profile && strcmp(a->s.profile, "cxone") == 0 && !a->s.auth_url)
        a->s.auth_url = "https://cxone.niceincontact.com/auth/token";
    /* GNU getopt_long permutes: every non-option word is now at the end,
     * the command first, so options may come before or after it. */
    if (a->command) /* --help */
        return 0;
    if (optind >= argc) {
        cli_error("no command (see cxopt --help)");
        return -1;
    }
    a->command = argv[optind];
    a->operands = argv + optind + 1;
    a->n_operands = argc - optind - 1;
    return 0;
}

/* Each attempt that got no answer, said as it happens (a server that never
 * answers is otherwise minutes of silence). */
static void say_notice(void *ud, const char *msg)
{
    (void)ud;
    cli_error("%s", msg);
}

static int load_files(cli_args *a)
{
    cx_error err = {0};
    if (a->constraints_path &&
        opt_constraints_load(a->constraints_path, &a->s.constraints, &err) != OPT_OK) {
        cli_error("%s", err.msg);
        return -1;
    }
    if (a->model_path) {
        a->model = cx_json_load_file(a->model_path, &err);
        if (!a->model) {
            cli_error("%s", err.msg);
            return -1;
        }
        a->s.model = a->model;
        /* checked now, naming the file and key, not at the first prediction */
        sim_model *m = NULL;
        if (sim_model_parse(a->model, a->model_path, "", &m, &err) != SIM_OK) {
            cli_error("%s", err.msg);
            return -1;
        }
        sim_model_destroy(m);
    }
    return 0;
}

static int dispatch(int argc, char **argv, cli_args *a)
{
    if (parse(argc, argv, a) != 0)
        return EXIT_USAGE;
    if (strcmp(a->command, "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    bool spread = strcmp(a->command, "run") == 0 || strcmp(a->command, "compare") == 0;
    if (cx_mpi_size(a->mpi) > 1 && !spread) {
        cli_error("%s: only run and compare spread their work over MPI ranks; run it as one "
                  "process",
                  a->command);
        return EXIT_USAGE;
    }
    if (a->shard_n && strcmp(a->command, "run") != 0) {
        cli_error("--shard is for run (the K-th of N shards of a scenario library), not %s",
                  a->command);
        return EXIT_USAGE;
    }
    if (a->out && strcmp(a->command, "merge") != 0 && strcmp(a->command, "calibrate") != 0) {
        cli_error("--out is for merge and calibrate, not %s", a->command);
        return EXIT_USAGE;
    }
    if (strcmp(a->command, "merge") == 0)
        return cli_merge(a);
    a->s.retry.notice = say_notice;
    if (load_files(a) != 0)
        return EXIT_USAGE;
    if (opt_global_init() != OPT_OK) {
        cli_error("cannot initialize libcurl");
        return EXIT_FAILED;
    }
    int rc;
    if (strcmp(a->command, "apply") == 0) {
        rc = cli_apply(a);
    } else if (strcmp(a->command, "show") == 0) {
        rc = cli_show(a);
    } else if (strcmp(a->command, "run") == 0) {
        rc = cli_run(a);
    } else if (strcmp(a->command, "compare") == 0) {
        rc = cli_compare(a);
    } else if (strcmp(a->command, "calibrate") == 0) {
        rc = cli_calibrate(a);
    } else {
        cli_error("unknown command \"%s\" (see cxopt --help)", a->command);
        rc = EXIT_USAGE;
    }
    opt_global_cleanup();
    return rc;
}

int main(int argc, char **argv)
{
    cli_args a;
    memset(&a, 0, sizeof a);
    cx_error err = {0};
    /* first: under mpirun, the ranks other than 0 fall silent here */
    if (cx_mpi_start(&argc, &argv, &a.mpi, &err) != 0) {
        cli_error("%s", err.msg);
        return EXIT_USAGE;
    }
    int rc = dispatch(argc, argv, &a);
    cJSON_Delete(a.model);
    cx_mpi_end(a.mpi);
    return rc;
}
