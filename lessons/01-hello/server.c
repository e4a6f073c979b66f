/*
 * Lesson 01 - hello server: the four calls every TCP server makes.
 *
 * It waits for a client, reads one line from it, prints
 *     received from 127.0.0.1:51234: Hello, world!
 * closes that connection and waits for the next one, forever.
 *
 * Build:  cc server.c -o server                    (Linux, macOS)
 *         gcc server.c -o server.exe -lws2_32      (MinGW)
 *         cl server.c                              (MSVC)
 * Run:    ./server            then in another terminal: ./client
 *
 * Notice:
 *   - socket() -> bind() -> listen() -> accept(): a server's whole set-up;
 *   - one IPv6 socket with IPV6_V6ONLY switched off serves IPv4 clients too;
 *   - recv() may return part of a line: we keep reading until the newline;
 *   - a terminal obeys the control characters it is sent: what a client
 *     sends is made printable (common/text.h) before it reaches ours.
 */
#include "../../common/net.h"
#include "../../common/text.h"     /* text_make_printable() */

#include <time.h>

#define PROG "hello server"
#define DEFAULT_PORT "8801"
enum {
    MAX_LINE = 1024,        /* a longer hello is cut: one client can't fill our memory */
    PATIENCE_SECONDS = 10   /* a silent client would block everyone queued behind it */
};

static const char usage[] =
    "usage: server [-b ADDRESS] [PORT]\n"
    "  Prints the first line each client sends. PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -b ADDRESS  listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  -h, --help  show this help\n";

/* socket() + bind() + listen() for one address from getaddrinfo(). On
 * failure returns NET_INVALID and says which call failed and why. */
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

/* The listening socket. With no address we prefer IPv6 "any" (which, dual
 * stack, also takes IPv4) and fall back to IPv4 where IPv6 is missing.
 * Lessons 02-06 call these same steps as tcp_listen() (common/tcp.h). */
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

/* Reads until the first newline: TCP is a byte stream, and one recv() may
 * bring half a line. A client gets PATIENCE_SECONDS in all, however it
 * spreads its bytes. Returns the line's length, or -1 if nothing came. */
static int read_line(net_socket client, char *line, int cap)
{
    time_t give_up = time(NULL) + PATIENCE_SECONDS;
    int len = 0, n, left;
    char *newline = NULL, *end;
    while (newline == NULL && len < cap - 1 && (left = (int)(give_up - time(NULL))) > 0) {
        net_set_recv_timeout(client, left);
        n = recv(client, line + len, cap - 1 - len, 0);
        if (n <= 0)
            break;                      /* closed, reset or too slow */
        newline = (char *)memchr(line + len, '\n', (size_t)n);
        len += n;
    }
    if (len == 0)
        return -1;
    end = newline != NULL ? newline : line + len;   /* the line, and nothing after */
    if (end > line && end[-1] == '\r')
        end--;                          /* LF or CR LF */
    *end = '\0';
    return (int)(end - line);
}

static void serve_client(net_socket client, const struct sockaddr *peer)
{
    char line[MAX_LINE], who[NET_ADDR_TEXT];
    int len;
    net_addr_text(peer, who, sizeof who);
    if ((len = read_line(client, line, MAX_LINE)) < 0) {
        printf("%s sent nothing (closed, or silent for %d s)\n", who, PATIENCE_SECONDS);
        return;
    }
    text_make_printable(line, len);    /* a terminal obeys what it is sent */
    printf("received from %s: %s\n", who, line);
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

    for (;;) {                          /* one client at a time, forever */
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        client = accept(listener, (struct sockaddr *)&peer, &len);
        if (client == NET_INVALID) {    /* e.g. the client reset first: */
            printf("accept() failed: %s (still listening)\n", net_strerror(net_error()));
            continue;                   /* not a reason to stop serving */
        }
        serve_client(client, (struct sockaddr *)&peer);
        net_close(client);
    }
}
