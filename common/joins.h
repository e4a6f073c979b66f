/*
 * joins.h - how often newcomers may come in, per machine and for the whole
 * room: the door of lessons 05 and 06 (their seats per machine are theirs).
 *
 * Each join moves a clock on, as RFC 1459's message timer does: the clock
 * moves `every` ms per join (from now, if it lags behind), and a join is
 * refused while the clock is more than `burst` joins ahead. So a burst is
 * fine, then one every `every` ms. Two clocks:
 *   - one per machine (net_machine_key(): behind a router, an IPv6
 *     laptop's whole /64 is one machine): 5 joins at once, then one every
 *     2 s, so one machine can't flood the room with join notices;
 *   - one for the room: a class at once (40, plus --per-address: 44),
 *     then 4 joins a second, so no
 *     number of addresses can either (256 addresses took 1019 seats in 7.5 s).
 * A class behind one address (a school's NAT) is one machine to us: the
 * option that gives an address its seats (--per-address 40) gives it the
 * joins to take them at once, and the room a burst that large as well.
 */
#ifndef SOCKLAB_JOINS_H
#define SOCKLAB_JOINS_H

#include "net.h"

enum {
    NET_JOIN_BURST = 5,         /* joins in a row from one machine, then ... */
    NET_JOIN_EVERY_MS = 2000,   /* ... one every 2 s */
    NET_ROOM_JOIN_BURST = 40,   /* a class that arrives together, then ... */
    NET_ROOM_JOIN_EVERY_MS = 250,   /* ... 4 a second, from all machines together */
    /* Machines remembered. Only a machine whose clock is ahead of now needs
     * remembering, and one is ahead at most 10 s (5 joins x 2 s) after it
     * joined: the room lets 44 + 10 s x 4 = 84 joins in in 10 s, so 84
     * machines at most. The table forgets the one furthest behind. (With a
     * larger --per-address that bound grows; forgetting then gives a machine
     * a fresh burst, still within the room's.) */
    NET_JOIN_TABLE = 256
};

enum net_join_answer { NET_JOIN_IN, NET_JOIN_MACHINE_WAIT, NET_JOIN_ROOM_WAIT };

struct net_joins {              /* all zero to start with */
    long long room_clock;
    struct {
        char machine[NET_ADDR_TEXT];    /* net_machine_key() */
        long long clock;
    } machines[NET_JOIN_TABLE];
};

/* Joins in a row: per machine, what --per-address gives an address (0: no
 * limit), if that is more than the usual; for the room, a class plus that. */
static inline long long net_machine_burst(int per_address)
{
    return per_address == 0 ? 1000000 : per_address > NET_JOIN_BURST ? per_address : NET_JOIN_BURST;
}

static inline long long net_room_burst(int per_address)
{
    return NET_ROOM_JOIN_BURST + per_address;
}

/* The table entry of `machine`: found, or the one furthest behind, reused. */
static inline long long *net_join_clock(struct net_joins *j, const char *machine, long long now)
{
    int i, slot = 0;
    for (i = 0; i < NET_JOIN_TABLE && strcmp(j->machines[i].machine, machine) != 0; i++)
        if (j->machines[i].clock < j->machines[slot].clock)
            slot = i;
    if (i < NET_JOIN_TABLE)
        slot = i;
    else {
        snprintf(j->machines[slot].machine, sizeof j->machines[slot].machine, "%s", machine);
        j->machines[slot].clock = now;
    }
    if (j->machines[slot].clock < now)
        j->machines[slot].clock = now;
    return &j->machines[slot].clock;
}

/* May a newcomer from `machine` (net_machine_key()) come in now? If so,
 * both clocks move on; if not, neither does. */
static inline enum net_join_answer net_join(struct net_joins *j, const char *machine, long long now,
                                            int per_address)
{
    long long *clock = net_join_clock(j, machine, now);
    if (j->room_clock < now)
        j->room_clock = now;
    if (*clock - now >= net_machine_burst(per_address) * NET_JOIN_EVERY_MS)
        return NET_JOIN_MACHINE_WAIT;
    if (j->room_clock - now >= net_room_burst(per_address) * NET_ROOM_JOIN_EVERY_MS)
        return NET_JOIN_ROOM_WAIT;
    *clock += NET_JOIN_EVERY_MS;
    j->room_clock += NET_ROOM_JOIN_EVERY_MS;
    return NET_JOIN_IN;
}

#endif
