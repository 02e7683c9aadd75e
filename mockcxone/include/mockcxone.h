/*
 * mockcxone.h - libmockcxone: an offline CXone that fails on purpose.
 *
 * A real HTTP server (libmicrohttpd) speaking the seed document's API:
 *   POST  /auth/token                       OAuth 2.0 client credentials
 *   GET   /api/v2/campaigns/{id}            the campaign, with an ETag
 *   PATCH /api/v2/campaigns/{id}            JSON Merge Patch, atomic, If-Match
 *   GET   /api/v2/campaigns/{id}/stats      what the live campaign reports
 * (mockcxone/openapi.yaml describes them), plus an admin API for tests:
 *   GET  /__admin/health                    readiness
 *   GET  /__admin/journal[?since=N]         every request, in arrival order
 *   GET  /__admin/journal/summary           totals, by status, and dropped
 *   GET|POST|DELETE /__admin/faults         fault rules (POST replaces;
 *                                           POST ?append=1 appends)
 *   PUT  /__admin/faults/{i}/enabled        {"enabled": false} switches rule i off
 *   GET  /__admin/campaigns                 every campaign with its live stats
 *   GET  /__admin/                          a page for people: the above, live
 *   PUT  /__admin/campaigns/{id}/status     {"status": "paused"} etc.
 *   POST /__admin/reset                     back to the start state
 *   POST /__webhook/{anything}              a webhook sink (204)
 *   GET  /__admin/webhooks                  what the sink received
 *
 * Fault rules ({"faults": [RULE...]}, from a file or the admin API) match
 * `method` (or "*") and `path` (a glob: `*` is one segment, `**` any rest),
 * optionally only between `from` and `until` seconds after the server
 * started (on its clock); they fire for at most `times` matches (default
 * unlimited) after skipping `after`, with `probability` (seeded). The first
 * matching rule with firings left applies: `delayMs` (real time) before the
 * response; a response (`status`, `headers`, `body` as JSON or text) instead
 * of the normal one; or an `action`: "reset" (close the connection, no
 * response), "expire-tokens" (revoke every token, then answer normally),
 * "lock-campaign" (lock the campaign in the path, then answer normally).
 *
 * Every campaign may be a live simulated dialer (libdialsim): give it a
 * campaign model and it advances, on the server's clock, under whatever
 * dialer config is applied.
 *
 * Secrets (client secrets, tokens) never appear in the journal or in
 * anything the server prints. All API time (token expiry, Retry-After,
 * rate limits, the journal's `time`, the simulations) reads the clock given
 * in the options, so a scenario can run the server on virtual time.
 *
 * Conventions: functions return a mock_status and fill a caller-provided
 * cx_error; the library never prints or exits; one server owns all its
 * state, so several servers may run in one process.
 */
#ifndef MOCKCXONE_H
#define MOCKCXONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cxcommon.h"
#include "dialsim.h"

struct cJSON;

typedef enum mock_status {
    MOCK_OK = 0,
    MOCK_EINVAL,  /* invalid option or fault file (the text names it) */
    MOCK_ENOMEM,
    MOCK_ELISTEN, /* the address could not be bound */
    MOCK_ENOENT   /* no such campaign */
} mock_status;

const char *mock_strerror(mock_status st);

/* The dialer engine's bounds a PATCH must respect: dialsim's, whose seed
 * values (sim_seed_bounds) are the default. */
typedef sim_bounds mock_bounds;

typedef struct mock_client {
    const char *id;
    const char *secret;
    const char *scope;  /* space-separated; NULL = "campaign:read campaign:write" */
} mock_client;

typedef struct mock_campaign_def {
    const char *id;
    const char *name;             /* NULL: "Campaign <id>" */
    const struct cJSON *model;    /* dialsim campaign model; NULL: not simulated */
    const struct cJSON *dialer;   /* initial predictiveDialer (members over the seed's
                                     config, checked like a PATCH); NULL: the seed's */
    /* The tenant's own dialer. false: dialsim's predictive pacer, driven by
     * the API's settings. true: VICIdial's adaptive dialer (dialsim strategy
     * "vicidial" with these parameters), which takes the API's abandonRate
     * as its drop limit, maxConcurrentCalls as its trunks and callInterval as
     * its least gap, and paces itself: the baseline a team running VICIdial
     * has without any optimizer. */
    bool vicidial_dialer;
    sim_vicidial vicidial;
} mock_campaign_def;

#define MOCK_DEFAULT_CLIENT_ID "cxopt-dev"
#define MOCK_DEFAULT_CLIENT_SECRET "cxopt-dev-secret"
#define MOCK_DEFAULT_CAMPAIGN "c-1001"

/* Which API the server speaks (its routes and payload shapes): */
typedef enum mock_profile {
    MOCK_PROFILE_SEED = 0, /* the seed document's (above) */
    MOCK_PROFILE_CXONE     /* NICE CXone's: discovery, password grant with an
                              access key, unsigned JWT-shaped tokens, and the
                              Personal Connection skills API under
                              /inContactAPI/services/v{NN}.0 (see README) */
} mock_profile;

#define MOCK_DEFAULT_ACCESS_KEY_ID "MOCKACCESSKEY0001===="
#define MOCK_DEFAULT_ACCESS_KEY_SECRET "mock+access/key+secret===="
#define MOCK_DEFAULT_TENANT "11111111-2222-3333-4444-555555555555"

