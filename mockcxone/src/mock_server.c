/* mock_server.c - the HTTP server: libmicrohttpd, the request pipeline
 * (size limit -> faults -> routes, or a recorded session -> journal), and
 * the server's life.
 *
 * One thread per connection (libmicrohttpd's THREAD_PER_CONNECTION): a
 * fault's delay holds only its own connection; a connection limit, a limit
 * per client address and an idle timeout bound what slow or hostile
 * clients can hold. What the journal keeps of a request is mock_record.c's. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock_internal.h"

#define SINK_BODY_MAX (64 * 1024)

const char *mock_strerror(mock_status st)
{
    switch (st) {
    case MOCK_OK:
        return "ok";
    case MOCK_EINVAL:
        return "invalid input";
    case MOCK_ENOMEM:
        return "out of memory";
    case MOCK_ELISTEN:
        return "cannot listen";
    case MOCK_ENOENT:
        return "no such campaign";
    }
    return "unknown status";
}

mock_bounds mock_bounds_seed(void) { return sim_seed_bounds(); }

void mock_options_default(mock_options *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->token_ttl_s = 3600;
    o->seed = 1;
    o->bounds = mock_bounds_seed();
    o->body_max = 1u << 20;
    o->connection_limit = 256;
    o->per_ip_limit = 64;
    o->request_timeout_s = 30;
    o->connection_timeout_s = 30;
    o->journal_max = 20000;
    o->stats_window_s = 30 * 86400.0;
    o->access_key_id = MOCK_DEFAULT_ACCESS_KEY_ID;
    o->access_key_secret = MOCK_DEFAULT_ACCESS_KEY_SECRET;
    o->tenant_id = MOCK_DEFAULT_TENANT;
    o->invalid_client_status = 401;
    o->invalid_grant_status = 401;
    o->retry_after_on_429 = true;
}

/* ------------------------------------------------------------- routing */

/* Matches "/a/{}/b" against a path; captures {} segments; a final {**}
 * captures the (non-empty) rest. */
static bool match(const char *pat, const char *path, char p[MOCK_MAX_PARAMS][256])
{
    int k = 0;
    while (*pat && *path) {
        if (strcmp(pat, "{**}") == 0) {
            if (k == MOCK_MAX_PARAMS || !cx_copy(p[k], 256, path))
                return false;
            return true;
        }
        if (pat[0] == '{' && pat[1] == '}') {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= 256 || k == MOCK_MAX_PARAMS)
                return false;
            memcpy(p[k], path, n);
            p[k++][n] = '\0';
            path += n;
            pat += 2;
        } else if (*pat++ != *path++) {
            return false;
        }
    }
    return *pat == '\0' && *path == '\0';
}

void mock__dispatch(mock_server *s, const mock__req *req, mock__resp *r)
{
    static const mock__route *const seed[] = {mock__admin_routes, mock__page_routes,
                                              mock__seed_routes, NULL};
    static const mock__route *const cxone[] = {mock__admin_routes, mock__page_routes,
                                               mock__cxone_routes, NULL};
    const mock__route *const *tables = s->o.profile == MOCK_PROFILE_CXONE ? cxone : seed;
    char p[MOCK_MAX_PARAMS][256];
    char allow[128] = "";
    /* HEAD is GET without the body (RFC 9110 9.3.2); libmicrohttpd leaves
     * the body out of a HEAD's answer and keeps its Content-Length */
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    for (int t = 0; tables[t]; t++)
        for (const mock__route *rt = tables[t]; rt->method; rt++) {
            if (!match(rt->pattern, req->path, p))
                continue;
            if (strcmp(rt->method, method) == 0) {
                rt->fn(s, req, p, r);
                return;
            }
            const char *m = strcmp(rt->method, "GET") == 0 ? "GET, HEAD" : rt->method;
            if (!strstr(allow, rt->method)) {
                size_t used = strlen(allow);
                snprintf(allow + used, sizeof allow - used, "%s%s", used ? ", " : "", m);
            }
        }
    if (allow[0]) {
        mock__resp_error(r, 405, "method_not_allowed", "%s is not allowed on %s (allowed: %s)",
                         req->method, req->path, allow);
        mock__resp_header(r, "Allow", "%s", allow);
        return;
    }
    mock__resp_error(r, 404, "not_found", "no route for %s %.200s", req->method, req->path);
}

