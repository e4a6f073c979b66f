/*
 * load.c - the chat room load benchmark (make bench). Linux only.
 *
 *   tests/bench/load [--quick] [--flood]      (make bench [BENCH=quick|flood])
 *
 *   --quick   the same runs, shorter
 *   --flood   only the flood runs (flood.c); squat.c's run comes last
 *   LOAD_SERVER=PATH          another build of lesson 06's server, to compare
 *   LOAD_ONLY=I, FLOOD_ONLY=I only the paced run I (0-7), or the flood scenario I
 *   LOAD_SHOW_LOG=1           the server's first drops, after each run
 *
 * N clients join a room; K of them send M lines each; every client counts
 * the lines it receives. It reports delivered lines per second, the p50 and
 * p99 latency (send to receipt, one clock, one process), lines lost, and
 * the server's peak RSS (VmHWM in /proc/PID/status). The same load runs
 * against lesson 06's server and, if installed, against `ncat --chat`.
 *
 * The same work for both servers: ncat --chat has no names (a connection is
 * a member at once) and prefixes what it relays with "<userN> ", once per
 * chunk it read; lesson 06 asks a name first and prefixes each line with
 * "NAME: ". So each payload line carries its own marker, "#L sender seq
 * time", found wherever it sits in a received line, and anything without it
 * (greetings, join notices) is not counted. Joining happens before the clock
 * starts; the timed part is the same K x M lines to the same N-1 readers.
 *
 * Each sender keeps at most WINDOW of its lines in flight (sent but not yet
 * received by every reader), so we measure what a server sustains, not how
 * much it can buffer. The flood runs (flood.c) drop that window. Every loop
 * is bounded in count and time; every process started is stopped; all
 * traffic stays on 127.0.0.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

enum {
    SENDERS = 10,               /* K: how many clients talk */
    WINDOW = 8,                 /* lines a talker is ahead of its readers: chat */
    BURST_WINDOW = 64,          /* ... and a burst (a paste, a bot) */
    LINE_BYTES = 64,            /* a typical chat line */
    BUCKET_BYTES = 16384,       /* a paced reader's burst: about 16 ms at 1 MB/s */
    PACED_RCVBUF = 16384        /* its receive buffer (the system doubles it): small,
                                 * so what it has not read waits in the server */
};

struct conn conns[MAX_CONNS + 1];
int nconns;
long long delivered, last_byte_ms;
unsigned *latency;
static const char *server_path = SERVER;
static int epfd, window;
static int paced = -1;          /* the conn held to a pace (not in epfd), or -1 */
static long long sent[MAX_SENDERS], delivered_from[MAX_SENDERS];

long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long now_ms(void)
{
    return now_us() / 1000;
}

/* ---- servers -------------------------------------------------------------- */

static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* A non-blocking connect(): while it is under way, the clients already
 * connected keep reading (a server that writes with blocking send()s, like
 * ncat, would otherwise stop accepting). rcvbuf > 0 sets a small receive
 * buffer, before connect() so the window it advertises is small from the
 * start; sndbuf > 0 a send buffer of that size. */
