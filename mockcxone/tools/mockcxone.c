/* mockcxone - an offline CXone that fails on purpose.
 *
 * Prints exactly one line on stdout when it is ready,
 *     listening on http://HOST:PORT
 * and runs until SIGINT or SIGTERM, which stop it gracefully (exit 0).
 * Bad arguments or a bad faults file: a message on stderr, exit 2. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim.h"
#include "mockcxone.h"

#define MAX_CAMPAIGNS 64

static const char usage[] =
    "usage: mockcxone [OPTIONS]\n"
    "\n"
    "An offline CXone (the seed document's API) for tests and CI: OAuth client\n"
    "credentials, campaigns with ETags and atomic JSON Merge Patch, live simulated\n"
    "dialers behind each campaign, and faults on demand. See mockcxone/openapi.yaml\n"
    "and mockcxone/README.md.\n"
    "\n"
    "  --profile seed|cxone    the API spoken: the seed document's (default), or\n"
    "                          NICE CXone's (discovery, the password grant with an access\n"
    "                          key, unsigned JWT-shaped tokens, the skills API under\n"
    "                          /inContactAPI/services/vNN.0; the campaigns are skills)\n"
    "  --access-key-id ID      cxone: the access key (" MOCK_DEFAULT_ACCESS_KEY_ID ")\n"
    "  --access-key-secret S   cxone: its secret (" MOCK_DEFAULT_ACCESS_KEY_SECRET ")\n"
    "  --tenant ID             cxone: the tenant discovery answers for\n"
    "                          (" MOCK_DEFAULT_TENANT ")\n"
    "  --invalid-client-status N, --invalid-grant-status N\n"
    "                          cxone: the statuses of bad credentials (401, 401)\n"
    "  --require-accept        cxone: refuse requests without Accept: application/json\n"
    "                          as CXone does (406 \"No known way to render data\")\n"
    "  --retry-after yes|no    rate-limit 429s carry Retry-After (yes for seed, no for\n"
    "                          cxone, which does not send it reliably)\n"
    "  --bind ADDR             IPv4 address to listen on (127.0.0.1)\n"
    "  --port N                port; 0 picks a free one (0)\n"
    "  --client-id ID          the OAuth client id (" MOCK_DEFAULT_CLIENT_ID ")\n"
    "  --client-secret S       its secret (" MOCK_DEFAULT_CLIENT_SECRET ")\n"
    "  --scope \"S1 S2\"         the scopes its tokens carry\n"
    "                          (campaign:read campaign:write)\n"
    "  --campaign ID           a campaign (repeat for more; default " MOCK_DEFAULT_CAMPAIGN ")\n"
    "  --token-ttl SECONDS     token lifetime (3600)\n"
    "  --faults FILE.json      fault rules {\"faults\":[...]} loaded at start\n"
    "  --record URL --out FILE.json\n"
    "                          proxy every request to URL (a real tenant, or another\n"
    "                          mock) and keep each exchange in FILE.json, secrets and\n"
    "                          anything token-shaped redacted, the file whole at all times\n"
    "  --replay FILE.json      answer from a recorded session (method, path, query and\n"
    "                          body matched; in order for a request made again)\n"
    "  --replay-ignore K1,K2   query keys a replay does not match on (startDate,endDate)\n"
    "  --replay-missing N      the status of what the session lacks (501)\n"
    "  --seed N                seed for fault probabilities and simulations (1)\n"
    "  --rate R --burst B      per-client token bucket: R requests/s, bursts of B\n"
    "                          (off by default); past it, 429 with Retry-After\n"
    "  --model FILE.json       dialsim campaign model behind every campaign (default:\n"
    "                          a typical 20-agent campaign)\n"
    "  --no-sim                campaigns without a simulation (no /stats)\n"
    "  --window fcc|ofcom|S    the regulatory window of /stats (fcc: 30 days)\n"
    "  --connection-limit N    simultaneous connections (256)\n"
    "  --per-ip-limit N        simultaneous connections from one address (64)\n"
    "  --connection-timeout S  idle connections are closed after S (30)\n"
    "  --request-timeout S     a request must arrive whole within S of its connection\n"
    "                          opening or the previous answer, however it trickles (30;\n"
    "                          0 = off)\n"
    "  --journal-max N         journal entries kept (20000; older are counted)\n"
    "  --threads N             event-loop threads, each serving many connections (one\n"
    "                          per core); a fault's delay holds none of them\n"
    "  -h, --help              this text\n"
    "\n"
    "Admin API (not CXone's): GET /__admin/health, GET /__admin/journal[?since=N],\n"
    "GET /__admin/journal/summary, GET|POST|DELETE /__admin/faults,\n"
    "PUT /__admin/campaigns/ID/status, POST /__admin/reset, GET /__admin/webhooks;\n"
    "webhook sink: POST /__webhook/ANYTHING.\n";

static int number(const char *opt, const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi)) {
        fprintf(stderr, "mockcxone: --%s: expected a number in [%g, %g], got \"%s\"\n", opt, lo,
                hi, v);
        return -1;
    }
    *out = d;
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    mock_options o;
    mock_options_default(&o);
    mock_client client = {MOCK_DEFAULT_CLIENT_ID, MOCK_DEFAULT_CLIENT_SECRET, NULL};
    mock_campaign_def camps[MAX_CAMPAIGNS];
    size_t n_camps = 0;
    const char *model_path = NULL;
    bool no_sim = false;
    enum { O_BIND = 256, O_PORT, O_ID, O_SECRET, O_SCOPE, O_CAMPAIGN, O_TTL, O_FAULTS, O_SEED,
           O_RATE, O_BURST, O_MODEL, O_NOSIM, O_WINDOW, O_CLIMIT,
    O_PERIP, O_RTIMEOUT, O_CTIMEOUT, O_JMAX, O_THREADS, O_PROFILE,
           O_AK_ID, O_AK_SECRET, O_TENANT, O_ICS, O_IGS, O_ACCEPT, O_RA, O_RECORD, O_OUT,
           O_REPLAY, O_RIGNORE, O_RMISSING };
    int retry_after = -1;
    static const struct option opts[] = {
        {"bind", required_argument, NULL, O_BIND},
        {"port", required_argument, NULL, O_PORT},
        {"client-id", required_argument, NULL, O_ID},
        {"client-secret", required_argument, NULL, O_SECRET},
        {"scope", required_argument, NULL, O_SCOPE},
        {"campaign", required_argument, NULL, O_CAMPAIGN},
        {"token-ttl", required_argument, NULL, O_TTL},
        {"faults", required_argument, NULL, O_FAULTS},
        {"seed", required_argument, NULL, O_SEED},
        {"rate", required_argument, NULL, O_RATE},
        {"burst", required_argument, NULL, O_BURST},
        {"model", required_argument, NULL, O_MODEL},
        {"no-sim", no_argument, NULL, O_NOSIM},
        {"window", required_argument, NULL, O_WINDOW},
        {"connection-limit", required_argument, NULL, O_CLIMIT},
        {"per-ip-limit", required_argument, NULL, O_PERIP},
        {"request-timeout", required_argument, NULL, O_RTIMEOUT},
        {"connection-timeout", required_argument, NULL, O_CTIMEOUT},
        {"journal-max", required_argument, NULL, O_JMAX},
        {"threads", required_argument, NULL, O_THREADS},
        {"profile", required_argument, NULL, O_PROFILE},
        {"access-key-id", required_argument, NULL, O_AK_ID},
        {"access-key-secret", required_argument, NULL, O_AK_SECRET},
        {"tenant", required_argument, NULL, O_TENANT},
        {"invalid-client-status", required_argument, NULL, O_ICS},
        {"invalid-grant-status", required_argument, NULL, O_IGS},
        {"require-accept", no_argument, NULL, O_ACCEPT},
        {"retry-after", required_argument, NULL, O_RA},
        {"record", required_argument, NULL, O_RECORD},
        {"out", required_argument, NULL, O_OUT},
        {"replay", required_argument, NULL, O_REPLAY},
        {"replay-ignore", required_argument, NULL, O_RIGNORE},
        {"replay-missing", required_argument, NULL, O_RMISSING},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    double d;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        const char *name = "?";
        for (const struct option *x = opts; x->name; x++)
            if (x->val == c)
                name = x->name;
        switch (c) {
        case O_BIND: o.bind = optarg; break;
        case O_ID: client.id = optarg; break;
        case O_SECRET: client.secret = optarg; break;
        case O_SCOPE: client.scope = optarg; break;
        case O_FAULTS: o.faults_path = optarg; break;
        case O_RECORD: o.record_upstream = optarg; break;
        case O_OUT: o.record_out = optarg; break;
        case O_REPLAY: o.replay_path = optarg; break;
        case O_RIGNORE: o.replay_ignore = optarg; break;
        case O_RMISSING:
            if (number(name, optarg, 100, 599, &d)) return 2;
            o.replay_missing_status = (int)d;
            break;
        case O_MODEL: model_path = optarg; break;
        case O_NOSIM: no_sim = true; break;
        case O_AK_ID: o.access_key_id = optarg; break;
        case O_AK_SECRET: o.access_key_secret = optarg; break;
        case O_TENANT: o.tenant_id = optarg; break;
        case O_ACCEPT: o.require_accept = true; break;
        case O_PROFILE:
            if (strcmp(optarg, "seed") == 0) {
                o.profile = MOCK_PROFILE_SEED;
            } else if (strcmp(optarg, "cxone") == 0) {
                o.profile = MOCK_PROFILE_CXONE;
            } else {
                fprintf(stderr, "mockcxone: --profile: expected seed or cxone, got \"%s\"\n",
                        optarg);
                return 2;
            }
            break;
        case O_RA:
            if (strcmp(optarg, "yes") && strcmp(optarg, "no")) {
                fprintf(stderr, "mockcxone: --retry-after: expected yes or no\n");
                return 2;
            }
            retry_after = strcmp(optarg, "yes") == 0;
            break;
        case O_ICS:
            if (number(name, optarg, 400, 499, &d)) return 2;
            o.invalid_client_status = (int)d;
            break;
        case O_IGS:
            if (number(name, optarg, 400, 499, &d)) return 2;
            o.invalid_grant_status = (int)d;
            break;
        case O_CAMPAIGN:
            if (n_camps == MAX_CAMPAIGNS) {
                fprintf(stderr, "mockcxone: at most %d campaigns\n", MAX_CAMPAIGNS);
                return 2;
            }
            camps[n_camps++] = (mock_campaign_def){.id = optarg};
            break;
        case O_PORT:
            if (number(name, optarg, 0, 65535, &d)) return 2;
            o.port = (unsigned)d;
            break;
        case O_TTL:
            if (number(name, optarg, 1e-3, 1e9, &o.token_ttl_s)) return 2;
            break;
        case O_SEED:
            if (number(name, optarg, 0, 9007199254740991.0, &d)) return 2;
            o.seed = (uint64_t)d;
            break;
        case O_RATE:
            if (number(name, optarg, 0, 1e9, &o.rate_per_s)) return 2;
            break;
        case O_BURST:
            if (number(name, optarg, 1, 1e9, &o.burst)) return 2;
            break;
        case O_WINDOW:
            if (strcmp(optarg, "fcc") == 0)
                o.stats_window_s = 30 * 86400.0;
            else if (strcmp(optarg, "ofcom") == 0)
                o.stats_window_s = 86400.0;
            else if (number(name, optarg, 60, 366 * 86400.0, &o.stats_window_s))
                return 2;
            break;
        case O_CLIMIT:
            if (number(name, optarg, 1, 100000, &d)) return 2;
            o.connection_limit = (unsigned)d;
            break;
        case O_RTIMEOUT:
            if (number(name, optarg, 0, 86400, &o.request_timeout_s)) return 2;
            break;
        case O_PERIP:
            if (number(name, optarg, 1, 100000, &d)) return 2;
            o.per_ip_limit = (unsigned)d;
            break;
        case O_CTIMEOUT:
            if (number(name, optarg, 1, 86400, &d)) return 2;
            o.connection_timeout_s = (unsigned)d;
            break;
        case O_THREADS:
            if (number(name, optarg, 1, 256, &d)) return 2;
            o.threads = (unsigned)d;
            break;
        case O_JMAX:
            if (number(name, optarg, 1, 1e7, &d)) return 2;
            o.journal_max = (size_t)d;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "mockcxone: option %s is unknown or lacks its value (see --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mockcxone: unexpected argument \"%s\" (see --help)\n", argv[optind]);
        return 2;
    }
    if (o.record_out && !o.record_upstream) {
        fprintf(stderr, "mockcxone: --out goes with --record URL\n");
        return 2;
    }
    o.retry_after_on_429 = retry_after >= 0 ? retry_after : o.profile == MOCK_PROFILE_SEED;
    if (o.rate_per_s > 0 && o.burst < 1)
        o.burst = o.rate_per_s < 1 ? 1 : o.rate_per_s;
    if (n_camps == 0)
        camps[n_camps++] = (mock_campaign_def){.id = MOCK_DEFAULT_CAMPAIGN};
    cx_error err = {0};
    cJSON *model = NULL;
    if (!no_sim) {
        model = model_path ? cx_json_load_file(model_path, &err)
                           : cJSON_Parse(sim_typical_campaign_json());
        if (!model) {
            fprintf(stderr, "mockcxone: %s\n", model_path ? err.msg : "out of memory");
            return 2;
        }
        /* checked here, where the file's name is known, so the error names it */
        sim_model *m = NULL;
        if (model_path && sim_model_parse(model, model_path, "", &m, &err) != SIM_OK) {
            fprintf(stderr, "mockcxone: --model %s\n", err.msg);
            cJSON_Delete(model);
            return 2;
        }
        sim_model_destroy(m);
        for (size_t i = 0; i < n_camps; i++)
            camps[i].model = model;
    }
    o.clients = &client;
    o.n_clients = 1;
    o.campaigns = camps;
    o.n_campaigns = n_camps;

    /* Signals are waited for here; block them before any thread starts. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    mock_server *s = NULL;
    mock_status st = mock_server_create(&o, &s, &err);
    cJSON_Delete(model);
    if (st != MOCK_OK) {
        fprintf(stderr, "mockcxone: %s\n", err.msg);
        return 2;
    }
    if ((st = mock_server_start(s, &err)) != MOCK_OK) {
        fprintf(stderr, "mockcxone: %s\n", err.msg);
        mock_server_destroy(s);
        return 2; /* the address, the port (in use?) or the options are wrong */
    }
    printf("listening on http://%s:%u\n", o.bind, mock_server_port(s));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    mock_server_stop(s);
    mock_server_destroy(s);
    fprintf(stderr, "mockcxone: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return 0;
}
