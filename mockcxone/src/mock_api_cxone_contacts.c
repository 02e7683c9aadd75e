/* mock_api_cxone_contacts.c - CXone's reporting API for call records: the
 * skill's completed contacts, from its live simulation (see
 * mock_contacts.h), as GET .../contacts/completed serves them
 * (../shared/CXONE.md "Call records for calibration"). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim.h"
#include "mock_api_cxone.h"
#include "mock_internal.h"

/* ------------------------------------------------------- call records */

/* The dispositions a completed contact carries (NICE's system values,
 * ../shared/CXONE.md): what the ACD knows, not the truth. A person AMD hung
 * up on is an answering machine to it, and a machine dropped for want of an
 * agent an abandon; a person an agent talked to gets the agent's own
 * disposition (a tenant's id; 1 here). */
#define DISP_AGENT 1
#define DISP_BUSY 15
#define DISP_INVALID 18
#define DISP_MACHINE 19
#define DISP_NO_ANSWER 20
#define DISP_ABANDON 24

typedef struct contact_page {
    cJSON *list;
    const char *skill;
    const char *fields; /* "a,b,c": only these (NULL: all) */
} contact_page;

/* Whether `name` is one of the comma-separated `fields`. */
static bool listed(const char *fields, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = fields; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

static void add_seconds(cJSON *o, const char *k, double v)
{
    if (isnan(v))
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, round(v * 1000) / 1000);
}

static void add_contact(void *ud, unsigned long long id, double start, const sim_attempt *a)
{
    contact_page *pg = ud;
    cJSON *x = cJSON_CreateObject();
    char t[40];
    bool answered = a->outcome == SIM_OUTCOME_LIVE || a->outcome == SIM_OUTCOME_MACHINE;
    bool hung_up = a->amd == SIM_AMD_MACHINE; /* by AMD, before the ACD */
    bool dropped = !isnan(a->wait_s) && a->abandoned && !hung_up;
    int disp;
    switch (a->outcome) {
    case SIM_OUTCOME_LIVE: disp = hung_up ? DISP_MACHINE : dropped ? DISP_ABANDON : DISP_AGENT; break;
    case SIM_OUTCOME_MACHINE: disp = dropped ? DISP_ABANDON : DISP_MACHINE; break;
    case SIM_OUTCOME_BUSY: disp = DISP_BUSY; break;
    case SIM_OUTCOME_INVALID: disp = DISP_INVALID; break;
    default: disp = DISP_NO_ANSWER;
    }
    double before = a->ring_s + (answered ? a->amd_s : 0);
    double total = before + (isnan(a->wait_s) ? 0 : a->wait_s) + (isnan(a->talk_s) ? 0 : a->talk_s);
    cJSON_AddNumberToObject(x, "contactId", (double)id);
    cJSON_AddNumberToObject(x, "masterContactId", (double)id);
    cx_format_rfc3339(start, t, sizeof t);
    cJSON_AddStringToObject(x, "contactStartDate", t);
    cJSON_AddStringToObject(x, "skillId", pg->skill);
    cJSON_AddBoolToObject(x, "isOutbound", true);
    cJSON_AddNumberToObject(x, "mediaTypeId", 4); /* phone call */
    cJSON_AddNumberToObject(x, "primaryDispositionId", disp);
    cJSON_AddBoolToObject(x, "abandoned", dropped);
    cJSON_AddNumberToObject(x, "abandonSeconds", dropped ? round(a->wait_s * 1000) / 1000 : 0);
    add_seconds(x, "preQueueSeconds", before);
    add_seconds(x, "inQueueSeconds", hung_up ? NAN : a->wait_s);
    if (a->agent >= 0)
        cJSON_AddNumberToObject(x, "agentId", 100000 + a->agent);
    else
        cJSON_AddNullToObject(x, "agentId");
    add_seconds(x, "agentSeconds", a->talk_s);
    add_seconds(x, "acwSeconds", a->wrap_s);
    add_seconds(x, "totalDurationSeconds", total);
    if (pg->fields)
        for (cJSON *f = x->child, *next; f; f = next) {
            next = f->next;
            if (!listed(pg->fields, f->string))
                cJSON_Delete(cJSON_DetachItemViaPointer(x, f));
        }
    cJSON_AddItemToArray(pg->list, x);
}

