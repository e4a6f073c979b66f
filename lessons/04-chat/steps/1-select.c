/*
 * Lesson 04, step 1 - the bare chat server: select() over the keyboard and
 * the socket, and nothing else.
 *
 * It waits for one client and greets it. Then each side types freely: one
 * select() sleeps until the keyboard OR the client has something, and we
 * only ever read the one that is ready, so neither side waits for the other.
 * This is the whole idea of the lesson; steps 2 to 5 add, one at a time, the
 * defences a real server needs (../README.md shows each failure live).
 *
 * Build:  cc 1-select.c -o 1-select                   (Linux, macOS)
 *         gcc 1-select.c -o 1-select.exe -lws2_32     (MinGW)
 *         cl 1-select.c                               (MSVC)
 * Run:    ./1-select 8804     then in another terminal: ../client
 *
 * Notice:
 *   - the loop in chat(): FD_ZERO, FD_SET both, select(), then FD_ISSET
 *     on each; select() leaves in the set only the ready ones;
 *   - on Windows select() takes only sockets: net_keyboard_open() gives the
 *     keyboard as one (common/console.h); on Linux it is descriptor 0;
 *   - what it still gets wrong: it prints each recv() as it came (TCP does
 *     not keep lines: step 2), prints the client's bytes raw (step 3), leaves
 *     a second client hanging (step 4), and stops at end of input (step 5).
 */
#include "../../../common/net.h"
#include "../../../common/tcp.h"

#define PROG "chat server (step 1)"
#define DEFAULT_PORT "8804"

static const char usage[] =
    "usage: 1-select [PORT]\n"
    "  Lesson 04's one-on-one chat server, one of its steps. PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -h, --help  show this help\n";

static const char greeting[] =
    "Hello, this is a one-on-one chat. Type a line to talk; an empty line leaves.\n";

enum { CLIENT_LEFT = 1, INPUT_ENDED };

struct chat {
    net_socket listener;        /* where clients connect */
    net_socket keyboard;        /* from net_keyboard_open() */
    net_socket client;          /* the one we talk to */
};

/* Adds s to the set and keeps `top` the highest descriptor in it (POSIX
 * select() wants top + 1; Windows ignores it). */
static void watch(net_socket s, fd_set *set, net_socket *top)
{
    FD_SET(s, set);
    if (s > *top)
        *top = s;
}

/* The client sent something: print it. Returns 0, or CLIENT_LEFT. */
static int from_client(struct chat *c)
{
    char data[1024];
    int n = recv(c->client, data, (int)sizeof data, 0);
    if (n <= 0)
        return CLIENT_LEFT;             /* 0: it closed; < 0: the connection broke */
    printf("client: %.*s", n, data);    /* as it came */
    return 0;
}

/* Something was typed: send it. Returns 0, or INPUT_ENDED. */
static int from_keyboard(struct chat *c)
{
    char typed[1024];
    int n = net_keyboard_read(c->keyboard, typed, (int)sizeof typed);
    if (n <= 0)
        return INPUT_ENDED;             /* Ctrl+D (Ctrl+Z Enter on Windows) */
    tcp_send_all(c->client, typed, (size_t)n);
    return 0;
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
        watch(c->keyboard, &readable, &top);
        if (select((int)(top + 1), &readable, NULL, NULL, NULL) < 0) {
            if (net_error() == NET_EINTR)
                continue;
            net_fail(PROG, "select()", net_error());
        }
        if (FD_ISSET(c->client, &readable))
            end = from_client(c);
        if (!end && FD_ISSET(c->keyboard, &readable))
            end = from_keyboard(c);
        if (end)
            return end;
    }
}

int main(int argc, char **argv)
{
    const char *options[] = {NULL}, *port = DEFAULT_PORT;
    struct chat c;
    int end;

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
        printf("a client connected: type to chat\n");
        tcp_send_all(c.client, greeting, sizeof greeting - 1);
        end = chat(&c);
        net_close(c.client);
        if (end == INPUT_ENDED)
            break;
        printf("the client left; waiting for the next client\n");
    }
    printf("end of input: the server stops\n");
    net_close(c.listener);
    net_cleanup();
    return 0;
}
