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
/* Connecting is lesson 01's subject, written out there call by call
 * (lessons/01-hello/client.c: every address in turn). From here on it is
 * tcp_connect_to() from tcp.h, the same steps, so that this file starts at
 * its own subject. */
#include "../../common/tcp.h"

#define PROG "daytime client"
#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "8803"
enum { CHUNK = 1024 };

static const char usage[] =
    "usage: client [HOST [PORT]]\n"
    "  Prints the date and time a daytime server (RFC 867) sends.\n"
    "  HOST defaults to " DEFAULT_HOST ", PORT to " DEFAULT_PORT ".\n"
    "  -h, --help  show this help\n";

int main(int argc, char **argv)
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    char buf[CHUNK];
    int n;
    net_socket s;

    net_client_args(argc, argv, usage, &host, &port);
    if (net_init() != 0)
        return 1;

    s = tcp_connect_to(PROG, host, port);
    /* The line may arrive in pieces; print each as it comes, until the end. */
    while ((n = recv(s, buf, CHUNK, 0)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0)
        net_fail(PROG, "recv()", net_error());
    net_close(s);
    net_cleanup();
    return 0;
}
