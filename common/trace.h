/*
 * trace.h - `--trace`: a select() server tells, round by round, what it does.
 *
 * Made for a projector and a student's terminal: for each round, which
 * sockets select() said were ready, then what the server did with them
 * (accepted, read, queued, sent, held back, dropped, and why), one short
 * line each:
 *
 *   round 7: select() says 2 ready: read [4 listener] [6]; write [5]
 *     6 127.0.0.1:50412: read 6 bytes, 1 line
 *     6 127.0.0.1:50412: queued 28 bytes, sent 28
 *
 * It goes to STDERR: the log on stdout stays what it was, a line per event
 * that tests and scripts parse. In a terminal both show, interleaved;
 * `2>trace.txt` keeps the trace apart, `2>/dev/null` hides it.
 *
 * Off, it costs one test of a flag where a trace line would be: TRACE(on,
 * ...) evaluates its other arguments only when `on`. The flag lives with
 * the server's own state (a field set from trace_wanted()), so every file
 * of a lesson sees the same one. Rounds where select() only timed out are
 * not shown.
 */
#ifndef SOCKLAB_TRACE_H
#define SOCKLAB_TRACE_H

#include "net.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One line of the trace, under its round: TRACE(sv->trace, "%d: read %d bytes", ...). */
#define TRACE(on, ...) do { if (on) trace_say(__VA_ARGS__); } while (0)

static inline void trace_say(const char *fmt, ...)
{
    va_list ap;
    fputs("  ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* Takes --trace out of the command line (it has no value, unlike the
 * options net_parse_args() knows); 1 if it was there. */
static inline int trace_wanted(int *argc, char **argv)
{
    int i, kept = 1, on = 0;
    for (i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[kept++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--trace") == 0)
            on = 1;
        else
            argv[kept++] = argv[i];
    }
    *argc = kept;
    return on;
}

/* Appends " [S]" (" [S label]" for `named`) for each socket up to top left
 * in `set`. */
static inline void trace_list(char *out, size_t cap, const fd_set *set, net_socket top,
                              net_socket named, const char *label)
{
    net_socket s;
    size_t len = strlen(out);
    for (s = 0; s <= top && len + 40 < cap; s++)
        if (FD_ISSET(s, (fd_set *)set)) {
            snprintf(out + len, cap - len, s == named ? " [%d %s]" : " [%d]", (int)s, label);
            len += strlen(out + len);
        }
}

/* The round's first line: how many sockets select() said were ready, and
 * which (by descriptor, the numbers fd_set holds). A round where select()
 * only timed out prints nothing. Call it right after select(). */
static inline void trace_round(int on, int ready, const fd_set *readable,
                               const fd_set *writable, net_socket top, net_socket listener)
{
    static long round;
    char line[600];
    round++;
    if (!on || ready <= 0)
        return;
    snprintf(line, sizeof line, "round %ld: select() says %d ready: read", round, ready);
    trace_list(line, sizeof line, readable, top, listener, "listener");
    if (writable != NULL) {
        size_t before = strlen(strcat(line, "; write"));
        trace_list(line, sizeof line, writable, top, listener, "listener");
        if (strlen(line) == before)
            strcat(line, " -");
    }
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

#endif
