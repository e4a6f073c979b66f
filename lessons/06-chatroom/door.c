/*
 * door.c - who may come in (see server.h). A newcomer gets a seat if the
 * room has one and select() can watch its socket; one machine holds at
 * most --per-address seats and joins only a few times in a row, and the
 * whole room only so many a second (common/joins.h), so neither one
 * machine nor many addresses can take every seat or flood the room with
 * join notices; and a connection must choose a name within --name-timeout
 * seconds, or its seat goes to someone who will.
 *
 * Notice:
 *   - no descriptor goes into an fd_set it does not fit in, and a spare
 *     descriptor lets us say "room full" even when the system has none left;
 *   - a machine is an address, but an IPv6 address from another network
 *     counts as its /64 (net_machine_key()): a laptop behind a router may use
 *     any address of its /64; on our own LAN's /64, each is a classmate;
 *   - a class behind one address (a school's NAT) is one machine to us:
 *     --per-address 40 gives that address 40 seats and the joins to take
 *     them at once; whoever is refused for it is told so;
 *   - the instructor's own terminals, the tests and the benchmarks all
 *     come from this machine (loopback): the per-address rules leave it
 *     alone unless --per-address is given;
 *   - whoever is turned away is told why, in one line, before the close,
 *     and the log counts refusals instead of printing each (common/log.h);
 *   - how long a member held the room back is charged to its machine
 *     (hold_clock_of()), which keeps it after the member goes: or a
 *     machine's seats would take turns, and rejoin with a clean slate.
 */
#include "../../common/tcp.h"
#include "../../common/log.h"
#include "server.h"

static const char room_full[] = "* room full: try again later\r\n";

static const char shared[] = "* too many connections from your address: close one first. "
    "A class sharing one address (school Wi-Fi, NAT)? The teacher can start the server "
    "with --per-address 40\r\n";

static int per_address_rules_apply(const struct server *sv, const struct sockaddr *peer)
{
    return sv->per_address_given || !net_is_loopback(peer);
}

/* Seats are counted per machine, not per connection: ports aside. */
static int seats_held_by(const struct server *sv, const char *machine)
{
    int seat, n = 0;
    for (seat = 0; seat < sv->room.nseats; seat++) {
        const struct member *m = &sv->room.seats[seat];
        n += m->s != NET_INVALID && !m->leave_by && strcmp(m->machine, machine) == 0;
    }
    return n;
}

/* Why this newcomer can't come in (the line it is told), or NULL. The log
 * gets one line per machine and 10 s, however many are refused (log.h). */
static const char *door_closed(struct server *sv, net_socket s, const struct sockaddr *peer,
                               const char *addr, const char *machine)
{
    static const char often[] = "connections refused from";
    static const char nat[] = "a class behind one address: --per-address 40";
    if (sv->count >= sv->max_clients || !net_fits_fd_set(s, sv->count + 1)) {
        net_log_often(often, machine, "refused %s: room full (%d clients)", addr, sv->count);
        return room_full;
    }
    if (!per_address_rules_apply(sv, peer))
        return NULL;
    if (sv->per_address > 0 && seats_held_by(sv, machine) >= sv->per_address) {
        net_log_often(often, machine, "refused %s: %d seats from that address already "
                      "(--per-address %d; %s)", addr, sv->per_address, sv->per_address, nat);
        return shared;
    }
    switch (net_join(&sv->joins, machine, sv->now, sv->per_address)) {
    case NET_JOIN_MACHINE_WAIT:
        net_log_often(often, machine, "refused %s: joining too often from that address "
                      "(--per-address %d; %s)", addr, sv->per_address, nat);
        return "* too many joins from your address: wait a few seconds. A class sharing one "
               "address? The teacher can start the server with --per-address 40\r\n";
    case NET_JOIN_ROOM_WAIT:
        net_log_often(often, machine, "refused %s: too many joining at once, from all "
                      "addresses (%d at once, then 4 a second)", addr,
                      (int)net_room_burst(sv->per_address));
        return "* too many people joining at once: wait a few seconds and try again\r\n";
    default:
        return NULL;
    }
}

static void seat_newcomer(struct server *sv, net_socket s, const struct sockaddr *peer)
{
    int seat = 0;
    char addr[NET_ADDR_TEXT], machine[NET_ADDR_TEXT];
    const char *why;
    net_addr_text(peer, addr, sizeof addr);
    net_machine_key(s, machine, sizeof machine);
    if ((why = door_closed(sv, s, peer, addr, machine)) != NULL) {
        tcp_turn_away(s, why);
        return;
    }
    while (sv->room.seats[seat].s != NET_INVALID)
        seat++;
    sv->room.seats[seat].s = s;
    sv->room.seats[seat].arrived = sv->now;
    line_init(&sv->room.seats[seat].in);
    strcpy(sv->room.seats[seat].addr, addr);
    /* what its seats and hold clock count on; this machine's own connections
     * each count alone, unless --per-address was given */
    strcpy(sv->room.seats[seat].machine, per_address_rules_apply(sv, peer) ? machine : addr);
    net_set_nonblocking(s);
    net_no_delay(s);                    /* we gather each round's lines ourselves */
    net_keepalive(s, NET_KEEPALIVE_IDLE_S, NET_KEEPALIVE_INTERVAL_S, NET_KEEPALIVE_COUNT);
    sv->count++;
    room_arrive(&sv->room, seat);
}

void accept_newcomers(struct server *sv)
{
    int i, err;
    for (i = 0; i < ACCEPTS_PER_ROUND; i++) {
        struct sockaddr_storage peer;
        socklen_t len = (socklen_t)sizeof peer;
        net_socket s = accept(sv->listener, (struct sockaddr *)&peer, &len);
        if (s == NET_INVALID) {
            err = net_error();
            if (net_would_block(err))
                return;                 /* nobody else is waiting */
            net_log_often("accept() failures:", net_strerror(err),
                          "accept() failed: %s (still serving)", net_strerror(err));
            tcp_turn_away_when_out_of_descriptors(sv->listener, &sv->spare, err, room_full);
            return;
        }
        seat_newcomer(sv, s, (struct sockaddr *)&peer);
    }
}

/* A connection that has not chosen a name in time is told so, and its seat
 * freed: silent connections must not fill the room. */
const char *no_name_yet(struct server *sv, int seat)
{
    static const char told[] = "* no name in time: goodbye\r\n";
    if (sv->room.seats[seat].named || sv->now - sv->room.seats[seat].arrived < sv->name_timeout_ms)
        return NULL;
    queue_text(sv, seat, told, sizeof told - 1);
    return "dropped: chose no name in time";
}

/* The clock a machine pays on for holding the room back (server.c's
 * judge_members()): a table like the joins' (joins.h), which forgets the
 * clock furthest behind; one behind now owes nothing. */
long long *hold_clock_of(struct server *sv, const char *machine)
{
    return net_join_clock(&sv->holds, machine, sv->now);
}
