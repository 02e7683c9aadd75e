/* fuzz_retry_after.c - Retry-After header values: delta-seconds and the
 * three HTTP-date forms. Whatever parses must give a finite delay that is
 * never negative. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "opt_retry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char v[512];
    if (size >= sizeof v)
        return 0;
    memcpy(v, data, size);
    v[size] = '\0';
    double delay = -1;
    if (opt__retry_after_parse(v, 1795500000.0, &delay) == 0 && !(isfinite(delay) && delay >= 0))
        abort();
    return 0;
}
