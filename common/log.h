/*
 * log.h - a server's log that no console can stall and no client can fill.
 *
 * Two dangers, both found in class: a log console that reads slowly (cmd.exe
 * writes about 20 KB/s) made the room wait on every printf(); and anything
 * one client can repeat (a refused connection, a /msg) was one log line each
 * time, 100,000 lines in 5 s from a script. So:
 *   - net_log() never waits: it copies the line into a bounded buffer, and
 *     a small writer thread (thread.h: pthreads on POSIX, CreateThread on
 *     Windows) writes it out. When the buffer is full the line is DROPPED
 *     and counted, and the count is logged once the console has caught up;
 *   - net_log_often() logs the first of a repeated event in full, then only
 *     counts it: "412 connections refused from ADDR in the last 10 s".
 * Lines stay whole and in order: one writer, one buffer. Before
 * net_log_start() and after net_log_stop(), net_log() is a plain printf()
 * (the "port N" line and the goodbye are never dropped). stdout itself is
 * never made non-blocking, so nothing is left so for the shell after exit.
 *
 * The log is one for the whole program, whichever file logs: the file with
 * main() holds it, by writing NET_LOG_HERE; once at file level. (A static
 * variable in a header would be one copy per .c file: net.h says why.)
 */
#ifndef SOCKLAB_LOG_H
#define SOCKLAB_LOG_H

#include "net.h"
#include "thread.h"

enum {
    NET_LOG_BUFFER = 64 * 1024, /* lines waiting for the console: ~1000 */
    NET_LOG_LINE = 1024,        /* one line at most; longer ones are cut */
    NET_LOG_WINDOW_MS = 10000,  /* a repeated event is summed up over 10 s */
    NET_LOG_EVENTS = 64         /* repeated events counted at once */
};

struct net_log {
    int started, stopping;
    char ring[NET_LOG_BUFFER];  /* bytes from `head` on, `used` of them, wrapping */
    size_t head, used;
    long dropped;               /* lines the buffer had no room for */
    struct {
        const char *what;       /* "connections refused from" */
        char who[NET_ADDR_TEXT];
        long count;             /* 0: a free entry */
        long long since;
    } events[NET_LOG_EVENTS];
    struct net_lock lock;       /* for all of the above */
    net_thread writer;
};

extern struct net_log net_log_shared;
#define NET_LOG_HERE struct net_log net_log_shared

/* No writer yet (or any more): one thread, nothing to share. */
static inline void net_log_lock(struct net_log *lg, int on)
{
    if (lg->started)
        net_lock_hold(&lg->lock, on);
}

/* ---- the buffer -------------------------------------------------------- */

/* Called with the lock held. Without a writer, the line goes out at once. */
static inline void net_log_put(struct net_log *lg, const char *line, size_t len)
{
    size_t at, first;
    if (!lg->started) {
        fwrite(line, 1, len, stdout);
        fflush(stdout);
        return;
    }
    if (lg->used + len > sizeof lg->ring) {
        lg->dropped++;          /* the console is behind: never wait for it */
        return;
    }
    at = (lg->head + lg->used) % sizeof lg->ring;
    first = len < sizeof lg->ring - at ? len : sizeof lg->ring - at;
    memcpy(lg->ring + at, line, first);
    memcpy(lg->ring, line + first, len - first);
    lg->used += len;
    net_lock_wake(&lg->lock);
}

/* Formats one line (a newline added) and puts it in the buffer. */
static inline void net_log_line(struct net_log *lg, const char *fmt, va_list ap)
{
    char line[NET_LOG_LINE];
    int len = vsnprintf(line, sizeof line - 1, fmt, ap);
    if (len < 0)
        return;
    if (len > (int)sizeof line - 2)
        len = (int)sizeof line - 2;     /* vsnprintf says how long it WOULD be */
    line[len++] = '\n';
    net_log_put(lg, line, (size_t)len);
}

/* One line for a repeated event, if it happened more than once; frees it. */
static inline void net_log_sum_up_one(struct net_log *lg, int i, long long now)
{
    char line[NET_LOG_LINE];
    int len;
    if (lg->events[i].count > 1) {
        len = snprintf(line, sizeof line, "%ld %s%s%s in the last %lld s\n", lg->events[i].count,
                       lg->events[i].what, lg->events[i].who[0] ? " " : "", lg->events[i].who,
                       (now - lg->events[i].since + 999) / 1000);
        net_log_put(lg, line, len < (int)sizeof line ? (size_t)len : sizeof line - 1);
    }
    lg->events[i].count = 0;
}

