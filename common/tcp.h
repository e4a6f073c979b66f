/*
 * tcp.h - the TCP set-up that lessons 01-03 teach, packaged for the lessons
 * after them: listening (dual-stack) and connecting (every address in turn),
 * which lesson 01 teaches, for lessons 02-06; sending everything (the
 * partial-send loop, lesson 02's) and closing without a reset (lesson 03's),
 * for lessons 04-06, whose subject is select().
 *
 * Read lessons/01-hello/server.c and client.c for these same steps written
 * out and explained one call at a time; lesson 02 explains tcp_send_all().
 * Nothing here is platform-specific beyond what common/net.h already hides.
 */
#ifndef SOCKLAB_TCP_H
#define SOCKLAB_TCP_H

#include "net.h"

/* socket() + bind() + listen() on one address; NET_INVALID on failure, with
 * the failed call and its error. */
static inline net_socket tcp_listen_at(const struct addrinfo *ai, int dual_stack,
                                       const char **failed_call, int *err)
{
    int off = 0;
    net_socket s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s == NET_INVALID) {
        *failed_call = "socket()";
        *err = net_error();
        return NET_INVALID;
    }
    net_reuse_addr(s);
    if (dual_stack)             /* one IPv6 socket serves IPv4 clients too */
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&off, sizeof off);
    if (bind(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0)
        *failed_call = "bind()";
    else if (listen(s, SOMAXCONN) != 0)
        *failed_call = "listen()";
    else
        return s;
    *err = net_error();
    net_close(s);
    return NET_INVALID;
}

/* A listening socket on `port`: on `address` alone if given, otherwise on
 * every address, IPv6 and IPv4 (IPv4 only where IPv6 is missing). A failure
 * here is a start-up failure: one line and exit 1. */
static inline net_socket tcp_listen(const char *prog, const char *address, const char *port)
{
    struct addrinfo hints, *list, *ai;
    net_socket s = NET_INVALID;
    const char *failed_call = "bind()";
    char what[128];
    int rc, pass, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(address, port, &hints, &list);
    if (rc != 0)
        net_fail_lookup(prog, address, rc);
    /* IPv6 first; IPv4 only if IPv6 is missing, not if the port is taken */
    for (pass = 0; pass < 2 && s == NET_INVALID && !net_port_refused(err); pass++)
        for (ai = list; ai != NULL && s == NET_INVALID; ai = ai->ai_next)
            if ((ai->ai_family == AF_INET6) == (pass == 0))
                s = tcp_listen_at(ai, address == NULL, &failed_call, &err);
    freeaddrinfo(list);
    if (s == NET_INVALID) {
        snprintf(what, sizeof what, "%s on %s%sport %s", failed_call, address ? address : "",
                 address ? " " : "", port);
        net_fail(prog, what, err);
    }
    return s;
}

/* A connect() that says so when nothing has answered after a few seconds:
 * a machine that is off, or a firewall that drops, never answers, and the
 * system goes on trying for a minute or two before it says "timed out".
 * Returns 0, or the error. */
static inline int tcp_connect_patiently(const char *prog, net_socket s, const struct addrinfo *ai,
                                        const char *host, const char *port)
{
    struct timeval patience = {4, 0};
    fd_set done, failed;
    int err = 0, said = 0, ready;
    socklen_t len = (socklen_t)sizeof err;
    net_set_nonblocking(s);
    if (connect(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0 && !net_connect_pending(net_error()))
        return net_error();
    do {                        /* done: writable; failed: writable, or (Windows) "except" */
        FD_ZERO(&done);
        FD_ZERO(&failed);
        FD_SET(s, &done);
        FD_SET(s, &failed);
        ready = select((int)s + 1, NULL, &done, &failed, said ? NULL : &patience);
        if (ready == 0 && !said++)
            fprintf(stderr, "%s: still trying to reach %s port %s: no answer yet (the machine "
                    "may be off or away, or a firewall drops the connection without a word)\n",
                    prog, host, port);
    } while (ready == 0 || (ready < 0 && net_error() == NET_EINTR));
    if (ready < 0)
        return net_error();
    getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &len);
    net_set_nonblocking_to(s, 0);
    return err;
}

