/* opt_calibrate.c - `cxopt calibrate`: the campaign model fitted to the
 * skill's completed contacts, pulled from CXone's reporting API.
 *
 *   GET .../inContactAPI/services/vNN.0/contacts/completed
 *       ?startDate=&endDate=&skillId=&top=&skip=&fields=
 *   -> {"totalRecords", "_links": {"self", "next", "previous"},
 *       "completedContacts": [...]}          (../shared/CXONE.md, [doc*])
 *
 * Pages by top/skip until totalRecords is reached (without it: until a
 * page has no next link and comes back short), or a page is empty (or 204). Each request goes through the client, so 429 and
 * 503 honour Retry-After, and no attempt is made past the retry deadline
 * (opt_client.h). Each page's records are converted through the mapping's
 * "records" (opt_records.h) and handed one by one to libdialsim's fit, which
 * judges them, then freed: memory holds one page, whatever the span. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialsim_fit.h"
#include "opt_internal.h"
#include "opt_records.h"

#define DEFAULT_PAGE 1000

/* "GET /contacts/completed?...": the request, as errors name it (without
 * its list of fields) */
static void request_name(char *buf, size_t n, const char *path)
{
    const char *f = strstr(path, "&fields=");
    snprintf(buf, n, "GET %.*s", f ? (int)(f - path) : (int)strlen(path), path);
}

static cJSON *source_json(const opt_optimizer *o, const char *since, const char *until,
                          long pages, long records, long inbound, long total)
{
    const opt__records_map *m = &o->mapping.records;
    cJSON *s = cJSON_CreateObject();
    char endpoint[600];
    snprintf(endpoint, sizeof endpoint, "GET %s/contacts/completed", opt__client_base(o->client));
    cJSON_AddStringToObject(s, "endpoint", endpoint);
    cJSON_AddStringToObject(s, "skillId", o->ep.campaign_id);
    cJSON_AddStringToObject(s, "since", since);
    cJSON_AddStringToObject(s, "until", until);
    cJSON_AddNumberToObject(s, "pages", (double)pages);
    cJSON_AddNumberToObject(s, "records", (double)records);
    cJSON_AddNumberToObject(s, "inboundSkipped", (double)inbound);
    if (total >= 0)
        cJSON_AddNumberToObject(s, "totalRecords", (double)total);
    cJSON_AddStringToObject(s, "mapping", o->s.mapping_path && o->s.mapping_path[0]
                                              ? o->s.mapping_path
                                              : "built in (optimizer/cxone-mapping.json)");
    cJSON *cols = cJSON_AddArrayToObject(s, "columns");
    cJSON *assumed = cJSON_AddArrayToObject(s, "assumed");
    cJSON *absent = cJSON_AddArrayToObject(s, "notInRecords");
    for (int k = 0; k < OPT__REC_COLUMNS; k++) {
        const opt__rec_column *c = &m->col[k];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "column", opt__rec_names[k]);
        if (c->mapped) {
            cJSON_AddStringToObject(x, "field", c->field);
            cJSON_AddStringToObject(x, "confidence", c->confidence);
            if (strcmp(c->confidence, "guess") == 0) {
                char line[128];
                snprintf(line, sizeof line, "%s <- %s [guess]", opt__rec_names[k], c->field);
                cJSON_AddItemToArray(assumed, cJSON_CreateString(line));
            }
        } else {
            cJSON_AddNullToObject(x, "field");
            if (k != OPT__REC_HOUR) /* derived from the start */
                cJSON_AddItemToArray(absent, cJSON_CreateString(opt__rec_names[k]));
        }
        cJSON_AddItemToArray(cols, x);
    }
    if (strcmp(m->outcome_confidence, "guess") == 0) {
        char line[160];
        snprintf(line, sizeof line, "outcome <- %s through outcomeValues%s [guess]",
                 m->col[OPT__REC_OUTCOME].field,
                 m->other[0] ? " (any other disposition: an agent's own)" : "");
        cJSON_AddItemToArray(assumed, cJSON_CreateString(line));
    }
    return s;
}

