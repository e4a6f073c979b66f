/*
 * Lesson 06, step 7 of 7 - the read set paces a flood to its readers.
 *
 * The failure (try it on 6-drop): a member pastes a megabyte, or runs
 * tools/flood. Lines arrive faster than a slow console draws them, and a
 * member who reads, only slower than the paste, falls 256 KiB behind and
 * is dropped as if he had stopped. One paste empties the room of everyone
 * but the fast.
 *
 * The fix: the read set is the policy. While a member who is still reading
 * is more than BEHIND_MARK (64 KiB) behind, nobody's socket goes into the
 * read set. The senders' bytes then wait in TCP's buffers, those fill, and
 * TCP itself makes the senders wait: the flood goes at the pace of the
 * slowest reader, and nobody who reads is dropped. A member whose send()
 * took nothing for STALL_MS has stopped: the room no longer waits for him,
 * and step 6 drops him. That is the whole change:
 *     diff -u 6-drop.c 7-pace.c
 *
 * Build:  cc 7-pace.c -o 7-pace                      (Linux, macOS)
 *         gcc 7-pace.c -o 7-pace.exe -lws2_32        (MinGW)
 *         cl 7-pace.c                                (MSVC)
 *         or, at socklab's top: make steps
 * Run:    ./7-pace            then, in other terminals: nc localhost 8806
 *
 * Notice:
 *   - while the room is held back, select() wakes every TICK_MS even if
 *     nothing happens: to notice a reader who stopped;
 *   - this is the last step. The lesson's full server (../server.c and the
 *     files beside it) adds names, the door, clean text and commands: the
 *     README says what each adds.
 */
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"

#define STEP "7-pace"
#define PROG "chat room, step 7"
#define DEFAULT_PORT "8806"
enum {
    SEATS = FD_SETSIZE,         /* one per descriptor select() can watch */
    OUTBOX_CAP = 256 * 1024,    /* a member this far behind has stopped reading */
    BEHIND_MARK = 64 * 1024,    /* a reader this far behind holds the room back */
    STALL_MS = 1000,            /* send() took nothing for this long: he stopped */
    TICK_MS = 250               /* while held back: look again at who stopped */
};

struct member {
    net_socket s;               /* NET_INVALID: the seat is free */
    struct line_buffer in;      /* bytes received, not yet a whole line */
    char *out;                  /* outbox: bytes queued, not yet taken by send() */
    size_t out_len, out_cap;
    long long last_sent;        /* when send() last took bytes (or the outbox filled) */
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
    if (m->out_len == 0)
        m->last_sent = net_now_ms();    /* the stall clock starts with the first byte */
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
        m->last_sent = net_now_ms();
    }
}

/* Stopped reading: bytes wait for him, and send() took none for STALL_MS. */
static int stalled(const struct member *m)
{
    return m->out_len > 0 && net_now_ms() - m->last_sent >= STALL_MS;
}

/* The policy: while a member who still reads is far behind, read nobody. */
static int room_held_back(void)
{
    int seat;
    for (seat = 0; seat < SEATS; seat++)
        if (seats[seat].s != NET_INVALID && seats[seat].out_len > BEHIND_MARK &&
            !stalled(&seats[seat]))
            return 1;
    return 0;
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
    struct timeval tick;
    int seat, held_back;

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
        held_back = room_held_back();
        FD_ZERO(&readable);             /* who to watch: everyone, every time */
        FD_ZERO(&writable);
        FD_SET(listener, &readable);
        top = listener;
        for (seat = 0; seat < SEATS; seat++)
            if (seats[seat].s != NET_INVALID) {
                if (!held_back)         /* held back: TCP makes the senders wait */
                    FD_SET(seats[seat].s, &readable);
                if (seats[seat].out_len > 0)    /* only while it has bytes to send */
                    FD_SET(seats[seat].s, &writable);
                if (seats[seat].s > top)
                    top = seats[seat].s;
            }
        tick.tv_sec = 0;
        tick.tv_usec = TICK_MS * 1000;
        if (select((int)top + 1, &readable, &writable, NULL, held_back ? &tick : NULL) < 0) {
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
