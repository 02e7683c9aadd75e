/* mock_page.c - the mock's own page, GET /__admin/, and the two admin
 * routes it needs that the admin API did not have: every campaign with its
 * live stats, and switching a fault rule off and on.
 *
 * The page (page/admin.html, compiled in as mock__page_html by CMake) is
 * one self-contained file: inline CSS and script, no CDN, no font. It only
 * reads and writes through the admin API, which stays the source of
 * truth. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

extern const char mock__page_html[]; /* generated from page/admin.html */

static void page(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                 mock__resp *r)
{
    (void)s;
    (void)req;
    (void)p;
    mock__resp_text(r, 200, "text/html; charset=utf-8", mock__page_html);
    mock__resp_header(r, "Cache-Control", "no-store");
}

/* A handler's JSON answer as a tree, or NULL. */
static cJSON *answer_json(mock__resp *r)
{
    cJSON *j = r->status == 200 && r->body.data ? cJSON_Parse(r->body.data) : NULL;
    mock__resp_free(r);
    mock__resp_init(r);
    return j;
}

/* GET /__admin/campaigns[?window=S&period=S]: each campaign as its GET
 * answers it, with "stats" as its stats route answers them. */
static void campaigns(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                      mock__resp *r)
{
    (void)p;
    const char *w = mock__req_query(req, "window"), *pe = mock__req_query(req, "period");
    double window_s = w ? strtod(w, NULL) : 0, period_s = pe ? strtod(pe, NULL) : 0;
    cJSON *arr = cJSON_CreateArray();
    mock__resp t;
    mock__resp_init(&t);
    for (size_t i = 0; arr && i < s->o.n_campaigns; i++) {
        const char *id = s->o.campaigns[i].id;
        mock__campaign_get(s->store, id, &t);
        cJSON *c = answer_json(&t);
        if (!c)
            continue;
        mock__campaign_stats(s->store, id, window_s, period_s, false, &t);
        cJSON *st = answer_json(&t);
        if (st)
            cJSON_AddItemToObject(c, "stats", st);
        cJSON_AddItemToArray(arr, c);
    }
    mock__resp_free(&t);
    cJSON *o = cJSON_CreateObject();
    if (o && arr)
        cJSON_AddItemToObject(o, "campaigns", arr);
    else
        cJSON_Delete(arr);
    mock__resp_json(r, o ? 200 : 500, o);
}

/* PUT /__admin/faults/{index}/enabled {"enabled": true|false} */
static void fault_enable(mock_server *s, const mock__req *req, char p[MOCK_MAX_PARAMS][256],
                         mock__resp *r)
{
    char *end;
    long idx = strtol(p[0], &end, 10);
    cx_error err = {0};
    cJSON *doc = cx_json_parse(req->body.data ? req->body.data : "", req->body.len,
                               "request body", &err);
    const cJSON *on = doc ? cJSON_GetObjectItemCaseSensitive(doc, "enabled") : NULL;
    if (*end != '\0' || end == p[0] || idx < 0 || idx > 100000)
        mock__resp_error(r, 404, "not_found", "no fault rule \"%.40s\" (rules are numbered "
                                              "from 0 as GET /__admin/faults lists them)",
                         p[0]);
    else if (!cJSON_IsBool(on))
        mock__resp_error(r, 400, "bad_request", "expected {\"enabled\": true|false}");
    else if (mock__faults_enable(s->faults, (int)idx, cJSON_IsTrue(on)) != MOCK_OK)
        mock__resp_error(r, 404, "not_found", "no fault rule %ld", idx);
    else {
        cJSON *o = cJSON_CreateObject();
        if (o)
            cJSON_AddItemToObject(o, "faults", mock__faults_json(s->faults));
        mock__resp_json(r, 200, o);
    }
    cJSON_Delete(doc);
}

const mock__route mock__page_routes[] = {
    {"GET", "/__admin/", page},
    {"GET", "/__admin/campaigns", campaigns},
    {"PUT", "/__admin/faults/{}/enabled", fault_enable},
    {NULL, NULL, NULL},
};
