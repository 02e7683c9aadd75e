/* mock_internal.h - the server handle and the route tables (internal).
 *
 * Threads: libmicrohttpd's thread pool runs handlers on several threads
 * at once (and the park's timer thread writes the wire faults), so every
 * handler runs concurrently with others. Each shared structure has
 * one lock (the store's per-campaign locks, auth's, the faults', the
 * journal's, extras_lock below), and one rule holds for all of them:
 *
 *   Nothing borrowed escapes a lock.
 *
 * A pointer into a structure a lock guards (a cJSON item of `extras`, a
 * rule, a campaign) is used only while that lock is held. Decide under the
 * lock, or copy what is needed out under it (mock__effect, mock__view and
 * mock_campaign_state are such copies); never carry the pointer past the
 * unlock, where another request may replace and free what it points to.
 * The ThreadSanitizer build (cmake -DCX_TSAN=ON, run by ./dev test) checks
 * this over the mock's tests and the scenario library; mock_seam.h lets a
 * test open the window between an unlock and what follows it on purpose,
 * so a pointer carried past the unlock is caught every time. */
#ifndef MOCK_INTERNAL_H
#define MOCK_INTERNAL_H

#include <pthread.h>

#include "mock_auth.h"
#include "mock_campaign.h"
#include "mock_deadline.h"
#include "mock_fault.h"
#include "mock_http.h"
#include "mock_journal.h"
#include "mock_park.h"
#include "mock_seam.h"
#include "mock_session.h"

#define MOCK_MAX_PARAMS 4

struct mock_server {
    mock_options o;          /* strings below are the server's own copies */
    char *bind;
    cx_clock *clk, *own_clock;
    double t_start;          /* clock time of create (and of each reset) */
    struct MHD_Daemon *daemon;
    struct mock__deadlines *deadlines; /* while started */
    unsigned port;
    mock__auth *auth;
    mock__store *store;
    mock__faults *faults;
    struct cJSON *initial_doc; /* the faults given at create: reset restores them */
    mock__journal *journal;
    mock__journal *sink;     /* webhook deliveries */
    mock__session *session;  /* record or replay; NULL: the mock's own routes */
    /* the cxone profile */
    char *access_key_id, *access_key_secret, *tenant_id;
    struct cJSON *extras;    /* per skill: CXone settings with no simulated meaning */
    pthread_mutex_t extras_lock;
    bool extras_ready;
    mock__seam_fn seam;      /* mock_seam.h; under extras_lock */
    void *seam_arg;
    struct mock__park *park; /* parked connections (mock_park.h); while started */
};

/* A route handler: `p` holds the pattern's captured segments. */
typedef void (*mock__handler)(mock_server *s, const mock__req *req,
                              char p[MOCK_MAX_PARAMS][256], mock__resp *r);

typedef struct mock__route {
    const char *method;
    const char *pattern;     /* "/api/v2/campaigns/{}": {} captures a segment */
    mock__handler fn;
} mock__route;

/* Each API's routes and payload shapes live together in one file. */
extern const mock__route mock__seed_routes[];  /* mock_api_seed.c */
extern const mock__route mock__admin_routes[]; /* mock_admin.c */
extern const mock__route mock__cxone_routes[]; /* mock_api_cxone.c */
extern const mock__route mock__page_routes[];  /* mock_page.c: GET /__admin/ */

/* Routes a request: the handler's answer, 405 with Allow, or 404. */
void mock__dispatch(mock_server *s, const mock__req *req, mock__resp *r);

/* Checks the bearer token (and, with `scope`, that it grants it) and the
 * client's rate limit. Returns true, or false with the 401/403/429 answer
 * in r. client_id receives the client (>= 128 bytes). */
bool mock__authorize(mock_server *s, const mock__req *req, const char *scope, char *client_id,
                     mock__resp *r);

/* libmicrohttpd's callbacks: mock_pipeline.c. */
enum MHD_Result mock__on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_size, void **con_cls);
void mock__on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe);

#endif
