/*
 * Lesson 06 - chat room server: one thread, select(), and no client can
 * stall it, crash it, or empty it.
 *
 * Everyone who connects picks a name, then every line they type reaches
 * everyone else as "NAME: line". /who, /nick, /msg, /quit and /help do the
 * rest. This file is the select() loop; door.c lets newcomers in;
 * clients.c is one connection's life (its outbox, leaving); room.c,
 * names.c and commands.c hold the rules. A member, connection and name,
 * is one struct (room.h), in seat i of the room.
 *
 * Build:  make chatroom, or by hand with every .c file but client.c:
 *         cc server.c clients.c room.c commands.c names.c door.c -o server
 *         gcc server.c clients.c room.c commands.c names.c door.c -o server.exe -lws2_32
 *         cl server.c clients.c room.c commands.c names.c door.c        (MSVC)
 * Run:    ./server            then, in other terminals: ./client, nc localhost
 *         8806, or telnet localhost 8806. Ctrl+C tells everyone and stops.
 *
 * Notice:
 *   - every socket is non-blocking: recv() and send() never wait, so the
 *     only place the server waits is select(), for all clients at once;
 *   - the read set is the policy. While a member who is reading falls more
 *     than BEHIND_MARK behind, nobody's lines are read: TCP then tells the
 *     senders to slow down, and a flood goes at the pace of its readers
 *     instead of filling memory or pushing readers out;
 *   - a socket is in select()'s write set only while its outbox holds
 *     bytes: asking "can I write?" of an idle socket wakes us for nothing;
 *   - each round reads first and sends after, so everything a round queued
 *     for one client leaves in one send().
 */
#include "../../common/tcp.h"
#include "../../common/log.h"
#include "server.h"

NET_LOG_HERE;                   /* the log every file writes to (log.h) */
#define DEFAULT_PORT "8806"
enum {
    READS_PER_ROUND = 16,       /* recv()s per client per round: no one hogs a round */
    TICK_MS = 250               /* while bytes wait: look again at who is stalled */
};

static const char usage[] =
    "usage: server [-b ADDRESS] [--max-clients N] [--per-address N] [--name-timeout S]\n"
    "              [--trace] [PORT]\n"
    "  A chat room: every line a member types reaches all the others.\n"
    "  PORT defaults to " DEFAULT_PORT "; 0 picks a free one.\n"
    "  -b ADDRESS         listen on this address only; default: all, IPv4 and IPv6\n"
    "  --max-clients N    seat at most N clients (default and most: what select() allows)\n"
    "  --per-address N    seats and joins per address, an IPv6 /64 as one (default 4,\n"
    "                     not this machine's; given: all; 0: no limit; a NAT'd class: 40)\n"
    "  --name-timeout S   seconds to choose a name before the seat is freed (default 60)\n"
    "  --trace            tell on stderr what each select() round does (for a projector)\n"
    "  -h, --help         show this help\n";

/* ---- one round of select() -------------------------------------------- */

/* Hands each whole line to the room, until the room is held back (the rest
 * waits in the line buffer). Returns 1 if the client quit. at_end: the
 * client closed, so its last words are heard whatever the room's state. */
static int hear_lines(struct server *sv, int seat, int at_end)
{
    struct member *m = &sv->room.seats[seat];
    char line[LINE_LIMIT + 1];
    int cut, len;
    enum room_event ev;
    while ((at_end || !sv->held_back) &&
           ((len = line_next(&m->in, line, &cut)) >= 0 ||
            (at_end && (len = line_rest(&m->in, line)) >= 0))) {
        TRACE(sv->trace, "%d %s: a line of %d bytes, for the room", (int)m->s,
              m->name[0] ? m->name : m->addr, len);
        ev = room_hear(&sv->room, seat, line, len, cut);
        if (ev == ROOM_JOINED)
            net_log("%s joined from %s (%d here)", m->name, m->addr,
                   sv->room.present);
        if (ev == ROOM_QUIT)
            return 1;
    }
    m->unheard = sv->held_back;         /* maybe more lines: hear them first next time */
    return 0;
}