bool mock__authorize(mock_server *s, const mock__req *req, const char *scope, char *client_id,
                     mock__resp *r)
{
    const char *h = mock__req_header(req, "Authorization");
    /* RFC 6750 2.1: "Bearer" 1*SP b64token */
    if (h && strncasecmp(h, "Bearer ", 7) == 0)
        for (h += 7; *h == ' '; h++)
            ;
    else
        h = NULL;
    if (!h || !*h) {
        mock__resp_error(r, 401, "unauthorized", "a bearer token is required");
        mock__resp_header(r, "WWW-Authenticate", "Bearer realm=\"mockcxone\"");
        return false;
    }
    char sc[256];
    mock__token_state st = mock__auth_check(s->auth, h, client_id, sc);
    if (st != MOCK_TOKEN_VALID) {
        const char *why = st == MOCK_TOKEN_EXPIRED   ? "the access token expired"
                          : st == MOCK_TOKEN_REVOKED ? "the access token was revoked"
                                                     : "the access token is unknown";
        mock__resp_error(r, 401, "invalid_token", "%s", why);
        mock__resp_header(r, "WWW-Authenticate",
                          "Bearer realm=\"mockcxone\", error=\"invalid_token\", "
                          "error_description=\"%s\"",
                          why);
        return false;
    }
    if (scope && !mock__scope_has(sc, scope)) {
        mock__resp_error(r, 403, "insufficient_scope",
                         "the token's scope \"%s\" does not include %s", sc, scope);
        mock__resp_header(r, "WWW-Authenticate",
                          "Bearer realm=\"mockcxone\", error=\"insufficient_scope\", "
                          "scope=\"%s\"",
                          scope);
        return false;
    }
    double wait = 1;
    if (!mock__auth_take(s->auth, client_id, &wait)) {
        mock__resp_error(r, 429, "rate_limited", "client %s is over its rate limit", client_id);
        if (s->o.retry_after_on_429)
            mock__resp_header(r, "Retry-After", "%.0f", wait);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ pipeline */

typedef struct conn_state {
    mock__req req;
    bool answered; /* a response was queued early (413) */
} conn_state;

/* A body over the limit but under this is read and thrown away before the
 * 413: answering early and closing on a client still sending makes its
 * kernel see a reset, and the client never reads the 413. Past this, or
 * with a Content-Length that does not parse, the request is refused
 * before its body is read. */
#define DRAIN_MAX (16u << 20)

static const char *status_word(int s)
{
    switch (s) {
    case 400: return "bad_request";
    case 401: return "invalid_token";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 412: return "precondition_failed";
    case 422: return "unprocessable";
    case 429: return "rate_limited";
    case 500: return "internal_error";
    case 502: return "bad_gateway";
    case 503: return "unavailable";
    case 504: return "gateway_timeout";
    default: return "injected";
    }
}

/* Holds the calling connection for `ms` of real time, or until the server
 * stops (a fault's delay may be long: a stop must not wait for it). Returns
 * false when cut short by a stop. */
static bool hold(mock_server *s, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->stop_lock);
    while (!s->stopping && pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &until) == 0)
        ;
    bool stopping = s->stopping;
    pthread_mutex_unlock(&s->stop_lock);
    return !stopping;
}

/* Applies a fired fault; returns true when it answered (or dropped) the
 * request, false when the request goes on to its route. */
