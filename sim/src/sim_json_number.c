/* sim_json_number.c - a double as cJSON 1.7 prints it, fast. See
 * sim_json_number.h; why the shortcut prints the same bytes is below. */
#include "sim_json_number.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shortcut, for 1e-4 <= |d| < 1e9 that is a whole number k of
 * millionths give or take one ulp: |d| and q = k / 1e6 (the double nearest
 * the decimal D = k x 10^-6) are equal or neighbours. Then:
 *  - "%1.15g" prints D: |d - D| <= 1.5 ulp <= 1.5 x 2^-52 |D| < 3.4e-16 |D|,
 *    D has at most 15 significant digits (k < 10^15), and the 15-digit
 *    grid around D is spaced at least 10^-15 |D|, so d rounds to D (half a
 *    step is at least 5e-16 |D|); %g prints it in fixed notation (its
 *    exponent is in [-4, 8]) without trailing zeros;
 *  - cJSON keeps it: D reads back as q, and |q - d| <= 1 ulp <= DBL_EPSILON
 *    x max(|q|, |d|), its compare_double.
 * Returns the length written, or 0 when d is not such a number. */
static size_t millionths(double d, char *out)
{
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e9))
        return 0;
    double k = nearbyint(a * 1e6);
    double q = k / 1e6;
    if (q != a && nextafter(q, 0.0) != a && nextafter(q, INFINITY) != a)
        return 0;
    uint64_t whole = (uint64_t)k / 1000000, frac = (uint64_t)k % 1000000;
    size_t n = 0;
    if (d < 0)
        out[n++] = '-';
    n = (size_t)(sim__put_uint(out + n, whole) - out);
    if (frac) {
        out[n++] = '.';
        int digits = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = digits - 1; i >= 0; i--, frac /= 10)
            out[n + (size_t)i] = (char)('0' + frac % 10);
        n += (size_t)digits;
    }
    out[n] = '\0';
    return n;
}

size_t sim__json_number(double d, char out[SIM__JSON_NUMBER_MAX])
{
    if (isnan(d) || isinf(d)) {
        memcpy(out, "null", 5);
        return 4;
    }
    if (d == 0 && signbit(d)) { /* "%1.15g" as cJSON 1.7.15 prints it, not its int */
        memcpy(out, "-0", 3);
        return 2;
    }
    /* cJSON's valueint: the double clamped to int */
    int i = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
    if (d == (double)i) {
        size_t n = 0;
        if (i < 0)
            out[n++] = '-';
        uint64_t u = i < 0 ? (uint64_t)(-(int64_t)i) : (uint64_t)i;
        n = (size_t)(sim__put_uint(out + n, u) - out);
        out[n] = '\0';
        return n;
    }
    size_t n = millionths(d, out);
    if (n)
        return n;
    int len = snprintf(out, SIM__JSON_NUMBER_MAX, "%1.15g", d);
    double test = strtod(out, NULL);
    double max = fabs(test) > fabs(d) ? fabs(test) : fabs(d);
    if (!(fabs(test - d) <= max * DBL_EPSILON))
        len = snprintf(out, SIM__JSON_NUMBER_MAX, "%1.17g", d);
    return (size_t)len;
}