/* Connects to the first address of `host` that answers; one line and exit 1
 * if none does. */
static inline net_socket tcp_connect_to(const char *prog, const char *host, const char *port)
{
    struct addrinfo hints, *list, *ai;
    net_socket s = NET_INVALID;
    char what[300];
    int rc, err = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0)
        net_fail_lookup(prog, host, rc);
    for (ai = list; ai != NULL && s == NET_INVALID; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == NET_INVALID) {
            err = net_error();
        } else if ((err = tcp_connect_patiently(prog, s, ai, host, port)) != 0) {
            net_close(s);
            s = NET_INVALID;
        }
    }
    freeaddrinfo(list);
    if (s == NET_INVALID) {
        snprintf(what, sizeof what, "connect() to %s port %s", host, port);
        net_fail(prog, what, err);
    }
    return s;
}

/* A client's connection that broke, as one line and exit 1, in words a
 * student can act on. Timed out: keepalive or the user timeout (sockopt.h)
 * gave up on a server that stopped answering. Reset: the server no longer
 * keeps the connection; nothing the student did wrong. */
static inline void tcp_fail_lost(const char *prog, int err)
{
    const char *why = net_hint(err);
    if (err == NET_ETIMEDOUT || err == NET_EHOSTUNREACH || err == NET_ENETUNREACH)
        why = "the server can no longer be reached: nothing came back from it for about "
              "2 minutes (its machine or ours left the network); connect again once it is back";
    else if (err == NET_ECONNRESET)
        why = "the server ended the connection: it stopped, or it let us go (this laptop was "
              "away or asleep, or the room could not wait for it); connect again";
    fprintf(stderr, "%s: the connection to the server broke: %s -- %s\n", prog,
            net_strerror(err), why);
    net_cleanup();
    exit(1);
}

/* close() on a socket that holds unread input sends a reset (RST), not a
 * normal end, and a reset can destroy what the peer has not read yet: our
 * goodbye, "room full". So first read what has already arrived, without
 * waiting (lesson 03 waits, as a one-client server can afford to). */
static inline void tcp_close_after_reading(net_socket s)
{
    char ignored[4096];
    int i;
    net_set_nonblocking(s);
    for (i = 0; i < 16 && recv(s, ignored, (int)sizeof ignored, 0) > 0; i++)
        ;
    net_close(s);
}

/* Tells a newcomer why it can't stay, in one send() (a fresh socket's
 * buffer is empty, so it takes it all), and closes. */
static inline void tcp_turn_away(net_socket s, const char *why)
{
    send(s, why, (int)strlen(why), 0);
    tcp_close_after_reading(s);
}

/* When accept() fails for want of descriptors (EMFILE), the newcomer stays
 * queued and select() reports the listener again at once: the server would
 * spin. So a server keeps one spare descriptor (any socket: IPv4, or IPv6 on
 * a machine without IPv4); closing it frees one, enough to accept the
 * newcomer, send `why` and close; then the spare is taken back. Call it with
 * the error of every failed accept(): it acts on EMFILE and ENFILE only. */
static inline net_socket tcp_spare(void)
{
    net_socket s = socket(AF_INET, SOCK_STREAM, 0);
    return s != NET_INVALID ? s : socket(AF_INET6, SOCK_STREAM, 0);
}

static inline void tcp_turn_away_when_out_of_descriptors(net_socket listener, net_socket *spare,
                                                         int err, const char *why)
{
    net_socket s;
    if (err != NET_EMFILE && err != NET_ENFILE)
        return;
    if (*spare == NET_INVALID && (*spare = tcp_spare()) == NET_INVALID)
        return;                 /* none could be had since the last time */
    net_close(*spare);
    s = accept(listener, NULL, NULL);
    if (s != NET_INVALID)
        tcp_turn_away(s, why);
    *spare = tcp_spare();
}

/* send() may take fewer bytes than offered; loop until all are gone.
 * Returns 0, or -1 if the peer is gone (an error, never a SIGPIPE). */
static inline int tcp_send_all(net_socket s, const char *data, size_t len)
{
    while (len > 0) {
        int chunk = len > 65536 ? 65536 : (int)len;
        int n = send(s, data, chunk, 0);
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

#endif
