/* mock_pipeline.c - one request's way through the server: the size
 * limit, the faults, the routes (or a recorded session), the journal, and
 * the answer on the wire.
 *
 * The server runs libmicrohttpd's epoll thread pool: a few threads, each
 * serving many connections, so no handler may sleep. A fault's delay parks
 * the connection (mock_park.h) and the pipeline carries on when it is
 * resumed; a wire fault's bytes go out from the park's timer thread. What
 * the journal keeps of a request is mock_record.c's. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

typedef enum phase {
    READING,   /* the request arrives */
    DELAYED,   /* parked for a fault's delay */
    WIRED,     /* parked while a wire fault goes out */
    ANSWERED   /* an answer is queued (or the connection is to close) */
} phase;

typedef struct conn_state {
    mock__req req;
    phase phase;
    mock__effect *fx; /* the fault fired, while its delay runs */
    atomic_bool cut;  /* a stop ended the park early */
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

/* The journal's label of the rule that shaped an answer. */
static void label(const mock__effect *fx, mock__resp *r)
{
    if (fx->action)
        snprintf(r->fault, sizeof r->fault, "rule %d: %s", fx->rule,
                 mock__action_name(fx->action));
    else
        snprintf(r->fault, sizeof r->fault, "rule %d", fx->rule);
}

/* Applies a fired fault, its delay done; returns true when it answered (or
 * dropped) the request, false when the request goes on to its route. */
static bool apply_fault(mock_server *s, const mock__req *req, const mock__effect *fx,
                        mock__resp *r)
{
    label(fx, r);
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


/* The answer to a whole request; `fx` is the fault fired (its delay done),
 * or NULL. */
static void handle(mock_server *s, const mock__req *req, const mock__effect *fx, mock__resp *r)
{
    if (req->too_large) {
        mock__resp_error(r, 413, "payload_too_large", "the body is larger than %zu bytes",
                         s->o.body_max);
        return;
    }
    bool admin = strncmp(req->path, "/__admin/", 9) == 0;
    if (fx && fx->fired && apply_fault(s, req, fx, r))
        return;
    if (!admin && s->session) { /* record or replay: mock_session.h */
        mock__session_answer(s->session, req, r);
        return;
    }
    mock__dispatch(s, req, r);
}

/* Queues the answer; its body goes to libmicrohttpd as it is, not copied. */
static enum MHD_Result send_resp(struct MHD_Connection *conn, mock__resp *r)
{
    struct MHD_Response *resp;
    if (r->body.data) {
        size_t len = r->body.len;
        char *body = cx_buf_steal(&r->body);
        resp = MHD_create_response_from_buffer_with_free_callback(len, body, free);
        if (!resp)
            free(body);
    } else {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    for (int i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* Answers the request (its fault's delay, if any, over), journals it and
 * sends the answer, or parks the connection while a wire fault goes out. */
static enum MHD_Result finish(mock_server *s, conn_state *cs, struct MHD_Connection *conn,
                             const mock__effect *fx)
{
    cs->phase = ANSWERED;
    mock__resp r;
    mock__resp_init(&r);
    if (atomic_load(&cs->cut)) {
        label(fx, &r);
        r.drop = true; /* the server is stopping */
    } else {
        handle(s, &cs->req, fx, &r);
    }
    mock__journal_request(s->journal, &cs->req, &r, cx_clock_now(s->clk));
    enum MHD_Result rc = MHD_NO; /* dropped: libmicrohttpd closes the connection */
    if (r.wire.action) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        mock__wire_run *w = ci ? mock__wire_prepare(&r, ci->connect_fd) : NULL;
        if (w && mock__park_add(s->park, conn, 0, w, &cs->cut)) {
            cs->phase = WIRED; /* resumed when it is out, then closed */
            rc = MHD_YES;
        }
    } else if (!r.drop) {
        rc = send_resp(conn, &r);
    }
    mock__resp_free(&r);
    return rc;
}

/* The request has arrived whole: a fault with a delay parks it, anything
 * else is answered now. */
static enum MHD_Result arrived(mock_server *s, conn_state *cs, struct MHD_Connection *conn)
{
    mock__deadlines_arrived(s->deadlines, conn);
    if (cs->req.too_large || strncmp(cs->req.path, "/__admin/", 9) == 0)
        return finish(s, cs, conn, NULL);
    mock__effect fx;
    mock__faults_match(s->faults, cs->req.method, cs->req.path,
                       cx_clock_now(s->clk) - s->t_start, &fx);
    if (fx.fired && fx.delay_ms > 0) {
        if (s->o.delay) { /* a test counts the waits */
            s->o.delay(s->o.delay_ud, fx.delay_ms);
        } else if ((cs->fx = malloc(sizeof *cs->fx))) {
            *cs->fx = fx; /* its body and patch go with it */
            cs->phase = DELAYED;
            if (mock__park_add(s->park, conn, fx.delay_ms, NULL, &cs->cut))
                return MHD_YES; /* on_request carries on when it is resumed */
            atomic_store(&cs->cut, true);
            enum MHD_Result rc = finish(s, cs, conn, cs->fx);
            mock__effect_free(cs->fx);
            free(cs->fx);
            cs->fx = NULL;
            return rc;
        } else {
            atomic_store(&cs->cut, true); /* out of memory: dropped, not slept */
        }
    }
    enum MHD_Result rc = finish(s, cs, conn, &fx);
    mock__effect_free(&fx);
    return rc;
}

enum MHD_Result mock__on_request(void *cls, struct MHD_Connection *conn, const char *url,
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
        atomic_init(&cs->cut, false);
        *con_cls = cs;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || (n > s->o.body_max && n > DRAIN_MAX)) {
                cs->req.too_large = true; /* refused before it is read */
                return arrived(s, cs, conn);
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
    switch (cs->phase) {
    case READING:
        return arrived(s, cs, conn);
    case DELAYED: { /* resumed: the delay is over (or cut by a stop) */
        enum MHD_Result rc = finish(s, cs, conn, cs->fx);
        mock__effect_free(cs->fx);
        free(cs->fx);
        cs->fx = NULL;
        return rc;
    }
    case WIRED: /* resumed: the wire fault is out; the connection closes */
        return MHD_NO;
    case ANSWERED:
        break;
    }
    return MHD_YES;
}

void mock__on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    mock_server *s = cls;
    mock__deadlines_answered(s->deadlines, conn);
    conn_state *cs = *con_cls;
    if (!cs)
        return;
    if (cs->phase == DELAYED) {
        /* the daemon stopped before the handler saw the resume: the request
         * is still journaled, dropped as the stop left it */
        atomic_store(&cs->cut, true);
        mock__resp r;
        mock__resp_init(&r);
        label(cs->fx, &r);
        r.drop = true;
        mock__journal_request(s->journal, &cs->req, &r, cx_clock_now(s->clk));
        mock__resp_free(&r);
    }
    if (cs->fx) {
        mock__effect_free(cs->fx);
        free(cs->fx);
    }
    cx_buf_free(&cs->req.body);
    free(cs);
    *con_cls = NULL;
}
