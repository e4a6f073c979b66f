/*
 * flood.c - the flood runs of the chat room benchmark (make bench,
 * tests/bench/load --flood). Linux only.
 *
 * FLOOD_SENDERS members paste lines as fast as the server takes them: each
 * keeps its socket full and never waits for its lines to come back (a
 * paste, a bot, `yes | nc`). The same flood goes to lesson 06's server and
 * to ncat --chat, with 100 and 1000 members, 64-byte and 1 KiB lines, every
 * reader fast, or one reader held to 1 MB/s (a token bucket behind a small
 * receive buffer, like a terminal that draws slowly).
 *
 * A phase: the senders send M lines each, for at most 5 s; then the readers
 * take what is still on its way, until every line arrived, nothing came for
 * 2 s, or 10 s passed (2 s, 1 s and 4 s with --quick, which also leaves out
 * the 1 MB/s reader at 1000 members). A line is handed to the server when
 * send() took its last byte.
 *   - cpu/1k: the server's CPU time (user + system) per 1000 lines
 *     delivered, in microseconds; busy: its CPU time over the phase's. A
 *     server under 100% busy was not what set the pace: the generator, on
 *     the same machine, or the machine's other work was;
 *   - lost: a handed line that a member still connected at the end never
 *     got (counted for every such member that missed it);
 *   - dropped: a member the server closed during the phase. What it missed
 *     is not "lost"; it is the "missed" figure;
 *   - garbled (ncat only): a line whose marker came cut by a chunk of
 *     another line (see unprefixed() in load.c). It came, so it is not lost;
 *   - cut: a time bound ended the phase. "sending": the senders could not
 *     hand all their lines in time (the server slowed them); "draining":
 *     lines were still arriving at the end. Those not there yet are "in
 *     flight", not lost; only the ones missing before a later line from the
 *     same sender (which can never come: TCP keeps order) count as lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

enum {
    FLOOD_SENDERS = 5,          /* members who flood at once */
    BATCH_BYTES = 16384,        /* lines a sender writes before it sends them */
    SENDS_PER_ROUND = 4,        /* send()s per sender between two reads */
    SENDER_SNDBUF = 65536,      /* a flooder's own queue: small, so what is "handed"
                                 * is soon in the server's hands, and the drain short */
    PACE_BYTES = 1000000,       /* the slow reader: 1 MB/s */
    CHECK_MS = 20               /* how often the drain counts what is missing */
};

struct sender {
    char buf[BATCH_BYTES];
    int len, off;               /* buf[off..len) is not sent yet */
    long long built;            /* lines written so far */
    long long taken;            /* bytes send() took */
    int gone;                   /* send() failed: the server closed it */
};

static struct sender senders[FLOOD_SENDERS];
static int send_ms, drain_ms, quiet_end_ms;

/* Lines whose last byte the server's side took. Lines are all one size. */
static long long handed(const struct run *r, int k)
{
    return senders[k].taken / r->line_bytes;
}

/* The next batch: as many whole lines as fit, each stamped with its time. */
static void write_batch(const struct run *r, struct sender *s, int k)
{
    long long stamp = now_us();
    s->len = s->off = 0;
    while (s->built < r->m && s->len + r->line_bytes <= BATCH_BYTES) {
        char *line = s->buf + s->len;
        int head = write_marker(line, (size_t)r->line_bytes, k, s->built, stamp);
        memset(line + head, 'x', (size_t)(r->line_bytes - 1 - head));
        line[r->line_bytes - 1] = '\n';
        s->len += r->line_bytes;
        s->built++;
    }
}

/* Every sender sends what its socket takes, and never waits. Returns 1
 * when all of them are done (all lines handed, or closed by the server). */
static int feed_senders(const struct run *r)
{
    int k, i, done = 0;
    for (k = 0; k < r->k; k++) {
        struct sender *s = &senders[k];
        for (i = 0; i < SENDS_PER_ROUND && !s->gone; i++) {
            ssize_t n;
            if (s->off == s->len && s->built == r->m)
                break;
            if (s->off == s->len)
                write_batch(r, s, k);
            n = send(conns[k].fd, s->buf + s->off, (size_t)(s->len - s->off), MSG_NOSIGNAL);
            if (n < 0) {
                s->gone = errno != EAGAIN && errno != EINTR;
                break;                  /* full: the server has not read it yet */
            }
            s->off += (int)n;
            s->taken += n;
        }
        done += s->gone || (s->off == s->len && s->built == r->m);
    }
    return done == r->k;
}