opt_status opt_calibrate(opt_optimizer *o, const opt_calibrate_options *opts, cJSON **model,
                         cJSON **report, cx_error *err)
{
    *model = *report = NULL;
    if (strcmp(o->profile->name, "cxone") != 0)
        return cx_error_set(err, OPT_EUSAGE,
                            "calibrate reads CXone's completed contacts: it needs the cxone "
                            "profile (--profile cxone), not %s",
                            o->profile->name);
    if (!o->mapping.has_records)
        return cx_error_set(err, OPT_EUSAGE,
                            "%s: the mapping has no \"records\" object: completed contacts "
                            "cannot be read (see optimizer/cxone-mapping.json)",
                            o->s.mapping_path ? o->s.mapping_path : "the mapping");
    if (!(opts->until > opts->since))
        return cx_error_set(err, OPT_EUSAGE, "calibrate: the span is empty (--since must come "
                                             "before --until)");
    long page = opts->page_size > 0 ? opts->page_size : DEFAULT_PAGE;
    opt_status st = opt__cxone_base(o->client, &o->ep, NULL, err);
    if (st != OPT_OK)
        return st;
    char since[40], until[40];
    cx_format_rfc3339(opts->since, since, sizeof since);
    cx_format_rfc3339(opts->until, until, sizeof until);
    cx_buf skill;
    cx_buf_init(&skill, 512);
    cJSON *fitmap = opt__records_fit_map(&o->mapping.records);
    sim_fit *fit = NULL;
    cJSON *fit_model = NULL, *fit_report = NULL;
    cx_error e = {0};
    if (!fitmap) {
        st = cx_error_set(err, OPT_ENOMEM, "out of memory");
        goto out;
    }
    if (opt__url_encode(&skill, o->ep.campaign_id) != 0) {
        st = cx_error_set(err, OPT_EUSAGE, "skill id too long");
        goto out;
    }
    if (sim_fit_create(fitmap, "the records mapping", &fit, &e) != SIM_OK) {
        st = cx_error_set(err, OPT_EINVAL, "%s", e.msg);
        goto out;
    }
    long skip = 0, pages = 0, records = 0, inbound = 0, total = -1;
    char first_id[64] = "";
    /* only the fields the mapping reads (a whole contact has dozens), unless
     * a field's name would need escaping: then all of them */
    char fields[1024] = "&fields=contactId,isOutbound";
    for (int k = 0; k < OPT__REC_COLUMNS && fields[0]; k++) {
        const opt__rec_column *c = &o->mapping.records.col[k];
        size_t used = strlen(fields);
        if (!c->mapped)
            continue;
        if (strspn(c->field, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                strlen(c->field) &&
            used + strlen(c->field) + 2 < sizeof fields)
            snprintf(fields + used, sizeof fields - used, ",%s", c->field);
        else
            fields[0] = '\0';
    }
    for (;;) {
        char path[2048], what[2100];
        snprintf(path, sizeof path,
                 "/contacts/completed?startDate=%s&endDate=%s&skillId=%s&top=%ld&skip=%ld%s",
                 since, until, skill.data ? skill.data : "", page, skip, fields);
        request_name(what, sizeof what, path);
        opt__response resp;
        opt__response_init(&resp);
        st = opt__client_call(o->client, "GET", path, NULL, 0, NULL, &resp, NULL, err);
        if (st != OPT_OK) {
            cx_error_prefix(err, "calibrate");
            opt__response_free(&resp);
            goto out;
        }
        if (resp.status == 204 || resp.body.len == 0) { /* no (more) contacts */
            opt__response_free(&resp);
            break;
        }
        cJSON *j = cx_json_parse(resp.body.data, resp.body.len, what, err);
        opt__response_free(&resp);
        if (!j) {
            st = err ? (opt_status)(err->code = OPT_EAPI) : OPT_EAPI;
            goto out;
        }
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "completedContacts");
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(j, "totalRecords");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(j, "_links"), "next");
        bool has_next = cJSON_IsString(next) && next->valuestring[0];
        long n = cJSON_GetArraySize(arr);
        if (!cJSON_IsArray(arr)) {
            st = cx_error_set(err, OPT_EAPI, "%s: completedContacts: expected an array", what);
        } else if (n > page) {
            st = cx_error_set(err, OPT_EAPI, "%s: %ld records for top=%ld", what, n, page);
        } else if (tr && !(cJSON_IsNumber(tr) && tr->valuedouble >= 0)) {
            st = cx_error_set(err, OPT_EAPI, "%s: totalRecords: expected a count", what);
        }
        if (st == OPT_OK && n > 0) {
            /* a server that ignores skip would be pulled for ever */
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(arr->child, "contactId");
            char this_id[64] = "";
            if (cJSON_IsNumber(id))
                snprintf(this_id, sizeof this_id, "%.17g", id->valuedouble);
            else if (cJSON_IsString(id))
                cx_copy(this_id, sizeof this_id, id->valuestring);
            if (this_id[0] && strcmp(this_id, first_id) == 0)
                st = cx_error_set(err, OPT_EAPI, "%s: the page starts with contact %s again: the "
                                                 "server ignores skip",
                                  what, this_id);
            cx_copy(first_id, sizeof first_id, this_id);
        }
        long rows = 0;
        if (st == OPT_OK && n > 0) {
            st = opt__records_add(&o->mapping.records, arr, skip, what, fit, &rows, &inbound,
                                  err);
        }
        if (tr && cJSON_IsNumber(tr))
            total = (long)tr->valuedouble;
        cJSON_Delete(j);
        if (st != OPT_OK)
            goto out;
        if (n == 0)
            break;
        pages++;
        records += rows;
        skip += n;
        if (opts->progress)
            opts->progress(opts->progress_ud, records, pages);
        /* the count the server gives decides; without it, its next link, or
         * a short page (a server may send fewer than asked: a short page
         * alone does not end a pull that has a count or a link) */
        if (total >= 0 ? skip >= total : !has_next && n < page)
            break;
    }
    if (sim_fit_result(fit, &fit_model, &fit_report, &e) != SIM_OK) {
        st = cx_error_set(err, OPT_EAPI,
                          "the completed contacts of skill %s from %s to %s (%ld records) cannot "
                          "make a model: %s",
                          o->ep.campaign_id, since, until, records, e.msg);
        goto out;
    }
    cJSON *rep = cJSON_CreateObject();
    cJSON *src = source_json(o, since, until, pages, records, inbound, total);
    if (!rep || !src) {
        cJSON_Delete(rep);
        cJSON_Delete(src);
        st = cx_error_set(err, OPT_ENOMEM, "out of memory");
        goto out;
    }
    cJSON_AddItemToObject(rep, "source", src);
    cJSON_AddItemToObject(rep, "fit", fit_report);
    fit_report = NULL;
    *model = fit_model;
    fit_model = NULL;
    *report = rep;
    st = OPT_OK;
out:
    cJSON_Delete(fit_model);
    cJSON_Delete(fit_report);
    cJSON_Delete(fitmap);
    sim_fit_destroy(fit);
    cx_buf_free(&skill);
    return st;
}
