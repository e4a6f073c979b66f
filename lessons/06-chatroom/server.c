/*
 * Lesson 06 - chat room server: one thread, select(), and no client can
 * stall it, crash it, or empty it.
 *
 * The subject: THE READ SET IS THE POLICY. select() wakes us only for the
 * sockets we put in its sets, so choosing them decides who is heard.
 * choose_sets(), just below, is that choice on one screen: while a reader
 * is far behind nobody is read (TCP then slows the senders: a flood goes
 * at the pace of its readers), nor is a member far behind itself, nor one
 * talking faster than its line timer allows. judge_members(), after the
 * sends, drops whoever stopped reading or held the room back too long.
 *
 * One line's way: read_from() (clients.c) recv()s it, room_hear() (room.c)
 * decides who hears it as "NAME: line", queue_text() (clients.c) puts it in
 * their outboxes, send_outboxes() (clients.c) sends each outbox once a
 * round. door.c lets newcomers in; names.c and commands.c hold the rules.
 *
 * Build:  make chatroom (by hand: the README's "Build it" has the files).
 * Run:    ./server, then ./client, nc or telnet localhost 8806 in other
 *         terminals. Ctrl+C tells everyone and stops.
 */
#include "../../common/tcp.h"
#include "../../common/log.h"
#include "server.h"

NET_LOG_HERE;                   /* the log every file writes to (log.h) */
#define DEFAULT_PORT "8806"

/* ---- the policy: who is in which set, and why ----------------------------- */

enum {                          /* its thresholds (the README's table explains them) */
    BEHIND_MARK = 64 * 1024,    /* this much in its outbox: a member is far behind */
    OWN_MARK = 2 * BEHIND_MARK, /* its own lines wait; 2x: the slowest reader still talks */
    ROOM_MARK = 24 * 1024 * 1024,   /* all outboxes together: the room's memory */
    STALL_MS = 1000,            /* send() took nothing this long: it stopped reading */
    HOLD_MS = 10000,            /* one machine holds the room back 10 s at most ... */
    HOLD_WINDOW_MS = 60000,     /* ... in any 60 s, or it is dropped; */
    HOLD_COST = 30,             /* each ms held moves its machine's hold clock 30 ms on */
    LINES_BURST = 50,           /* lines heard at once: a pasted screenful, and ... */
    LINES_PER_SECOND = 5,       /* ... then 5 a second (--lines-per-second) */
    TICK_MS = 250               /* while bytes wait: look again at who is stalled */
};

/* How long until it may talk again, 0: now. Each line heard moves its
 * talk_clock line_ms on (never from behind now), as IRC does (RFC 1459,
 * 8.10): 50 lines at once let a pasted screenful through; 5 a second is
 * more than anyone types, and keeps a yes | nc from burying the room. */
static long long pace_wait(const struct server *sv, const struct member *m)
{
    long long ahead = m->talk_clock - sv->now - (LINES_BURST - 1) * sv->line_ms;
    return sv->line_ms > 0 && ahead > 0 ? ahead : 0;
}

/* May the room hear this member's lines now? What it sends meanwhile
 * waits in TCP's buffers, and then in the sender's: nothing is lost. */
int may_talk(const struct server *sv, const struct member *m)
{
    return !m->leave_by                 /* leaving: it said its last */
        && !sv->held_back               /* a reader is far behind: everyone waits */
        && m->out_len <= OWN_MARK       /* far behind itself: its lines wait (lesson 05) */
        && pace_wait(sv, m) == 0;       /* talked a burst: until its clock catches up */
}

/* Each round starts here. Returns the highest descriptor; *wait_ms: how long
 * select() may wait (not at all while lines wait to be heard). */
