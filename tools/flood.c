/*
 * flood - sends many lines to a server as fast as the server takes them.
 *
 * Build:  make builds it as tools/flood beside the lessons, or by hand:
 *         cc flood.c -o flood                    (Linux, macOS)
 *         gcc flood.c -o flood.exe -lws2_32      (MinGW)
 *         cl flood.c                             (MSVC)
 * Run:    flood HOST PORT [-n LINES] [-s BYTES] [--name NAME]
 *         flood localhost 8806 -n 100000 --name flood    (the chat room)
 *
 * It works the same in cmd.exe and in a Linux terminal, where
 * `yes | head | nc` would need three Unix tools.
 *
 * Notice:
 *   - it never waits for an answer, but it reads (and throws away) whatever
 *     the server sends meanwhile: a flooder that stopped reading would also
 *     be a reader the server has to deal with, and the demo would mix the two;
 *   - so it waits in select() for "can send" OR "something to read";
 *   - "sent" means TCP took the bytes: they may still be on their way. At the
 *     end it half-closes and waits until the server, having read them all,
 *     closes too.
 */
#include "../common/net.h"
#include "../common/tcp.h"
#include "../common/system.h"

#define PROG "flood"
enum {
    DEFAULT_LINES = 100000,
    DEFAULT_SIZE = 64,              /* bytes per line, the newline included */
    MAX_SIZE = 1048576,
    OUT_CAP = MAX_SIZE              /* lines go out in batches: fewer send() calls */
};

static const char usage[] =
    "usage: flood HOST PORT [-n LINES] [-s BYTES] [--name NAME]\n"
    "  Sends LINES lines (default 100000) of BYTES bytes each (default 64, newline\n"
    "  included; 2-1048576) as fast as the server takes them, never waiting for an\n"
    "  answer, while reading and discarding what the server sends. Prints how\n"
    "  many lines it sent and how long that took, then waits for the server to\n"
    "  close and says how many bytes came back. Each line is \"flood N xxx...\", N counting from 1.\n"
    "  --name NAME  send NAME as a first line (the chat room asks for a name)\n"
    "  -h, --help   show this help\n";

/* Line `number`, exactly `size` bytes: "flood 12 xxxx...\n". */
static int make_line(char *out, long size, long number)
{
    int len = snprintf(out, (size_t)size, "flood %ld ", number);
    if (len < 0 || len > size - 1)
        len = (int)size - 1;            /* a short line: the start of the text only */
    memset(out + len, 'x', (size_t)(size - 1 - len));
    out[size - 1] = '\n';
    return (int)size;
}

static double received;             /* bytes the server sent us, all discarded */

/* Reads whatever has arrived and forgets it (counting it). Returns 0, or -1
 * once the server has closed (it must not have, while we still send). */
static int discard_input(net_socket s)
{
    char junk[16384];
    int n = recv(s, junk, (int)sizeof junk, 0);
    if (n > 0)
        received += n;
    if (n > 0 || (n < 0 && net_would_block(net_error())))
        return 0;
    if (n < 0)
        net_fail(PROG, "recv()", net_error());
    return -1;
}

/* Sends the name line and `lines` lines of `size` bytes. */
static void send_lines(net_socket s, const char *name, long lines, long size)
{
    static char out[OUT_CAP + 300];
    int len = 0, at = 0;
    long next = 1;
    if (name != NULL)
        len = snprintf(out, 300, "%s\n", name);
    while (at < len || next <= lines) {
        fd_set readable, writable;
        FD_ZERO(&readable);
        FD_ZERO(&writable);
        FD_SET(s, &readable);
        FD_SET(s, &writable);
        if (select((int)(s + 1), &readable, &writable, NULL, NULL) < 0)
            net_fail(PROG, "select()", net_error());
        if (FD_ISSET(s, &readable) && discard_input(s) != 0) {
            fprintf(stderr, "%s: the server closed the connection after %ld of %ld lines -- "
                    "did it drop us?\n", PROG, next - 1, lines);
            exit(1);
        }
        if (!FD_ISSET(s, &writable))
            continue;
        if (at == len) {                        /* the batch is gone: the next one */
            at = len = 0;
            while (next <= lines && len + size <= OUT_CAP)
                len += make_line(out + len, size, next++);
        }
        {
            int n = send(s, out + at, len - at, 0);
            if (n < 0 && !net_would_block(net_error()))
                net_fail(PROG, "send()", net_error());
            if (n > 0)
                at += n;
        }
    }
}

/* After the last line: "I send no more", then read until the server closes. */
static void wait_for_close(net_socket s)
{
    for (;;) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(s, &readable);
        if (select((int)(s + 1), &readable, NULL, NULL, NULL) < 0)
            net_fail(PROG, "select()", net_error());
        if (discard_input(s) != 0)
            return;
    }
}

int main(int argc, char **argv)
{
    const char *options[] = {"-n", "-s", "--name", NULL};
    const char *values[] = {NULL, NULL, NULL}, *args[2];
    long lines, size;
    long long start, took;
    net_socket s;

    net_host_port_args(argc, argv, usage, options, values, args);
    lines = net_number_arg(values[0], "-n", 0, 2000000000L, DEFAULT_LINES, usage);
    size = net_number_arg(values[1], "-s", 2, MAX_SIZE, DEFAULT_SIZE, usage);
    if (net_init() != 0)
        return 1;

    s = tcp_connect_to(PROG, args[0], args[1]);
    if (net_set_nonblocking(s) != 0)
        net_fail(PROG, "making the socket non-blocking", net_error());
    printf("%s: connected to %s port %s, sending %ld line%s of %ld bytes\n", PROG, args[0],
           args[1], lines, lines == 1 ? "" : "s", size);
    start = net_now_ms();
    send_lines(s, values[2], lines, size);
    took = net_now_ms() - start;
    printf("%s: sent %ld line%s (%.1f MB) in %.2f s\n", PROG, lines, lines == 1 ? "" : "s",
           lines * (double)size / 1e6, took / 1000.0);
    shutdown(s, NET_SHUT_WR);
    wait_for_close(s);
    printf("%s: we said we were done (half-close); the server then closed too, after %.2f s; "
           "%.0f bytes came back\n", PROG, (net_now_ms() - start) / 1000.0, received);
    net_close(s);
    net_cleanup();
    return 0;
}
