/* opt_cycle.c - one optimization cycle as a state machine.
 *
 *   READ -> DECIDE -> GATE -> APPLY -> NOTIFY -> AUDIT -> DONE
 *            ^                  |
 *            +---- 412 ---------+   (re-read and re-decide, bounded)
 *
 * Every path ends in AUDIT: a cycle that is refused or fails is recorded
 * like one that applies. The state changes in one place, next(). Before the
 * write an "intent" record is appended, so a crash between the write and its
 * outcome is visible as an intent without an outcome. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "opt_internal.h"

typedef enum cycle_state {
    ST_READ,
    ST_DECIDE,
    ST_GATE,
    ST_APPLY,
    ST_NOTIFY,
    ST_AUDIT,
    ST_DONE
} cycle_state;

typedef struct cycle {
    opt_optimizer *o;
    opt_decide_fn decide;
    void *ud;
    bool dry_run;
    opt_cycle_report *rep;
    cycle_state state;
    double wall_start;         /* cx_wall_monotonic() when the cycle began */
    opt__campaign cur;
    opt__call_log log;
    cJSON *request_ids;
} cycle;

static void next(cycle *c, cycle_state s) { c->state = s; }

/* Ends the cycle's work with an outcome; what remains is NOTIFY and AUDIT. */
static void finish(cycle *c, opt_outcome outcome, const cx_error *why)
{
    c->rep->outcome = outcome;
    if (why && why->msg[0])
        cx_copy(c->rep->message, sizeof c->rep->message, why->msg);
    next(c, ST_NOTIFY);
}

static opt_outcome failure_outcome(opt_status st)
{
    switch (st) {
    case OPT_EAUTH:
    case OPT_ESCOPE:
        return OPT_OUTCOME_FAILED_AUTH;
    case OPT_ENETWORK:
        return OPT_OUTCOME_FAILED_NETWORK;
    default:
        return OPT_OUTCOME_FAILED_API;
    }
}

static void note_request(cycle *c)
{
    if (c->request_ids && c->log.last_request_id[0])
        cJSON_AddItemToArray(c->request_ids, cJSON_CreateString(c->log.last_request_id));
}

static void do_read(cycle *c)
{
    cx_error e = {0};
    opt_status st = c->o->profile->read(c->o->client, &c->o->ep, &c->cur, &c->log, &e);
    note_request(c);
    c->rep->http_status = c->log.last_status;
    if (st != OPT_OK) {
        finish(c, failure_outcome(st), &e);
        return;
    }
    if (strcmp(c->cur.id, c->o->campaign_id) != 0) {
        cx_error_set(&e, OPT_EAPI,
                     "asked for campaign %s, the API answered with campaign %s: nothing is sent",
                     c->o->campaign_id, c->cur.id);
        finish(c, OPT_OUTCOME_FAILED_API, &e);
        return;
    }
    c->rep->before = c->cur.params;
    c->rep->have_before = true;
    if (c->o->profile->etag && !c->cur.etag[0])
        c->rep->not_checked |= OPT_NOT_CHECKED_ETAG;
    memset(&c->rep->stats, 0, sizeof c->rep->stats);
    if (c->o->profile->stats) {
        /* Stats inform the gate and the policies; their absence is not an
         * error, and a failure to read them only leaves them out, said. */
        cx_error se = {0};
        if (c->o->profile->stats(c->o->client, &c->o->ep, c->o->s.window_s,
                                 c->o->s.stats_period_s, c->o->clk, &c->rep->stats, &c->log,
                                 &se) != OPT_OK)
            c->rep->stats.available = false;
        note_request(c);
    }
    if (!c->rep->stats.available)
        c->rep->not_checked |= OPT_NOT_CHECKED_STATS;
    if (strcmp(c->cur.status, "active") != 0) {
        cx_error_set(&e, OPT_ESTATE, "campaign %s is %s: no change is sent to it", c->cur.id,
                     c->cur.status);
        finish(c, OPT_OUTCOME_REJECTED_STATE, &e);
        return;
    }
    next(c, ST_DECIDE);
}

