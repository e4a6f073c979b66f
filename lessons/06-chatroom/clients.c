/*
 * clients.c - one connection's life in the chat room (see server.h), once
 * door.c has let it in: what the room says to it waits in its outbox until
 * send() takes it; it leaves, with what it was told still delivered, or is
 * dropped for not reading.
 *
 * Notice:
 *   - send() on a non-blocking socket takes what fits and returns; the rest
 *     stays in the outbox. How full the outboxes are is what server.c's
 *     read set obeys: a reader more than BEHIND_MARK behind holds the room
 *     back, so a flood slows to what the readers take;
 *   - only a reader who stops reading is dropped: one whose send() took
 *     nothing for STALL_MS no longer holds anyone back, and its outbox may
 *     then fill to OUTBOX_CAP; one who reads but only a trickle must take
 *     SLOW_BYTES in SLOW_MS, or it would set the pace of the class.
 */
#include "../../common/tcp.h"
#include "server.h"

/* ---- the outbox: what the room says waits here until send() takes it ------ */

static int stalled(const struct server *sv, const struct client *c)
{
    return c->out_len > 0 && sv->now - c->last_sent >= STALL_MS;
}

/* Still reading, and staying: its outbox counts, and the room waits for it. */
static int is_reading(const struct server *sv, const struct client *c)
{
    return !stalled(sv, c) && !c->leave_by;
}

/* Far behind, but still reading: the room waits for this one. */
static int holds_room_back(const struct server *sv, const struct client *c)
{
    return c->out_len > BEHIND_MARK && is_reading(sv, c);
}

/* Room for len more bytes, growing only for a client that needs it.
 * Returns 0, or -1 when memory ran out. */
static int outbox_room(struct client *c, size_t len)
{
    size_t cap = c->out_cap ? c->out_cap : 512;
    char *bigger;
    if (c->out_len + len <= c->out_cap)
        return 0;
    while (cap < c->out_len + len)
        cap *= 2;
    if ((bigger = (char *)realloc(c->out, cap)) == NULL)
        return -1;
    c->out = bigger;
    c->out_cap = cap;
    return 0;
}

/* The room's send(): queues, never waits, never past OUTBOX_CAP; and says
 * at once when this member now holds the room back. */
void queue_text(void *server, int seat, const char *text, size_t len)
{
    struct server *sv = (struct server *)server;
    struct client *c = &sv->clients[seat];
    if (c->overflowed || c->out_len + len > OUTBOX_CAP || outbox_room(c, len) != 0) {
        c->overflowed = 1;              /* never freed mid-broadcast: later */
        return;
    }
    if (c->out_len == 0)
        c->last_sent = sv->now;         /* the stall clock starts with the first byte */
    memcpy(c->out + c->out_len, text, len);
    c->out_len += len;
    if (is_reading(sv, c))
        sv->queued += len;              /* counted as send_outboxes() counts it */
    if (holds_room_back(sv, c) || sv->queued > ROOM_MARK)
        sv->held_back = 1;              /* server.c stops hearing lines at once */
}

/* One send() for everything queued. Returns 0, or -1 if the client is gone. */
static int send_outbox(struct server *sv, struct client *c)
{
    int chunk = c->out_len > 65536 ? 65536 : (int)c->out_len;
    int n = send(c->s, c->out, chunk, 0);
    if (n < 0)
        return net_would_block(net_error()) ? 0 : -1;
    if (n > 0) {
        c->last_sent = sv->now;
        c->taken += (size_t)n;
    }
    memmove(c->out, c->out + n, c->out_len - (size_t)n);
    c->out_len -= (size_t)n;
    return 0;
}

/* A burst is over (nothing queued for a second): give the memory back.
 * Not sooner: during a flood an outbox empties and fills every round, and
 * freeing and growing it again each time cost more than the copying. */
static void outbox_shrink(struct server *sv, struct client *c)
{
    if (c->out_len == 0 && c->out_cap > OUTBOX_KEEP &&
        sv->now - c->last_sent >= OUTBOX_KEEP_MS) {
        free(c->out);
        c->out = NULL;
        c->out_cap = 0;
    }
}

/* Why a reader must go, or NULL. A reader holding the room back must take
 * SLOW_BYTES within SLOW_MS (1.6 KB/s): a trickle would set the pace of a
 * whole class. */
static const char *too_slow(struct server *sv, struct client *c)
{
    if (c->overflowed)
        return "dropped: not reading (256 KiB behind)";
    if (!c->slow_since && holds_room_back(sv, c)) {
        c->slow_since = sv->now;
        c->taken = 0;
    } else if (c->slow_since && sv->now - c->slow_since >= SLOW_MS) {
        if (c->taken < SLOW_BYTES && holds_room_back(sv, c))
            return "dropped: reading too slowly (under 16 KiB in 10 s)";
        c->slow_since = 0;
    }
    return NULL;
}

static void close_seat(struct server *sv, int seat, int reset);

/* After the reads: one send() per client with something queued, however
 * many lines the round produced for it; then, is anyone still far behind? */
void send_outboxes(struct server *sv)
{
    int seat;
    const char *why;
    sv->held_back = 0;
    sv->queued = 0;
    for (seat = 0; seat < sv->max_clients; seat++) {
        struct client *c = &sv->clients[seat];
        if (c->s == NET_INVALID)
            continue;
        if (c->out_len > 0 && !c->overflowed && send_outbox(sv, c) != 0) {
            if (c->leave_by)
                close_seat(sv, seat, 0);        /* gone before the goodbye: fine */
            else
                drop_client(sv, seat, "dropped: send() failed (gone)");
        } else if (c->leave_by) {
            if (c->out_len == 0 || sv->now >= c->leave_by)
                close_seat(sv, seat, 0);
        } else if ((why = too_slow(sv, c)) != NULL || (why = no_name_yet(sv, seat)) != NULL) {
            drop_client(sv, seat, why);
        } else if (is_reading(sv, c)) {
            outbox_shrink(sv, c);
            sv->queued += c->out_len;
            sv->held_back |= holds_room_back(sv, c);
        }
    }
    sv->held_back |= sv->queued > ROOM_MARK;
}

/* ---- leaving --------------------------------------------------------------- */

/* reset: a reader far behind. The system would keep trying, for minutes,
 * to deliver what it holds for it; a reset ends that at once. */
static void close_seat(struct server *sv, int seat, int reset)
{
    struct client *c = &sv->clients[seat];
    if (reset) {
        struct linger now = {1, 0};
        setsockopt(c->s, SOL_SOCKET, SO_LINGER, (const char *)&now, sizeof now);
        net_close(c->s);
    } else {
        tcp_close_after_reading(c->s);
    }
    free(c->out);
    memset(c, 0, sizeof *c);
    c->s = NET_INVALID;
    sv->count--;
}

/* It leaves the room now; its connection stays until what it was told
 * (a /who, "* bye") has gone out, GOODBYE_MS at most, never holding the
 * room meanwhile. A reader dropped for being behind is reset at once. */
void drop_client(struct server *sv, int seat, const char *why)
{
    struct client *c = &sv->clients[seat];
    struct member *m = &sv->members[seat];
    if (m->named)
        printf("%s %s (%d here)\n", m->name, why, sv->room.present - 1);
    else
        printf("%s %s before choosing a name\n", c->addr, why);
    room_depart(&sv->room, seat);
    if (c->overflowed) {
        close_seat(sv, seat, 1);
    } else {
        c->leave_by = sv->now + GOODBYE_MS;
        if (send_outbox(sv, c) != 0 || c->out_len == 0)
            close_seat(sv, seat, 0);
    }
}
