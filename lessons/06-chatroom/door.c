/*
 * door.c - who may come in (see server.h). A newcomer gets a seat if the
 * room has one and select() can watch its socket; one address holds at
 * most --per-address seats and joins only a few times in a row, so one
 * machine can't take every seat or flood the room with join notices; and
 * a connection must choose a name within --name-timeout seconds, or its
 * seat goes to someone who will.
 *
 * Notice:
 *   - no descriptor goes into an fd_set it does not fit in, and a spare
 *     descriptor lets us say "room full" even when the system has none left;
 *   - the instructor's own terminals, the tests and the benchmarks all
 *     come from this machine (loopback): the per-address rules leave it
 *     alone unless --per-address is given;
 *   - whoever is turned away is told why, in one line, before the close.
 */
#include "../../common/tcp.h"
#include "server.h"

static const char room_full[] = "* room full: try again later\r\n";

static int per_address_rules_apply(const struct server *sv, const struct sockaddr *peer)
{
    return sv->per_address > 0 && (sv->per_address_given || !net_is_loopback(peer));
}

/* Seats are counted per machine, not per connection: ports aside. */
static int seats_held_by(const struct server *sv, const char *addr)
{
    int seat, n = 0;
    for (seat = 0; seat < sv->room.nseats; seat++)
        n += sv->room.seats[seat].s != NET_INVALID && !sv->room.seats[seat].leave_by &&
             net_same_host(sv->room.seats[seat].addr, addr);
    return n;
}

/* Joins per address, timed like RFC 1459's message timer: each join moves
 * the address's clock JOIN_EVERY_MS on (from now, if it lags behind); a
 * join is refused while that clock is more than JOIN_BURST joins ahead. So
 * a few joins in a row are fine, then one every JOIN_EVERY_MS. The table
 * forgets the address whose clock is furthest in the past. */
static int join_allowed(struct server *sv, const char *addr)
{
    int i, slot = 0;
    for (i = 0; i < JOIN_TABLE && !net_same_host(sv->joins[i].host, addr); i++)
        if (sv->joins[i].clock < sv->joins[slot].clock)
            slot = i;
    if (i < JOIN_TABLE)
        slot = i;
    else {
        strcpy(sv->joins[slot].host, addr);
        sv->joins[slot].clock = sv->now;
    }
    if (sv->joins[slot].clock < sv->now)
        sv->joins[slot].clock = sv->now;
    if (sv->joins[slot].clock - sv->now >= (long long)JOIN_BURST * JOIN_EVERY_MS)
        return 0;
    sv->joins[slot].clock += JOIN_EVERY_MS;
    return 1;
}

/* Why this newcomer can't come in (the line it is told), or NULL. */
static const char *door_closed(struct server *sv, net_socket s, const struct sockaddr *peer,
                               const char *addr)
{
    if (sv->count >= sv->max_clients || !net_fits_fd_set(s, sv->count + 1)) {
        printf("refused %s: room full (%d clients)\n", addr, sv->count);
        return room_full;
    }
    if (!per_address_rules_apply(sv, peer))
        return NULL;
    if (seats_held_by(sv, addr) >= sv->per_address) {
        printf("refused %s: %d seats from that address already\n", addr, sv->per_address);
        return "* too many connections from your address: close one first\r\n";
    }
    if (!join_allowed(sv, addr)) {
        printf("refused %s: joining too often from that address\n", addr);
        return "* too many joins from your address: wait a few seconds\r\n";
    }
    return NULL;
}

static void seat_newcomer(struct server *sv, net_socket s, const struct sockaddr *peer)
{
    int seat = 0;
    char addr[NET_ADDR_TEXT];
    const char *why = door_closed(sv, s, peer, net_addr_text(peer, addr, sizeof addr));
    if (why != NULL) {
        tcp_turn_away(s, why);
        return;
    }
    while (sv->room.seats[seat].s != NET_INVALID)
        seat++;
    sv->room.seats[seat].s = s;
    sv->room.seats[seat].arrived = sv->now;
    line_init(&sv->room.seats[seat].in);
    strcpy(sv->room.seats[seat].addr, addr);
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
            printf("accept() failed: %s (still serving)\n", net_strerror(err));
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