static int connect_to(int port, int rcvbuf, int sndbuf)
{
    struct sockaddr_in a;
    struct pollfd pfd;
    long long deadline = now_ms() + 30000;
    int err = 0, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    socklen_t len = sizeof err;
    int on = 1;
    if (fd >= 0 && rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (fd >= 0 && sndbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    /* each line leaves when sent, as typed lines do: Nagle's algorithm would
     * hold it back up to 40 ms waiting to merge it with the next */
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    pfd.fd = fd;
    pfd.events = POLLOUT;
    while (poll(&pfd, 1, 0) == 0 && now_ms() < deadline)
        pump(1);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0 || pfd.revents == 0) {
        errno = err ? err : ETIMEDOUT;
        close(fd);
        return -1;
    }
    return fd;
}

/* Starts the server with its output in a log file; 0 on success. */
int start_server(struct run *r)
{
    char port[16];
    long long deadline = now_ms() + 5000;
    snprintf(r->log, sizeof r->log, "/tmp/socklab-bench-%d.log", (int)getpid());
    r->port = r->ncat ? free_port() : 0;
    snprintf(port, sizeof port, "%d", r->port);
    r->pid = fork();
    if (r->pid == 0) {
        int out = open(r->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(out, 2);
        if (r->ncat && r->as_installed)     /* its default limit: 100 connections */
            execlp("ncat", "ncat", "--chat", "-l", "127.0.0.1", port, (char *)NULL);
        else if (r->ncat)
            execlp("ncat", "ncat", "--chat", "-l", "127.0.0.1", port, "--max-conns", "1100", (char *)NULL);
        else if (r->as_installed)           /* its rules for a classroom's addresses */
            execl(server_path, server_path, "-b", "127.0.0.1", "--per-address", "4", "0", (char *)NULL);
        else                                /* lines unpaced: the flood measures the room */
            execl(server_path, server_path, "-b", "127.0.0.1", "--lines-per-second", "0", "0",
                  (char *)NULL);
        _exit(127);
    }
    while (now_ms() < deadline) {       /* ready: "port N" in its log, or it accepts */
        char text[512] = "";
        FILE *f = fopen(r->log, "r");
        char *at;
        if (f != NULL) {
            text[fread(text, 1, sizeof text - 1, f)] = '\0';
            fclose(f);
        }
        if (!r->ncat && (at = strstr(text, "port ")) != NULL && sscanf(at, "port %d", &r->port) == 1)
            return 0;
        /* ncat quits ("getpeername ... QUITTING") if a connection closes
         * before it accepts it: the probe stays open until others joined */
        if (r->ncat && (r->probe = connect_to(r->port, 0, 0)) >= 0)
            return 0;
        usleep(20000);
    }
    fprintf(stderr, "load: %s did not start\n", r->ncat ? "ncat" : server_path);
    return -1;
}

long peak_rss_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* The server's CPU time so far (user + system), in seconds. */
double cpu_seconds(pid_t pid)
{
    char path[64], text[1024], *p;
    unsigned long utime = 0, stime = 0;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    p = strrchr(text, ')');             /* the name may hold spaces: skip past it */
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return 0;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

void stop_server(struct run *r)
{
    int i, status;
    char line[512];
    FILE *f;
    kill(r->pid, SIGTERM);
    for (i = 0; i < 100 && waitpid(r->pid, &status, WNOHANG) == 0; i++)
        usleep(20000);
    if (i == 100) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, &status, 0);
    }
    r->dropped = 0;
    if ((f = fopen(r->log, "r")) != NULL) {
        while (fgets(line, sizeof line, f) != NULL)
            r->dropped += strstr(line, "not reading") != NULL;   /* not the resets as we leave */
        fclose(f);
    }
    if (getenv("LOAD_SHOW_LOG") != NULL) {      /* for debugging: the server's drops */
        char cmd[200];
        snprintf(cmd, sizeof cmd, "grep -m5 -e dropped -e QUITTING %s", r->log);
        if (system(cmd) < 0)
            perror("system");
    }
    unlink(r->log);
}

/* ---- clients -------------------------------------------------------------- */

/* A payload line's marker is "#L sender seq time check ": check sums up
 * the three, so a marker that ncat spliced another chunk into (see
 * unprefixed()) does not pass for a line. */
static long long check_of(long long k, long long seq, long long stamp)
{
    return (k * 1000003 + seq * 7919 + stamp) % 9973;
}

/* Writes a marker at the start of line; returns its length. */
int write_marker(char *line, size_t size, int k, long long seq, long long stamp)
{
    return snprintf(line, size, "#L %d %lld %lld %lld ", k, seq, stamp, check_of(k, seq, stamp));
}

/* " digits": the digits' value and the text after them, or NULL. */
static const char *field(const char *p, long long *value)
{
    long long v = 0;
    if (*p++ != ' ' || *p < '0' || *p > '9')
        return NULL;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    *value = v;
    return p;
}

/* 1 if p holds a whole marker (see write_marker()). */
static int read_marker(const char *p, long long *k, long long *seq, long long *stamp)
{
    long long check;
    if (p[0] != '#' || p[1] != 'L' || (p = field(p + 2, k)) == NULL ||
        (p = field(p, seq)) == NULL || (p = field(p, stamp)) == NULL ||
        (p = field(p, &check)) == NULL)
        return 0;
    return *p == ' ' && *k < MAX_SENDERS && check == check_of(*k, *seq, *stamp);
}

/* ncat prefixes "<userN> " to each chunk it relays, and a chunk may end
 * inside a line: the next chunk, from the same sender or another, then
 * lands in the middle of it, perhaps in our marker. Returns the marker at p
 * with any such prefix taken out: whole again if the same sender went on. */
static const char *unprefixed(const char *p, const char *end, char *copy, size_t size)
{
    char *out = copy;
    if (memchr(p, '<', (size_t)(end - p) < size ? (size_t)(end - p) : size) == NULL)
        return p;
    while (p < end && out < copy + size - 1) {
        const char *q = p + 5;
        if (strncmp(p, "<user", 5) == 0) {
            while (q < end && *q >= '0' && *q <= '9')
                q++;
            if (q + 1 < end && q[0] == '>' && q[1] == ' ') {
                p = q + 2;
                continue;
            }
        }
        *out++ = *p++;
    }
    *out = '\0';
    return copy;
}

static void count_payload(struct conn *c, long long k, long long seq, long long stamp, long long t)
{
    long long bucket = (t - stamp) / BUCKET_US;
    delivered_from[k]++;
    delivered++;
    c->got[k]++;
    if (seq >= c->next[k]) {            /* each sender's lines come in order */
        c->skipped += seq - c->next[k];
        c->next[k] = seq + 1;
    }
    latency[bucket < 0 ? 0 : bucket >= BUCKETS ? BUCKETS - 1 : bucket]++;
}

/* One received line: each payload marker in it counts (ncat may splice
 * another sender's line into one: both count), a marker cut by a splice is
 * a garbled line, and a greeting marks a join. The generator shares the
 * machine with the server: parsing stays cheap. */
static void take_line(struct conn *c, const char *line, size_t len, long long t)
{
    const char *end = line + len, *p, *m;
    char copy[80];
    long long k, seq, stamp;
    int markers = 0;
    for (p = memchr(line, '#', len); p != NULL; p = memchr(p + 1, '#', (size_t)(end - p - 1))) {
        m = c->ncat ? unprefixed(p, end, copy, sizeof copy) : p;
        if (m[1] != 'L')
            continue;
        markers++;
        if (!read_marker(m, &k, &seq, &stamp))
            c->garbled++;
        else if (k != c->sender)
            count_payload(c, k, seq, stamp, t);
    }
    if (markers == 0 && strstr(line, "you are in") != NULL)
        c->joined = 1;
}

/* How much a paced reader may read now: a token bucket, BUCKET_BYTES deep. */
static size_t allowance(struct conn *c, size_t want)
{
    long long t = now_us();
    c->tokens += (t - c->refilled_us) * c->pace / 1000000;
    c->refilled_us = t;
    if (c->tokens > BUCKET_BYTES)
        c->tokens = BUCKET_BYTES;
    return c->tokens < (long long)want ? (size_t)c->tokens : want;
}

static void read_conn(struct conn *c)
{
    int n = -1, i;
    for (i = 0; i < 64 && !c->gone; i++) {
        long long t;
        char *line, *nl;
        size_t want = sizeof c->buf - 1 - (size_t)c->len;
        if (c->pace > 0 && (want = allowance(c, want)) == 0)
            return;
        n = (int)recv(c->fd, c->buf + c->len, want, 0);
        if (n <= 0)
            break;
        if (c->pace > 0)
            c->tokens -= n;
        t = now_us();
        last_byte_ms = t / 1000;
        c->len += n;
        c->buf[c->len] = '\0';
        c->joined |= c->ncat;           /* ncat: connected is joined */
        for (line = c->buf; (nl = memchr(line, '\n', (size_t)(c->buf + c->len - line))) != NULL; line = nl + 1) {
            *nl = '\0';
            take_line(c, line, (size_t)(nl - line), t);
        }
        c->len = (int)(c->buf + c->len - line);
        if (c->len == (int)sizeof c->buf - 1)
            c->len = 0;                 /* a line longer than our buffer: not ours */
        memmove(c->buf, line, (size_t)c->len);
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        c->gone = 1;                    /* the server closed or reset it */
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    }
}

/* Reads what arrived, waiting at most ms for it. The paced reader is not in
 * epfd (it would wake us while it may not read): it reads at every call. */
void pump(int ms)
{
    struct epoll_event ev[256];
    int i, n = epoll_wait(epfd, ev, 256, ms);
    for (i = 0; i < n; i++)
        read_conn(&conns[ev[i].data.u32]);
    if (paced >= 0)
        read_conn(&conns[paced]);
}

/* ncat quits ("getpeername ... QUITTING") when it greets a newcomer while
 * a member's connection was reset, and close() on a socket with unread bytes
 * resets it: so read what ncat sent the probe (the newcomer's join notice)
 * first, and the close is an ordinary one. */
static void close_probe(struct run *r)
{
    char junk[4096];
    int i;
    if (r->probe < 0)
        return;
    for (i = 0; i < 64 && recv(r->probe, junk, sizeof junk, MSG_DONTWAIT) > 0; i++)
        continue;
    close(r->probe);
    r->probe = -1;
}

static int open_clients(struct run *r)
{
    int i, small = 4096;
    long long deadline = now_ms() + PHASE_MS, wait_until;
    nconns = 0;
    for (i = 0; i < r->n + r->slow && now_ms() < deadline; i++) {
        struct conn *c = &conns[nconns];
        char name[32];
        memset(c, 0, sizeof *c);
        c->sender = i < r->k ? i : -1;
        c->ncat = r->ncat;
        c->reads = i < r->n;
        c->pace = i == r->n - 1 ? r->paced_reader : 0;     /* the last reader */
        c->refilled_us = now_us();
        /* the never-reader and the paced reader get a small window: what they
         * have not read waits in the server */
        c->fd = connect_to(r->port, !c->reads ? small : c->pace > 0 ? PACED_RCVBUF : 0,
                           c->sender >= 0 ? r->sender_sndbuf : 0);
        if (c->fd < 0) {
            fprintf(stderr, "load: connect() #%d failed: %s\n", i, strerror(errno));
            return -1;
        }
        if (c->pace > 0)
            paced = nconns;
        else if (c->reads) {
            struct epoll_event ev;
            ev.events = EPOLLIN;
            ev.data.u32 = (unsigned)nconns;
            epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
        }
        if (!r->ncat) {
            snprintf(name, sizeof name, "c%d\n", i);
            send(c->fd, name, strlen(name), MSG_NOSIGNAL);
        }
        nconns++;
        /* one at a time: ncat listens with a backlog of 10 and quits when a
         * queued connection goes wrong, so each waits for its greeting */
        for (wait_until = now_ms() + 10000; c->reads && !c->joined && now_ms() < wait_until;)
            pump(1);
        if (c->reads && !c->joined) {
            fprintf(stderr, "load: client %d was not greeted within 10 s\n", i);
            return -1;
        }
        close_probe(r);                 /* ncat accepted it before this one: safe to
                                         * close, and it must not stay unread (ncat's
                                         * writes would block) */
    }
    if (nconns != r->n + r->slow)
        fprintf(stderr, "load: only %d of %d clients connected in time\n", nconns, r->n + r->slow);
    return nconns == r->n + r->slow ? 0 : -1;
}

/* Everyone joined (greeted) and the join notices have all arrived. */
static int wait_until_settled(struct run *r)
{
    long long deadline = now_ms() + PHASE_MS;
    int i, joined = 0;
    last_byte_ms = now_ms();
    while (now_ms() < deadline) {
        pump(50);
        for (joined = 0, i = 0; i < r->n; i++)
            joined += conns[i].joined;
        if (joined == r->n && now_ms() - last_byte_ms > QUIET_MS)
            return 0;
    }
    fprintf(stderr, "load: only %d of %d clients joined\n", joined, r->n);
    return -1;
}

static void close_clients(void)
{
    int i;
    for (i = 0; i < nconns; i++)
        close(conns[i].fd);
    nconns = 0;
    paced = -1;
}

/* ---- the timed part --------------------------------------------------------- */

static void send_lines(struct run *r, int readers)
{
    char line[LINE_BYTES + 1];
    int k;
    for (k = 0; k < r->k; k++) {
        while (sent[k] < r->m && sent[k] * readers - delivered_from[k] < (long long)window * readers) {
            int len = write_marker(line, sizeof line, k, sent[k], now_us());
            memset(line + len, 'x', (size_t)(LINE_BYTES - 1 - len));
            line[LINE_BYTES - 1] = '\n';
            if (send(conns[k].fd, line, LINE_BYTES, MSG_NOSIGNAL) != LINE_BYTES)
                break;                  /* its buffer is full: later */
            sent[k]++;
        }
    }
}

/* Counting starts again from zero: the timed part begins. */
void reset_counts(void)
{
    int i;
    memset(delivered_from, 0, sizeof delivered_from);
    memset(latency, 0, BUCKETS * sizeof *latency);
    delivered = 0;
    for (i = 0; i < nconns; i++) {
        memset(conns[i].got, 0, sizeof conns[i].got);
        memset(conns[i].next, 0, sizeof conns[i].next);
        conns[i].skipped = conns[i].garbled = 0;
    }
}

double percentile_ms(double fraction, long long total)
{
    long long seen = 0, want = (long long)(fraction * (double)total);
    int b;
    for (b = 0; b < BUCKETS; b++)
        if ((seen += latency[b]) > want)
            return b * BUCKET_US / 1000.0;
    return BUCKETS * (double)BUCKET_US / 1000.0;
}

static void measure(struct run *r)
{
    int readers = r->n - 1;
    long long start, last_progress, before = -1, deadline;
    double cpu = cpu_seconds(r->pid);
    window = r->window;
    memset(sent, 0, sizeof sent);
    reset_counts();
    r->expected = (long long)r->k * r->m * readers;
    start = last_progress = now_ms();
    deadline = start + PHASE_MS;
    while (delivered < r->expected && now_ms() < deadline && now_ms() - last_progress < 5000) {
        send_lines(r, readers);
        pump(1);
        if (delivered != before) {
            before = delivered;
            last_progress = now_ms();
        }
    }
    r->cpu_us = delivered ? (cpu_seconds(r->pid) - cpu) * 1e9 / (double)delivered : 0;
    r->seconds = (last_byte_ms - start) / 1000.0;
    r->delivered = delivered;
    r->rate = r->seconds > 0 ? delivered / r->seconds : 0;
    r->p50_ms = percentile_ms(0.50, delivered);
    r->p99_ms = percentile_ms(0.99, delivered);
}

/* One run: start the server, join the clients, time(r), stop everything.
 * Returns 0, or -1 if the server or the clients could not start. */
int bench(struct run *r, void (*timed)(struct run *))
{
    int ok;
    r->probe = -1;
    ok = start_server(r) == 0 && open_clients(r) == 0 && wait_until_settled(r) == 0;
    close_probe(r);
    if (ok && r->m > 0)
        timed(r);
    r->peak_kib = ok ? peak_rss_kib(r->pid) : -1;
    close_clients();
    stop_server(r);
    return ok ? 0 : -1;
}

static void print_run(const struct run *r)
{
    if (r->m > 0)
        printf("%-34s %5d %3d %5d %10.0f %8.2f %8.2f %8lld %9ld %4d %8.0f\n", r->label, r->n, r->k,
               r->m, r->rate, r->p50_ms, r->p99_ms, r->expected - r->delivered, r->peak_kib,
               r->dropped, r->cpu_us);
    else
        printf("%-34s %5d   -     - %10s %8s %8s %8s %9ld %4s %8s\n", r->label, r->n, "-", "-", "-",
               "-", r->peak_kib, "-", "-");
}

static void plan(struct run *r, const char *label, int ncat, int n, int m, int slow, int w)
{
    memset(r, 0, sizeof *r);
    r->window = w;
    r->label = label;
    r->ncat = ncat;
    r->n = n;
    r->k = m > 0 ? SENDERS : 0;
    r->m = m;
    r->slow = slow;
}

static const char usage[] =
    "usage: tests/bench/load [--quick] [--flood]\n"
    "  The chat room load benchmark: lesson 06's server beside ncat --chat.\n"
    "  --quick   the same runs, shorter\n"
    "  --flood   only the flood runs (senders that never wait)\n"
    "  -h        show this help\n"
    "  LOAD_SERVER=PATH runs another build of lesson 06's server in its place.\n";

/* The paced and burst runs, and 1000 idle clients. */
static void paced_runs(int quick, int have_ncat)
{
    int m100 = quick ? 2000 : 20000, m1000 = quick ? 200 : 2000;
    static struct run runs[8];
    size_t i;
    plan(&runs[0], "lesson 06, 100 clients", 0, 100, m100, 0, WINDOW);
    plan(&runs[1], "ncat --chat, 100 clients", 1, 100, m100, 0, WINDOW);
    plan(&runs[2], "lesson 06, 1000 clients", 0, 1000, m1000, 0, WINDOW);
    plan(&runs[3], "ncat --chat, 1000 clients", 1, 1000, m1000, 0, WINDOW);
    plan(&runs[4], "lesson 06, 100 + 1 never reading", 0, 100, m100, 1, WINDOW);
    plan(&runs[5], "lesson 06, 100, bursts", 0, 100, m100, 0, BURST_WINDOW);
    plan(&runs[6], "ncat --chat, 100, bursts", 1, 100, m100, 0, BURST_WINDOW);
    plan(&runs[7], "lesson 06, 1000 idle clients", 0, 1000, 0, 0, WINDOW);
    printf("%-34s %5s %3s %5s %10s %8s %8s %8s %9s %4s %8s\n", "server, load", "N", "K", "M",
           "lines/s", "p50 ms", "p99 ms", "lost", "peak KiB", "drop", "cpu/1k");
    for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        if (getenv("LOAD_ONLY") != NULL && (size_t)atoi(getenv("LOAD_ONLY")) != i)
            continue;                   /* for profiling one run: LOAD_ONLY=INDEX */
        if (runs[i].ncat && !have_ncat) {
            printf("%-34s (ncat not installed: skipped)\n", runs[i].label);
            continue;
        }
        if (bench(&runs[i], measure) != 0 && (sleep(2), bench(&runs[i], measure)) != 0)
            printf("%-34s FAILED to run (twice)\n", runs[i].label);   /* one retry */
        else
            print_run(&runs[i]);
    }
    if (have_ncat && runs[1].rate > 0 && runs[3].rate > 0)
        printf("lesson 06 / ncat --chat, delivered lines/s: %.2fx at 100 clients, %.2fx at 1000\n",
               runs[0].rate / runs[1].rate, runs[2].rate / runs[3].rate);
    if (runs[0].rate > 0 && runs[4].rate > 0)
        printf("with one client that never reads, the others keep %.0f%% of their rate\n",
               100.0 * runs[4].rate / runs[0].rate);
    if (have_ncat && runs[6].rate > 0)
        printf("in bursts of %d lines (lines merge into big reads for both): %.2fx\n", BURST_WINDOW,
               runs[5].rate / runs[6].rate);
    if (runs[7].peak_kib > 0)
        printf("peak RSS with 1000 idle clients: %.2f MiB\n", runs[7].peak_kib / 1024.0);
}

