/* sim_json_number.h - a double as cJSON 1.7 prints it, fast (internal).
 *
 * cJSON's print_number writes an int when the double is one, else "%1.15g"
 * when it reads back within DBL_EPSILON, else "%1.17g": a snprintf, an
 * strtod and often a second snprintf per number. The report's series
 * prints 9 numbers for each of its points (720,000 for 20,000 hours in
 * 15-minute intervals), almost all whole numbers or a count of millionths
 * (its rounding), so this prints those directly and hands the rest to the
 * same three steps. The bytes are cJSON's: tests/sim/test_sim_memory.c
 * compares the two on awkward doubles and on whole reports. */
#ifndef SIM_JSON_NUMBER_H
#define SIM_JSON_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* Enough for any double printed "%1.17g", and "null". */
#define SIM__JSON_NUMBER_MAX 32

/* Writes d as cJSON_Print would (NaN and infinities as null) into out,
 * NUL-terminated; returns its length. */
size_t sim__json_number(double d, char out[SIM__JSON_NUMBER_MAX]);

/* Writes v's decimal digits at p, not NUL-terminated (at most 20); returns
 * the end. The one writer of whole numbers, for the report and for records. */
static inline char *sim__put_uint(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

#endif
