/*
 * bench.h - what the chat room benchmark's two files share (make bench).
 * Linux only.
 *
 *   load.c   the servers (lesson 06's and ncat --chat), the clients that
 *            join them and count what they receive, the paced and burst
 *            runs, and main();
 *   flood.c  the flood runs: senders that never wait for their lines;
 *   squat.c  one address opens a thousand connections while a class joins.
 */
#ifndef SOCKLAB_BENCH_H
#define SOCKLAB_BENCH_H

#include <sys/types.h>

#define SERVER "lessons/06-chatroom/server"
enum {
    MAX_CONNS = 1100,
    MAX_SENDERS = 16,
    MAX_LINE = 1024,            /* longest payload line we send, newline included */
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
    int gone;                   /* the server closed or reset it */
    int pace;                   /* > 0: reads at most this many bytes a second */
    long long tokens, refilled_us;  /* its token bucket */
    long long got[MAX_SENDERS];     /* payload lines received from each sender */
    long long next[MAX_SENDERS];    /* the sequence number due next from each */
    long long skipped;              /* lines missing before one that arrived */
    long long garbled;              /* markers cut by a chunk of another line */
    int len;
    char buf[8192];
};

struct run {
    const char *label;
    int ncat;                   /* 0: lesson 06's server */
    int n, k, m, slow;          /* clients, senders, lines each, + a never-reader */
    int window;                 /* paced runs: lines a sender keeps in flight */
    int line_bytes;             /* floods: payload line size, newline included */
    int paced_reader;           /* floods: the last reader reads this many bytes/s */
    int sender_sndbuf;          /* floods: the senders' SO_SNDBUF */
    int as_installed;           /* the server's own limits: ncat's 100 connections,
                                 * lesson 06's 4 seats an address (given, so for
                                 * loopback too) */
    pid_t pid;
    int port;
    char log[64];
    /* results */
    double seconds, rate, p50_ms, p99_ms, cpu_us;   /* cpu_us: server CPU per 1000 lines */
    double busy;                /* floods: the server's CPU time / the phase's time */
    long long expected, delivered;
    long peak_kib;
    int dropped;                /* the server's log: "not reading" */
    int probe;                  /* ncat: the connection that proved it listens */
    /* floods */
    long long handed, lost, in_flight, missed, garbled;
    int gone;                   /* members the server closed (seen by the clients) */
    int cut;                    /* a time bound ended it: CUT_SENDING, CUT_DRAINING */
};
enum { CUT_SENDING = 1, CUT_DRAINING = 2 };

extern struct conn conns[MAX_CONNS + 1];
extern int nconns;
extern long long delivered, last_byte_ms;
extern unsigned *latency;       /* histogram of send-to-receipt times */

long long now_us(void);
long long now_ms(void);
int write_marker(char *line, size_t size, int k, long long seq, long long stamp);
void pump(int ms);
void reset_counts(void);
double percentile_ms(double fraction, long long total);
int bench(struct run *r, void (*timed)(struct run *));
void flood_runs(int quick, int have_ncat);
void squat_runs(int have_ncat);
int start_server(struct run *r);
void stop_server(struct run *r);
long peak_rss_kib(pid_t pid);
double cpu_seconds(pid_t pid);

#endif
