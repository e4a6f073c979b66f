/*
 * slowreader - a member that reads at a set pace, like a slow console or a
 * phone on a bad network: how does a server treat a reader it must wait for?
 *
 * Build:  make builds it as tools/slowreader beside the lessons, or by hand:
 *         cc slowreader.c -o slowreader                 (Linux, macOS)
 *         gcc slowreader.c -o slowreader.exe -lws2_32   (MinGW)
 *         cl slowreader.c                               (MSVC)
 * Run:    slowreader HOST PORT --rate BYTES_PER_S [--name NAME] [-q]
 *         slowreader localhost 8806 --rate 100 --name slow     (100 B/s)
 *         slowreader localhost 8806 --rate 1M --name slow -q   (1 MB/s, counted)
 *
 * Notice:
 *   - it never asks for more than the pace allows: after each recv() it
 *     sleeps until the bytes read so far fit the rate. What it doesn't read
 *     waits in its socket's receive buffer, then in the server's outbox;
 *   - TCP tells the server only "the window is full": a slow reader and a
 *     stopped one look the same to send(), only their progress differs.
 */
#include "../common/net.h"
#include "../common/tcp.h"
#include "../common/system.h"

#define PROG "slowreader"
enum { MAX_CHUNK = 65536, STEPS_PER_SECOND = 10 };

static const char usage[] =
    "usage: slowreader HOST PORT --rate BYTES_PER_S [--name NAME] [-q]\n"
    "  Connects and reads what the server sends at most BYTES_PER_S bytes a\n"
    "  second (100, 10k, 1M: k = 1000, M = 1000000), printing it as it reads,\n"
    "  until the server closes (or Ctrl+C).\n"
    "  --name NAME  send NAME as a first line (the chat room asks for a name)\n"
    "  -q           print no data, only a count of bytes read, once a second\n"
    "  -h, --help   show this help\n";

/* "100", "10k", "1M" -> bytes per second; exit 2 if it is none of those. */
static double rate_arg(const char *text)
{
    char *end;
    double rate = strtod(text, &end);
    if (end != text && (*end == 'k' || *end == 'K'))
        rate *= 1e3, end++;
    else if (end != text && *end == 'M')
        rate *= 1e6, end++;
    if (end == text || *end != '\0' || !(rate >= 1 && rate <= 1e10))
        net_usage_error(usage, "--rate wants bytes per second (100, 10k, 1M), not '%s'", text);
    return rate;
}

/* How much one recv() may take: a tenth of a second's worth, so the pace
 * is even rather than a burst once a second. */
static int chunk_for(double rate)
{
    double chunk = rate / STEPS_PER_SECOND;
    return chunk < 1 ? 1 : chunk > MAX_CHUNK ? MAX_CHUNK : (int)chunk;
}

int main(int argc, char **argv)
{
    const char *options[] = {"--rate", "--name", NULL};
    const char *values[] = {NULL, NULL}, *args[2];
    static char buf[MAX_CHUNK];
    int quiet = net_take_flag(&argc, argv, "-q"), chunk, n;
    double rate, total = 0;
    long long start, next_report;
    net_socket s;

    net_host_port_args(argc, argv, usage, options, values, args);
    if (values[0] == NULL)
        net_usage_error(usage, "--rate is needed");
    rate = rate_arg(values[0]);
    chunk = chunk_for(rate);
    if (net_init() != 0)
        return 1;

    s = tcp_connect_to(PROG, args[0], args[1]);
    if (values[1] != NULL) {
        snprintf(buf, sizeof buf, "%s\n", values[1]);
        if (tcp_send_all(s, buf, strlen(buf)) != 0)
            net_fail(PROG, "send()", net_error());
    }
    if (quiet)
        printf("%s: connected to %s port %s, reading %.0f bytes/s\n", PROG, args[0], args[1], rate);
    start = net_now_ms();
    next_report = start + 1000;
    while ((n = recv(s, buf, chunk, 0)) > 0) {
        total += n;
        if (!quiet) {
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
        } else if (net_now_ms() >= next_report) {
            printf("%s: %.0f bytes read in %.0f s\n", PROG, total, (net_now_ms() - start) / 1000.0);
            next_report += 1000;
        }
        /* at `rate`, `total` bytes take total/rate seconds from the start */
        net_sleep_ms(start + (long long)(total * 1000 / rate) - net_now_ms());
    }
    if (n < 0)
        net_fail(PROG, "recv()", net_error());
    printf("%s: the server closed the connection; %.0f bytes read in %.1f s\n", PROG, total,
           (net_now_ms() - start) / 1000.0);
    net_close(s);
    net_cleanup();
    return 0;
}
