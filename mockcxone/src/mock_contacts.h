/* mock_contacts.h - a simulated campaign's completed contacts: every dial
 * attempt whose fate is final, as its simulation hands it over
 * (sim_live_set_records), kept for CXone's reporting API
 * (GET .../contacts/completed, mock_api_cxone.c). Internal.
 *
 * A ring of at most `max` contacts: when full, the oldest go, as a
 * tenant's reporting keeps a limited history. Each has a sequence number
 * (its contactId) from 1. Not locked: the campaign's lock guards it. */
#ifndef MOCK_CONTACTS_H
#define MOCK_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

#include "dialsim.h"

#define MOCK_CONTACTS_MAX 200000

typedef struct mock__contact {
    uint64_t id;
    sim_attempt a;
} mock__contact;

typedef struct mock__contacts {
    mock__contact *ring;
    size_t cap, max, len, head;
    uint64_t next_id;
    sim_record_hook hook;   /* hands attempts to mock__contacts_push */
} mock__contacts;

void mock__contacts_init(mock__contacts *k, size_t max);
void mock__contacts_free(mock__contacts *k);
/* Forgets every contact (the simulation restarts); ids go on. */
void mock__contacts_clear(mock__contacts *k);
/* The i-th kept contact, oldest first (i < k->len). */
const mock__contact *mock__contacts_at(const mock__contacts *k, size_t i);

#endif
