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

/* Leaves each connected probe politely: "I will send no more" (a FIN, as a
 * visitor who says nothing and goes), then what the server says (its
 * greeting) is read until it closes too, wait_ms at most. Closing with its
 * greeting unread would send a reset, and the server would log a visitor
 * whose connection broke. */
static inline void probe_leave(net_socket *s, int n, int wait_ms)
{
    long long until = net_now_ms() + wait_ms;
    char ignored[512];
    fd_set readable;
    struct timeval wait;
    net_socket top = 0;
    int i, open = 0, left;
    for (i = 0; i < n; i++)
        if (s[i] != NET_INVALID && ++open)
            shutdown(s[i], NET_SHUT_WR);
    while (open > 0 && (left = (int)(until - net_now_ms())) > 0) {
        FD_ZERO(&readable);
        for (i = 0; i < n; i++)
            if (s[i] != NET_INVALID) {
                FD_SET(s[i], &readable);
                top = s[i] > top ? s[i] : top;
            }
        wait.tv_sec = left / 1000;
        wait.tv_usec = (left % 1000) * 1000;
        if (select((int)top + 1, &readable, NULL, NULL, &wait) <= 0)
            continue;                   /* the deadline (or EINTR): the loop checks */
        for (i = 0; i < n; i++)
            if (s[i] != NET_INVALID && FD_ISSET(s[i], &readable)
                && recv(s[i], ignored, (int)sizeof ignored, 0) <= 0) {
                net_close(s[i]);        /* the server closed: we both said goodbye */
                s[i] = NET_INVALID;
                open--;
            }
    }
    for (i = 0; i < n; i++)
        if (s[i] != NET_INVALID)
            net_close(s[i]);
}

/* Connects to `at` (an address of this machine: the one a student's
 * question came in on, so a server a student can't reach there is not
 * announced) at each wanted port, waits wait_ms at most, and copies those
 * that accepted to `up`. Returns how many did. */
static inline int probe_accepting(const struct sockaddr_storage *at, const struct find_service *wanted,
                                  int n, struct find_service *up, int wait_ms)
{
    net_socket s[FIND_MOST_SERVICES], top = 0;
    struct sockaddr_storage there, peer;
    socklen_t len, at_len = at->ss_family == AF_INET6 ? (socklen_t)sizeof(struct sockaddr_in6)
                                                       : (socklen_t)sizeof(struct sockaddr_in);
    fd_set writable;
    struct timeval wait;
    int i, nup = 0;
    wait.tv_sec = wait_ms / 1000;
    wait.tv_usec = (wait_ms % 1000) * 1000;
    FD_ZERO(&writable);
    for (i = 0; i < n && i < FIND_MOST_SERVICES; i++) {
        s[i] = socket(at->ss_family, SOCK_STREAM, 0);
        if (s[i] != NET_INVALID && !net_fits_fd_set(s[i], i)) {
            net_close(s[i]);
            s[i] = NET_INVALID;
        }
        if (s[i] == NET_INVALID)
            continue;
        net_set_nonblocking(s[i]);
        there = *at;
        if (at->ss_family == AF_INET6)
            ((struct sockaddr_in6 *)&there)->sin6_port = htons((unsigned short)wanted[i].port);
        else
            ((struct sockaddr_in *)&there)->sin_port = htons((unsigned short)wanted[i].port);
        connect(s[i], (struct sockaddr *)&there, at_len);   /* "in progress" */
        FD_SET(s[i], &writable);
        top = s[i] > top ? s[i] : top;
    }
    select((int)top + 1, NULL, &writable, NULL, &wait);
    for (i = 0; i < n && i < FIND_MOST_SERVICES; i++) {
        if (s[i] == NET_INVALID)
            continue;
        len = (socklen_t)sizeof peer;
        if (FD_ISSET(s[i], &writable) && getpeername(s[i], (struct sockaddr *)&peer, &len) == 0) {
            up[nup++] = wanted[i];
        } else {
            net_close(s[i]);            /* refused, or no answer yet */
            s[i] = NET_INVALID;
        }
    }
    probe_leave(s, i, wait_ms);
    return nup;
}

/* The last check made at each address of this machine: a flood of
 * questions costs one check a second per address, and a machine has few. */
enum { PROBE_MOST_PLACES = 8, PROBE_EVERY_MS = 1000 };

struct probe_place {
    struct sockaddr_storage at;
    char key[NET_ADDR_TEXT];            /* `at` as text: "10.0.0.1:0" */
    struct find_service up[FIND_MOST_SERVICES];
    int nup;
    long long checked_at;
};

/* What accepts at `at`, checked again if the last check there is older
 * than PROBE_EVERY_MS. The oldest place makes room for a new one. Returns
 * how many are up, copied to *up. */
static inline int probe_cached(struct probe_place *places, const struct sockaddr_storage *at,
                               const struct find_service *wanted, int n,
                               const struct find_service **up, int wait_ms)
{
    char key[NET_ADDR_TEXT];
    int i, pick = 0;
    net_addr_text((const struct sockaddr *)at, key, sizeof key);
    for (i = 0; i < PROBE_MOST_PLACES; i++) {
        if (strcmp(places[i].key, key) == 0) {
            pick = i;
            break;
        }
        if (places[i].checked_at < places[pick].checked_at)
            pick = i;
    }
    if (strcmp(places[pick].key, key) != 0 || net_now_ms() - places[pick].checked_at >= PROBE_EVERY_MS) {
        places[pick].at = *at;
        strcpy(places[pick].key, key);
        places[pick].nup = probe_accepting(at, wanted, n, places[pick].up, wait_ms);
        places[pick].checked_at = net_now_ms();
    }
    *up = places[pick].up;
    return places[pick].nup;
}

/* This machine's address that the asker reaches: connect() on a UDP socket
 * sends nothing, it only picks the route (the network the asker is on),
 * and getsockname() then says which address of ours that route leaves
 * from. 0, or -1 if the system has no route back. */
static int address_facing(const struct sockaddr_storage *asker, socklen_t asker_len,
                          struct sockaddr_storage *here)
{
    socklen_t len = (socklen_t)sizeof *here;
    net_socket s = socket(asker->ss_family, SOCK_DGRAM, 0);
    int ok = s != NET_INVALID && connect(s, (const struct sockaddr *)asker, asker_len) == 0
             && getsockname(s, (struct sockaddr *)here, &len) == 0;
    if (s != NET_INVALID)
        net_close(s);
    if (here->ss_family == AF_INET6)    /* the address alone: the port was this socket's */
        ((struct sockaddr_in6 *)here)->sin6_port = 0;
    else
        ((struct sockaddr_in *)here)->sin_port = 0;
    return ok ? 0 : -1;
}

#endif