static bool apply_fault(mock_server *s, const mock__req *req, const mock__effect *fx,
                        mock__resp *r)
{
    if (fx->action)
        snprintf(r->fault, sizeof r->fault, "rule %d: %s", fx->rule,
                 mock__action_name(fx->action));
    else
        snprintf(r->fault, sizeof r->fault, "rule %d", fx->rule);
    if (fx->delay_ms > 0 && s->o.delay) {
        s->o.delay(s->o.delay_ud, fx->delay_ms);
    } else if (fx->delay_ms > 0 && !hold(s, fx->delay_ms)) {
        r->drop = true; /* the server is stopping */
        return true;
    }
    if (fx->action >= MOCK_ACT_EMPTY_RESPONSE)
        r->wire = fx->wire; /* mock_wire.c sends it */
    switch (fx->action) {
    case MOCK_ACT_RESET:
    case MOCK_ACT_EMPTY_RESPONSE:
    case MOCK_ACT_RANDOM_DATA:
    case MOCK_ACT_HANG:
        r->drop = true; /* nothing from the route; random-data and hang on the wire */
        return true;
    case MOCK_ACT_EXPIRE_TOKENS:
        mock__auth_revoke_all(s->auth);
        break;
    case MOCK_ACT_LOCK_CAMPAIGN:
    case MOCK_ACT_PATCH_CAMPAIGN: {
        /* the campaign in the path: a seed campaign or a CXone skill */
        char id[256];
        const char *skills = strstr(req->path, "/skills/");
        if (sscanf(req->path, "/api/v2/campaigns/%255[^/]", id) != 1 &&
            !(skills && sscanf(skills, "/skills/%255[^/]", id) == 1))
            break;
        if (fx->action == MOCK_ACT_LOCK_CAMPAIGN) {
            mock__campaign_set_status(s->store, id, "locked");
        } else {
            cJSON *patch = cJSON_Parse(fx->patch), *fields = NULL;
            char why[200];
            if (patch)
                mock__campaign_merge(s->store, id, patch, &fields, why, sizeof why);
            cJSON_Delete(fields);
            cJSON_Delete(patch);
        }
        break;
    }
    default: /* the delivering wire faults: the route's answer, or the rule's */
        break;
    }
    if (!fx->status)
        return false;
    if (fx->body)
        mock__resp_text(r, fx->status, fx->body_json ? "application/json" : "text/plain",
                        fx->body);
    else
        mock__resp_error(r, fx->status, status_word(fx->status), "injected fault (rule %d)",
                         fx->rule);
    /* an injected 401 challenges like the server's own (RFC 6750 3),
     * unless the rule gives its own WWW-Authenticate */
    if (fx->status == 401)
        mock__resp_header(r, "WWW-Authenticate",
                          "Bearer realm=\"mockcxone\", error=\"invalid_token\", "
                          "error_description=\"injected fault (rule %d)\"",
                          fx->rule);
    for (int i = 0; i < fx->n_headers; i++)
        mock__resp_header(r, fx->hname[i], "%s", fx->hvalue[i]);
    return true;
}

static void handle(mock_server *s, mock__req *req, mock__resp *r)
{
    if (req->too_large) {
        mock__resp_error(r, 413, "payload_too_large", "the body is larger than %zu bytes",
                         s->o.body_max);
        return;
    }
    if (strncmp(req->path, "/__admin/", 9) != 0) {
        mock__effect fx;
        mock__faults_match(s->faults, req->method, req->path,
                           cx_clock_now(s->clk) - s->t_start, &fx);
        bool done = fx.fired && apply_fault(s, req, &fx, r);
        mock__effect_free(&fx);
        if (done)
            return;
        if (s->session) { /* record or replay: mock_session.h */
            mock__session_answer(s->session, req, r);
            return;
        }
    }
    mock__dispatch(s, req, r);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, const mock__resp *r)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->body.len, r->body.data ? r->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    for (int i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    mock_server *s = cls;
    conn_state *cs = *con_cls;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        cs->req.conn = conn;
        cs->req.method = method;
        cs->req.path = url;
        cs->req.wall_start = cx_wall_monotonic();
        cx_buf_init(&cs->req.body, s->o.body_max);
        *con_cls = cs;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || (n > s->o.body_max && n > DRAIN_MAX)) {
                /* refuse before reading it */
                cs->req.too_large = true;
                cs->answered = true;
                mock__deadlines_arrived(s->deadlines, conn);
                mock__resp r;
                mock__resp_init(&r);
                handle(s, &cs->req, &r);
                mock__journal_request(s->journal, &cs->req, &r, cx_clock_now(s->clk));
                enum MHD_Result rc = send_resp(conn, &r);
                mock__resp_free(&r);
                return rc;
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cs->req.too_large &&
            cx_buf_append(&cs->req.body, upload_data, *upload_size) != 0) {
            cs->req.too_large = true;
            cx_buf_free(&cs->req.body);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (cs->answered)
        return MHD_YES;
    cs->answered = true;
    mock__deadlines_arrived(s->deadlines, conn);
    mock__resp r;
    mock__resp_init(&r);
    handle(s, &cs->req, &r);
    mock__journal_request(s->journal, &cs->req, &r, cx_clock_now(s->clk));
    enum MHD_Result rc = MHD_NO;
    if (r.wire.action)
        mock__wire_send(s, conn, &r); /* then libmicrohttpd closes the connection */
    else if (!r.drop)
        rc = send_resp(conn, &r);
    mock__resp_free(&r);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    mock_server *s = cls;
    mock__deadlines_answered(s->deadlines, conn);
    conn_state *cs = *con_cls;
    if (!cs)
        return;
    cx_buf_free(&cs->req.body);
    free(cs);
    *con_cls = NULL;
}