/* Lines handed that the members still connected have not got; *skipped:
 * those of them missing before a later line from the same sender; *garbled:
 * those of them that came with their marker cut (ncat). */
static long long missing(const struct run *r, long long *skipped, long long *garbled)
{
    long long left = 0;
    int i, k;
    *skipped = *garbled = 0;
    for (i = 0; i < nconns; i++) {
        if (!conns[i].reads || conns[i].gone)
            continue;
        for (k = 0; k < r->k; k++)
            if (k != conns[i].sender && handed(r, k) > conns[i].got[k])
                left += handed(r, k) - conns[i].got[k];
        *skipped += conns[i].skipped;
        *garbled += conns[i].garbled;
    }
    return left;
}

/* What the dropped members did not get, and how many they are. */
static void count_dropped(struct run *r)
{
    int i, k;
    r->gone = 0;
    r->missed = 0;
    for (i = 0; i < nconns; i++) {
        if (!conns[i].reads || !conns[i].gone)
            continue;
        r->gone++;
        for (k = 0; k < r->k; k++)
            if (k != conns[i].sender && handed(r, k) > conns[i].got[k])
                r->missed += handed(r, k) - conns[i].got[k];
    }
}

/* The timed part of a flood run (bench() calls it). */
static void flood(struct run *r)
{
    long long start, until, left = 1, skipped = 0, garbled = 0, checked = 0;
    int k, sent_all;
    double cpu = cpu_seconds(r->pid);
    memset(senders, 0, sizeof senders);
    reset_counts();
    start = last_byte_ms = now_ms();
    for (until = start + send_ms; !(sent_all = feed_senders(r)) && now_ms() < until;)
        pump(1);
    if (!sent_all)
        r->cut = CUT_SENDING;
    for (until = now_ms() + drain_ms; left > 0;) {     /* the drain */
        pump(1);
        if (now_ms() - checked < CHECK_MS)
            continue;
        checked = now_ms();
        left = missing(r, &skipped, &garbled) - garbled;
        if (left > 0 && checked - last_byte_ms > quiet_end_ms)
            break;                      /* nothing more is coming */
        if (left > 0 && checked >= until) {
            r->cut |= CUT_DRAINING;
            break;
        }
    }
    /* a garbled line came, cut up: not lost, and counted on its own */
    left = missing(r, &skipped, &garbled);
    r->garbled = garbled;
    r->lost = (r->cut & CUT_DRAINING ? skipped : left) - garbled;
    r->lost = r->lost < 0 ? 0 : r->lost;
    r->in_flight = r->cut & CUT_DRAINING ? left - skipped : 0;
    count_dropped(r);
    for (r->handed = 0, k = 0; k < r->k; k++)
        r->handed += handed(r, k);
    r->delivered = delivered;
    r->seconds = (last_byte_ms - start) / 1000.0;
    r->rate = r->seconds > 0 ? delivered / r->seconds : 0;
    r->p50_ms = percentile_ms(0.50, delivered);
    r->p99_ms = percentile_ms(0.99, delivered);
    cpu = cpu_seconds(r->pid) - cpu;
    r->cpu_us = delivered ? cpu * 1e9 / (double)delivered : 0;
    r->busy = r->seconds > 0 ? cpu / r->seconds : 0;
}

static void print_flood(const struct run *r)
{
    char cut[64] = "";
    if (r->cut & CUT_SENDING)
        snprintf(cut, sizeof cut, "sending");
    if (r->cut & CUT_DRAINING)
        snprintf(cut + strlen(cut), sizeof cut - strlen(cut), "%sdraining (%lld in flight)",
                 r->cut & CUT_SENDING ? ", " : "", r->in_flight);
    printf("%-12s %5d %5d %5s %6.1f %10.0f %8.1f %8.1f %8lld %4d %9lld %7lld %9ld %7.0f %5.0f%%  %s\n",
           r->label, r->n, r->line_bytes, r->paced_reader ? "1MB/s" : "-",
           100.0 * (double)r->handed / ((double)r->k * r->m), r->rate, r->p50_ms, r->p99_ms,
           r->lost, r->gone, r->missed, r->garbled, r->peak_kib, r->cpu_us, 100 * r->busy, cut);
}

