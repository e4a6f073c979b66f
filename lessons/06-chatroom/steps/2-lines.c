/*
 * Lesson 06, step 2 of 7 - lines that arrive in pieces.
 *
 * The failure (try it on 1-bare): TCP carries bytes, not messages, so one
 * recv() may bring half a line, or two lines. Step 1 relays whatever one
 * recv() gave as if it were a line: type slowly into a telnet in character
 * mode, or send "hel" and then "lo", and the others see "guest0: hel" and
 * "guest0: lo", or one member's half line glued to another's.
 *
 * The fix: every member gets its own line buffer (lesson 04's line.h):
 * recv() appends to it, and only whole lines are relayed, each ending in
 * CR LF (the network's line end). That is the whole change:
 *     diff -u 1-bare.c 2-lines.c
 *
 * Build:  cc 2-lines.c -o 2-lines                    (Linux, macOS)
 *         gcc 2-lines.c -o 2-lines.exe -lws2_32      (MinGW)
 *         cl 2-lines.c                               (MSVC)
 *         or, at socklab's top: make steps
 * Run:    ./2-lines           then, in other terminals: nc localhost 8806
 *
 * Notice:
 *   - the buffer belongs to the member, not to the round: the start of a
 *     line waits there, across rounds, until its end arrives;
 *   - a line longer than LINE_LIMIT (1 KiB) is cut, and the rest of it
 *     dropped up to its newline: a member who never sends a newline costs
 *     1 KiB, never more.
 */
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"

#define STEP "2-lines"
#define PROG "chat room, step 2"
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

/* Sends text to the member in `seat`. */
static void say_to(int seat, const char *text, int len)
{
    if (tcp_send_all(seats[seat].s, text, (size_t)len) != 0)
        net_fail(PROG, "send()", net_error());      /* as Stevens' err_sys() */
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
    if (n < 0)
        net_fail(PROG, "recv()", net_error());      /* as Stevens' err_sys() */
    if (n == 0) {
        leave(seat, "left");
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