static void do_decide(cycle *c)
{
    cx_error e = {0};
    opt_params target = c->cur.params;
    opt_status st = c->decide(c->ud, &c->cur.params, &c->rep->stats, &target, &e);
    c->rep->target = target;
    if (st != OPT_OK) {
        finish(c, OPT_OUTCOME_REJECTED_VALIDATION, &e);
        return;
    }
    if (opt_validate(&target, &c->cur.params, &c->o->s.constraints, c->o->s.limit,
                     &c->rep->validation, &e) != OPT_OK) {
        if (c->rep->validation.delta_only)
            cx_error_prefix(&e, "the step is too large (apply it as a ramp)");
        finish(c, OPT_OUTCOME_REJECTED_VALIDATION, &e);
        return;
    }
    if (c->o->profile->expressible &&
        c->o->profile->expressible(&c->o->ep, &c->cur.params, &target, &e) != OPT_OK) {
        finish(c, OPT_OUTCOME_REJECTED_VALIDATION, &e);
        return;
    }
    if (opt_params_equal(&target, &c->cur.params)) {
        c->rep->after = c->cur.params;
        c->rep->have_after = true;
        c->rep->outcome = OPT_OUTCOME_UNCHANGED;
        cx_copy(c->rep->message, sizeof c->rep->message, "the campaign already has the target");
        next(c, ST_AUDIT);
        return;
    }
    next(c, ST_GATE);
}

static void do_gate(cycle *c)
{
    cx_error e = {0};
    opt_status st = opt__gate(c->o, &c->cur.params, &c->rep->target, &c->rep->stats,
                              &c->rep->compliance, &c->rep->prediction, &e);
    if (st != OPT_OK) {
        /* No prediction, no change: the gate fails closed. */
        c->rep->compliance.verdict = OPT_VERDICT_REFUSED;
        c->rep->compliance.allowed = false;
        finish(c, OPT_OUTCOME_REJECTED_COMPLIANCE, &e);
        return;
    }
    if (!c->rep->compliance.allowed) {
        cx_error_set(&e, OPT_ECOMPLIANCE, "%s", c->rep->compliance.reason);
        finish(c, OPT_OUTCOME_REJECTED_COMPLIANCE, &e);
        return;
    }
    if (c->dry_run) {
        c->rep->outcome = OPT_OUTCOME_DRY_RUN;
        cx_copy(c->rep->message, sizeof c->rep->message, "dry run: nothing was sent");
        next(c, ST_AUDIT);
        return;
    }
    char scope[256];
    const char *need = c->o->profile->write_scope;
    if (need && opt__auth_scope(c->o->auth, scope, sizeof scope)) {
        bool has = false;
        size_t nl = strlen(need);
        for (const char *p = scope; *p;) {
            size_t len = strcspn(p, " ");
            if (len == nl && strncmp(p, need, nl) == 0)
                has = true;
            p += len;
            while (*p == ' ')
                p++;
        }
        if (!has) {
            cx_error_set(&e, OPT_ESCOPE,
                         "the token's scope \"%s\" lacks %s: no change can be written; "
                         "grant %s to client %s",
                         scope, need, need, c->o->client_id);
            finish(c, OPT_OUTCOME_FAILED_AUTH, &e);
            return;
        }
    }
    next(c, ST_APPLY);
}

static opt_status audit_intent(cycle *c, cx_error *err)
{
    char now[32];
    cx_format_rfc3339(cx_clock_now(c->o->clk), now, sizeof now);
    /* every part or none: an intent missing its parameters would let a
     * write go out that the log cannot account for */
    cJSON *r = cJSON_CreateObject();
    cJSON *oldp = opt_params_to_json(&c->cur.params);
    cJSON *newp = opt_params_to_json(&c->rep->target);
    bool whole = r && oldp && newp && cJSON_AddStringToObject(r, "type", "intent") &&
                 cJSON_AddStringToObject(r, "cycle_id", c->rep->cycle_id) &&
                 cJSON_AddStringToObject(r, "time", now) &&
                 cJSON_AddStringToObject(r, "campaign_id", c->o->campaign_id) &&
                 cJSON_AddItemToObject(r, "old_parameters", oldp) &&
                 (oldp = NULL, cJSON_AddItemToObject(r, "new_parameters", newp)) &&
                 (newp = NULL, !c->cur.etag[0] ||
                                   cJSON_AddStringToObject(r, "if_match", c->cur.etag));
    opt_status st = whole ? opt__audit_append(c->o->audit, r, err)
                          : (opt_status)cx_error_set(err, OPT_ENOMEM, "out of memory");
    cJSON_Delete(oldp);
    cJSON_Delete(newp);
    cJSON_Delete(r);
    return st;
}

