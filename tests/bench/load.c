/*
 * load.c - the chat room load benchmark (make bench). Linux only.
 *
 *   tests/bench/load [--quick]
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
 * much it can buffer. Every loop is bounded in count and time; every process
 * started is stopped; all traffic stays on 127.0.0.1.
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

#define SERVER "lessons/06-chatroom/server"
enum {
    MAX_CONNS = 1100,
    MAX_SENDERS = 16,
    SENDERS = 10,               /* K: how many clients talk */
    WINDOW = 8,                 /* lines a talker is ahead of its readers: chat */
    BURST_WINDOW = 64,          /* ... and a burst (a paste, a bot) */
    LINE_BYTES = 64,            /* a typical chat line */
    BUCKET_US = 10,             /* latency histogram: 10 us buckets ... */
    BUCKETS = 1000000,          /* ... up to 10 s */
    QUIET_MS = 500,             /* no bytes for this long: joining is over */
    PHASE_MS = 120000           /* no phase may last longer */
};

struct conn {
    int fd;
    int reads;                  /* 0: the never-reading client */
    int sender;                 /* its index among the senders, or -1 */
    int joined;
    int ncat;
    int len;
    char buf[8192];
};

struct run {
    const char *label;
    int ncat;                   /* 0: lesson 06's server */
    int n, k, m, slow;          /* clients, senders, lines each, + a never-reader */
    int window;
    pid_t pid;
    int port;
    char log[64];
    /* results */
    double seconds, rate, p50_ms, p99_ms, cpu_us;   /* cpu_us: server CPU per 1000 lines */
    long long expected, delivered;
    long peak_kib;
    int dropped;
    int probe;                  /* ncat: the connection that proved it listens */
};

static struct conn conns[MAX_CONNS + 1];
static int nconns, epfd;
static int window;
static long long sent[MAX_SENDERS], delivered_from[MAX_SENDERS], delivered, last_byte_ms;
static unsigned *latency;       /* histogram */

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long now_ms(void)
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

static void pump(int ms);

/* A non-blocking connect(): while it is under way, the clients already
 * connected keep reading (a server that writes with blocking send()s, like
 * ncat, would otherwise stop accepting). rcvbuf > 0 sets a small receive
 * buffer, before connect() so the window it advertises is small from the start. */
static int connect_to(int port, int rcvbuf)
{
    struct sockaddr_in a;
    struct pollfd pfd;
    long long deadline = now_ms() + 30000;
    int err = 0, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    socklen_t len = sizeof err;
    int on = 1;
    if (fd >= 0 && rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
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
static int start_server(struct run *r)
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
        if (r->ncat)
            execlp("ncat", "ncat", "--chat", "-l", "127.0.0.1", port, "--max-conns", "1100", (char *)NULL);
        else
            execl(SERVER, SERVER, "-b", "127.0.0.1", "0", (char *)NULL);
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
        if (r->ncat && (r->probe = connect_to(r->port, 0)) >= 0)
            return 0;
        usleep(20000);
    }
    fprintf(stderr, "load: %s did not start\n", r->ncat ? "ncat" : SERVER);
    return -1;
}

static long peak_rss_kib(pid_t pid)
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
static double cpu_seconds(pid_t pid)
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

static void stop_server(struct run *r)
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

static const char *number(const char *p, long long *value)
{
    long long v = 0;
    while (*p == ' ')
        p++;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    *value = v;
    return p;
}

/* One received line: a payload line counts, a greeting marks a join. The
 * generator shares the machine with the server: parsing stays cheap. */
