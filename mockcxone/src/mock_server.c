/* mock_server.c - the server's life: options, create, start, stop.
 *
 * libmicrohttpd's epoll thread pool (one event-loop thread per core by
 * default, `threads`) serves every connection; a request's way through the
 * server is mock_pipeline.c's, and a fault's delay parks its connection
 * (mock_park.h) so it holds no thread. A connection limit, a limit per
 * client address, an idle timeout and a deadline per request
 * (mock_deadline.h) bound what slow or hostile clients can hold. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mock_internal.h"

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
    if (mock__park_create(&s->park, err) != MOCK_OK) {
        mock__deadlines_destroy(s->deadlines);
        s->deadlines = NULL;
        return MOCK_ENOMEM;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = s->o.threads ? s->o.threads : cores > 0 ? (unsigned)cores : 1;
    /* MHD_USE_TURBO: read, write and accept before asking epoll whether
     * they would block (the sockets are non-blocking) */
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO, 0, NULL, NULL,
        mock__on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        s->o.connection_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, s->o.connection_timeout_s, MHD_OPTION_NOTIFY_COMPLETED,
        mock__on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, mock__deadlines_notify,
        s->deadlines, MHD_OPTION_END);
    /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: with SO_REUSEPORT a second
     * server on the port would share its connections with the first. */
    if (!s->daemon) {
        mock__park_destroy(s->park);
        s->park = NULL;
        mock__deadlines_destroy(s->deadlines);
        s->deadlines = NULL;
        return cx_error_set(err, MOCK_ELISTEN, "cannot listen on %s:%u: %s", s->bind, s->o.port,
                            why_not_bound(&addr));
    }
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
        /* every parked connection resumed first (cut short: a stop does
         * not wait out a fault's delay), and every exchange proxied given
         * up; libmicrohttpd refuses to stop with connections suspended */
        mock__park_stop(s->park);
        mock__session_stop(s->session);
        MHD_stop_daemon(s->daemon);
        s->daemon = NULL;
        mock__park_destroy(s->park);
        s->park = NULL;
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
