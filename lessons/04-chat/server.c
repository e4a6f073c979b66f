/*
 * Lesson 04 - chat server: one-on-one chat, both directions at once.
 *
 * It waits for one client and greets it. Then the person at this keyboard and
 * the person at the client chat freely: every line typed on either side
 * appears on the other at once, in any order (chat.h shows how: select()).
 * An empty line hangs up; the server then waits for the next client. End of
 * input (Ctrl+D; Ctrl+Z Enter on Windows) hangs up too, and from then on
 * clients can still talk to the server, which can no longer answer, nor
 * hang up: a client silent for 60 s is hung up on, so nobody holds the one
 * seat forever. Ctrl+C stops it. Nothing a client does makes it exit.
 *
 * Build:  cc server.c -o server                    (Linux, macOS)
 *         gcc server.c -o server.exe -lws2_32      (MinGW)
 *         cl server.c                              (MSVC)
 * Run:    ./server            then in another terminal: ./client
 *         (nc localhost 8804 or telnet localhost 8804 work as clients too)
 *
 * Notice:
 *   - while we wait for a client, select() watches the listening socket AND
 *     the keyboard, so the person at the server is never stuck;
 *   - during a chat a second client is told we're busy, not left hanging.
 */
#include "chat.h"

#define PROG "chat server"
#define DEFAULT_PORT "8804"

enum { SILENCE_S = 60 };     /* with no keyboard: long enough to think, short enough
                               that a silent client can't keep the seat all class */

static const char usage[] =
    "usage: server [-b ADDRESS] [--silence SECONDS] [--trace] [PORT]\n"
    "  One-on-one chat with one client at a time. PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  Type lines to send them; an empty line hangs up; Ctrl+C stops the server.\n"
    "  -b ADDRESS  listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  --silence SECONDS  once input has ended (nobody can type here), hang up on\n"
    "              a client silent this long (default 60)\n"
    "  --trace     tell on stderr what each select() round does (for a projector)\n"
    "  -h, --help  show this help\n";

static const char greeting[] =
    "Hello, this is a one-on-one chat. Type a line to talk; an empty line leaves.\n";
static const char silence_goodbye[] = "(Silence: the server hangs up. Goodbye.)\n";

/* Lines typed while nobody is connected go nowhere, and we say so; empty
 * ones too: none is kept for the next client. */
static void drop_typed_lines(struct line_buffer *typed)
{
    char line[LINE_LIMIT + 1];
    int cut;
    while (line_next(typed, line, &cut) >= 0)
        printf("(nobody is connected: that line went nowhere)\n");
}

/* So does the start of a line typed before a client came (Ctrl+D in
 * mid-line hands it over without its newline). */
static void drop_unfinished_line(struct line_buffer *typed)
{
    char line[LINE_LIMIT + 1];
    if (line_rest(typed, line) >= 0)
        printf("\n(nobody was connected: that text went nowhere)\n");
    line_init(typed);                   /* the tail of a cut line goes too */
}

/* Nobody to talk to yet. Returns -1 at end of input (nobody will type here
 * again), else 0. */
static int read_keyboard_while_alone(net_socket keyboard, struct line_buffer *typed)
{
    int room, n;
    char *space = line_space(typed, &room);
    n = net_keyboard_read(keyboard, space, room);
    if (n <= 0)
        return -1;
    line_added(typed, n);
    drop_typed_lines(typed);
    return 0;
}

/* The keyboard ended: stop watching it (at end of input it is always
 * "readable", and select() would never sleep again). */
static void keyboard_gone(struct chat *chat)
{
    net_close(chat->keyboard);
    chat->keyboard = NET_INVALID;
    printf("end of input: you can no longer type; clients can still talk to you, and are "
           "hung up on after %d s of silence (Ctrl+C stops the server)\n", chat->silence_s);
}

