/*
 * Lesson 03 - daytime client: connect, print what the server says, done.
 *
 * Build:  cc client.c -o client                    (Linux, macOS)
 *         gcc client.c -o client.exe -lws2_32      (MinGW)
 *         cl client.c                              (MSVC)
 * Run:    ./client [HOST [PORT]]
 *
 * Notice:
 *   - the client sends nothing: the connection itself is the question;
 *   - the answer ends when the server closes: recv() returns 0.
 */
#include "../../common/net.h"

#define PROG "daytime client"
#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "8803"
enum { CHUNK = 1024 };

static const char usage[] =
    "usage: client [HOST [PORT]]\n"
    "  Prints the date and time a daytime server (RFC 867) sends.\n"
    "  HOST defaults to " DEFAULT_HOST ", PORT to " DEFAULT_PORT ".\n"
    "  -h, --help  show this help\n";

/* Tries every address the name resolves to, in order, until one connects.
 * Only when all of them fail is it an error, reported for the last one. */
static net_socket connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *list, *ai;
    net_socket s = NET_INVALID;
    char what[300];
    int rc, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;        /* IPv4 or IPv6, whichever the name has */
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0)
        net_fail_lookup(PROG, host, rc);
    for (ai = list; ai != NULL && s == NET_INVALID; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == NET_INVALID) {
            err = net_error();
        } else if (connect(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0) {
            err = net_error();
            net_close(s);
            s = NET_INVALID;
        }
    }
    freeaddrinfo(list);
    if (s == NET_INVALID) {
        snprintf(what, sizeof what, "connect() to %s port %s", host, port);
        net_fail(PROG, what, err);
    }
    return s;
}

int main(int argc, char **argv)
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    char buf[CHUNK];
    int n;
    net_socket s;

    net_client_args(argc, argv, usage, &host, &port);
    if (net_init() != 0)
        return 1;

    s = connect_to(host, port);
    /* The line may arrive in pieces; print each as it comes, until the end. */
    while ((n = recv(s, buf, CHUNK, 0)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0)
        net_fail(PROG, "recv()", net_error());
    net_close(s);
    net_cleanup();
    return 0;
}
