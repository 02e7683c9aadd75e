/* mock_route.c - routing a request to its handler, and the bearer-token
 * check the API's handlers share. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mock_internal.h"

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

