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
#include "../../common/log.h"
#include "server.h"

/* ---- the outbox: what the room says waits here until send() takes it ------ */

static int stalled(const struct server *sv, const struct member *m)
{
    return m->out_len > 0 && sv->now - m->last_sent >= STALL_MS;
}

/* Still reading, and staying: its outbox counts, and the room waits for it. */
static int is_reading(const struct server *sv, const struct member *m)
{
    return !stalled(sv, m) && !m->leave_by;
}

/* Far behind, but still reading: the room waits for this one. */
static int holds_room_back(const struct server *sv, const struct member *m)
{
    return m->out_len > BEHIND_MARK && is_reading(sv, m);
}

/* Room for len more bytes, growing only for a client that needs it.
 * Returns 0, or -1 when memory ran out. */
static int outbox_room(struct member *m, size_t len)
{
    size_t cap = m->out_cap ? m->out_cap : 512;
    char *bigger;
    if (m->out_len + len <= m->out_cap)
        return 0;
    while (cap < m->out_len + len)
        cap *= 2;
    if ((bigger = (char *)realloc(m->out, cap)) == NULL)
        return -1;
    m->out = bigger;
    m->out_cap = cap;
    return 0;
}

/* The room's send(): queues, never waits, never past OUTBOX_CAP; and says
 * at once when this member now holds the room back. */
void queue_text(struct server *sv, int seat, const char *text, size_t len)
{
    struct member *m = &sv->room.seats[seat];
    if (m->overflowed || m->out_len + len > OUTBOX_CAP || outbox_room(m, len) != 0) {
        m->overflowed = 1;              /* never freed mid-broadcast: later */
        return;
    }
    if (m->out_len == 0)
        m->last_sent = sv->now;         /* the stall clock starts with the first byte */
    memcpy(m->out + m->out_len, text, len);
    m->out_len += len;
    TRACE(sv->trace, "%d %s: queued %lu bytes", (int)m->s, m->name[0] ? m->name : m->addr,
          (unsigned long)len);
    if (is_reading(sv, m))
        sv->queued += len;              /* counted as send_outboxes() counts it */
    if (holds_room_back(sv, m) || sv->queued > ROOM_MARK)
        sv->held_back = 1;              /* server.c stops hearing lines at once */
}

/* One send() for everything queued. Returns 0, or -1 if the client is gone. */
static int send_outbox(struct server *sv, struct member *m)
{
    int chunk = m->out_len > 65536 ? 65536 : (int)m->out_len;
    int n = send(m->s, m->out, chunk, 0);
    if (n < 0)
        return net_would_block(net_error()) ? 0 : -1;
    if (n > 0) {
        m->last_sent = sv->now;
        m->taken += (size_t)n;
    }
    memmove(m->out, m->out + n, m->out_len - (size_t)n);
    m->out_len -= (size_t)n;
    TRACE(sv->trace, "%d %s: sent %d bytes, %lu wait", (int)m->s,
          m->name[0] ? m->name : m->addr, n, (unsigned long)m->out_len);
    return 0;
}

/* A burst is over (nothing queued for a second): give the memory back.
 * Not sooner: during a flood an outbox empties and fills every round, and
 * freeing and growing it again each time cost more than the copying. */
static void outbox_shrink(struct server *sv, struct member *m)
{
    if (m->out_len == 0 && m->out_cap > OUTBOX_KEEP &&
        sv->now - m->last_sent >= OUTBOX_KEEP_MS) {
        free(m->out);
        m->out = NULL;
        m->out_cap = 0;
    }
}

/* Why a reader must go, or NULL. A reader holding the room back must take
 * SLOW_BYTES within SLOW_MS (1.6 KB/s): a trickle would set the pace of a
 * whole class. */
static const char *too_slow(struct server *sv, struct member *m)
{
    if (m->overflowed)
        return "dropped: not reading (256 KiB behind)";
    if (!m->slow_since && holds_room_back(sv, m)) {
        m->slow_since = sv->now;
        m->taken = 0;
    } else if (m->slow_since && sv->now - m->slow_since >= SLOW_MS) {
        if (m->taken < SLOW_BYTES && holds_room_back(sv, m))
            return "dropped: reading too slowly (under 16 KiB in 10 s)";
        m->slow_since = 0;
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
    for (seat = 0; seat < sv->room.nseats; seat++) {
        struct member *m = &sv->room.seats[seat];
        if (m->s == NET_INVALID)
            continue;
        if (m->out_len > 0 && !m->overflowed && send_outbox(sv, m) != 0) {
            if (m->leave_by)
                close_seat(sv, seat, 0);        /* gone before the goodbye: fine */
            else
                drop_client(sv, seat, "dropped: send() failed (gone)");
        } else if (m->leave_by) {
            if (m->out_len == 0 || sv->now >= m->leave_by)
                close_seat(sv, seat, 0);
        } else if ((why = too_slow(sv, m)) != NULL || (why = no_name_yet(sv, seat)) != NULL) {
            drop_client(sv, seat, why);
        } else if (is_reading(sv, m)) {
            outbox_shrink(sv, m);
            sv->queued += m->out_len;
            sv->held_back |= holds_room_back(sv, m);
        }
    }
    sv->held_back |= sv->queued > ROOM_MARK;
}

/* ---- leaving --------------------------------------------------------------- */

/* reset: a reader far behind. The system would keep trying, for minutes,
 * to deliver what it holds for it; a reset ends that at once. */
static void close_seat(struct server *sv, int seat, int reset)
{
    struct member *m = &sv->room.seats[seat];
    if (reset) {
        struct linger now = {1, 0};
        setsockopt(m->s, SOL_SOCKET, SO_LINGER, (const char *)&now, sizeof now);
        net_close(m->s);
    } else {
        tcp_close_after_reading(m->s);
    }
    free(m->out);
    memset(m, 0, sizeof *m);
    m->s = NET_INVALID;
    sv->count--;
    while (sv->room.nseats > 0 && sv->room.seats[sv->room.nseats - 1].s == NET_INVALID)
        sv->room.nseats--;              /* loops over the seats stop sooner */
}

/* It leaves the room now; its connection stays until what it was told
 * (a /who, "* bye") has gone out, GOODBYE_MS at most, never holding the
 * room meanwhile. A reader dropped for being behind is reset at once. */
void drop_client(struct server *sv, int seat, const char *why)
{
    struct member *m = &sv->room.seats[seat];
    if (m->named)
        net_log("%s %s (%d here)", m->name, why, sv->room.present - 1);
    else
        net_log("%s %s before choosing a name", m->addr, why);
    room_depart(&sv->room, seat);
    if (m->overflowed) {
        close_seat(sv, seat, 1);
    } else {
        m->leave_by = sv->now + GOODBYE_MS;
        if (send_outbox(sv, m) != 0 || m->out_len == 0)
            close_seat(sv, seat, 0);
    }
}
