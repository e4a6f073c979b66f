/*
 * tally.h - the beacon's log of datagrams that are not questions: the first
 * from each address, then one line every TALLY_EVERY_MS with how many came.
 *
 * Anyone can send a beacon junk, 100,000 datagrams a second: a log line for
 * each would bury the log, and a slow console (cmd.exe's) would hold the
 * beacon back. So the first one from an address is logged as it is (what
 * it looks like helps to tell a mistake from a flood), the rest are counted:
 *     "1234 junk datagrams from 10.0.0.7 in the last 10 s, ignored"
 * Addresses are counted without their port: a flood changes ports.
 */
#ifndef SOCKLAB_TALLY_H
#define SOCKLAB_TALLY_H

#include "../../common/net.h"
#include "../../common/log.h"

enum {
    TALLY_EVERY_MS = 10000,     /* one summary line per address, at most this often */
    TALLY_MOST_SENDERS = 8      /* counted one by one; the rest together */
};

struct tally {
    long long since;            /* when the current period began; 0: none began */
    char from[TALLY_MOST_SENDERS][NET_ADDR_TEXT];
    long count[TALLY_MOST_SENDERS];
    int nfrom;
    long others;                /* from addresses beyond the first TALLY_MOST_SENDERS */
};

/* Prints the period's counts (an address with one datagram was logged
 * already) and starts afresh. Call it when tally_due() says so. */
static inline void tally_flush(struct tally *t)
{
    int i;
    for (i = 0; i < t->nfrom; i++)
        if (t->count[i] > 1)
            net_log("%ld junk datagrams from %s in the last %d s, ignored", t->count[i],
                   t->from[i], TALLY_EVERY_MS / 1000);
    if (t->others > 0)
        net_log("%ld junk datagrams from other addresses in the last %d s, ignored", t->others,
               TALLY_EVERY_MS / 1000);
    t->nfrom = 0;
    t->others = 0;
    t->since = 0;
}

/* Milliseconds until the period ends (0: now), or -1 if none is running. */
static inline long long tally_due(const struct tally *t)
{
    long long left = t->since + TALLY_EVERY_MS - net_now_ms();
    return t->since == 0 ? -1 : left > 0 ? left : 0;
}

/* Counts one junk datagram of n bytes from `who` ("host:port"). */
static inline void tally_junk(struct tally *t, const char *who, int n)
{
    char host[NET_ADDR_TEXT];
    const char *colon = strrchr(who, ':');
    size_t len = colon != NULL ? (size_t)(colon - who) : strlen(who);
    int i;
    memcpy(host, who, len);
    host[len] = '\0';
    if (t->since == 0)
        t->since = net_now_ms();
    for (i = 0; i < t->nfrom && strcmp(t->from[i], host) != 0; i++)
        ;
    if (i < t->nfrom) {
        t->count[i]++;
    } else if (t->nfrom < TALLY_MOST_SENDERS) {
        strcpy(t->from[t->nfrom], host);
        t->count[t->nfrom++] = 1;
        net_log("ignored %d bytes from %s: not a question (more from there are counted, "
                "every %d s)", n, who, TALLY_EVERY_MS / 1000);
    } else {
        t->others++;
    }
}

#endif