/* Sums up each repeated event whose window has ended (all if `all`). */
static inline void net_log_sum_up(struct net_log *lg, long long now, int all)
{
    int i;
    for (i = 0; i < NET_LOG_EVENTS; i++)
        if (lg->events[i].count > 0 && (all || now - lg->events[i].since >= NET_LOG_WINDOW_MS))
            net_log_sum_up_one(lg, i, now);
}

/* ---- the writer thread ------------------------------------------------- */

static inline void net_log_write_out(struct net_log *lg)
{
    char note[100];
    net_log_lock(lg, 1);
    for (;;) {
        net_log_sum_up(lg, net_now_ms(), lg->stopping);
        if (lg->used == 0 && lg->dropped > 0) {     /* caught up: say what was lost */
            snprintf(note, sizeof note, "(%ld log lines dropped: the console was too slow)\n",
                     lg->dropped);
            lg->dropped = 0;
            net_log_put(lg, note, strlen(note));
        }
        if (lg->used > 0) {     /* bytes in [head, head+n) are ours till head moves */
            size_t n = sizeof lg->ring - lg->head;          /* up to the wrap */
            if (n > lg->used)
                n = lg->used;
            net_log_lock(lg, 0);
            fwrite(lg->ring + lg->head, 1, n, stdout);      /* this may be slow */
            fflush(stdout);
            net_log_lock(lg, 1);
            lg->head = (lg->head + n) % sizeof lg->ring;
            lg->used -= n;
        } else if (lg->stopping) {
            break;
        } else {
            net_lock_wait(&lg->lock, 1000);     /* or summaries fall due */
        }
    }
    net_log_lock(lg, 0);
}

static inline NET_THREAD_FN(net_log_writer, lg)
{
    net_log_write_out((struct net_log *)lg);
    return 0;
}

/* ---- what servers call ------------------------------------------------- */

/* After the server's first lines ("port N"): from now on net_log() never
 * waits. If no thread can start, the log stays a plain printf(). */
static inline void net_log_start(void)
{
    struct net_log *lg = &net_log_shared;
    fflush(stdout);
    net_lock_init(&lg->lock);
    lg->started = net_thread_start(&lg->writer, net_log_writer, lg) == 0;
}

/* Before the last lines: sums up what was counted, waits until every line
 * kept has been written, and makes net_log() a plain printf() again. */
static inline void net_log_stop(void)
{
    struct net_log *lg = &net_log_shared;
    if (!lg->started)
        return;
    net_log_lock(lg, 1);
    lg->stopping = 1;
    net_lock_wake(&lg->lock);
    net_log_lock(lg, 0);
    net_thread_join(lg->writer);
    lg->started = 0;
}

/* printf() for the log: one line, without its newline. */
static inline void net_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    net_log_lock(&net_log_shared, 1);
    net_log_line(&net_log_shared, fmt, ap);
    net_log_lock(&net_log_shared, 0);
    va_end(ap);
}

/* An event that one client can repeat: `who` (an address, a name) did
 * `what` ("connections refused from"). The first in NET_LOG_WINDOW_MS is
 * logged in full (fmt...); the others only counted, and summed up in one
 * line when the window ends. */
static inline void net_log_often(const char *what, const char *who, const char *fmt, ...)
{
    struct net_log *lg = &net_log_shared;
    long long now = net_now_ms();
    int i, slot = 0;
    va_list ap;
    net_log_lock(lg, 1);
    net_log_sum_up(lg, now, 0);                 /* without a writer, now is the time */
    for (i = 0; i < NET_LOG_EVENTS; i++) {
        if (lg->events[i].count > 0 && strcmp(lg->events[i].what, what) == 0 &&
            strcmp(lg->events[i].who, who) == 0)
            break;
        if (lg->events[i].count == 0 || (lg->events[slot].count > 0 &&
                                         lg->events[i].since < lg->events[slot].since))
            slot = i;                           /* a free entry, else the oldest */
    }
    if (i < NET_LOG_EVENTS) {
        lg->events[i].count++;                  /* said already: counted */
    } else {
        if (lg->events[slot].count > 0)         /* the table is full: sum it up now */
            net_log_sum_up_one(lg, slot, now);
        lg->events[slot].what = what;
        snprintf(lg->events[slot].who, sizeof lg->events[slot].who, "%s", who);
        lg->events[slot].count = 1;
        lg->events[slot].since = now;
        va_start(ap, fmt);
        net_log_line(lg, fmt, ap);
        va_end(ap);
    }
    net_log_lock(lg, 0);
}

#endif
