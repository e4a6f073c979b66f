/*
 * Lesson 04 - chat client: talk to the chat server, both directions at once.
 *
 * Lines you type go to the server; lines from the server appear as they come,
 * even while you are typing. An empty line leaves. At end of input (Ctrl+D;
 * Ctrl+Z Enter on Windows, or the end of a pipe) we stop sending but still
 * print what the server answers until it closes.
 *
 * Build:  cc client.c -o client                    (Linux, macOS)
 *         gcc client.c -o client.exe -lws2_32      (MinGW)
 *         cl client.c                              (MSVC)
 * Run:    ./client [HOST [PORT]]
 *
 * Lesson 05 uses this same client, unchanged, to talk to a program instead of
 * a person: nothing in it knows who is at the other end.
 */
#include "chat.h"

#define PROG "chat client"
#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "8804"

static const char usage[] =
    "usage: client [HOST [PORT]]\n"
    "  Chats with a chat server: type lines to send them; an empty line leaves.\n"
    "  HOST defaults to " DEFAULT_HOST ", PORT to " DEFAULT_PORT
    " (lesson 05's doctor listens on 8805).\n"
    "  -h, --help  show this help\n";

int main(int argc, char **argv)
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    struct line_buffer typed;
    struct chat chat;
    int end;

    net_client_args(argc, argv, usage, &host, &port);
    if (net_init() != 0)
        return 1;

    chat.peer = tcp_connect_to(PROG, host, port);
    /* a server whose machine vanished is noticed, as servers notice us */
    net_keepalive(chat.peer, NET_KEEPALIVE_IDLE_S, NET_KEEPALIVE_INTERVAL_S, NET_KEEPALIVE_COUNT);
    chat.keyboard = net_keyboard_open();
    if (chat.keyboard == NET_INVALID)
        net_fail(PROG, "watching the keyboard (net_keyboard_open)", net_error());
    chat.listener = NET_INVALID;
    chat.peer_name = "server";
    chat.trace = 0;                     /* --trace is the server's */
    chat.silence_s = 0;                 /* we hang up ourselves: an empty line */
    chat.from_keyboard = &typed;
    line_init(&typed);
    printf("connected to %s port %s: type to chat, an empty line leaves\n", host, port);

    end = chat_run(&chat);
    if (end == CHAT_PEER_LEFT)
        printf("the server closed the connection: the chat is over\n");
    else if (end == CHAT_FAILED)
        tcp_fail_lost(PROG, net_error());
    else
        printf("you left the chat\n");
    net_close(chat.peer);
    net_cleanup();
    return 0;
}
