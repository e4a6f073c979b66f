/*
 * Lesson 06 - chat room server: one thread, select(), and no client can
 * stall it or crash it.
 *
 * Everyone who connects picks a name, then every line they type reaches
 * everyone else as "NAME: line". /who, /nick, /msg, /quit and /help do the
 * rest (room.c holds those rules; this file moves the bytes).
 *
 * Build:  make chatroom        or: cc server.c room.c -o server
 *         gcc server.c room.c -o server.exe -lws2_32     (MinGW)
 *         cl server.c room.c                             (MSVC)
 * Run:    ./server            then, in other terminals: ./client, nc localhost
 *         8806, or telnet localhost 8806. Ctrl+C tells everyone and stops.
 *
 * Notice:
 *   - every socket is non-blocking: recv() and send() never wait, so the
 *     only place the server waits is select(), for all clients at once;
 *   - each client has an outbox; a socket is in select()'s write set only
 *     while its outbox holds bytes, and a client that stops reading is
 *     dropped when its outbox passes OUTBOX_CAP, before it costs the others;
 *   - no descriptor is ever put in an fd_set it does not fit in, and a spare
 *     descriptor lets us say "room full" even when the system has none left.
 */
#include "../../common/net.h"
#include "../../common/line.h"
#include "room.h"

#define PROG "chat room server"
#define DEFAULT_PORT "8806"
enum {
    RESERVED_FDS = 5,           /* stdin, stdout, stderr, the listener, the spare */
    MOST_CLIENTS = FD_SETSIZE - RESERVED_FDS,   /* all select() can watch */
    OUTBOX_CAP = 256 * 1024,    /* ~4000 lines behind: not reading, so dropped */
    OUTBOX_KEEP = 4096,         /* an emptied outbox bigger than this is freed */
    READS_PER_ROUND = 16,       /* recv()s per client per round: no one hogs a round */
    ACCEPTS_PER_ROUND = 64      /* newcomers per round, for the same reason */
};

static const char usage[] =
    "usage: server [-b ADDRESS] [--max-clients N] [PORT]\n"
    "  A chat room: every line a member types reaches all the others.\n"
    "  PORT defaults to " DEFAULT_PORT "; 0 picks a free one.\n"
    "  -b ADDRESS        listen on this address only; default: all, IPv4 and IPv6\n"
    "  --max-clients N   seat at most N clients (default and most: what select() allows)\n"
    "  -h, --help        show this help\n";

struct client {
    net_socket s;               /* NET_INVALID: the seat is free */
    struct line_buffer in;      /* bytes received, not yet a whole line */
    char *out;                  /* outbox: bytes queued, not yet taken by send() */
    size_t out_len, out_cap;
    int overflowed;             /* passed OUTBOX_CAP: drop it at the end of the round */
    char addr[NET_ADDR_TEXT];
};

struct server {
    net_socket listener, spare;
    struct client *clients;     /* seat i here is seat i in the room */
    struct member *members;
    struct room room;
    int max_clients, count;
};

/* ---- setting up --------------------------------------------------------- */

/* Dual stack when no address is given: IPv6 "any" with IPV6_V6ONLY off takes
 * IPv4 clients too (lesson 01 explains it); if there is no IPv6, IPv4. */
static net_socket open_listener(const char *address, const char *port)
{
    struct addrinfo hints, *list, *ai;
    net_socket s = NET_INVALID;
    int rc, off = 0, err = 0;
    char what[128];

    memset(&hints, 0, sizeof hints);
    hints.ai_family = address ? AF_UNSPEC : AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(address, port, &hints, &list);
    if (rc != 0 && address == NULL) {
        hints.ai_family = AF_INET;
        rc = getaddrinfo(address, port, &hints, &list);
    }
    if (rc != 0)
        net_fail_lookup(PROG, address, rc);
    for (ai = list; ai != NULL && s == NET_INVALID; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == NET_INVALID) {
            err = net_error();
            continue;
        }
        net_reuse_addr(s);
        if (ai->ai_family == AF_INET6 && address == NULL)
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&off, sizeof off);
        if (bind(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0) {
            err = net_error();
            net_close(s);
            s = NET_INVALID;
        }
    }
    freeaddrinfo(list);
    if (s == NET_INVALID) {
        snprintf(what, sizeof what, "bind() on port %s", port);
        net_fail(PROG, what, err);
    }
    net_set_nonblocking(s);     /* accept() must not wait for a client that gave up */
    return s;
}

