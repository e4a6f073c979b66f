/*
 * Lesson 04, step 5 - the keyboard ends: step 4 plus a server that keeps
 * serving once nobody can type at it.
 *
 * Input ends with Ctrl+D (Ctrl+Z Enter on Windows), and at once when the
 * server runs in the background, from a script, or with < /dev/null. Step 4
 * then stopped. It can't simply go on: at end of input the keyboard is
 * always "readable" (read() returns 0 at once), so select() would never
 * sleep again and the server would burn a whole core. So the keyboard
 * leaves the set, and the server goes on, listening only.
 *
 * Build:  cc 5-input-ends.c -o 5-input-ends                   (Linux, macOS)
 *         gcc 5-input-ends.c -o 5-input-ends.exe -lws2_32     (MinGW)
 *         cl 5-input-ends.c                               (MSVC)
 * Run:    ./5-input-ends 8804     then in another terminal: ../client
 *
 * Notice:
 *   - NET_INVALID marks the keyboard gone; chat() watches it only while
 *     it is there: what goes into the set is a decision, every round;
 *   - the full server (../server.c with ../chat.h) adds what is left:
 *     ../README.md lists it.
 */
#include "../../../common/net.h"
#include "../../../common/tcp.h"
#include "../../../common/telnet.h"
#include "../../../common/text.h"
#include "../line.h"

#define PROG "chat server (step 5)"
#define DEFAULT_PORT "8804"

static const char usage[] =
    "usage: 5-input-ends [PORT]\n"
    "  Lesson 04's one-on-one chat server, one of its steps. PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -h, --help  show this help\n";

static const char greeting[] =
    "Hello, this is a one-on-one chat. Type a line to talk; an empty line leaves.\n";
static const char busy[] = "Sorry, the server is busy in another chat. Try again later.\n";

enum { CLIENT_LEFT = 1 };

struct chat {
    net_socket listener;        /* where clients connect */
    net_socket keyboard;        /* from net_keyboard_open(); NET_INVALID once it ended */
    net_socket client;          /* the one we talk to */
    struct line_buffer from_client;     /* bytes of a line not yet whole */
};

/* Adds s to the set and keeps `top` the highest descriptor in it (POSIX
 * select() wants top + 1; Windows ignores it). */
static void watch(net_socket s, fd_set *set, net_socket *top)
{
    FD_SET(s, set);
    if (s > *top)
        *top = s;
}

/* One line from the client, made safe for our terminal. */
static void print_line(char *line, int len, int cut)
{
    if ((len = line_drop_telnet_commands(line, len)) == 0)
        return;                         /* it held only telnet commands */
    text_make_printable(line, len);     /* last: NULs too, so it is a C string */
    printf("client: %s%s\n", line, cut ? " [cut: too long]" : "");
}

/* The client sent something: print each whole line. Returns 0, or
 * CLIENT_LEFT. */
static int from_client(struct chat *c)
{
    char line[LINE_LIMIT + 1];
    int room, n, len, cut;
    char *space = line_space(&c->from_client, &room);
    n = recv(c->client, space, room, 0);
    if (n <= 0)
        return CLIENT_LEFT;             /* 0: it closed; < 0: the connection broke */
    line_added(&c->from_client, n);
    tcp_answer_telnet_mark(c->client, space, n);
    while ((len = line_next(&c->from_client, line, &cut)) >= 0) {
        if (len == 0)
            return CLIENT_LEFT;         /* an empty line: goodbye */
        print_line(line, len, cut);
    }
    return 0;                           /* a part line waits in the buffer */
}

/* The keyboard ended: stop watching it, or select() never sleeps again. */
static void keyboard_gone(struct chat *c)
{
    net_close(c->keyboard);
    c->keyboard = NET_INVALID;
    printf("end of input: you can no longer type; clients can still talk to you "
           "(Ctrl+C stops the server)\n");
}

/* Something was typed: send it. Returns 0. */
static int from_keyboard(struct chat *c)
{
    char typed[1024];
    int n = net_keyboard_read(c->keyboard, typed, (int)sizeof typed);
    if (n <= 0)
        keyboard_gone(c);               /* Ctrl+D (Ctrl+Z Enter on Windows) */
    else
        tcp_send_all(c->client, typed, (size_t)n);
    return 0;
}

/* Someone else connected while we chat. Tell them, politely. */
static void turn_away(struct chat *c)
{
    net_socket extra = accept(c->listener, NULL, NULL);
    if (extra != NET_INVALID) {
        tcp_turn_away(extra, busy);
        printf("(turned away a second client: one conversation at a time)\n");
    }
}

/* The lesson: wait for whichever is ready first, serve only that. Returns
 * how the conversation ended. */
static int chat(struct chat *c)
{
    for (;;) {
        fd_set readable;
        net_socket top = c->client;
        int end = 0;
        FD_ZERO(&readable);
        watch(c->client, &readable, &top);
        if (c->keyboard != NET_INVALID)
            watch(c->keyboard, &readable, &top);
        watch(c->listener, &readable, &top);
        if (select((int)(top + 1), &readable, NULL, NULL, NULL) < 0) {
            if (net_error() == NET_EINTR)
                continue;
            net_fail(PROG, "select()", net_error());
        }
        if (FD_ISSET(c->client, &readable))
            end = from_client(c);
        if (!end && c->keyboard != NET_INVALID && FD_ISSET(c->keyboard, &readable))
            end = from_keyboard(c);
        if (!end && FD_ISSET(c->listener, &readable))
            turn_away(c);
        if (end)
            return end;
    }
}

int main(int argc, char **argv)
{
    const char *options[] = {NULL}, *port = DEFAULT_PORT;
    struct chat c;

    if (net_parse_args(argc, argv, usage, options, NULL, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    if (net_init() != 0)
        return 1;
    c.listener = tcp_listen(PROG, NULL, port);
    net_announce(PROG, c.listener, NULL);
    c.keyboard = net_keyboard_open();
    if (c.keyboard == NET_INVALID)
        net_fail(PROG, "watching the keyboard (net_keyboard_open)", net_error());

    for (;;) {
        printf("waiting for a client...\n");
        c.client = accept(c.listener, NULL, NULL);
        if (c.client == NET_INVALID) {
            printf("accept() failed: %s (still waiting)\n", net_strerror(net_error()));
            continue;
        }
        line_init(&c.from_client);
        printf("a client connected: type to chat\n");
        tcp_send_all(c.client, greeting, sizeof greeting - 1);
        chat(&c);                       /* it ends when the client leaves */
        net_close(c.client);
        printf("the client left; waiting for the next client\n");
    }
}
