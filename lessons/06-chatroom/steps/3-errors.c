/*
 * Lesson 06, step 3 of 7 - a member who leaves at the wrong moment.
 *
 * The failure (try it on 2-lines): a member whose connection ends with a
 * reset (RST) instead of a normal close: a client killed, a laptop whose
 * Wi-Fi dropped, a Windows program closed with unread input. recv() on
 * that socket fails (ECONNRESET), and so does send() to it (EPIPE), and
 * step 2 treats every failure the way Stevens' err_sys() does: print it,
 * exit. One member's reset ends the room for everyone.
 * SIGPIPE is not the problem here: net_init() already ignores it (without
 * that, the send() to a gone member would kill the server before it could
 * even print why).
 *
 * The fix: a failure on one member's socket ends that member, never the
 * server. net_fail() stays for what really is the server's own failure
 * (its listener, select()). That is the whole change:
 *     diff -u 2-lines.c 3-errors.c
 *
 * Build:  cc 3-errors.c -o 3-errors                  (Linux, macOS)
 *         gcc 3-errors.c -o 3-errors.exe -lws2_32    (MinGW)
 *         cl 3-errors.c                              (MSVC)
 *         or, at socklab's top: make steps
 * Run:    ./3-errors          then, in other terminals: nc localhost 8806
 *
 * Notice:
 *   - a member dropped in the middle of relay() is skipped by the rest of
 *     that loop and of the round: its seat is free (NET_INVALID) at once;
 *   - a relay still waits in send() for each member in turn: step 4.
 */
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"

#define STEP "3-errors"
#define PROG "chat room, step 3"
#define DEFAULT_PORT "8806"
enum { SEATS = FD_SETSIZE };    /* one per descriptor select() can watch */

struct member {
    net_socket s;               /* NET_INVALID: the seat is free */
    struct line_buffer in;      /* bytes received, not yet a whole line */
};

static struct member seats[SEATS];

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
}

/* Sends text to the member in `seat`; one whose socket fails is dropped. */
static void say_to(int seat, const char *text, int len)
{
    if (tcp_send_all(seats[seat].s, text, (size_t)len) != 0)
        leave(seat, "dropped: send() failed");      /* that member, not the room */
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
    if (seat == SEATS) {
        tcp_turn_away(s, "* room full: try again later\r\n");
        return;
    }
    seats[seat].s = s;
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
    fd_set readable;
    int seat;

    if (net_parse_args(argc, argv, usage, options, &address, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    if (net_init() != 0)
        return 1;
    listener = tcp_listen(PROG, address, port);
    for (seat = 0; seat < SEATS; seat++)
        seats[seat].s = NET_INVALID;
    net_announce(PROG, listener, address);

    for (;;) {
        FD_ZERO(&readable);             /* who to watch: everyone, every time */
        FD_SET(listener, &readable);
        top = listener;
        for (seat = 0; seat < SEATS; seat++)
            if (seats[seat].s != NET_INVALID) {
                FD_SET(seats[seat].s, &readable);
                if (seats[seat].s > top)
                    top = seats[seat].s;
            }
        if (select((int)top + 1, &readable, NULL, NULL, NULL) < 0) {
            if (net_error() == NET_EINTR)
                continue;
            net_fail(PROG, "select()", net_error());
        }
        for (seat = 0; seat < SEATS; seat++)    /* who has something for us? */
            if (seats[seat].s != NET_INVALID && FD_ISSET(seats[seat].s, &readable))
                read_from(seat);
        if (FD_ISSET(listener, &readable))
            accept_newcomer(listener);
    }
}
