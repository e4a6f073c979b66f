/*
 * Lesson 02 - echo server (RFC 862, over TCP).
 *
 * It sends back every byte it receives, exactly as it came, until the client
 * closes. Text or binary, it does not care: it never looks for lines.
 *
 * Build:  cc server.c -o server                    (Linux, macOS)
 *         gcc server.c -o server.exe -lws2_32      (MinGW)
 *         cl server.c                              (MSVC)
 * Run:    ./server            then in another terminal: ./client
 *
 * Notice:
 *   - recv() returns whatever has arrived so far: 1 byte or 16 KiB;
 *   - send() may take less than you gave it: send_all() loops until all is sent;
 *   - one client at a time: a second client waits in the listen() queue until
 *     the first leaves (lessons 05 and 06 serve many at once with select()).
 */
#include "../../common/net.h"
/* Listening is lesson 01's subject, written out there call by call
 * (lessons/01-hello/server.c: socket, bind, listen; IPv6, else IPv4). From
 * here on it is tcp_listen() from tcp.h, the same steps, so that this file
 * starts at its own subject. */
#include "../../common/tcp.h"

#define PROG "echo server"
#define DEFAULT_PORT "8802"
enum { CHUNK = 16384 };         /* how much one recv() may bring; any size works */

static const char usage[] =
    "usage: server [-b ADDRESS] [PORT]\n"
    "  Echoes back every byte each client sends (RFC 862). PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -b ADDRESS  listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  -h, --help  show this help\n";

/* send() returns how many bytes the system took, which can be fewer than we
 * asked when its buffer is full (a big transfer, a slow reader). Loop. */
static int send_all(net_socket s, const char *data, int len)
{
    while (len > 0) {
        int n = send(s, data, len, 0);
        if (n <= 0)
            return -1;      /* the client is gone: EPIPE or ECONNRESET, not a signal */
        data += n;
        len -= n;
    }
    return 0;
}

static void echo_to_client(net_socket client, const char *who)
{
    char buf[CHUNK];
    long long total = 0;
    int n;
    while ((n = recv(client, buf, CHUNK, 0)) > 0) {
        if (send_all(client, buf, n) != 0) {
            n = -1;                     /* send()'s error is the one to report */
            break;
        }
        total += n;
    }
    if (n < 0)                          /* a reset is the client's problem, not ours */
        printf("%s: %s\n", who, net_strerror(net_error()));
    printf("%s left after %lld bytes\n", who, total);
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
        char who[NET_ADDR_TEXT];
        client = accept(listener, (struct sockaddr *)&peer, &len);
        if (client == NET_INVALID) {
            printf("accept() failed: %s (still listening)\n", net_strerror(net_error()));
            continue;
        }
        printf("%s connected\n", net_addr_text((struct sockaddr *)&peer, who, sizeof who));
        echo_to_client(client, who);
        net_close(client);
    }
}