/* -------------------------------------------------------------- life */

static void free_copies(mock_server *s)
{
    free(s->bind);
    free(s->access_key_id);
    if (s->access_key_secret) {
        memset(s->access_key_secret, 0, strlen(s->access_key_secret));
        free(s->access_key_secret);
    }
    free(s->tenant_id);
    cJSON_Delete(s->extras);
    if (s->extras_ready)
        pthread_mutex_destroy(&s->extras_lock);
    if (s->stop_ready) {
        pthread_cond_destroy(&s->stop_cond);
        pthread_mutex_destroy(&s->stop_lock);
    }
    if (s->o.clients) {
        for (size_t i = 0; i < s->o.n_clients; i++) {
            free((char *)s->o.clients[i].id);
            free((char *)s->o.clients[i].secret);
            free((char *)s->o.clients[i].scope);
        }
        free((mock_client *)s->o.clients);
    }
    if (s->o.campaigns) {
        for (size_t i = 0; i < s->o.n_campaigns; i++) {
            free((char *)s->o.campaigns[i].id);
            free((char *)s->o.campaigns[i].name);
            cJSON_Delete((cJSON *)s->o.campaigns[i].model);
            cJSON_Delete((cJSON *)s->o.campaigns[i].dialer);
        }
        free((mock_campaign_def *)s->o.campaigns);
    }
}

