/*
 * squat.c - one address against a class (make bench; Linux only).
 *
 * A squatter on one machine opens SQUAT connections and never says a word
 * (a script, or a student's loop of nc). Then CLASS members join, each
 * from an address of its own (127.0.0.2, 127.0.0.3, ...: all of 127/8 is
 * this machine), and each says one line in turn. Reported: the seats the
 * squatter still holds, the members who got in, how many of the lines
 * reached every other member within HEAR_MS, their latency, and the
 * server's peak RSS.
 *
 * Both servers run with their own limits, as an instructor starts them:
 * lesson 06 with --per-address 4 (given, so that loopback counts as a
 * classroom's address would), ncat --chat with its default of 100
 * connections. Every loop is bounded; every socket is closed at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

enum { SQUAT = 1000, CLASS = 20, JOIN_MS = 2000, HEAR_MS = 1000, TEXT = 8192 };

struct seat {
    int fd;                     /* -1: could not connect, or closed by the server */
    size_t len;
    char text[TEXT];            /* what it received, the newest at the end */
};

static struct seat squatters[SQUAT], members[CLASS];

/* A blocking connect() from 127.0.0.X to the server; -1 on failure. */
static int connect_from(int x, int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000000u | (unsigned)x);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        a.sin_port = htons((unsigned short)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            return fd;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Takes whatever waits, without blocking; closes the seat at end of file
 * or on an error. Keeps the newest TEXT - 1 bytes. */
static void take(struct seat *s)
{
    char chunk[4096];
    ssize_t n;
    while (s->fd >= 0) {
        n = recv(s->fd, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            close(s->fd);
            s->fd = -1;
            return;
        }
        if (s->len + (size_t)n >= TEXT) {
            size_t drop = s->len + (size_t)n - (TEXT - 1);
            drop = drop > s->len ? s->len : drop;
            memmove(s->text, s->text + drop, s->len - drop);
            s->len -= drop;
        }
        memcpy(s->text + s->len, chunk, (size_t)n);
        s->len += (size_t)n;
        s->text[s->len] = '\0';
    }
}

/* Waits up to ms for anything on the members' sockets, then takes it. */
static void pump_members(int ms)
{
    struct pollfd p[CLASS];
    int i;
    for (i = 0; i < CLASS; i++) {
        p[i].fd = members[i].fd;
        p[i].events = POLLIN;
    }
    poll(p, CLASS, ms);
    for (i = 0; i < CLASS; i++)
        take(&members[i]);
}

static int squatters_holding(void)
{
    int i, n = 0;
    for (i = 0; i < SQUAT; i++) {
        take(&squatters[i]);
        n += squatters[i].fd >= 0;
    }
    return n;
}

/* Each member that got in says "ping K"; counts who hears it, and when. */
static void say_in_turn(int in, long long *heard, double *ms, int *nms)
{
    int k, i, got;
    char line[32];
    for (k = 0; k < CLASS; k++) {
        long long start = now_us(), deadline = now_ms() + HEAR_MS;
        int done[CLASS] = {0};
        if (members[k].fd < 0)
            continue;
        snprintf(line, sizeof line, "ping %d.\n", k);
        if (send(members[k].fd, line, strlen(line), MSG_NOSIGNAL) < 0)
            continue;
        snprintf(line, sizeof line, "ping %d.", k);
        for (got = 0; got < in - 1 && now_ms() < deadline;) {
            pump_members(5);
            for (i = 0; i < CLASS; i++)
                if (i != k && !done[i] && members[i].fd >= 0 && strstr(members[i].text, line)) {
                    done[i] = 1;
                    got++;
                    ms[(*nms)++] = (double)(now_us() - start) / 1000.0;
                }
        }
        *heard += got;
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void squat_run(const char *label, int ncat)
{
    static double ms[CLASS * CLASS];
    struct run r;
    int i, opened = 0, in = 0, nms = 0;
    long long heard = 0, deadline;
    memset(&r, 0, sizeof r);
    r.label = label;
    r.ncat = ncat;
    r.as_installed = 1;
    if (start_server(&r) != 0)
        return;
    for (i = 0; i < SQUAT; i++) {
        squatters[i].len = 0;
        opened += (squatters[i].fd = connect_from(1, r.port)) >= 0;
    }
    for (i = 0; i < CLASS; i++) {
        char name[32];
        members[i].len = 0;
        members[i].fd = connect_from(2 + i, r.port);
        snprintf(name, sizeof name, "member%d\n", i);
        if (!ncat && members[i].fd >= 0)
            send(members[i].fd, name, strlen(name), MSG_NOSIGNAL);
    }
    deadline = now_ms() + JOIN_MS;      /* in: told so, or (ncat) still open */
    while (now_ms() < deadline)
        pump_members(20);
    for (i = 0; i < CLASS; i++)
        in += members[i].fd >= 0 && (ncat || strstr(members[i].text, "you are in") != NULL);
    say_in_turn(in, &heard, ms, &nms);
    qsort(ms, (size_t)nms, sizeof ms[0], by_value);
    printf("%-12s %5d of %4d %8d of %2d %7lld of %3d %8.2f %8.2f %9ld\n", label,
           squatters_holding(), opened, in, CLASS, heard, CLASS * (CLASS - 1),
           nms ? ms[nms / 2] : 0.0, nms ? ms[nms - 1] : 0.0, peak_rss_kib(r.pid));
    for (i = 0; i < SQUAT; i++)
        if (squatters[i].fd >= 0)
            close(squatters[i].fd);
    for (i = 0; i < CLASS; i++)
        if (members[i].fd >= 0)
            close(members[i].fd);
    stop_server(&r);
}

void squat_runs(int have_ncat)
{
    printf("\none address takes the seats: %d connections from 127.0.0.1 that never say a word,\n"
           "then %d members, one from each of 127.0.0.2-%d, each says a line in turn\n",
           SQUAT, CLASS, CLASS + 1);
    printf("%-12s %13s %14s %14s %8s %8s %9s\n", "server", "squatter open", "members in",
           "lines heard", "p50 ms", "max ms", "peak KiB");
    squat_run("lesson 06", 0);
    if (have_ncat)
        squat_run("ncat --chat", 1);
    else
        printf("%-12s (ncat not installed: skipped)\n", "ncat --chat");
}