int main(int argc, char **argv)
{
    int quick = 0, flood_only = 0, have_ncat, i;
    struct rlimit rl;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--flood") == 0)
            flood_only = 1;
        else {
            fprintf(stderr, "load: unknown argument '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* 1000 clients need 1000 descriptors here and in the server (inherited) */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < 2 * MAX_CONNS + 64)
        fprintf(stderr, "load: only %ld descriptors: the 1000-client runs may fail\n", (long)rl.rlim_cur);
    latency = calloc(BUCKETS, sizeof *latency);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (getenv("LOAD_SERVER") != NULL)
        server_path = getenv("LOAD_SERVER");    /* another build, to compare */
    if (latency == NULL || epfd < 0 || access(server_path, X_OK) != 0) {
        fprintf(stderr, "load: needs %s (make chatroom), run from the top directory\n", server_path);
        return 1;
    }
    have_ncat = system("ncat --version >/dev/null 2>&1") == 0;
    if (!flood_only)
        paced_runs(quick, have_ncat);
    flood_runs(quick, have_ncat);
    if (!flood_only && getenv("LOAD_ONLY") == NULL && getenv("FLOOD_ONLY") == NULL)
        squat_runs(have_ncat);          /* not when looking closer at one run */
    close(epfd);
    free(latency);
    return 0;
}
