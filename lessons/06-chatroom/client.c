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
 *     net_keyboard_open(), a socket fed by a small thread (common/console.h);
 *   - one recv() may bring half a line, or ten: the client shows them as
 *     they come; the server is the one that must cut the stream into lines.
 */
#include "../../common/tcp.h"
#include "../../common/text.h"     /* what a terminal may be shown */

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

/* A character cut in two by recv(): the lead byte of a longer UTF-8
 * sequence, followed only by continuation bytes up to the end of the data. */
static int cut_short(const unsigned char *p, int left)
{
    int i, size = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3
                : (p[0] & 0xF8) == 0xF0 ? 4 : 1;
    for (i = 1; i < left; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return left < size;
}

/* Prints what the server sent as it comes. The room sends only whole lines,
 * of any length (/who in a room of 500 is one long line), so unlike the
 * server we need no line buffer: whatever part of a line has arrived can
 * be shown. A terminal obeys the control characters it gets, so each
 * character passes the server's own test (common/text.h): CRs go (stdout
 * adds its own on Windows), other controls and bytes that are not UTF-8
 * show as '?'. A character cut in two by recv() waits for its end. Returns
 * 0 once the server has closed. */
static int show_server_text(net_socket s, int *at_line_start)
{
    static char held[4];                /* the start of a character cut in two */
    static int nheld;
    char buf[KEYBOARD_CHUNK + 4], shown[KEYBOARD_CHUNK + 4];
    int i, size, len = 0, n = recv(s, buf + nheld, KEYBOARD_CHUNK, 0);
    int total = nheld + (n > 0 ? n : 0);
    const unsigned char *end = (const unsigned char *)buf + total;
    memcpy(buf, held, (size_t)nheld);
    for (i = 0, nheld = 0; i < total; i += size) {
        long c = text_utf8_next((const unsigned char *)buf + i, end, &size);
        if (c < 0 && n > 0 && cut_short((const unsigned char *)buf + i, total - i)) {
            nheld = total - i;
            memcpy(held, buf + i, (size_t)nheld);
            break;
        }
        if (c == '\r')
            continue;
        if (c < 0 || (c != '\n' && text_is_control(c)))
            memset(shown + len, '?', (size_t)size);
        else
            memcpy(shown + len, buf + i, (size_t)size);
        len += size;
        *at_line_start = c == '\n';
    }
    fwrite(shown, 1, (size_t)len, stdout);
    if (n > 0)
        return 1;
    if (!*at_line_start)
        printf("\n");                  /* a last line without a newline */
    if (n < 0)                          /* reset, or the server can't be reached */
        tcp_fail_lost(PROG, net_error());
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
        tcp_fail_lost(PROG, net_error());
    return 1;
}

int main(int argc, char **argv)
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    net_socket s, kb;
    int typing = 1, at_line_start = 1;

    net_client_args(argc, argv, usage, &host, &port);
    if (net_init() != 0)
        return 1;
    s = tcp_connect_to(PROG, host, port);   /* every address in turn, as in lesson 01 */
    /* a server whose machine vanished is noticed, as servers notice us */
    net_keepalive(s, NET_KEEPALIVE_IDLE_S, NET_KEEPALIVE_INTERVAL_S, NET_KEEPALIVE_COUNT);
    kb = net_keyboard_open();
    if (kb == NET_INVALID)
        net_fail(PROG, "opening the keyboard", net_error());

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
        if (ready > 0 && FD_ISSET(s, &readable) && !show_server_text(s, &at_line_start))
            break;
        if (ready > 0 && typing && FD_ISSET(kb, &readable) && !pass_keyboard_on(kb, s)) {
            typing = 0;                 /* end of input: "I will send no more" */
            shutdown(s, NET_SHUT_WR);
        }
    }
    printf("%s: %s\n", PROG, typing ? "the server closed the connection" : "you left the room");
    net_close(s);
    net_cleanup();
    return 0;
}