/* GET .../contacts/completed?startDate=&endDate=&skillId=&top=&skip=
 * [&fields=a,b]: the skill's dial attempts that started in the span and are
 * over, a page at a time (only the fields listed, when some are), in the
 * order they completed (a later page never repeats an earlier
 * one's contact while the span is in the past). */
void mock__cxone_contacts_completed(mock_server *s, const mock__req *req,
                                    char p[MOCK_MAX_PARAMS][256], mock__resp *r)
{
    if (!mock__cxone_admit(s, req, p[0], r))
        return;
    const char *skill = mock__req_query(req, "skillId");
    const char *sd = mock__req_query(req, "startDate"), *ed = mock__req_query(req, "endDate");
    const char *tq = mock__req_query(req, "top"), *sq = mock__req_query(req, "skip");
    mock__view v;
    if (!skill || !skill[0]) {
        cx_message(r, 400, "skillId is required (this mock serves one skill's contacts)");
        return;
    }
    if (mock__campaign_view(s->store, skill, &v) != 0) {
        cx_message(r, 404, "skill %.100s not found", skill);
        return;
    }
    double now = cx_clock_now(s->clk);
    double from = sd ? mock__cxone_time(sd) : v.started, to = ed ? mock__cxone_time(ed) : now;
    if (from < 0 || to < 0 || to < from) {
        cx_message(r, 400, "startDate and endDate must be ISO 8601 times, start before end");
        return;
    }
    char *end = NULL;
    long top = tq ? strtol(tq, &end, 10) : 1000, skip = 0;
    if ((tq && (*end || top < 1 || top > 10000))) {
        cx_message(r, 400, "top must be 1 to 10000");
        return;
    }
    if (sq && ((skip = strtol(sq, &end, 10)) < 0 || *end)) {
        cx_message(r, 400, "skip must be a whole number >= 0");
        return;
    }
    const char *fields = mock__req_query(req, "fields");
    contact_page pg = {cJSON_CreateArray(), v.id, fields && fields[0] ? fields : NULL};
    long total = 0;
    int rc = mock__campaign_contacts(s->store, skill, from, to, skip, top, add_contact, &pg,
                                     &total);
    if (rc != 0) {
        cJSON_Delete(pg.list);
        cx_message(r, rc == 409 ? 404 : rc, "skill %.100s has no contacts (not simulated)", skill);
        return;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "totalRecords", (double)total);
    cJSON *links = cJSON_AddObjectToObject(j, "_links");
    char base[300], url[1400], a[40], b[40];
    mock__cxone_base_url(req, base, sizeof base);
    cx_format_rfc3339(from, a, sizeof a);
    cx_format_rfc3339(to, b, sizeof b);
    static const char *const rel[] = {"self", "next", "previous"};
    long at[] = {skip, skip + top, skip - top < 0 ? 0 : skip - top};
    bool has[] = {true, skip + top < total, skip > 0};
    for (int i = 0; i < 3; i++) {
        if (!has[i]) {
            cJSON_AddNullToObject(links, rel[i]);
            continue;
        }
        snprintf(url, sizeof url,
                 "%s/inContactAPI/services/%.20s/contacts/completed?startDate=%s&endDate=%s"
                 "&skillId=%.100s&top=%ld&skip=%ld",
                 base, p[0], a, b, v.id, top, at[i]);
        cJSON_AddStringToObject(links, rel[i], url);
    }
    cJSON_AddItemToObject(j, "completedContacts", pg.list);
    mock__resp_json(r, 200, j);
}