static void take_line(struct conn *c, const char *line, size_t len, long long t)
{
    const char *p = memchr(line, '#', len);
    long long k, seq, stamp, bucket;
    if (p == NULL || p[1] != 'L') {
        if (strstr(line, "you are in") != NULL)
            c->joined = 1;
        return;
    }
    p = number(number(number(p + 2, &k), &seq), &stamp);
    if (k < 0 || k >= MAX_SENDERS || k == c->sender)
        return;
    delivered_from[k]++;
    delivered++;
    bucket = (t - stamp) / BUCKET_US;
    latency[bucket < 0 ? 0 : bucket >= BUCKETS ? BUCKETS - 1 : bucket]++;
}

static void read_conn(struct conn *c)
{
    int n, i;
    for (i = 0; i < 64; i++) {
        long long t;
        char *line, *nl;
        n = (int)recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - (size_t)c->len, 0);
        if (n <= 0)
            return;
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
}

static void pump(int ms)
{
    struct epoll_event ev[256];
    int i, n = epoll_wait(epfd, ev, 256, ms);
    for (i = 0; i < n; i++)
        read_conn(&conns[ev[i].data.u32]);
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
        /* the never-reader gets a small window: its backlog lands in the server */
        c->fd = connect_to(r->port, c->reads ? 0 : small);
        if (c->fd < 0) {
            fprintf(stderr, "load: connect() #%d failed: %s\n", i, strerror(errno));
            return -1;
        }
        if (c->reads) {
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
}

/* ---- the timed part --------------------------------------------------------- */

static void send_lines(struct run *r, int readers)
{
    char line[LINE_BYTES + 1];
    int k;
    for (k = 0; k < r->k; k++) {
        while (sent[k] < r->m && sent[k] * readers - delivered_from[k] < (long long)window * readers) {
            int len = snprintf(line, sizeof line, "#L %d %lld %lld ", k, sent[k], now_us());
            memset(line + len, 'x', (size_t)(LINE_BYTES - 1 - len));
            line[LINE_BYTES - 1] = '\n';
            if (send(conns[k].fd, line, LINE_BYTES, MSG_NOSIGNAL) != LINE_BYTES)
                break;                  /* its buffer is full: later */
            sent[k]++;
        }
    }
}

static double percentile_ms(double fraction, long long total)
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
    memset(delivered_from, 0, sizeof delivered_from);
    memset(latency, 0, BUCKETS * sizeof *latency);
    delivered = 0;
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

static int bench(struct run *r)
{
    int ok;
    r->probe = -1;
    ok = start_server(r) == 0 && open_clients(r) == 0 && wait_until_settled(r) == 0;
    close_probe(r);
    if (ok && r->m > 0)
        measure(r);
    r->peak_kib = ok ? peak_rss_kib(r->pid) : -1;
    close_clients();
    stop_server(r);
    if (!ok)
        return -1;
    if (r->m > 0)
        printf("%-34s %5d %3d %5d %10.0f %8.2f %8.2f %8lld %9ld %4d %8.0f\n", r->label, r->n, r->k,
               r->m, r->rate, r->p50_ms, r->p99_ms, r->expected - r->delivered, r->peak_kib,
               r->dropped, r->cpu_us);
    else
        printf("%-34s %5d   -     - %10s %8s %8s %8s %9ld %4s %8s\n", r->label, r->n, "-", "-", "-",
               "-", r->peak_kib, "-", "-");
    fflush(stdout);
    return 0;
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

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0, have_ncat;
    int m100 = quick ? 2000 : 20000, m1000 = quick ? 200 : 2000;
    struct rlimit rl;
    static struct run runs[8];
    size_t i;

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
    if (latency == NULL || epfd < 0 || access(SERVER, X_OK) != 0) {
        fprintf(stderr, "load: needs %s (make chatroom), run from the top directory\n", SERVER);
        return 1;
    }
    have_ncat = system("ncat --version >/dev/null 2>&1") == 0;
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
        if (bench(&runs[i]) != 0 && (sleep(2), bench(&runs[i])) != 0)   /* one retry */
            printf("%-34s FAILED to run (twice)\n", runs[i].label);
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
    close(epfd);
    free(latency);
    return 0;
}
