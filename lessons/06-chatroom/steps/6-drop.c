/*
 * Lesson 06, step 6 of 7 - a member who stops reading is dropped.
 *
 * The failure (try it on 5-fdset): a member who stops reading no longer
 * freezes the room (step 4), but everything said since waits in his outbox,
 * which grows without end: with tools/idle in the room and tools/flood
 * talking, the server's memory climbs by megabytes a second, until the
 * machine says no. And he is still "in the room", though he hears nothing.
 *
 * The fix: an outbox has a cap. A member more than OUTBOX_CAP (256 KiB)
 * behind is not reading: he is dropped, and his memory freed, with a reset
 * (SO_LINGER 0): a plain close would leave the system trying for minutes
 * to deliver the megabytes it already holds for him. IRC servers drop such
 * a reader too (their "SendQ exceeded"). That is the whole change:
 *     diff -u 5-fdset.c 6-drop.c
 *
 * Build:  cc 6-drop.c -o 6-drop                      (Linux, macOS)
 *         gcc 6-drop.c -o 6-drop.exe -lws2_32        (MinGW)
 *         cl 6-drop.c                                (MSVC)
 *         or, at socklab's top: make steps
 * Run:    ./6-drop            then, in other terminals: nc localhost 8806
 *
 * Notice:
 *   - 256 KiB is hours of chat, so a member who is merely slow for a while
 *     keeps his seat; only one who stopped gets that far behind;
 *   - ...unless someone pastes a megabyte: then a reader who is slower than
 *     the paste is dropped too, though he reads. Step 7.
 */
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"

#define STEP "6-drop"
#define PROG "chat room, step 6"
#define DEFAULT_PORT "8806"
enum {
    SEATS = FD_SETSIZE,         /* one per descriptor select() can watch */
    OUTBOX_CAP = 256 * 1024     /* a member this far behind has stopped reading */
};

struct member {
    net_socket s;               /* NET_INVALID: the seat is free */
    struct line_buffer in;      /* bytes received, not yet a whole line */
    char *out;                  /* outbox: bytes queued, not yet taken by send() */
    size_t out_len, out_cap;
};

static struct member seats[SEATS];
static int count;                       /* members seated: Windows' limit */

static const char usage[] =
    "usage: " STEP " [-b ADDRESS] [PORT]\n"
    "  A chat room: what each member sends reaches all the others.\n"
    "  PORT defaults to " DEFAULT_PORT "; 0 picks a free one.\n"
    "  -b ADDRESS  listen on this address only; default: all, IPv4 and IPv6\n"
    "  -h, --help  show this help\n";

/* ---- talking, and leaving -------------------------------------------------- */

static void leave(int seat, const char *why)
{
    printf("guest%d %s\n", seat, why);
    net_close(seats[seat].s);
    seats[seat].s = NET_INVALID;
    count--;
    free(seats[seat].out);
    seats[seat].out = NULL;
    seats[seat].out_len = seats[seat].out_cap = 0;
}

/* Queues text for the member in `seat`, never waiting: send_outbox()
 * sends it when select() says his socket can take more. */
static void say_to(int seat, const char *text, int len)
{
    struct member *m = &seats[seat];
    size_t cap = m->out_cap ? m->out_cap : 512;
    char *bigger;
    if (m->out_len + (size_t)len > OUTBOX_CAP) {
        struct linger now = {1, 0};     /* close with a reset: else the system */
        setsockopt(m->s, SOL_SOCKET, SO_LINGER, (const char *)&now, sizeof now);
        leave(seat, "dropped: not reading (256 KiB behind)");  /* tries for minutes */
        return;
    }
    while (cap < m->out_len + (size_t)len)
        cap *= 2;                       /* doubling: few copies, however long */
    if (cap != m->out_cap) {
        if ((bigger = (char *)realloc(m->out, cap)) == NULL) {
            leave(seat, "dropped: out of memory");
            return;
        }
        m->out = bigger;
        m->out_cap = cap;
    }
    memcpy(m->out + m->out_len, text, (size_t)len);
    m->out_len += (size_t)len;
}

/* One send() of what is queued: it takes what fits, the rest waits. */
static void send_outbox(int seat)
{
    struct member *m = &seats[seat];
    int chunk = m->out_len > 65536 ? 65536 : (int)m->out_len;
    int n = send(m->s, m->out, chunk, 0);
    if (n < 0 && !net_would_block(net_error())) {
        leave(seat, "dropped: send() failed");      /* that member, not the room */
        return;
    }
    if (n > 0) {
        memmove(m->out, m->out + n, m->out_len - (size_t)n);
        m->out_len -= (size_t)n;
    }
}

