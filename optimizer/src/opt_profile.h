/* opt_profile.h - everything endpoint-specific, behind one interface
 * (internal).
 *
 * A profile knows the API's paths, its grant and its body shapes; the cycle
 * (read, validate, gate, apply, notify, audit) is one code path for all of
 * them. `seed` speaks the seed document's contract (client-credentials grant,
 * GET/PATCH /api/v2/campaigns/{id} with a predictiveDialer object and an
 * ETag). */
#ifndef OPT_PROFILE_H
#define OPT_PROFILE_H

#include "cxopt.h"
#include "opt_client.h"
#include "opt_mapping.h"

/* The campaign as the cycle sees it, whatever the profile. */
typedef struct opt__campaign {
    char id[128];
    char name[256];
    char status[32];    /* active, paused, archived, locked */
    opt_params params;
    long version;       /* -1 when the API has none */
    char etag[128];     /* "" when the API has none */
    int agents;         /* staffed, when the profile had to read it (0: unknown) */
    /* filled by write(): */
    bool known;         /* params are the server's (its answer, or a re-read) */
    bool verified;      /* they show the target */
} opt__campaign;

/* What the profile needs to know of the settings (strings borrowed). */
typedef struct opt__endpoint {
    const char *auth_url;
    const char *api_url;        /* "" or NULL: cxone discovers it */
    const char *client_id;
    const char *client_secret;
    const char *campaign_id;    /* cxone: the skill id */
    /* cxone */
    const char *access_key_id;
    const char *access_key_secret;
    const char *tenant_id;
    const char *api_version;    /* "v30.0" */
    const opt__mapping *mapping;
    char discovered[512];       /* the API host discovery found ("" until then) */
} opt__endpoint;

typedef struct opt__profile {
    const char *name;
    /* Builds a token request (see opt__token_io); ud is the opt__endpoint. */
    opt_status (*token_build)(void *ud, const char *refresh, opt__request *req, cx_buf *body,
                              char *authz, size_t authz_n, cx_error *err);
    /* GET the campaign; fills *out. */
    opt_status (*read)(opt__client *c, opt__endpoint *ep, opt__campaign *out,
                       opt__call_log *log, cx_error *err);
    /* Writes `target` over `cur` atomically where the API allows it; fills
     * *after with the campaign as the server now has it, and its known and
     * verified flags: a write the server accepted returns OPT_OK
     * even when its answer lacks the settings and reading them again fails
     * (known false). OPT_ECONFLICT when the campaign changed since `cur` was
     * read (nothing was written).
     * Where the API cannot refuse a stale write, the profile re-reads after
     * writing and describes in `note` any change that landed meanwhile. */
    opt_status (*write)(opt__client *c, opt__endpoint *ep, const opt__campaign *cur,
                        const opt_params *target, opt__campaign *after, char *note,
                        size_t note_n, opt__call_log *log, cx_error *err);
    /* Whether the API can express a change from `cur` to `target` at all
     * (OPT_EVALIDATION names what it cannot); NULL: everything. Checked with
     * validation, before the gate. */
    opt_status (*expressible)(const opt__endpoint *ep, const opt_params *cur,
                              const opt_params *target, cx_error *err);
    /* Reads what the campaign reports (window and last period); sets
     * out->available = false, and returns OPT_OK, when the API has no
     * stats for it. NULL when the API has none at all. */
    opt_status (*stats)(opt__client *c, opt__endpoint *ep, double window_s, double period_s,
                        cx_clock *clk, opt_stats *out, opt__call_log *log, cx_error *err);
    /* The API sends an ETag that makes a stale write fail (If-Match). */
    bool etag;
    /* The scope a write needs, checked against a token's named scopes before
     * any write; NULL when the API does not use scopes. */
    const char *write_scope;
} opt__profile;

/* Returns the profile named `name`, or NULL. */
const opt__profile *opt__profile_find(const char *name);

extern const opt__profile opt__profile_seed;
extern const opt__profile opt__profile_cxone;

/* The profiles' parsers of what the API sends (exposed for the tests and
 * the fuzzers). The seed's campaign body; `what` names it in errors: */
opt_status opt__seed_parse_campaign(const char *text, size_t len, const char *etag,
                                    const char *what, opt__campaign *out, cx_error *err);
/* CXone's parameter blocks through a mapping, with the staffed agents: */
opt_status opt__cxone_params_from(const opt__mapping *m, const struct cJSON *blocks, int agents,
                                  const char *what, opt_params *p, cx_error *err);

/* CXone: sets the client's base to {api host}/inContactAPI/services/vNN.0,
 * discovering the host when it is not configured. */
opt_status opt__cxone_base(opt__client *c, opt__endpoint *ep, opt__call_log *log,
                           cx_error *err);

#endif