static void read_from(struct server *sv, int seat)
{
    struct member *m = &sv->room.seats[seat];
    int i, room_left, n = 1;
    char *space;
    if (m->unheard && hear_lines(sv, seat, 0)) {
        drop_client(sv, seat, "quit");
        return;
    }
    for (i = 0; i < READS_PER_ROUND && !sv->held_back; i++) {
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
static void read_in_turns(struct server *sv, fd_set *readable)
{
    int i, seat;
    for (i = 0; i < sv->room.nseats && !sv->held_back; i++) {
        struct member *m = &sv->room.seats[(seat = (sv->next_reader + i) % sv->room.nseats)];
        if (m->s == NET_INVALID || m->leave_by)
            continue;
        if (m->unheard || FD_ISSET(m->s, readable))
            read_from(sv, seat);
        if (sv->held_back)
            sv->next_reader = seat + 1;     /* % nseats: the seats in use may change */
    }
    TRACE(sv->trace && sv->held_back, "held back: a reader over %d KiB behind (or all outboxes "
          "over %d MiB): no more lines read this round", BEHIND_MARK / 1024, ROOM_MARK >> 20);
}

/* Who is in which set. Returns the highest descriptor; *wait_ms: how long
 * select() may wait (not at all while lines wait to be heard). */
static net_socket watch(struct server *sv, fd_set *readable, fd_set *writable, int *wait_ms)
{
    net_socket top = sv->listener;
    int seat;
    FD_ZERO(readable);
    FD_ZERO(writable);
    FD_SET(sv->listener, readable);
    *wait_ms = 1000;                    /* Windows' Ctrl+C handler can't wake select() */
    for (seat = 0; seat < sv->room.nseats; seat++) {
        struct member *m = &sv->room.seats[seat];
        if (m->s == NET_INVALID)
            continue;
        if (!sv->held_back && !m->leave_by)
            FD_SET(m->s, readable);     /* held back: TCP makes the senders wait */
        if (m->unheard && !sv->held_back)
            *wait_ms = 0;
        if (m->out_len > 0) {
            FD_SET(m->s, writable);     /* only while there is something to send */
            if (*wait_ms > TICK_MS)
                *wait_ms = TICK_MS;     /* to notice a reader that stopped */
        }
        if (m->s > top)
            top = m->s;
    }
    return top;
}

static void serve_round(struct server *sv)
{
    fd_set readable, writable;
    struct timeval tick;
    int wait_ms, ready;
    net_socket top = watch(sv, &readable, &writable, &wait_ms);
    tick.tv_sec = wait_ms / 1000;
    tick.tv_usec = (wait_ms % 1000) * 1000;
    ready = select((int)top + 1, &readable, &writable, NULL, &tick);
    trace_round(sv->trace, ready, &readable, &writable, top, sv->listener);
    if (ready < 0) {
        if (net_error() != NET_EINTR)
            net_fail(PROG, "select()", net_error());
        return;
    }
    sv->now = net_now_ms();
    read_in_turns(sv, &readable);
    if (FD_ISSET(sv->listener, &readable))
        accept_newcomers(sv);
    send_outboxes(sv);
}

/* Ctrl+C: everyone hears goodbye, and what was queued for them goes out
 * too, for GOODBYE_MS at most. No reading: only the sending rounds. */
static void say_goodbye(struct server *sv)
{
    int seat;
    net_log("closing: goodbye to %d connection%s", sv->count, sv->count == 1 ? "" : "s");
    sv->now = net_now_ms();
    room_close(&sv->room);
    for (seat = 0; seat < sv->room.nseats; seat++)
        if (sv->room.seats[seat].s != NET_INVALID)
            sv->room.seats[seat].leave_by = sv->now + GOODBYE_MS;
    while (sv->count > 0) {
        fd_set readable, writable;
        int wait_ms;
        net_socket top = watch(sv, &readable, &writable, &wait_ms);
        struct timeval tick = {0, 100000};
        select((int)top + 1, NULL, &writable, NULL, &tick);
        sv->now = net_now_ms();
        send_outboxes(sv);
    }
}

/* ---- main: the outline ------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "--max-clients", "--per-address", "--name-timeout", NULL};
    const char *values[4] = {NULL, NULL, NULL, NULL}, *port = DEFAULT_PORT;
    static struct server sv;            /* all zero to start with */
    struct member *seats;
    int seat;

    sv.trace = trace_wanted(&argc, argv);
    if (net_parse_args(argc, argv, usage, options, values, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    sv.max_clients = (int)net_number_arg(values[1], "--max-clients", 1, MOST_CLIENTS,
                                         MOST_CLIENTS, usage);
    sv.per_address = (int)net_number_arg(values[2], "--per-address", 0, MOST_CLIENTS,
                                         PER_ADDRESS, usage);
    sv.per_address_given = values[2] != NULL;
    sv.name_timeout_ms = 1000 * net_number_arg(values[3], "--name-timeout", 1, 86400,
                                               NAME_TIMEOUT_S, usage);
    if (net_init() != 0)
        return 1;
    sv.listener = tcp_listen(PROG, values[0], port);
    net_set_nonblocking(sv.listener);   /* accept() must not wait for one who gave up */
    sv.spare = tcp_spare();
    seats = (struct member *)calloc((size_t)sv.max_clients, sizeof *seats);
    if (seats == NULL)
        net_fail(PROG, "calloc()", NET_ENOBUFS);
    room_init(&sv.room, seats, sv.max_clients, &sv);
    sv.now = net_now_ms();
    net_catch_interrupt();
    net_announce(PROG, sv.listener, values[0]);
    net_log_start();                    /* from now on, the log never makes us wait */

    while (!*net_stop_flag())
        serve_round(&sv);

    say_goodbye(&sv);
    net_log_stop();                     /* every line kept is out */
    for (seat = 0; seat < sv.max_clients; seat++)
        free(seats[seat].out);
    free(seats);
    net_cleanup();
    return 0;
}
