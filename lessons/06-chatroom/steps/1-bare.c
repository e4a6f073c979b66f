/*
 * Lesson 06, step 1 of 7 - the bare chat room: one select() loop relays
 * what each member types to every other member.
 *
 * This is the whole idea of the lesson in one screen: select() waits for
 * ALL the sockets at once (the listener and every member), and says which
 * ones have something for us. A new connection gets a seat; what a member
 * sends goes to everybody else, prefixed with who said it.
 *
 * It is correct for POLITE users: people who type a line at a time, read
 * what they are sent, and leave with a normal close. Steps 2 to 7 each add
 * the one defence that a less polite user, or a bigger class, needs; the
 * lesson's full server (../server.c) is the last step. `diff -u 1-bare.c
 * 2-lines.c` shows the first of them.
 *
 * Build:  cc 1-bare.c -o 1-bare                      (Linux, macOS)
 *         gcc 1-bare.c -o 1-bare.exe -lws2_32        (MinGW)
 *         cl 1-bare.c                                (MSVC)
 *         or, at socklab's top: make steps
 * Run:    ./1-bare            then, in other terminals: nc localhost 8806
 *
 * Notice:
 *   - select() changes the sets it is given: they are built again before
 *     every call, from the seats;
 *   - the only place the server waits for the network is select()... and,
 *     here, send(): see step 4;
 *   - a member's seat is its number: guest0, guest1...
 */
#include "../../../common/tcp.h"

#define STEP "1-bare"
#define PROG "chat room, step 1"
#define DEFAULT_PORT "8806"
enum { SEATS = FD_SETSIZE };    /* one per descriptor select() can watch */

struct member {
    net_socket s;               /* NET_INVALID: the seat is free */
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

/* What one member said, to every other member: "guest3: ...". */
static void relay(int from, const char *data, int len)
{
    char text[64 + 1024];
    int seat, n = snprintf(text, 64, "guest%d: ", from);
    memcpy(text + n, data, (size_t)len);
    for (seat = 0; seat < SEATS; seat++)
        if (seats[seat].s != NET_INVALID && seat != from)
            say_to(seat, text, n + len);
}

/* ---- arriving and reading ------------------------------------------------- */

static void read_from(int seat)
{
    char data[1024];
    int n = recv(seats[seat].s, data, (int)sizeof data, 0);
    if (n < 0)
        net_fail(PROG, "recv()", net_error());      /* as Stevens' err_sys() */
    if (n == 0)
        leave(seat, "left");
    else
        relay(seat, data, n);
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
