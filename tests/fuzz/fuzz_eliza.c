/*
 * fuzz_eliza.c - libFuzzer target: arbitrary bytes as input lines to ELIZA
 * running the real DOCTOR script.
 *
 * The whole input is answered as one line; then each piece between '\n's
 * is answered in the same conversation, so that what carries over from
 * line to line (LIMIT, reply counters, memories) is fuzzed too.
 *
 * Build and run from the repo root (the script is read from there):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Ilessons/05-doctor tests/fuzz/fuzz_eliza.c <every lessons/05-doctor .c file but server.c> \
 *     -o /tmp/fuzz_eliza && /tmp/fuzz_eliza -max_total_time=60
 * (or simply: make fuzz)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eliza.h"

#define SCRIPT "lessons/05-doctor/doctor.script"

static eliza_script *doctor;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[256];
    (void)argc;
    (void)argv;
    doctor = eliza_script_load(SCRIPT, err, sizeof err);
    if (!doctor) {
        fprintf(stderr, "fuzz_eliza: %s (run from the repo root)\n", err);
        abort();
    }
    return 0;
}

/* Every DOCTOR reply has words, fits the buffer and is one line. */
static void answer(eliza *e, const char *line, size_t len)
{
    char out[256], tiny[7];
    eliza_reply(e, line, len, out, sizeof out);
    if (out[0] == '\0' || strlen(out) >= sizeof out || strpbrk(out, "\r\n"))
        abort();
    eliza_reply(e, line, len, tiny, sizeof tiny);
    if (strlen(tiny) >= sizeof tiny)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    eliza *e = eliza_new(doctor);
    size_t start = 0, i;
    if (!e)
        return 0;
    answer(e, text, size);
    for (i = 0; i <= size; i++)
        if (i == size || text[i] == '\n') {
            answer(e, text + start, i - start);
            start = i + 1;
        }
    eliza_free(e);
    return 0;
}
