/* opt_id.h - unique ids for events and requests (internal). */
#ifndef OPT_ID_H
#define OPT_ID_H

#include <stddef.h>

#define OPT_UUID_LEN 37 /* 36 characters and the NUL */

/* Writes a random (version 4, RFC 9562) UUID from the OS CSPRNG, so ids
 * from concurrent processes and cycles in the same nanosecond never collide
 * (the seed's "opt_<UnixNano>" could). Returns 0, or -1 when no randomness is
 * available. */
int opt__uuid4(char out[OPT_UUID_LEN]);

#endif
