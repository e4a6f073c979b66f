/*
 * Lesson 06 - chat room client: type lines, see everyone else's as they come.
 *
 * Build:  make chatroom        or: cc client.c -o client
 *         gcc client.c -o client.exe -lws2_32            (MinGW)
 *         cl client.c                                    (MSVC)
 * Run:    ./client [HOST [PORT]]     the server asks your name first;
 *         /quit or end of input (Ctrl+D; Ctrl+Z Enter on Windows) leaves.
 *
 * Notice:
 *   - one select() waits for two things at once: a line from the keyboard
 *     and a line from the server, so neither has to wait for the other;
 *   - Windows' select() takes only sockets, so the keyboard comes through
 *     net_keyboard_open(), a socket fed by a small thread (see common/net.h);
 *   - what the server sends is cut into lines with the same line_buffer the
 *     server uses: one recv() may bring half a line, or ten.
 */
#include "../../common/tcp.h"
#include "../../common/line.h"

#define PROG "chat room client"
#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "8806"
enum {
    KEYBOARD_CHUNK = 4096,      /* what one keyboard read may bring; any size works */
    PATIENCE_SECONDS = 5        /* after we leave, how long the server has to close */
};

static const char usage[] =
    "usage: client [HOST [PORT]]\n"
    "  Joins the chat room: the server asks your name, then every line you type\n"
    "  reaches the others. /help lists the commands; /quit or end of input\n"
    "  (Ctrl+D; Ctrl+Z Enter on Windows) leaves.\n"
    "  HOST defaults to " DEFAULT_HOST ", PORT to " DEFAULT_PORT ".\n"
    "  -h, --help  show this help\n";

/* Prints every whole line the server sent. Returns 0 once it has closed. */
static int show_server_lines(net_socket s, struct line_buffer *lb)
{
    char line[LINE_LIMIT + 1];
    int room, cut, n;
    char *space = line_space(lb, &room);
    n = recv(s, space, room, 0);
    line_added(lb, n);
    while (line_next(lb, line, &cut) >= 0)
        printf("%s\n", line);           /* "\n": stdout makes it CR LF on Windows */
    if (n > 0)
        return 1;
    if (line_rest(lb, line) >= 0)
        printf("%s\n", line);
    if (n < 0)
        printf("%s: the connection broke: %s\n", PROG, net_strerror(net_error()));
    else
        printf("%s: the server closed the connection\n", PROG);
    return 0;
}

/* Passes typed bytes on as they are; the server cuts them into lines.
 * Returns 0 at end of input. */
static int pass_keyboard_on(net_socket kb, net_socket s)
{
    char buf[KEYBOARD_CHUNK];
    int n = net_keyboard_read(kb, buf, (int)sizeof buf);
    if (n <= 0)
        return 0;
    if (tcp_send_all(s, buf, (size_t)n) != 0)
        net_fail(PROG, "send()", net_error());
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    struct line_buffer from_server;
    net_socket s, kb;
    int typing = 1;

    net_client_args(argc, argv, usage, &host, &port);
    if (net_init() != 0)
        return 1;
    s = tcp_connect_to(PROG, host, port);   /* every address in turn, as in lesson 01 */
    kb = net_keyboard_open();
    if (kb == NET_INVALID)
        net_fail(PROG, "opening the keyboard", net_error());
    line_init(&from_server);

    for (;;) {
        fd_set readable;
        struct timeval patience = {PATIENCE_SECONDS, 0};
        int ready;
        FD_ZERO(&readable);
        FD_SET(s, &readable);
        if (typing)
            FD_SET(kb, &readable);
        /* While typing we wait as long as it takes; after leaving, not forever. */
        ready = select((int)(s > kb ? s : kb) + 1, &readable, NULL, NULL,
                       typing ? NULL : &patience);
        if (ready < 0 && net_error() != NET_EINTR)
            net_fail(PROG, "select()", net_error());
        if (ready == 0)
            break;                      /* we left; the server never closed */
        if (ready > 0 && FD_ISSET(s, &readable) && !show_server_lines(s, &from_server))
            break;
        if (ready > 0 && typing && FD_ISSET(kb, &readable) && !pass_keyboard_on(kb, s)) {
            typing = 0;                 /* end of input: "I will send no more" */
            shutdown(s, NET_SHUT_WR);
        }
    }
    net_close(s);
    net_cleanup();
    return 0;
}