/* ---- the outbox: what the room says waits here until send() takes it ------ */

/* The room's send(): grows the outbox as needed, never past OUTBOX_CAP. */
static void queue_text(void *server, int seat, const char *text, size_t len)
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
static int send_outbox(struct client *c)
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

/* ---- clients arriving and leaving --------------------------------------- */

static void drop_client(struct server *sv, int seat, const char *why)
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
    } else if (c->out_len > 0) {
        send_outbox(c);                 /* a last "bye": one try, no waiting */
    }
    net_close(c->s);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->s = NET_INVALID;
    sv->count--;
}

/* One try, no waiting: a fresh socket's send buffer is empty. */
static void say_room_full(net_socket s)
{
    static const char full[] = "* room full: try again later\r\n";
    send(s, full, (int)sizeof full - 1, 0);
    net_close(s);
}

/* When accept() fails for want of descriptors (EMFILE), the newcomer stays
 * queued and select() reports it again at once. Closing our spare frees one
 * descriptor, enough to accept it, say why, and close it. */
static void refuse_for_lack_of_descriptors(struct server *sv)
{
    net_socket s;
    if (sv->spare == NET_INVALID)
        return;
    net_close(sv->spare);
    s = accept(sv->listener, NULL, NULL);
    if (s != NET_INVALID)
        say_room_full(s);
    sv->spare = socket(AF_INET, SOCK_STREAM, 0);
}

static void seat_newcomer(struct server *sv, net_socket s, const char *addr)
{
    int seat = 0;
    if (sv->count >= sv->max_clients || !net_fits_fd_set(s, sv->count + 1)) {
        printf("refused %s: room full (%d clients)\n", addr, sv->count);
        say_room_full(s);
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

static void accept_newcomers(struct server *sv)
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
            if (err == NET_EMFILE || err == NET_ENFILE)
                refuse_for_lack_of_descriptors(sv);
            return;
        }
        seat_newcomer(sv, s, net_addr_text((struct sockaddr *)&peer, addr, sizeof addr));
    }
}

/* ---- one round of select() -------------------------------------------- */

/* Hands each whole line to the room. Returns 1 if the client quit. */
static int hear_lines(struct server *sv, int seat, int at_end)
{
    struct client *c = &sv->clients[seat];
    char line[LINE_LIMIT + 1];
    int cut, len;
    enum room_event ev;
    while ((len = line_next(&c->in, line, &cut)) >= 0 ||
           (at_end && (len = line_rest(&c->in, line)) >= 0)) {
        ev = room_hear(&sv->room, seat, line, cut);
        if (ev == ROOM_JOINED)
            printf("%s joined from %s (%d here)\n", sv->members[seat].name, c->addr,
                   sv->room.present);
        if (ev == ROOM_QUIT)
            return 1;
    }
    return 0;
}

static void read_from(struct server *sv, int seat)
{
    struct client *c = &sv->clients[seat];
    int i, room_left, n = 0;
    char *space;
    for (i = 0; i < READS_PER_ROUND; i++) {
        space = line_space(&c->in, &room_left);
        n = recv(c->s, space, room_left, 0);
        if (n <= 0)
            break;
        line_added(&c->in, n);
        if (hear_lines(sv, seat, 0)) {
            drop_client(sv, seat, "quit");
            return;
        }
    }
    if (n == 0) {                       /* the client closed: its last words count */
        hear_lines(sv, seat, 1);
        drop_client(sv, seat, "left");
    } else if (n < 0 && !net_would_block(net_error())) {
        char why[300];                  /* ECONNRESET, say: that client only */
        snprintf(why, sizeof why, "dropped: recv() failed: %s", net_strerror(net_error()));
        drop_client(sv, seat, why);
    }
}

