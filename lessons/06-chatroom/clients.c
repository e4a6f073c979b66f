/*
 * clients.c - one connection's life in the chat room (see server.h), once
 * door.c has let it in: what it says is read while server.c's policy lets
 * it talk (may_talk()); what the room says to it waits in its outbox until
 * send() takes it; it leaves, with what it was told still delivered, or is
 * dropped.
 *
 * Notice:
 *   - recv() and send() on non-blocking sockets take what is there, or what
 *     fits, and return; the rest waits (in TCP, in the outbox);
 *   - this file decides nothing about the flow: it asks may_talk() before
 *     each line, and tells weigh_outbox() each time bytes are queued;
 *   - an outbox never grows past OUTBOX_CAP: its owner is dropped instead.
 */
#include "../../common/tcp.h"
#include "../../common/log.h"
#include "server.h"

enum { READS_PER_ROUND = 16 };  /* recv()s per client per round: no one hogs a round */

/* ---- what it says: recv(), and whole lines for the room, when it may talk -- */

/* Whole lines wait in its line buffer: read before it had to stop. */
int lines_waiting(const struct member *m)
{
    return m->in.len > 0 && (line_find_end(&m->in) >= 0 || m->in.len == (int)sizeof m->in.data);
}

/* Hands each whole line to the room while the policy lets this member talk
 * (the rest waits in the line buffer). Returns 1 if the client quit.
 * at_end: the client closed, so its last words are heard in any case. */
static int hear_lines(struct server *sv, int seat, int at_end)
{
    struct member *m = &sv->room.seats[seat];
    char line[LINE_LIMIT + 1];
    int cut, len;
    enum room_event ev;
    while ((at_end || may_talk(sv, m)) &&
           ((len = line_next(&m->in, line, &cut)) >= 0 ||
            (at_end && (len = line_rest(&m->in, line)) >= 0))) {
        TRACE(sv->trace, "%d %s: a line of %d bytes, for the room", (int)m->s,
              m->name[0] ? m->name : m->addr, len);
        m->talk_clock = (m->talk_clock > sv->now ? m->talk_clock : sv->now) + sv->line_ms;
        ev = room_hear(&sv->room, seat, line, len, cut);
        if (ev == ROOM_JOINED)
            net_log("%s joined from %s (%d here)", m->name, m->addr,
                   sv->room.present);
        if (ev == ROOM_QUIT)
            return 1;
    }
    return 0;
}

static void read_from(struct server *sv, int seat)
{
    struct member *m = &sv->room.seats[seat];
    int i, room_left, n = 1;
    char *space;
    if (hear_lines(sv, seat, 0)) {      /* lines read before it had to stop, first */
        drop_client(sv, seat, "quit");
        return;
    }
    for (i = 0; i < READS_PER_ROUND && may_talk(sv, m); i++) {
        space = line_space(&m->in, &room_left);
        n = recv(m->s, space, room_left, 0);
        TRACE(sv->trace, "%d %s: recv() gave %d%s", (int)m->s, m->name[0] ? m->name : m->addr, n,
              n < 0 ? " (nothing more now, or an error)" : "");
        if (n <= 0)
            break;
        line_added(&m->in, n);
        tcp_answer_telnet_mark(m->s, space, n);
        if (hear_lines(sv, seat, 0)) {
            drop_client(sv, seat, "quit");
            return;
        }
    }
    if (n == 0) {                       /* the client closed: its last words count */
        drop_client(sv, seat, hear_lines(sv, seat, 1) ? "quit" : "left");
    } else if (n < 0 && !net_would_block(net_error())) {
        char why[300];                  /* ECONNRESET, say: that client only */
        snprintf(why, sizeof why, "dropped: recv() failed: %s", net_strerror(net_error()));
        drop_client(sv, seat, why);
    }
}

/* Members take turns: when the room is held back part-way through a round,
 * the next round starts with the member after the last one heard, so a
 * flooder in seat 0 can't keep seat 9 from ever being heard. */
void read_in_turns(struct server *sv, fd_set *readable)
{
    int i, seat;
    for (i = 0; i < sv->room.nseats && !sv->held_back; i++) {
        struct member *m = &sv->room.seats[(seat = (sv->next_reader + i) % sv->room.nseats)];
        if (m->s != NET_INVALID && may_talk(sv, m) &&
            (FD_ISSET(m->s, readable) || lines_waiting(m)))
            read_from(sv, seat);
        if (sv->held_back)
            sv->next_reader = seat + 1;     /* % nseats: the seats in use may change */
    }
    TRACE(sv->trace && sv->held_back, "held back: a reader is far behind (or all outboxes "
          "are full): no more lines read this round");
}

/* ---- the outbox: what the room says waits here until send() takes it ------ */

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

/* The room's send(): queues, never waits, never past OUTBOX_CAP; and tells
 * the policy at once, so the room stops hearing lines the moment this
 * member is far behind. */
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
    weigh_outbox(sv, m, len);
}

/* One send() for everything queued. Returns 0, or -1 if the client is gone. */
static int send_outbox(struct server *sv, struct member *m)
{
    int chunk = m->out_len > 65536 ? 65536 : (int)m->out_len;
    int n = send(m->s, m->out, chunk, 0);
    if (n < 0)
        return net_would_block(net_error()) ? 0 : -1;
    if (n > 0)
        m->last_sent = sv->now;
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

static void close_seat(struct server *sv, int seat, int reset);

/* After the reads: one send() per client with something queued, however
 * many lines the round produced for it. A leaving member's connection
 * closes once its outbox is out, or its time is up. */
void send_outboxes(struct server *sv)
{
    int seat;
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
        } else {
            outbox_shrink(sv, m);
        }
    }
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
    if (sv->holder == m)
        sv->holder = NULL;              /* gone: nobody pays for the wait */
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