mock_status mock_server_create(const mock_options *o, mock_server **out, cx_error *err)
{
    *out = NULL;
    static const mock_client default_client = {MOCK_DEFAULT_CLIENT_ID,
                                               MOCK_DEFAULT_CLIENT_SECRET, NULL};
    static const mock_campaign_def default_campaign = {.id = MOCK_DEFAULT_CAMPAIGN};
    if (!(o->token_ttl_s > 0) || o->body_max == 0 || !(o->stats_window_s > 0) ||
        o->rate_per_s < 0 || (o->rate_per_s > 0 && o->burst < 1))
        return cx_error_set(err, MOCK_EINVAL,
                            "token TTL, body limit and window must be > 0; a rate limit needs a "
                            "burst of at least 1");
    mock_server *s = calloc(1, sizeof *s);
    if (!s)
        return cx_error_set(err, MOCK_ENOMEM, "out of memory");
    s->o = *o;
    s->o.clients = NULL;
    s->o.campaigns = NULL;
    const mock_client *cl = o->clients ? o->clients : &default_client;
    size_t ncl = o->clients ? o->n_clients : 1;
    const mock_campaign_def *cd = o->campaigns ? o->campaigns : &default_campaign;
    size_t ncd = o->campaigns ? o->n_campaigns : 1;
    mock_status st = MOCK_ENOMEM;
    mock_client *clients = calloc(ncl, sizeof *clients);
    mock_campaign_def *camps = calloc(ncd, sizeof *camps);
    s->o.clients = clients;
    s->o.n_clients = ncl;
    s->o.campaigns = camps;
    s->o.n_campaigns = ncd;
    s->bind = strdup(o->bind ? o->bind : "127.0.0.1");
    if (!clients || !camps || !s->bind)
        goto fail;
    for (size_t i = 0; i < ncl; i++) {
        if (!cl[i].id || !cl[i].secret || !cl[i].id[0]) {
            st = cx_error_set(err, MOCK_EINVAL, "client %zu needs an id and a secret", i);
            goto fail;
        }
        clients[i].id = strdup(cl[i].id);
        clients[i].secret = strdup(cl[i].secret);
        clients[i].scope = cl[i].scope ? strdup(cl[i].scope) : NULL;
        if (!clients[i].id || !clients[i].secret || (cl[i].scope && !clients[i].scope))
            goto fail;
    }
    for (size_t i = 0; i < ncd; i++) {
        if (!cd[i].id) {
            st = cx_error_set(err, MOCK_EINVAL, "campaign %zu needs an id", i);
            goto fail;
        }
        camps[i].id = strdup(cd[i].id);
        camps[i].name = cd[i].name ? strdup(cd[i].name) : NULL;
        camps[i].model = cd[i].model ? cJSON_Duplicate(cd[i].model, 1) : NULL;
        camps[i].dialer = cd[i].dialer ? cJSON_Duplicate(cd[i].dialer, 1) : NULL;
        camps[i].vicidial_dialer = cd[i].vicidial_dialer;
        camps[i].vicidial = cd[i].vicidial;
        if (!camps[i].id || (cd[i].name && !camps[i].name) || (cd[i].model && !camps[i].model) ||
            (cd[i].dialer && !camps[i].dialer))
            goto fail;
    }
    s->o.bind = s->bind;
    s->access_key_id = strdup(o->access_key_id ? o->access_key_id : MOCK_DEFAULT_ACCESS_KEY_ID);
    s->access_key_secret =
        strdup(o->access_key_secret ? o->access_key_secret : MOCK_DEFAULT_ACCESS_KEY_SECRET);
    s->tenant_id = strdup(o->tenant_id ? o->tenant_id : MOCK_DEFAULT_TENANT);
    if (!s->access_key_id || !s->access_key_secret || !s->tenant_id)
        goto fail;
    s->o.access_key_id = s->access_key_id;
    s->o.access_key_secret = s->access_key_secret;
    s->o.tenant_id = s->tenant_id;
    if (o->profile != MOCK_PROFILE_SEED && o->profile != MOCK_PROFILE_CXONE) {
        st = cx_error_set(err, MOCK_EINVAL, "unknown API profile %d", (int)o->profile);
        goto fail;
    }
    if (pthread_mutex_init(&s->extras_lock, NULL) != 0 || !(s->extras = cJSON_CreateObject()))
        goto fail;
    s->extras_ready = true;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        goto fail;
    bool cond_ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
                   pthread_cond_init(&s->stop_cond, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!cond_ok)
        goto fail;
    if (pthread_mutex_init(&s->stop_lock, NULL) != 0) {
        pthread_cond_destroy(&s->stop_cond);
        goto fail;
    }
    s->stop_ready = true;
    s->o.faults_path = NULL;
    s->o.faults = NULL;
    if (o->clock) {
        s->clk = o->clock;
    } else if (!(s->own_clock = s->clk = cx_clock_real_create())) {
        goto fail;
    }
    s->t_start = cx_clock_now(s->clk);
    if ((st = mock__auth_create(clients, ncl, o->token_ttl_s, o->rate_per_s, o->burst, s->clk,
                                &s->auth, err)) != MOCK_OK ||
        (st = mock__store_create(camps, ncd, &o->bounds, s->clk, o->seed, o->stats_window_s,
                                 &s->store, err)) != MOCK_OK ||
        (st = mock__faults_create(o->seed, &s->faults, err)) != MOCK_OK ||
        (st = mock__journal_create(o->journal_max, &s->journal, err)) != MOCK_OK ||
        (st = mock__journal_create(10000, &s->sink, err)) != MOCK_OK)
        goto out;
    if (o->faults_path) {
        s->initial_doc = cx_json_load_file(o->faults_path, err);
        if (!s->initial_doc) {
            st = MOCK_EINVAL;
            if (err)
                err->code = MOCK_EINVAL;
            goto out;
        }
    } else if (o->faults && !(s->initial_doc = cJSON_Duplicate(o->faults, 1))) {
        goto fail;
    }
    if (s->initial_doc &&
        (st = mock__faults_load(s->faults, s->initial_doc, o->faults_path ? o->faults_path : "",
                                false, err)) != MOCK_OK)
        goto out;
    if (o->record_upstream && o->replay_path) {
        st = cx_error_set(err, MOCK_EINVAL, "record or replay, not both");
        goto out;
    }
    if ((o->record_upstream &&
         (st = mock__session_record(o->record_upstream, o->record_out, &s->session, err)) !=
             MOCK_OK) ||
        (o->replay_path &&
         (st = mock__session_replay(o->replay_path, o->replay_ignore, o->replay_missing_status,
                                    &s->session, err)) != MOCK_OK))
        goto out;
    *out = s;
    return MOCK_OK;
fail:
    if (st == MOCK_ENOMEM)
        cx_error_set(err, MOCK_ENOMEM, "out of memory");
out:
    mock_server_destroy(s);
    return st;
}

/* Why the daemon could not listen on addr: libmicrohttpd does not say, so
 * a probe bind (with the same SO_REUSEADDR it sets) finds out. */
