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

#include <time.h>

#define PROG "daytime server"
#define DEFAULT_PORT "8803"
enum { DRAIN_SECONDS = 1 };     /* one wait for the client to close; 3 in all at most */

static const char usage[] =
    "usage: server [-b ADDRESS] [PORT]\n"
    "  Tells each client the date and time (RFC 867). PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -b ADDRESS  listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  -h, --help  show this help\n";

static net_socket listen_at(const struct addrinfo *ai, int dual_stack,
                            const char **failed_call, int *err)
{
    int off = 0;
    net_socket s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s == NET_INVALID) {
        *failed_call = "socket()";
        *err = net_error();
        return NET_INVALID;
    }
    net_reuse_addr(s);  /* restart at once, without "address already in use" */
    if (dual_stack)     /* Linux defaults to 0, Windows to 1: say it explicitly */
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&off, sizeof off);
    if (bind(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0) {
        *failed_call = "bind()";
    } else if (listen(s, SOMAXCONN) != 0) {
        *failed_call = "listen()";
    } else {
        return s;
    }
    *err = net_error();
    net_close(s);
    return NET_INVALID;
}
static net_socket open_listener(const char *address, const char *port)
{
    struct addrinfo hints, *list, *ai;
    net_socket s = NET_INVALID;
    const char *failed_call = "bind()";
    char what[128];
    int rc, pass, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;  /* no address given means "any address" */
    rc = getaddrinfo(address, port, &hints, &list);
    if (rc != 0)
        net_fail_lookup(PROG, address, rc);
    /* IPv6 first; IPv4 only if IPv6 is missing, not if the port is taken */
    for (pass = 0; pass < 2 && s == NET_INVALID && !net_port_refused(err); pass++)
        for (ai = list; ai != NULL && s == NET_INVALID; ai = ai->ai_next)
            if ((ai->ai_family == AF_INET6) == (pass == 0))
                s = listen_at(ai, address == NULL, &failed_call, &err);
    freeaddrinfo(list);
    if (s == NET_INVALID) {
        snprintf(what, sizeof what, "%s on %s%sport %s", failed_call, address ? address : "",
                 address ? " " : "", port);
        net_fail(PROG, what, err);
    }
    return s;
}

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
 * from us" (FIN), read and ignore until the client closes (three seconds
 * at most: whole seconds from time(), and a last recv() may wait one more),
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
    listener = open_listener(address, port);
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
        if (send(client, line, n, 0) == n)  /* 40 bytes fit in any send buffer */
            printf("told %s: %.*s\n", net_addr_text((struct sockaddr *)&peer, who, sizeof who),
                   n - 2, line);
        close_gently(client);
    }
}
