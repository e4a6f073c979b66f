/*
 * fuzz_script.c - libFuzzer target: arbitrary bytes as a script. The
 * reader must either accept them or say "line N: ..."; an accepted script
 * then answers a few lines (the input itself among them, so that its own
 * keywords are found) and is freed.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Ilessons/05-doctor tests/fuzz/fuzz_script.c <every lessons/05-doctor .c file but server.c> \
 *     -o /tmp/fuzz_script && /tmp/fuzz_script -max_total_time=60
 * (or simply: make fuzz)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eliza.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void answer(eliza *e, const char *line, size_t len)
{
    char out[256];
    eliza_reply(e, line, len, out, sizeof out);
    if (strlen(out) >= sizeof out || strpbrk(out, "\r\n"))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const lines[] = {
        "I am unhappy.", "", "my mother hates me, but you", "Okay.", "Okay."
    };
    const char *text = (const char *)data;
    char err[128];
    eliza_script *s = eliza_script_parse(text, size, err, sizeof err);
    eliza *e;
    size_t i, start = 0;
    if (!s) {
        if (strncmp(err, "line ", 5) != 0)    /* every error names its line */
            abort();
        return 0;
    }
    if (eliza_greeting(s)[0] == '\0')         /* a script always greets */
        abort();
    e = eliza_new(s);
    if (!e) {
        eliza_script_free(s);
        return 0;
    }
    answer(e, text, size);
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
        answer(e, lines[i], strlen(lines[i]));
    for (i = 0; i <= size; i++)              /* each script line as input */
        if (i == size || text[i] == '\n') {
            answer(e, text + start, i - start);
            start = i + 1;
        }
    eliza_free(e);
    eliza_script_free(s);
    return 0;
}
