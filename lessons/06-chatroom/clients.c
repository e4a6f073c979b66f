/*
 * clients.c - one connection's life in the chat room (see server.h):
 * it arrives and takes a seat, or is told the room is full; what the room
 * says to it waits in its outbox until send() takes it; it leaves, or is
 * dropped for not reading.
 *
 * Notice:
 *   - a client that stops reading cannot make the server wait: send() on a
 *     non-blocking socket takes what fits and returns, the rest stays in
 *     the outbox, and an outbox past OUTBOX_CAP gets its client dropped;
 *   - no descriptor goes into an fd_set it does not fit in, and a spare
 *     descriptor lets us say "room full" even when the system has none left.
 */
#include "../../common/tcp.h"
#include "server.h"

/* ---- the outbox: what the room says waits here until send() takes it ------ */

/* The room's send(): grows the outbox as needed, never past OUTBOX_CAP. */
void queue_text(void *server, int seat, const char *text, size_t len)
{
    struct client *c = &((struct server *)server)->clients[seat];
    if (c->overflowed || c->out_len + len > OUTBOX_CAP) {
        c->overflowed = 1;              /* never freed mid-broadcast: later */
        return;
    }
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 512;
        char *bigger;
        while (cap < c->out_len + len)
            cap *= 2;                   /* grow only for a client that needs it */
        bigger = (char *)realloc(c->out, cap);
        if (bigger == NULL) {
            c->overflowed = 1;
            return;
        }
        c->out = bigger;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, text, len);
    c->out_len += len;
}

/* One send() for everything queued. Returns 0, or -1 if the client is gone. */
int send_outbox(struct client *c)
{
    int chunk = c->out_len > 65536 ? 65536 : (int)c->out_len;
    int n = send(c->s, c->out, chunk, 0);
    if (n < 0)
        return net_would_block(net_error()) ? 0 : -1;
    memmove(c->out, c->out + n, c->out_len - (size_t)n);
    c->out_len -= (size_t)n;
    if (c->out_len == 0 && c->out_cap > OUTBOX_KEEP) {
        free(c->out);                   /* a burst is over: give the memory back */
        c->out = NULL;
        c->out_cap = 0;
    }
    return 0;
}

/* ---- arriving ------------------------------------------------------------ */

static const char room_full[] = "* room full: try again later\r\n";

static void seat_newcomer(struct server *sv, net_socket s, const char *addr)
{
    int seat = 0;
    if (sv->count >= sv->max_clients || !net_fits_fd_set(s, sv->count + 1)) {
        printf("refused %s: room full (%d clients)\n", addr, sv->count);
        tcp_turn_away(s, room_full);
        return;
    }
    while (sv->clients[seat].s != NET_INVALID)
        seat++;
    sv->clients[seat].s = s;
    line_init(&sv->clients[seat].in);
    strcpy(sv->clients[seat].addr, addr);
    net_set_nonblocking(s);
    net_no_delay(s);                    /* we gather each round's lines ourselves */
    sv->count++;
    room_arrive(&sv->room, seat);
}

void accept_newcomers(struct server *sv)
{
    int i, err;
    for (i = 0; i < ACCEPTS_PER_ROUND; i++) {
        struct sockaddr_storage peer;
        socklen_t len = (socklen_t)sizeof peer;
        char addr[NET_ADDR_TEXT];
        net_socket s = accept(sv->listener, (struct sockaddr *)&peer, &len);
        if (s == NET_INVALID) {
            err = net_error();
            if (net_would_block(err))
                return;                 /* nobody else is waiting */
            printf("accept() failed: %s (still serving)\n", net_strerror(err));
            tcp_turn_away_when_out_of_descriptors(sv->listener, &sv->spare, err, room_full);
            return;
        }
        seat_newcomer(sv, s, net_addr_text((struct sockaddr *)&peer, addr, sizeof addr));
    }
}

/* ---- leaving --------------------------------------------------------------- */

void drop_client(struct server *sv, int seat, const char *why)
{
    struct client *c = &sv->clients[seat];
    struct member *m = &sv->members[seat];
    if (m->named)
        printf("%s %s (%d here)\n", m->name, why, sv->room.present - 1);
    else
        printf("%s %s before choosing a name\n", c->addr, why);
    room_depart(&sv->room, seat);
    if (c->overflowed) {                /* a reset: the system would keep trying */
        struct linger now = {1, 0};     /* to deliver its backlog, for minutes */
        setsockopt(c->s, SOL_SOCKET, SO_LINGER, (const char *)&now, sizeof now);
        net_close(c->s);
    } else {
        if (c->out_len > 0)
            send_outbox(c);             /* a last "bye": one try, no waiting */
        tcp_close_after_reading(c->s);
    }
    free(c->out);
    memset(c, 0, sizeof *c);
    c->s = NET_INVALID;
    sv->count--;
}
