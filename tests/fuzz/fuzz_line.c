/*
 * fuzz_line.c - libFuzzer target for lesson 04's line.h (and common/
 * telnet.h, text.h, which clean each line after it): TCP may cut a byte
 * stream anywhere, so the lines a line_buffer hands out must not depend on
 * how the bytes arrive. The input (after its first byte) is fed once in
 * chunks as big as the buffer takes and once in chunks of 1 to 16 bytes
 * (the first byte says how many); both must give the same lines, each at
 * most LINE_LIMIT bytes, none holding a line end. And each line, once its
 * telnet commands are removed and it is made printable (as the servers do,
 * in that order), is valid UTF-8 with no control character but tab.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilessons/04-chat -Icommon \
 *     tests/fuzz/fuzz_line.c -o /tmp/fuzz_line && /tmp/fuzz_line -max_total_time=60
 * (or simply: make fuzz)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "line.h"
#include "telnet.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the servers show of a line: no byte a terminal would obey. */
static void check_printable(const char *line, int len)
{
    static char copy[LINE_LIMIT + 1];
    const unsigned char *p = (const unsigned char *)copy, *end;
    int n;
    long c;
    memcpy(copy, line, (size_t)len);
    copy[len] = '\0';
    len = line_drop_telnet_commands(copy, len);
    text_make_printable(copy, len);
    if ((int)strlen(copy) != len)
        abort();
    for (end = p + len; p < end; p += n)
        if ((c = text_utf8_next(p, end, &n)) < 0 || text_is_control(c))
            abort();
}

/* Each line as its length, its cut flag and its bytes, one after another. */
struct record { char *bytes; size_t len; };

static void keep(struct record *r, const char *line, int len, int cut)
{
    if (len < 0 || len > LINE_LIMIT || (int)strlen(line) > len ||
        memchr(line, '\n', (size_t)len) || memchr(line, '\r', (size_t)len))
        abort();
    check_printable(line, len);
    memcpy(r->bytes + r->len, &len, sizeof len);
    r->bytes[r->len + sizeof len] = (char)cut;
    memcpy(r->bytes + r->len + sizeof len + 1, line, (size_t)len);
    r->len += sizeof len + 1 + (size_t)len;
}

static void feed(const char *in, size_t size, size_t chunk, struct record *r)
{
    static struct line_buffer lb;
    char line[LINE_LIMIT + 1];
    int room, len, cut;
    size_t at = 0, n;
    line_init(&lb);
    while (at < size) {
        char *space = line_space(&lb, &room);
        n = size - at < (size_t)room ? size - at : (size_t)room;
        if (n > chunk)
            n = chunk;
        memcpy(space, in + at, n);
        line_added(&lb, (int)n);
        at += n;
        while ((len = line_next(&lb, line, &cut)) >= 0)
            keep(r, line, len, cut);
    }
    if ((len = line_rest(&lb, line)) >= 0)
        keep(r, line, len, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct record whole, pieces;
    size_t cap;
    if (size < 1)
        return 0;
    /* lines <= bytes + 1; each costs its header and at most its bytes */
    cap = (size + 2) * (sizeof(int) + 1) + size;
    whole.bytes = malloc(cap);
    pieces.bytes = malloc(cap);
    whole.len = pieces.len = 0;
    if (whole.bytes && pieces.bytes) {
        feed((const char *)data + 1, size - 1, (size_t)-1, &whole);
        feed((const char *)data + 1, size - 1, (size_t)(data[0] % 16) + 1, &pieces);
        if (whole.len != pieces.len || memcmp(whole.bytes, pieces.bytes, whole.len) != 0)
            abort();
    }
    free(whole.bytes);
    free(pieces.bytes);
    return 0;
}