static net_socket choose_sets(struct server *sv, fd_set *readable, fd_set *writable, int *wait_ms)
{
    net_socket top = sv->listener;
    int seat;
    FD_ZERO(readable);
    FD_ZERO(writable);
    FD_SET(sv->listener, readable);     /* newcomers: door.c decides */
    *wait_ms = 1000;                    /* Windows' Ctrl+C handler can't wake select() */
    for (seat = 0; seat < sv->room.nseats; seat++) {
        struct member *m = &sv->room.seats[seat];
        if (m->s == NET_INVALID)
            continue;
        if (may_talk(sv, m)) {
            FD_SET(m->s, readable);
            if (lines_waiting(m))
                *wait_ms = 0;
        } else if (pace_wait(sv, m) > 0 && pace_wait(sv, m) < *wait_ms) {
            *wait_ms = (int)pace_wait(sv, m);   /* wake when its clock has caught up */
        }
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

/* len more bytes wait for m (queue_text() says so): from now on the room
 * waits if m still reads and is far behind, or all outboxes are full. */
void weigh_outbox(struct server *sv, struct member *m, size_t len)
{
    if (m->leave_by || (m->out_len > 0 && sv->now - m->last_sent >= STALL_MS))
        return;                         /* leaving, or stopped reading: not waited for */
    sv->queued += len;
    if ((m->out_len > BEHIND_MARK || sv->queued > ROOM_MARK) && !sv->held_back) {
        sv->held_back = 1;              /* hear_lines() stops at once */
        sv->holder = m->out_len > BEHIND_MARK ? m : NULL;   /* it will pay for it */
        sv->held_since = sv->now;
    }
}

/* After the sends: who must go, and does the room wait for anyone now? A
 * holder pays on its machine's hold clock (door.c), which runs in real time
 * (never behind now): each ms held moves it HOLD_COST ms on. In W ms holding
 * h, it gains HOLD_COST*h - W or more; past HOLD_COST*HOLD_MS - HOLD_WINDOW_MS
 * ahead, the holder goes: h <= 10 s in any 60 s, ~8 s in one go. */
static void judge_members(struct server *sv)
{
    struct member *h = sv->holder;
    long long *clock = h != NULL ? hold_clock_of(sv, h->machine) : NULL;
    int seat;
    if (h != NULL)                      /* it held the room back since held_since */
        *clock = (*clock > sv->now ? *clock : sv->now) + HOLD_COST * (sv->now - sv->held_since);
    sv->holder = NULL;
    sv->held_back = 0;
    sv->queued = 0;
    for (seat = 0; seat < sv->room.nseats; seat++) {
        struct member *m = &sv->room.seats[seat];
        const char *why = NULL;
        if (m->s == NET_INVALID || m->leave_by)
            continue;
        if (m->overflowed)
            why = "dropped: not reading (256 KiB behind)";
        else if (m == h && *clock - sv->now > (long long)HOLD_COST * HOLD_MS - HOLD_WINDOW_MS)
            why = "dropped: held the room back too long (10 s in 60 s)";
        if (why != NULL || (why = no_name_yet(sv, seat)) != NULL)
            drop_client(sv, seat, why);
        else
            weigh_outbox(sv, m, m->out_len);
    }
}

/* ---- one round of select() -------------------------------------------- */

static void serve_round(struct server *sv)
{
    fd_set readable, writable;
    struct timeval tick;
    int wait_ms, ready;
    net_socket top = choose_sets(sv, &readable, &writable, &wait_ms);
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
    judge_members(sv);
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
        net_socket top = choose_sets(sv, &readable, &writable, &wait_ms);
        struct timeval tick = {0, 100000};
        select((int)top + 1, NULL, &writable, NULL, &tick);
        sv->now = net_now_ms();
        send_outboxes(sv);
    }
}

/* ---- main: the outline ------------------------------------------------- */

static const char usage[] =
    "usage: server [-b ADDRESS] [--max-clients N] [--per-address N] [--name-timeout S]\n"
    "              [--lines-per-second N] [--trace] [PORT]\n"
    "  A chat room: every line a member types reaches all the others.\n"
    "  PORT defaults to " DEFAULT_PORT "; 0 picks a free one.\n"
    "  -b ADDRESS         listen on this address only; default: all, IPv4 and IPv6\n"
    "  --max-clients N    seat at most N clients (default and most: what select() allows)\n"
    "  --per-address N    seats and joins per address, a routed IPv6 /64 as one (default 4,\n"
    "                     not this machine's; given: all; 0: no limit; a NAT'd class: 40)\n"
    "  --name-timeout S   seconds to choose a name before the seat is freed (default 60)\n"
    "  --lines-per-second N  per member, after a burst of 50 (default 5; 0: no limit)\n"
    "  --trace            tell on stderr what each select() round does (for a projector)\n"
    "  -h, --help         show this help\n";

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "--max-clients", "--per-address", "--name-timeout",
                             "--lines-per-second", NULL};
    const char *values[5] = {NULL, NULL, NULL, NULL, NULL}, *port = DEFAULT_PORT;
    static struct server sv;            /* all zero to start with */
    struct member *seats;
    int seat, lines_per_second;

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
    lines_per_second = (int)net_number_arg(values[4], "--lines-per-second", 0, 1000,
                                           LINES_PER_SECOND, usage);
    sv.line_ms = lines_per_second > 0 ? 1000 / lines_per_second : 0;
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