static const char *why_not_bound(const struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return "no socket";
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = bind(fd, (const struct sockaddr *)addr, sizeof *addr);
    int e = errno;
    close(fd);
    if (rc == 0)
        return "the server could not start";
    if (e == EADDRINUSE)
        return "the port is in use";
    if (e == EACCES)
        return "not allowed (a port below 1024 needs privileges)";
    if (e == EADDRNOTAVAIL)
        return "no such local address";
    return strerror(e);
}

mock_status mock_server_start(mock_server *s, cx_error *err)
{
    if (s->daemon)
        return MOCK_OK;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)s->o.port);
    if (s->o.port > 65535 || inet_pton(AF_INET, s->bind, &addr.sin_addr) != 1)
        return cx_error_set(err, MOCK_EINVAL, "cannot listen on %s:%u: not an IPv4 address "
                                              "and port",
                            s->bind, s->o.port);
    if (mock__deadlines_create(s->o.request_timeout_s, &s->deadlines, err) != MOCK_OK)
        return MOCK_ENOMEM;
    s->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL,
        NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, s->o.connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        s->o.connection_timeout_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, mock__deadlines_notify, s->deadlines, MHD_OPTION_END);
    /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: with SO_REUSEPORT a second
     * server on the port would share its connections with the first. */
    if (!s->daemon) {
        mock__deadlines_destroy(s->deadlines);
        s->deadlines = NULL;
        return cx_error_set(err, MOCK_ELISTEN, "cannot listen on %s:%u: %s", s->bind, s->o.port,
                            why_not_bound(&addr));
    }
    pthread_mutex_lock(&s->stop_lock);
    s->stopping = false;
    pthread_mutex_unlock(&s->stop_lock);
    if (s->session)
        atomic_store(&s->session->stopping, false);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->o.port;
    return MOCK_OK;
}

unsigned mock_server_port(const mock_server *s) { return s->port; }

void mock_server_stop(mock_server *s)
{
    if (s && s->daemon) {
        /* wake every held delay first: MHD_stop_daemon joins their threads */
        pthread_mutex_lock(&s->stop_lock);
        s->stopping = true;
        pthread_cond_broadcast(&s->stop_cond);
        pthread_mutex_unlock(&s->stop_lock);
        mock__session_stop(s->session); /* and every exchange proxied */
        MHD_stop_daemon(s->daemon);
        s->daemon = NULL;
        mock__deadlines_destroy(s->deadlines);
        s->deadlines = NULL;
    }
}

void mock_server_destroy(mock_server *s)
{
    if (!s)
        return;
    mock_server_stop(s);
    mock__journal_destroy(s->sink);
    mock__journal_destroy(s->journal);
    mock__faults_destroy(s->faults);
    mock__session_destroy(s->session);
    cJSON_Delete(s->initial_doc);
    mock__store_destroy(s->store);
    mock__auth_destroy(s->auth);
    cx_clock_destroy(s->own_clock);
    free_copies(s);
    free(s);
}

mock_status mock_server_campaign(mock_server *s, const char *id, mock_campaign_state *out)
{
    return mock__campaign_state(s->store, id, out);
}

size_t mock_server_journal_length(mock_server *s) { return mock__journal_total(s->journal); }

mock_status mock_server_set_faults(mock_server *s, const cJSON *doc, cx_error *err)
{
    return mock__faults_load(s->faults, doc, "", false, err);
}

cJSON *mock_server_journal(mock_server *s) { return mock__journal_list(s->journal, 0); }

cJSON *mock_server_webhooks(mock_server *s) { return mock__journal_list(s->sink, 0); }

static mock_status stats(mock_server *s, const char *id, double window_s, double period_s,
                         bool truth, cJSON **out)
{
    *out = NULL;
    mock__resp r;
    mock__resp_init(&r);
    mock__campaign_stats(s->store, id, window_s, period_s, truth, &r);
    mock_status st = MOCK_ENOENT;
    if (r.status == 200 && r.body.data) {
        *out = cJSON_Parse(r.body.data);
        st = *out ? MOCK_OK : MOCK_ENOMEM;
    }
    mock__resp_free(&r);
    return st;
}

mock_status mock_server_stats(mock_server *s, const char *id, double window_s, double period_s,
                              cJSON **out)
{
    return stats(s, id, window_s, period_s, false, out);
}

mock_status mock_server_truth(mock_server *s, const char *id, double window_s, double period_s,
                              cJSON **out)
{
    return stats(s, id, window_s, period_s, true, out);
}
