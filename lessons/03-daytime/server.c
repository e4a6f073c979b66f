/*
 * Lesson 03 - daytime server (RFC 867, over TCP).
 *
 * To each client it sends one line with the current date and time, such as
 *     Sunday, November 22, 2026 01:29:18 UTC
 * ending in CR LF, and closes. Whatever the client sends is ignored.
 *
 * Build:  cc server.c -o server                    (Linux, macOS)
 *         gcc server.c -o server.exe -lws2_32      (MinGW)
 *         cl server.c                              (MSVC)
 * Run:    ./server            then: ./client   (or: telnet localhost 8803)
 *
 * Notice:
 *   - the server speaks first; the client only listens;
 *   - closing ends the message: the client reads until recv() returns 0;
 *   - we half-close (shutdown) before close(), so input the client sent
 *     can't make our close() a reset that destroys the line in flight.
 */
#include "../../common/net.h"
/* Listening is lesson 01's subject, written out there call by call
 * (lessons/01-hello/server.c: socket, bind, listen; IPv6, else IPv4). From
 * here on it is tcp_listen() from tcp.h, the same steps, so that this file
 * starts at its own subject. */
#include "../../common/tcp.h"

#include <time.h>

#define PROG "daytime server"
#define DEFAULT_PORT "8803"
enum { DRAIN_SECONDS = 1 };     /* one wait for the client to close; 3 s in all at most */

static const char usage[] =
    "usage: server [-b ADDRESS] [PORT]\n"
    "  Tells each client the date and time (RFC 867). PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -b ADDRESS  listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  -h, --help  show this help\n";

/* "Sunday, November 22, 2026 01:29:18 UTC" + CRLF, in UTC so that everyone
 * in a class, whatever their time zone, reads the same thing. Our own names,
 * not strftime's, so the system's language setting can't change the line. */
static int format_daytime(char *out, int cap)
{
    static const char *const days[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
    static const char *const months[] = {"January", "February", "March", "April",
                                         "May", "June", "July", "August", "September",
                                         "October", "November", "December"};
    time_t now = time(NULL);
    const struct tm *t = gmtime(&now);
    return snprintf(out, (size_t)cap, "%s, %s %d, %d %02d:%02d:%02d UTC\r\n",
                    days[t->tm_wday], months[t->tm_mon], t->tm_mday, t->tm_year + 1900,
                    t->tm_hour, t->tm_min, t->tm_sec);
}

/* Closing a socket that still holds unread input sends a reset, and a reset
 * can destroy data the client has not read yet: our line. So we say "no more
 * from us" (FIN), read and ignore until the client closes (3 s at
 * most: whole seconds from time(), and a last recv() may wait one more),
 * and only then close. */
static void close_gently(net_socket client)
{
    char ignored[1024];
    time_t start = time(NULL);          /* a trickle of bytes must not keep us here */
    int total = 0, n;
    shutdown(client, NET_SHUT_WR);
    net_set_recv_timeout(client, DRAIN_SECONDS);
    while (total < 65536 && time(NULL) - start < 2 * DRAIN_SECONDS &&
           (n = recv(client, ignored, (int)sizeof ignored, 0)) > 0)
        total += n;
    net_close(client);
}

int main(int argc, char **argv)
{
    const char *options[] = {"-b", NULL}, *address = NULL, *port = DEFAULT_PORT;
    net_socket listener, client;

    if (net_parse_args(argc, argv, usage, options, &address, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    if (net_init() != 0)
        return 1;
    listener = tcp_listen(PROG, address, port);
    net_announce(PROG, listener, address);

    for (;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        char who[NET_ADDR_TEXT], line[64];
        int n;
        client = accept(listener, (struct sockaddr *)&peer, &len);
        if (client == NET_INVALID) {
            printf("accept() failed: %s (still listening)\n", net_strerror(net_error()));
            continue;
        }
        n = format_daytime(line, (int)sizeof line);
        if (send(client, line, n, 0) == n)  /* 34 to 44 bytes fit in any send buffer */
            printf("told %s: %.*s\n", net_addr_text((struct sockaddr *)&peer, who, sizeof who),
                   n - 2, line);
        close_gently(client);
    }
}
