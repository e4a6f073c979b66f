/*
 * Lesson 06, step 5 of 7 - descriptors past FD_SETSIZE.
 *
 * The failure (on 4-outbox, with a big class): an fd_set is a bitmap of
 * FD_SETSIZE (1024) bits on Linux, indexed by descriptor. Stdin, stdout,
 * stderr, the listener and whatever else the process holds come first, so
 * the members' descriptors reach 1024 before the 1024 seats are taken, and
 * FD_SET() on descriptor 1024 writes past the end of the set: into the
 * other set, or the stack. What follows is undefined: a busy loop, wrong
 * members woken, a crash (smallchat's, past descriptor 1000). On Windows an
 * fd_set is an array of 1024 sockets, and FD_SET() quietly ignores one
 * more: that member is never heard.
 *
 * The fix: a newcomer whose descriptor can't go into an fd_set hears
 * "room full" and is closed; the room goes on. net_fits_fd_set()
 * (common/net.h) knows both rules. That is the whole change:
 *     diff -u 4-outbox.c 5-fdset.c
 *
 * Build:  cc 5-fdset.c -o 5-fdset                    (Linux, macOS)
 *         gcc 5-fdset.c -o 5-fdset.exe -lws2_32      (MinGW)
 *         cl 5-fdset.c                               (MSVC)
 *         or, at socklab's top: make steps
 * Run:    ./5-fdset           then, in other terminals: nc localhost 8806
 *
 * Notice:
 *   - the check is made once, at the door: a descriptor never changes, so
 *     a member let in fits every fd_set the loop builds;
 *   - Windows counts sockets, not descriptor values: hence `count`, and
 *     the + 1 for the listener, which is in the set too.
 */
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"

#define STEP "5-fdset"
#define PROG "chat room, step 5"
#define DEFAULT_PORT "8806"
enum { SEATS = FD_SETSIZE };    /* one per descriptor select() can watch */

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