static void plan_flood(struct run *r, int ncat, int n, int line_bytes, int paced)
{
    /* about 20 million 64-byte deliveries, or 2 million of 1 KiB: a few
     * seconds of lesson 06's server today. Not fewer when quick: a smaller
     * flood does not fill a 1000-member room's outboxes (joining takes most
     * of the time anyway); --quick only cuts the time bounds. */
    long long deliveries = line_bytes < 256 ? 20000000 : 2000000;
    memset(r, 0, sizeof *r);
    r->label = ncat ? "ncat --chat" : "lesson 06";
    r->ncat = ncat;
    r->n = n;
    r->k = FLOOD_SENDERS;
    r->m = (int)(deliveries / (n - 1) / FLOOD_SENDERS);
    r->line_bytes = line_bytes;
    r->paced_reader = paced ? PACE_BYTES : 0;
    r->sender_sndbuf = SENDER_SNDBUF;
}

/* Every scenario against lesson 06's server, then ncat --chat. */
void flood_runs(int quick, int have_ncat)
{
    static const int scenarios[][3] = {     /* members, line bytes, one reader paced */
        {100, 64, 0}, {100, 64, 1}, {100, MAX_LINE, 0}, {100, MAX_LINE, 1},
        {1000, 64, 0}, {1000, 64, 1}, {1000, MAX_LINE, 0}, {1000, MAX_LINE, 1}
    };
    static struct run runs[8][2];
    int i, s;
    send_ms = quick ? 2000 : 5000;
    drain_ms = quick ? 4000 : 10000;
    quiet_end_ms = quick ? 1000 : 2000;
    printf("\nfloods: %d senders never wait; a phase sends for at most %.0f s, drains for at most "
           "%.0f s%s\n", FLOOD_SENDERS, send_ms / 1000.0, drain_ms / 1000.0,
           quick ? " (quick: not the 1 MB/s reader at 1000)" : "");
    printf("%-12s %5s %5s %5s %6s %10s %8s %8s %8s %4s %9s %7s %9s %7s %6s  %s\n", "server", "N",
           "line", "slow", "taken%", "lines/s", "p50 ms", "p99 ms", "lost", "drop", "missed",
           "garbled", "peak KiB", "cpu/1k", "busy", "cut by a time bound");
    for (i = 0; i < 8; i++) {
        for (s = 0; s < 2; s++) {
            struct run *r = &runs[i][s];
            plan_flood(r, s, scenarios[i][0], scenarios[i][1], scenarios[i][2]);
            if (getenv("FLOOD_ONLY") != NULL && atoi(getenv("FLOOD_ONLY")) != i)
                continue;               /* for a closer look at one: FLOOD_ONLY=INDEX */
            if (quick && scenarios[i][0] >= 1000 && scenarios[i][2])
                continue;               /* 11 s a pair, mostly joining: not when quick */
            if (s == 1 && !have_ncat) {
                printf("%-12s (ncat not installed: skipped)\n", r->label);
                continue;
            }
            if (bench(r, flood) != 0 && (sleep(2), bench(r, flood)) != 0) {     /* one retry */
                printf("%-12s FAILED to run (twice)\n", r->label);
                r->rate = 0;
                continue;
            }
            print_flood(r);
        }
    }
    for (i = 0; i < 8; i++) {
        struct run *ours = &runs[i][0];
        char note[80] = "";
        if (ours->rate <= 0 || runs[i][1].rate <= 0)
            continue;
        if (ours->gone > 0)             /* fewer readers, fewer lines: a faster rate */
            snprintf(note, sizeof note, " (not the same work: lesson 06 dropped %d)", ours->gone);
        printf("flood, %d members, %d-byte lines%s: lesson 06 / ncat --chat, lines/s: %.2fx%s\n",
               scenarios[i][0], scenarios[i][1], scenarios[i][2] ? ", one reader at 1 MB/s" : "",
               ours->rate / runs[i][1].rate, note);
    }
}