/* A write got no whole answer after it may have reached the server: read
 * the campaign again and say what it shows, never guess. */
static void settle_unknown_write(cycle *c, const cx_error *why, bool conflict)
{
    opt__campaign now;
    memset(&now, 0, sizeof now);
    cx_error re = {0}, e = *why;
    opt_status rs = c->o->profile->read(c->o->client, &c->o->ep, &now, &c->log, &re);
    note_request(c);
    c->rep->http_status = c->log.last_status;
    if (rs == OPT_OK) {
        c->rep->after = now.params;
        c->rep->have_after = true;
    }
    if (rs == OPT_OK && opt_params_equal(&now.params, &c->rep->target)) {
        c->rep->written = true;
        c->rep->outcome = OPT_OUTCOME_APPLIED;
        c->rep->write_check = OPT_WRITE_VERIFIED;
        snprintf(c->rep->message, sizeof c->rep->message,
                 "%.380s; read again, the campaign shows the target: the write landed", e.msg);
        next(c, ST_NOTIFY);
        return;
    }
    if (conflict && rs == OPT_OK && c->rep->conflicts < c->o->s.max_conflicts) {
        /* the 412 was someone else's change after all: decide again from it */
        c->rep->conflicts++;
        next(c, ST_READ);
        return;
    }
    if (rs == OPT_OK)
        cx_error_set(&e, OPT_ENETWORK,
                     "%.380s; read again, the campaign does not show the target: the write "
                     "did not land, or not whole",
                     why->msg);
    else
        cx_error_set(&e, OPT_ENETWORK,
                     "%.300s; reading the campaign again failed too (%.150s): whether the "
                     "write landed is still unknown",
                     why->msg, re.msg);
    finish(c, OPT_OUTCOME_FAILED_NETWORK, &e);
}

static void do_apply(cycle *c)
{
    cx_error e = {0};
    if (audit_intent(c, &e) != OPT_OK) {
        /* Without its intent on disk the write must not happen. */
        finish(c, OPT_OUTCOME_FAILED_API, &e);
        return;
    }
    opt__campaign after;
    char note[sizeof c->rep->message] = "";
    c->log.write_unknown = false;
    c->log.lost_answer[0] = '\0';
    opt_status st = c->o->profile->write(c->o->client, &c->o->ep, &c->cur, &c->rep->target,
                                         &after, note, sizeof note, &c->log, &e);
    note_request(c);
    c->rep->http_status = c->log.last_status;
    c->rep->written = c->log.writes > 0;
    if (st == OPT_OK) {
        /* accepted: applied, verified or not (the server has it; only
         * whether it shows the target is in doubt) */
        c->rep->written = true;
        c->rep->after = after.params;
        c->rep->have_after = after.known;
        c->rep->outcome = OPT_OUTCOME_APPLIED;
        c->rep->write_check = after.verified ? OPT_WRITE_VERIFIED : OPT_WRITE_UNVERIFIED;
        if (after.known && strcmp(after.id, c->o->campaign_id) != 0) {
            c->rep->write_check = OPT_WRITE_UNVERIFIED;
            snprintf(note, sizeof note,
                     "asked to write campaign %s, the API answered with campaign %s",
                     c->o->campaign_id, after.id);
        }
        /* where the API cannot refuse a stale write, a change that landed
         * meanwhile is said, not hidden; so is an answer without the settings */
        cx_copy(c->rep->message, sizeof c->rep->message, note);
        next(c, ST_NOTIFY);
        return;
    }
    if (st == OPT_ENETWORK && c->log.write_unknown) {
        settle_unknown_write(c, &e, false);
        return;
    }
    if (st == OPT_ECONFLICT && c->log.lost_answer[0]) {
        /* a repeat refused as stale may have met its own first attempt */
        cx_error lost = {0};
        cx_error_set(&lost, OPT_ENETWORK, "%.300s; repeated with If-Match, refused 412",
                     c->log.lost_answer);
        settle_unknown_write(c, &lost, true);
        return;
    }
    if (st == OPT_EVALIDATION) { /* the profile cannot express the target */
        finish(c, OPT_OUTCOME_REJECTED_VALIDATION, &e);
        return;
    }
    if (st == OPT_ECONFLICT && c->rep->conflicts < c->o->s.max_conflicts) {
        /* Someone changed the campaign since we read it: read it again and
         * decide again from what it is now, never over it blindly. */
        c->rep->conflicts++;
        next(c, ST_READ);
        return;
    }
    if (st == OPT_ECONFLICT)
        cx_error_prefix(&e, "the campaign kept changing (%d re-reads)", c->rep->conflicts);
    finish(c, failure_outcome(st), &e);
}

