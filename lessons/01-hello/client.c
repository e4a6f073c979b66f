/*
 * Lesson 01 - hello client: connect, send one line, leave.
 *
 * Build:  cc client.c -o client                    (Linux, macOS)
 *         gcc client.c -o client.exe -lws2_32      (MinGW)
 *         cl client.c                              (MSVC)
 * Run:    ./client [HOST [PORT [TEXT...]]]     e.g.  ./client 192.168.1.20 8801 Hi there
 *
 * Notice:
 *   - getaddrinfo() turns a name into a LIST of addresses ("localhost" is
 *     often both ::1 and 127.0.0.1); we try each until connect() succeeds;
 *   - a client needs no bind(): the system picks its port.
 */
#include "../../common/net.h"

#define PROG "hello client"
#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "8801"
enum { MAX_LINE = 1024 };

static const char usage[] =
    "usage: client [HOST [PORT [TEXT...]]]\n"
    "  Sends one line (default \"Hello, world!\") to the hello server and exits.\n"
    "  HOST defaults to " DEFAULT_HOST ", PORT to " DEFAULT_PORT ".\n"
    "  -h, --help  show this help\n";

/* Tries every address the name resolves to, in order, until one connects.
 * Only when all of them fail is it an error, reported for the last one.
 * Lessons 02-06 call these same steps as tcp_connect_to() (common/tcp.h). */
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

/* The words after HOST and PORT, joined by spaces, form the line to send. */
static void join_words(char *line, int cap, const char *const words[], int count)
{
    int i;
    line[0] = '\0';
    for (i = 0; i < count; i++) {
        if (i > 0)
            strncat(line, " ", (size_t)(cap - 1) - strlen(line));
        strncat(line, words[i], (size_t)(cap - 1) - strlen(line));
    }
}

int main(int argc, char **argv)
{
    const char *options[] = {NULL}, *args[64];
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    char line[MAX_LINE + 2];
    int nargs, len;
    net_socket s;

    nargs = net_parse_args(argc, argv, usage, options, NULL, args, 64);
    if (nargs == 1)
        net_host_arg_check(usage, args[0]);
    if (nargs >= 1)
        host = args[0];
    if (nargs >= 2)
        port = net_port_arg(args[1], 1, usage);
    if (nargs >= 3)
        join_words(line, MAX_LINE, args + 2, nargs - 2);
    else
        strcpy(line, "Hello, world!");
    if (net_init() != 0)
        return 1;

    s = connect_to(host, port);
    len = (int)strlen(line);
    line[len++] = '\n';                 /* the server reads up to the newline */
    /* One short line fits in one send(); lesson 02 shows the loop that a
     * longer message needs. */
    if (send(s, line, len, 0) != len)
        net_fail(PROG, "send()", net_error());
    line[len - 1] = '\0';
    printf("sent to %s port %s: %s\n", host, port, line);
    net_close(s);
    net_cleanup();
    return 0;
}