/* Waits for a client while watching the keyboard. Returns the client's socket. */
static net_socket wait_for_client(struct chat *chat, struct line_buffer *typed, char *who,
                                  size_t who_size)
{
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        net_socket client, top = chat->listener;
        fd_set readable;
        int ready;
        FD_ZERO(&readable);
        chat_watch(chat->listener, &readable, &top);
        if (chat->keyboard != NET_INVALID)
            chat_watch(chat->keyboard, &readable, &top);
        ready = select((int)(top + 1), &readable, NULL, NULL, NULL);
        trace_round(chat->trace, ready, &readable, NULL, top, chat->listener);
        if (ready < 0) {
            if (net_error() != NET_EINTR)
                net_fail(PROG, "select()", net_error());
            continue;
        }
        if (chat->keyboard != NET_INVALID && FD_ISSET(chat->keyboard, &readable) &&
            read_keyboard_while_alone(chat->keyboard, typed) != 0)
            keyboard_gone(chat);
        if (!FD_ISSET(chat->listener, &readable))
            continue;
        client = accept(chat->listener, (struct sockaddr *)&peer, &len);
        if (client != NET_INVALID) {
            net_addr_text((struct sockaddr *)&peer, who, who_size);
            TRACE(chat->trace, "accepted %s as socket %d", who, (int)client);
            /* a client whose laptop vanished is noticed (common/net.h) */
            net_keepalive(client, NET_KEEPALIVE_IDLE_S, NET_KEEPALIVE_INTERVAL_S,
                          NET_KEEPALIVE_COUNT);
            return client;
        }
        printf("accept() failed: %s (still waiting)\n", net_strerror(net_error()));
    }
}

/* With no keyboard, the client learns that nobody will answer, and that a
 * silence ends the chat. */
static void warn_nobody_types(net_socket client, int silence_s)
{
    char text[160];
    int len = snprintf(text, sizeof text, "(Nobody can type at the server now: it only "
                       "listens, and hangs up after %d s of silence.)\n", silence_s);
    tcp_send_all(client, text, (size_t)len);
}

static void say_how_it_ended(int end, const char *who, int silence_s)
{
    if (end == CHAT_SILENT)
        printf("%s was silent for %d s and nobody can answer here: hung up; "
               "waiting for the next client\n", who, silence_s);
    else if (end == CHAT_PEER_LEFT)
        printf("%s left the chat; waiting for the next client\n", who);
    else if (end == CHAT_YOU_LEFT || end == CHAT_INPUT_ENDED)
        printf("you hung up on %s; waiting for the next client\n", who);
    else
        printf("the connection to %s broke (%s); waiting for the next client\n", who,
               net_strerror(net_error()));
}

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "--silence", NULL}, *values[2] = {NULL, NULL};
    const char *port = DEFAULT_PORT;
    struct line_buffer typed;
    struct chat chat;
    char who[NET_ADDR_TEXT];
    int end;

    chat.trace = trace_wanted(&argc, argv);
    if (net_parse_args(argc, argv, usage, options, values, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    chat.silence_s = (int)net_number_arg(values[1], "--silence", 1, 86400, SILENCE_S, usage);
    if (net_init() != 0)
        return 1;
    chat.listener = tcp_listen(PROG, values[0], port);
    net_announce(PROG, chat.listener, values[0]);
    chat.keyboard = net_keyboard_open();
    if (chat.keyboard == NET_INVALID)
        net_fail(PROG, "watching the keyboard (net_keyboard_open)", net_error());
    chat.peer_name = "client";
    chat.from_keyboard = &typed;
    line_init(&typed);

    for (;;) {                          /* Ctrl+C ends it */
        printf("waiting for a client...\n");
        chat.peer = wait_for_client(&chat, &typed, who, sizeof who);
        drop_unfinished_line(&typed);
        if (chat.keyboard != NET_INVALID)
            printf("%s connected: type to chat, an empty line hangs up\n", who);
        else
            printf("%s connected: listening only (input ended); hanging up after %d s of "
                   "silence\n", who, chat.silence_s);
        tcp_send_all(chat.peer, greeting, sizeof greeting - 1);
        if (chat.keyboard == NET_INVALID)
            warn_nobody_types(chat.peer, chat.silence_s);
        end = chat_run(&chat);
        if (end == CHAT_SILENT)
            tcp_send_all(chat.peer, silence_goodbye, sizeof silence_goodbye - 1);
        say_how_it_ended(end, who, chat.silence_s);
        net_close(chat.peer);
        drop_typed_lines(&typed);       /* typed after the hang-up, in one go */
        if (end == CHAT_INPUT_ENDED)
            keyboard_gone(&chat);
    }
}