typedef struct mock_options {
    mock_profile profile;         /* MOCK_PROFILE_SEED */
    const char *access_key_id;    /* cxone: the password grant's user (defaults above) */
    const char *access_key_secret;
    const char *tenant_id;        /* cxone: what discovery answers for */
    int invalid_client_status;    /* cxone: a bad client id/secret: 401 */
    int invalid_grant_status;     /* cxone: a bad access key: 401 (RFC 6749 says 400) */
    bool require_accept;          /* cxone: without Accept: application/json, answer as
                                     CXone does ("No known way to render data") */
    bool retry_after_on_429;      /* rate-limit 429s carry Retry-After (true) */
    const char *bind;             /* "127.0.0.1" */
    unsigned port;                /* 0: any free port */
    const mock_client *clients;   /* NULL: the default client above */
    size_t n_clients;
    const mock_campaign_def *campaigns; /* NULL: the default campaign above */
    size_t n_campaigns;
    double token_ttl_s;           /* 3600 */
    const char *faults_path;      /* a {"faults":[...]} file, or NULL */
    const struct cJSON *faults;   /* or the same document, borrowed */
    uint64_t seed;                /* fault probabilities and simulations: 1 */
    double rate_per_s, burst;     /* token bucket per client; rate 0 = off: 0, 0 */
    mock_bounds bounds;
    size_t body_max;              /* 1 MiB */
    unsigned connection_limit;    /* 256 */
    unsigned per_ip_limit;        /* 64: connections one client address may hold, so
                                     that slow clients (slowloris) cannot take them all */
    unsigned connection_timeout_s; /* 30: idle connections are closed */
    unsigned threads;             /* event-loop threads serving connections, each many at
                                     once (none blocks: a fault's delay holds no thread);
                                     0: one per core */
    double request_timeout_s;     /* 30: a request must arrive whole this long after its
                                     connection opened or its previous one was answered,
                                     however steadily it trickles in (slowloris); 0 = off */
    size_t journal_max;           /* entries kept: 100000 (older ones dropped, counted) */
    double stats_window_s;        /* the regulatory window: 30 days (FCC) */
    cx_clock *clock;              /* borrowed; NULL: a private real clock */
    /* How a fault's delayMs is waited: NULL sleeps on the wall clock (a
     * client's timeouts are wall time); a test may count the waits instead. */
    void (*delay)(void *ud, long ms);
    void *delay_ud;
    /* Record and replay (README "Record and replay"); the admin API stays
     * the mock's own, and fault rules apply before either. */
    const char *record_upstream;  /* proxy every request there (http[s]://host[:port]) ... */
    const char *record_out;       /* ... and keep each exchange, redacted, in this file */
    const char *replay_path;      /* or answer from a recorded session file */
    const char *replay_ignore;    /* query keys replay does not match on ("startDate,endDate") */
    int replay_missing_status;    /* the answer to what the session lacks: 0 = 501 */
} mock_options;

void mock_options_default(mock_options *o);
/* sim_seed_bounds(): the seed engine's bounds, written once in dialsim. */
mock_bounds mock_bounds_seed(void);

typedef struct mock_server mock_server;

/* Validates the options and loads the faults; nothing listens yet. */
mock_status mock_server_create(const mock_options *o, mock_server **out, cx_error *err);
/* Starts listening. MOCK_ELISTEN when the address cannot be bound. */
mock_status mock_server_start(mock_server *s, cx_error *err);
/* The bound port (after start). */
unsigned mock_server_port(const mock_server *s);
/* Stops listening and waits for requests in progress. Safe to call twice. */
void mock_server_stop(mock_server *s);
void mock_server_destroy(mock_server *s);

/* Reading state without HTTP. */
typedef struct mock_campaign_state {
    char status[16];
    double answer_rate, abandon_rate;
    int max_concurrent_calls, call_interval_ms, warm_up_s;
    char strategy[16];
    sim_dialer dialer;      /* the same settings as the simulation takes them */
    long version;
    bool simulated;
} mock_campaign_state;

mock_status mock_server_campaign(mock_server *s, const char *id, mock_campaign_state *out);
size_t mock_server_journal_length(mock_server *s);
/* The journal as GET /__admin/journal returns it (caller frees). */
struct cJSON *mock_server_journal(mock_server *s);
/* The webhooks received, as GET /__admin/webhooks returns them (caller
 * frees). */
struct cJSON *mock_server_webhooks(mock_server *s);
/* The stats as GET /api/v2/campaigns/{id}/stats returns them, brought to the
 * server's clock (caller frees): the ACD's book, all a real ACD can report
 * (drops of people and undetected machines alike, no AMD false positive).
 * MOCK_ENOENT: no such simulated campaign. */
mock_status mock_server_stats(mock_server *s, const char *id, double window_s, double period_s,
                              struct cJSON **out);
/* The same spans in truth, as a regulator counts (live people abandoned, AMD
 * false positives included, dropped machines not; plus amdFalsePositives and
 * machinesDropped), which no API serves: for judging a run. */
mock_status mock_server_truth(mock_server *s, const char *id, double window_s, double period_s,
                              struct cJSON **out);
/* Checks an array of fault rules without loading them; errors name
 * "<file>: <path>[i].<key>". */
mock_status mock_faults_check(const struct cJSON *rules, const char *file, const char *path,
                              cx_error *err);

/* Replaces the fault rules with a {"faults":[...]} document. */
mock_status mock_server_set_faults(mock_server *s, const struct cJSON *doc, cx_error *err);

#endif /* MOCKCXONE_H */
