/*
 * Lesson 04, step 2 - lines that arrive in pieces: step 1 plus a line
 * buffer for the client.
 *
 * TCP delivers bytes, not messages: one recv() may bring half a line, or
 * three lines. Step 1 printed each recv() as it came, so a line sent in
 * pieces came out as pieces. Here what recv() brings goes into a
 * line_buffer (../line.h, the lesson's framer), and only whole lines come
 * out: LF, CR LF or CR end one. An empty line is the client's goodbye.
 *
 * Build:  cc 2-lines.c -o 2-lines                   (Linux, macOS)
 *         gcc 2-lines.c -o 2-lines.exe -lws2_32     (MinGW)
 *         cl 2-lines.c                               (MSVC)
 * Run:    ./2-lines 8804     then in another terminal: ../client
 *
 * Notice:
 *   - from_client(): recv() writes into the buffer's free space, and
 *     line_next() hands out each complete line; the rest waits;
 *   - a line longer than LINE_LIMIT is cut, so a client that never sends a
 *     newline costs LINE_LIMIT bytes, never more;
 *   - still wrong: the client's bytes reach our terminal raw (step 3).
 */
#include "../../../common/net.h"
#include "../../../common/tcp.h"
#include "../line.h"

#define PROG "chat server (step 2)"
#define DEFAULT_PORT "8804"

static const char usage[] =
    "usage: 2-lines [PORT]\n"
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
    while ((len = line_next(&c->from_client, line, &cut)) >= 0) {
        if (len == 0)
            return CLIENT_LEFT;         /* an empty line: goodbye */
        printf("client: %s%s\n", line, cut ? " [cut: too long]" : "");
    }
    return 0;                           /* a part line waits in the buffer */
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
        line_init(&c.from_client);
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
