/*
 * probe.h - which lesson servers accept connections on this machine: the
 * beacon's check before it answers, so that a student is never sent to a
 * server that was stopped. TCP, not UDP: it is here, beside server.c, so
 * that server.c reads as the UDP lesson it is.
 *
 * Notice:
 *   - every port is tried at once: non-blocking connect()s, then one
 *     select() for all of them, instead of one blocking connect() after
 *     another (Windows takes about a second to refuse a closed port on its
 *     own machine: six closed ports would cost six seconds);
 *   - a connect() in progress is done when the socket becomes writable.
 *     Refused, it becomes writable too on POSIX, never on Windows; asking
 *     getpeername() ("connected to whom?") tells the two apart on both.
 */
#ifndef SOCKLAB_PROBE_H
#define SOCKLAB_PROBE_H

#include "../../common/net.h"
#include "find.h"

/* Connects to 127.0.0.1 at each wanted port, waits wait_ms at most, and
 * copies those that accepted to `up`. Returns how many did. */
static inline int probe_accepting(const struct find_service *wanted, int n,
                                  struct find_service *up, int wait_ms)
{
    net_socket s[FIND_MOST_SERVICES], top = 0;
    struct sockaddr_in here;
    struct sockaddr_storage peer;
    socklen_t len;
    fd_set writable;
    struct timeval wait;
    int i, nup = 0;
    memset(&here, 0, sizeof here);
    here.sin_family = AF_INET;
    here.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    wait.tv_sec = wait_ms / 1000;
    wait.tv_usec = (wait_ms % 1000) * 1000;
    FD_ZERO(&writable);
    for (i = 0; i < n && i < FIND_MOST_SERVICES; i++) {
        s[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (s[i] != NET_INVALID && !net_fits_fd_set(s[i], i)) {
            net_close(s[i]);
            s[i] = NET_INVALID;
        }
        if (s[i] == NET_INVALID)
            continue;
        net_set_nonblocking(s[i]);
        here.sin_port = htons((unsigned short)wanted[i].port);
        connect(s[i], (struct sockaddr *)&here, (socklen_t)sizeof here);   /* "in progress" */
        FD_SET(s[i], &writable);
        top = s[i] > top ? s[i] : top;
    }
    select((int)top + 1, NULL, &writable, NULL, &wait);
    for (i = 0; i < n && i < FIND_MOST_SERVICES; i++) {
        if (s[i] == NET_INVALID)
            continue;
        len = (socklen_t)sizeof peer;
        if (FD_ISSET(s[i], &writable) && getpeername(s[i], (struct sockaddr *)&peer, &len) == 0)
            up[nup++] = wanted[i];
        net_close(s[i]);       /* the lesson server logs a visitor who left at once */
    }
    return nup;
}

#endif