/* A line one member said, to every other member: "guest3: ...". */
static void relay(int from, const char *line, int len)
{
    char text[64 + LINE_LIMIT];
    int seat, n = snprintf(text, 64, "guest%d: ", from);
    memcpy(text + n, line, (size_t)len);
    memcpy(text + n + len, "\r\n", 2);
    for (seat = 0; seat < SEATS; seat++)
        if (seats[seat].s != NET_INVALID && seat != from)
            say_to(seat, text, n + len + 2);
}

/* ---- arriving and reading ------------------------------------------------- */

static void read_from(int seat)
{
    struct member *m = &seats[seat];
    char line[LINE_LIMIT + 1];
    int room, cut, len;
    char *space = line_space(&m->in, &room);
    int n = recv(m->s, space, room, 0);
    if (n < 0 && net_would_block(net_error()))
        return;                         /* nothing after all: never wait for it */
    if (n <= 0) {                       /* 0: a close; < 0: a reset, say */
        leave(seat, n == 0 ? "left" : "dropped: recv() failed");
        return;
    }
    line_added(&m->in, n);
    while ((len = line_next(&m->in, line, &cut)) >= 0)
        relay(seat, line, len);         /* only whole lines, however they came */
}

static void accept_newcomer(net_socket listener)
{
    char welcome[64];
    int seat, len;
    net_socket s = accept(listener, NULL, NULL);
    if (s == NET_INVALID) {
        printf("accept() failed: %s (still listening)\n", net_strerror(net_error()));
        return;
    }
    for (seat = 0; seat < SEATS && seats[seat].s != NET_INVALID; seat++)
        ;
    if (seat == SEATS || !net_fits_fd_set(s, count + 1)) {    /* + 1: the listener */
        tcp_turn_away(s, "* room full: try again later\r\n");
        return;
    }
    net_set_nonblocking(s);             /* recv() and send() never wait */
    seats[seat].s = s;
    count++;
    line_init(&seats[seat].in);
    printf("guest%d joined\n", seat);
    len = snprintf(welcome, sizeof welcome, "* welcome, you are guest%d\r\n", seat);
    say_to(seat, welcome, len);
}

/* ---- main: the select() loop ----------------------------------------------- */

int main(int argc, char **argv)
{
    const char *options[] = {"-b", NULL}, *address = NULL, *port = DEFAULT_PORT;
    net_socket listener, top;
    fd_set readable, writable;
    int seat;

    if (net_parse_args(argc, argv, usage, options, &address, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    if (net_init() != 0)
        return 1;
    listener = tcp_listen(PROG, address, port);
    net_set_nonblocking(listener);      /* accept() must not wait for one who gave up */
    for (seat = 0; seat < SEATS; seat++)
        seats[seat].s = NET_INVALID;
    net_announce(PROG, listener, address);

    for (;;) {
        FD_ZERO(&readable);             /* who to watch: everyone, every time */
        FD_ZERO(&writable);
        FD_SET(listener, &readable);
        top = listener;
        for (seat = 0; seat < SEATS; seat++)
            if (seats[seat].s != NET_INVALID) {
                FD_SET(seats[seat].s, &readable);
                if (seats[seat].out_len > 0)    /* only while it has bytes to send */
                    FD_SET(seats[seat].s, &writable);
                if (seats[seat].s > top)
                    top = seats[seat].s;
            }
        if (select((int)top + 1, &readable, &writable, NULL, NULL) < 0) {
            if (net_error() == NET_EINTR)
                continue;
            net_fail(PROG, "select()", net_error());
        }
        for (seat = 0; seat < SEATS; seat++)    /* who has something for us? */
            if (seats[seat].s != NET_INVALID && FD_ISSET(seats[seat].s, &readable))
                read_from(seat);
        if (FD_ISSET(listener, &readable))
            accept_newcomer(listener);
        for (seat = 0; seat < SEATS; seat++)    /* then what the round queued */
            if (seats[seat].s != NET_INVALID && seats[seat].out_len > 0 &&
                FD_ISSET(seats[seat].s, &writable))
                send_outbox(seat);
    }
}
