/*
 * idle - a member that connects and then never reads: the client a server
 * must not wait for. (On Linux, Ctrl+Z on a client does the same; in cmd.exe
 * Ctrl+Z is end of input, so this program is the way there.)
 *
 * Build:  make builds it as tools/idle beside the lessons, or by hand:
 *         cc idle.c -o idle                     (Linux, macOS)
 *         gcc idle.c -o idle.exe -lws2_32       (MinGW)
 *         cl idle.c                             (MSVC)
 * Run:    idle HOST PORT [--name NAME]
 *         idle localhost 8806 --name sleepy           (stop with Ctrl+C)
 *
 * Notice:
 *   - it looks at its socket twice a second without reading: select() says
 *     "readable", and recv() with MSG_PEEK looks at the next byte, leaving
 *     it there. Peeking sees an end (0) or a reset (an error), but only when
 *     nothing unread is in front of it: a server that closes us with data
 *     still queued for us goes unnoticed until Ctrl+C, and that is the point.
 */
#include "../common/net.h"
#include "../common/tcp.h"
#include "../common/system.h"

#define PROG "idle"
enum { LOOK_EVERY_MS = 500 };

static const char usage[] =
    "usage: idle HOST PORT [--name NAME]\n"
    "  Connects (and sends NAME as a first line, with --name), then never reads.\n"
    "  Stays until Ctrl+C. Says so when it sees the server end the connection\n"
    "  (it can't while unread data waits in front of that end).\n"
    "  --name NAME  send NAME as a first line (the chat room asks for a name)\n"
    "  -h, --help   show this help\n";

/* 1 once the server has ended the connection, as far as we can tell without
 * reading: nothing unread, then the end of the stream or an error. */
static int server_ended(net_socket s)
{
    fd_set readable;
    struct timeval now = {0, 0};
    char next;
    int n;
    FD_ZERO(&readable);
    FD_SET(s, &readable);
    if (select((int)(s + 1), &readable, NULL, NULL, &now) <= 0)
        return 0;
    n = recv(s, &next, 1, MSG_PEEK);
    if (n == 0) {
        printf("%s: the server closed the connection\n", PROG);
        return 1;
    }
    if (n < 0) {
        printf("%s: the connection ended: %s\n", PROG, net_strerror(net_error()));
        return 1;
    }
    return 0;                   /* data waits: we don't read it */
}

int main(int argc, char **argv)
{
    const char *options[] = {"--name", NULL};
    const char *values[] = {NULL}, *args[2];
    char line[300];
    net_socket s;

    net_host_port_args(argc, argv, usage, options, values, args);
    if (net_init() != 0)
        return 1;

    s = tcp_connect_to(PROG, args[0], args[1]);
    if (values[0] != NULL) {
        snprintf(line, sizeof line, "%s\n", values[0]);
        if (tcp_send_all(s, line, strlen(line)) != 0)
            net_fail(PROG, "send()", net_error());
    }
    printf("%s: connected to %s port %s; reading nothing from now on (Ctrl+C to stop)\n", PROG,
           args[0], args[1]);
    while (!server_ended(s))
        net_sleep_ms(LOOK_EVERY_MS);
    net_close(s);
    net_cleanup();
    return 0;
}
