/* mock_api_cxone.h - what the cxone profile's files share (internal). */
#ifndef MOCK_API_CXONE_H
#define MOCK_API_CXONE_H

#include <stdbool.h>

#include "mock_internal.h"

/* CXone documents no error envelope; clients read error_description,
 * errorDescription, message or error: the mock answers {"message": ...}. */
#define cx_message(r, status, ...) mock__resp_error((r), (status), NULL, __VA_ARGS__)

/* Checks the version segment ("v30.0"), Accept and the bearer token; false
 * when it answered the request (mock_api_cxone.c). */
bool mock__cxone_admit(mock_server *s, const mock__req *req, const char *version,
                       mock__resp *r);
/* "http://" + the request's Host, for links. */
void mock__cxone_base_url(const mock__req *req, char *out, size_t n);
/* "2026-01-05T08:00:00Z" or with fractions as epoch seconds; -1 when
 * malformed. */
double mock__cxone_time(const char *s);

/* GET .../contacts/completed (mock_api_cxone_contacts.c). */
void mock__cxone_contacts_completed(mock_server *s, const mock__req *req,
                                    char p[MOCK_MAX_PARAMS][256], mock__resp *r);

#endif
