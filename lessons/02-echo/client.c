/*
 * Lesson 02 - echo client: type lines, see them come back.
 *
 * Build:  cc client.c -o client                    (Linux, macOS)
 *         gcc client.c -o client.exe -lws2_32      (MinGW)
 *         cl client.c                              (MSVC)
 * Run:    ./client [HOST [PORT]]        an empty line or end of input quits
 *         printf 'one\ntwo\n' | ./client     works the same from a script
 *
 * Notice:
 *   - the echo may come back in several pieces: we recv() until we have as
 *     many bytes as we sent, never assuming one recv() per send();
 *   - send() may take only part of a line: send_all() loops.
 */
#include "../../common/net.h"
/* Connecting is lesson 01's subject, written out there call by call
 * (lessons/01-hello/client.c: every address in turn). From here on it is
 * tcp_connect_to() from tcp.h, the same steps, so that this file starts at
 * its own subject. */
#include "../../common/tcp.h"

#define PROG "echo client"
#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "8802"
enum { MAX_LINE = 4096 };       /* a longer line is sent in pieces of this size */

static const char usage[] =
    "usage: client [HOST [PORT]]\n"
    "  Sends each line you type to the echo server and prints what comes back.\n"
    "  An empty line or end of input (Ctrl+D; Ctrl+Z Enter on Windows) quits.\n"
    "  HOST defaults to " DEFAULT_HOST ", PORT to " DEFAULT_PORT ".\n"
    "  -h, --help  show this help\n";

static int send_all(net_socket s, const char *data, int len)
{
    while (len > 0) {
        int n = send(s, data, len, 0);
        if (n <= 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}

/* Reads exactly len bytes, however many recv() calls that takes. Returns
 * len, or what recv() said instead: 0, the server closed; -1, an error. */
static int recv_exactly(net_socket s, char *buf, int len)
{
    int got = 0, n;
    while (got < len) {
        n = recv(s, buf + got, len - got, 0);
        if (n <= 0)
            return n;
        got += n;
    }
    return len;
}

/* Like fgets(), but it returns the length: strlen() would stop at a NUL
 * byte in the input, and echo sends every byte. 0 at end of input. */
static int read_line(char *line, int cap)
{
    int len = 0, ch;
    while (len < cap && (ch = getchar()) != EOF) {
        line[len++] = (char)ch;
        if (ch == '\n')
            break;
    }
    return len;
}

/* An empty line ends the session; "\r\n" counts as empty (Windows, telnet). */
static int is_empty_line(const char *line, int len)
{
    return (len == 1 && line[0] == '\n') || (len == 2 && line[0] == '\r' && line[1] == '\n');
}

int main(int argc, char **argv)
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    char line[MAX_LINE];
    int len, echoed, at_line_start = 1;
    net_socket s;

    net_client_args(argc, argv, usage, &host, &port);
    if (net_init() != 0)
        return 1;

    s = tcp_connect_to(PROG, host, port);
    while ((len = read_line(line, MAX_LINE)) > 0) {
        if (at_line_start && is_empty_line(line, len))
            break;
        at_line_start = line[len - 1] == '\n';
        if (send_all(s, line, len) != 0)
            net_fail(PROG, "send()", net_error());
        if ((echoed = recv_exactly(s, line, len)) < 0)
            net_fail(PROG, "recv()", net_error());
        if (echoed == 0) {
            fprintf(stderr, "%s: the server closed the connection before echoing everything\n", PROG);
            return 1;
        }
        fwrite(line, 1, (size_t)len, stdout);
        fflush(stdout);
    }
    net_close(s);
    net_cleanup();
    return 0;
}