static const char *event_action(opt_outcome o)
{
    switch (o) {
    case OPT_OUTCOME_APPLIED:
        return "predictive_optimization";
    case OPT_OUTCOME_REJECTED_VALIDATION:
    case OPT_OUTCOME_REJECTED_COMPLIANCE:
    case OPT_OUTCOME_REJECTED_STATE:
        return "optimization_rejected";
    default:
        return "optimization_failed";
    }
}

/* Adds item (NULL: fails) to o; on failure item is freed. */
static bool put(cJSON *o, const char *key, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static void do_notify(cycle *c)
{
    opt_cycle_report *r = c->rep;
    next(c, ST_AUDIT);
    if (!c->o->webhook || c->dry_run) /* a dry run sends nothing, refused or not */
        return;
    cJSON *ev = cJSON_CreateObject();
    if (!ev) {
        cx_copy(r->webhook_error, sizeof r->webhook_error, "out of memory");
        return;
    }
    char now[32];
    cx_format_rfc3339(cx_clock_now(c->o->clk), now, sizeof now);
    r->latency_ms = (cx_wall_monotonic() - c->wall_start) * 1000.0; /* so far */
    /* every part or none: a partial event is not sent */
    bool ok = cJSON_AddStringToObject(ev, "event_id", r->event_id) &&
              cJSON_AddStringToObject(ev, "timestamp", now) &&
              cJSON_AddStringToObject(ev, "campaign_id", c->o->campaign_id) &&
              cJSON_AddStringToObject(ev, "action", event_action(r->outcome)) &&
              cJSON_AddStringToObject(ev, "outcome", opt_outcome_name(r->outcome)) &&
              put(ev, "new_parameters", opt_params_to_json(&r->target)) &&
              (r->have_before ? put(ev, "old_parameters", opt_params_to_json(&r->before))
                              : cJSON_AddNullToObject(ev, "old_parameters") != NULL) &&
              put(ev, "compliance", opt__compliance_to_json(&r->compliance)) &&
              put(ev, "prediction", opt__prediction_to_json(&r->prediction)) &&
              cJSON_AddNumberToObject(ev, "latency_ms", round(r->latency_ms * 1000) / 1000) &&
              cJSON_AddNumberToObject(
                  ev, "answer_rate_delta",
                  r->have_before
                      ? round((r->target.answer_rate - r->before.answer_rate) * 1e6) / 1e6
                      : 0) &&
              (!r->message[0] || cJSON_AddStringToObject(ev, "message", r->message));
    if (!ok) {
        cJSON_Delete(ev);
        cx_copy(r->webhook_error, sizeof r->webhook_error, "out of memory");
        return;
    }
    opt__delivery d;
    opt__webhook_send(c->o->webhook, ev, r->event_id, &d);
    cJSON_Delete(ev);
    r->webhook_attempted = d.attempted;
    r->webhook_delivered = d.delivered;
    r->webhook_attempts = d.attempts;
    cx_copy(r->webhook_error, sizeof r->webhook_error, d.error);
}

static opt_status do_audit(cycle *c, cx_error *err)
{
    opt_cycle_report *r = c->rep;
    r->attempts = c->log.attempts;
    r->retries = c->log.retries;
    r->reauths = c->log.reauths;
    r->latency_ms = (cx_wall_monotonic() - c->wall_start) * 1000.0;
    cJSON *rec = opt_report_to_json(r);
    if (!rec)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    char now[32];
    cx_format_rfc3339(cx_clock_now(c->o->clk), now, sizeof now);
    /* put the envelope first so `jq` output reads naturally */
    cJSON *env = cJSON_CreateObject();
    if (!env) {
        cJSON_Delete(rec);
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    }
    /* every part or none (see opt_report.c) */
    bool ok = cJSON_AddStringToObject(env, "type", "cycle") &&
              cJSON_AddStringToObject(env, "time", now) &&
              cJSON_AddStringToObject(env, "campaign_id", c->o->campaign_id) &&
              cJSON_AddStringToObject(env, "profile", c->o->profile->name) &&
              cJSON_AddBoolToObject(env, "dry_run", c->dry_run);
    cJSON *item = rec->child;
    while (ok && item) {
        cJSON *nxt = item->next;
        cJSON *moved = cJSON_DetachItemViaPointer(rec, item);
        if (!cJSON_AddItemToObject(env, moved->string, moved)) {
            cJSON_Delete(moved);
            ok = false;
        }
        item = nxt;
    }
    cJSON_Delete(rec);
    if (ok && c->request_ids) {
        if (cJSON_AddItemToObject(env, "request_ids", c->request_ids))
            c->request_ids = NULL;
        else
            ok = false;
    }
    opt_status st = ok ? opt__audit_append(c->o->audit, env, err)
                       : (opt_status)cx_error_set(err, OPT_ENOMEM, "out of memory");
    cJSON_Delete(env);
    r->audited = st == OPT_OK;
    return st;
}

opt_status opt_cycle(opt_optimizer *o, opt_decide_fn decide, void *ud, bool dry_run,
                     opt_cycle_report *report, cx_error *err)
{
    memset(report, 0, sizeof *report);
    cycle c = {.o = o, .decide = decide, .ud = ud, .dry_run = dry_run, .rep = report,
               .state = ST_READ, .wall_start = cx_wall_monotonic(),
               .request_ids = cJSON_CreateArray()};
    if (!c.request_ids)
        return cx_error_set(err, OPT_ENOMEM, "out of memory");
    if (opt__uuid4(report->cycle_id) != 0 || opt__uuid4(report->event_id) != 0) {
        cJSON_Delete(c.request_ids);
        return cx_error_set(err, OPT_ENOMEM, "no randomness for ids");
    }
    report->compliance.limit = o->s.limit;
    o->cycles++;
    opt_status st = OPT_OK;
    while (c.state != ST_DONE) {
        switch (c.state) {
        case ST_READ:
            do_read(&c);
            break;
        case ST_DECIDE:
            do_decide(&c);
            break;
        case ST_GATE:
            do_gate(&c);
            break;
        case ST_APPLY:
            do_apply(&c);
            break;
        case ST_NOTIFY:
            do_notify(&c);
            break;
        case ST_AUDIT:
            st = do_audit(&c, err);
            next(&c, ST_DONE);
            break;
        case ST_DONE:
            break;
        }
    }
    cJSON_Delete(c.request_ids);
    return st;
}

struct fixed {
    const opt_params *target;
};

static opt_status decide_fixed(void *ud, const opt_params *current, const opt_stats *stats,
                               opt_params *target, cx_error *err)
{
    (void)current;
    (void)stats;
    (void)err;
    *target = *((struct fixed *)ud)->target;
    return OPT_OK;
}

opt_status opt_apply(opt_optimizer *o, const opt_params *target, bool dry_run,
                     opt_cycle_report *report, cx_error *err)
{
    struct fixed f = {target};
    return opt_cycle(o, decide_fixed, &f, dry_run, report, err);
}