/* After the reads, everything queued goes out at once: one send() per
 * client per round, however many lines the round produced for it. */
static void flush_outboxes(struct server *sv)
{
    int seat;
    for (seat = 0; seat < sv->max_clients; seat++) {
        struct client *c = &sv->clients[seat];
        if (c->s == NET_INVALID)
            continue;
        if (c->overflowed)
            drop_client(sv, seat, "dropped: not reading (outbox over 256 KiB)");
        else if (c->out_len > 0 && send_outbox(c) != 0)
            drop_client(sv, seat, "dropped: send() failed (gone)");
    }
}

static net_socket watch(struct server *sv, fd_set *readable, fd_set *writable)
{
    net_socket top = sv->listener;
    int seat;
    FD_ZERO(readable);
    FD_ZERO(writable);
    FD_SET(sv->listener, readable);
    for (seat = 0; seat < sv->max_clients; seat++) {
        net_socket s = sv->clients[seat].s;
        if (s == NET_INVALID)
            continue;
        FD_SET(s, readable);
        if (sv->clients[seat].out_len > 0)
            FD_SET(s, writable);        /* only while there is something to send */
        if (s > top)
            top = s;
    }
    return top;
}

static void serve_round(struct server *sv)
{
    fd_set readable, writable;
    struct timeval tick = {1, 0};       /* Windows' Ctrl+C handler can't wake select() */
    net_socket top = watch(sv, &readable, &writable);
    int seat;
    if (select((int)top + 1, &readable, &writable, NULL, &tick) < 0) {
        if (net_error() != NET_EINTR)
            net_fail(PROG, "select()", net_error());
        return;
    }
    for (seat = 0; seat < sv->max_clients; seat++)
        if (sv->clients[seat].s != NET_INVALID && FD_ISSET(sv->clients[seat].s, &readable))
            read_from(sv, seat);
    if (FD_ISSET(sv->listener, &readable))
        accept_newcomers(sv);
    flush_outboxes(sv);
}

/* ---- main: the outline ------------------------------------------------- */

static int parse_max_clients(const char *text)
{
    char *end;
    long n;
    if (text == NULL)
        return MOST_CLIENTS;
    n = strtol(text, &end, 10);
    if (*end != '\0' || n < 1 || n > MOST_CLIENTS)
        net_usage_error(usage, "--max-clients takes a number from 1 to %d", MOST_CLIENTS);
    return (int)n;
}

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "--max-clients", NULL}, *values[2] = {NULL, NULL};
    const char *port = DEFAULT_PORT;
    struct server sv;
    int seat;

    if (net_parse_args(argc, argv, usage, options, values, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    sv.max_clients = parse_max_clients(values[1]);
    if (net_init() != 0)
        return 1;
    sv.listener = open_listener(values[0], port);
    sv.spare = socket(AF_INET, SOCK_STREAM, 0);
    sv.clients = (struct client *)calloc((size_t)sv.max_clients, sizeof *sv.clients);
    sv.members = (struct member *)calloc((size_t)sv.max_clients, sizeof *sv.members);
    if (sv.clients == NULL || sv.members == NULL)
        net_fail(PROG, "calloc()", NET_ENOBUFS);
    for (seat = 0; seat < sv.max_clients; seat++)
        sv.clients[seat].s = NET_INVALID;
    sv.count = 0;
    room_init(&sv.room, sv.members, sv.max_clients, queue_text, &sv);
    net_catch_interrupt();
    net_announce(PROG, sv.listener, values[0]);

    while (!*net_stop_flag())
        serve_round(&sv);

    printf("closing: goodbye to %d connection%s\n", sv.count, sv.count == 1 ? "" : "s");
    room_close(&sv.room);
    for (seat = 0; seat < sv.max_clients; seat++) {
        if (sv.clients[seat].s != NET_INVALID) {
            send_outbox(&sv.clients[seat]);     /* one try: a slow reader can't hold us */
            net_close(sv.clients[seat].s);
        }
        free(sv.clients[seat].out);
    }
    free(sv.clients);
    free(sv.members);
    net_cleanup();
    return 0;
}
