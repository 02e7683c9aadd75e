/* fuzz.h - what every libFuzzer target here shares.
 *
 * Each target feeds one family of outside input to the real parser, with
 * AddressSanitizer and UndefinedBehaviorSanitizer watching. A parser may
 * refuse an input (that is its job); it must not crash, leak, hang or read
 * out of bounds, and a refusal must say why. */
#ifndef CX_FUZZ_H
#define CX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: only the targets that need a set-up define it. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A refusal must come with a message: a parser that fails silently is a
 * finding too. */
#define FUZZ_REFUSAL_NAMED(ok, msg)                                                            \
    do {                                                                                       \
        if (!(ok) && (msg)[0] == '\0')                                                         \
            abort();                                                                           \
    } while (0)

#endif
