/*
 * ex_04.c - the checks of lesson 04's exercises (lessons/04-chat/README.md).
 * They look only at what a user sees (the greeting, the client's first
 * line, the goodbye), so they hold while the lesson's insides move.
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LESSON "04-chat"

/* 04.1: the greeting names the guest: "Hello 127.0.0.1:51234, this is ..." */
static void check_04_1(void)
{
    struct proc server;
    struct conn c;
    char line[512], want[64];
    int port = server_start(&server, LESSON, NULL);
    if (!port || conn_open(&c, "127.0.0.1", port) != 0)
        return;
    snprintf(want, sizeof want, "Hello 127.0.0.1:%d, this is", local_port(c.fd));
    conn_read_line(&c, line, sizeof line, timeout_ms(3000));
    if (strncmp(line, want, strlen(want)) == 0)
        works("your server welcomes the guest by address: '%s'", line);
    else
        missing("the first line should start '%s' (the client's address and port, as the "
                "server prints them); your server sent '%s'", want, line);
    if (proc_wait_for(&server, "127.0.0.1:", timeout_ms(3000)))
        works("and its log still says who connected");
    else
        missing("the server's log should still say who connected; it printed %s",
                quote(server.buf, NULL));
    conn_close(&c);
    server_stop(&server);
}

/* 04.2: the client says which address "localhost" turned out to be. */
static void check_04_2(void)
{
    struct proc server, client;
    char line[512], v4[64], v6[64];
    int port = server_start(&server, LESSON, NULL);
    if (!port)
        return;
    snprintf(v4, sizeof v4, "(127.0.0.1:%d)", port);
    snprintf(v6, sizeof v6, "([::1]:%d)", port);
    run_client(&client, LESSON, "\n", "localhost", port_text(port), (char *)NULL);
    line_with(client.buf, "connected to", line, sizeof line);
    if (strstr(line, v4) != NULL || strstr(line, v6) != NULL)
        works("your client says which address it reached: '%s'", line);
    else
        missing("given 'localhost', your client should say which address it reached, as "
                "'%s' or '%s'; it printed '%s'", v6, v4, line);
    if (strstr(client.buf, "you left the chat") != NULL)
        works("and it still chats: an empty line left the chat");
    else
        missing("an empty line should still leave the chat; your client printed %s",
                quote(client.buf, "left"));
    server_stop(&server);
}

/* 04.3: with nobody at the keyboard, the goodbye says how long the silence was. */
static void check_04_3(void)
{
    struct proc server;
    char got[2048] = "", line[512];
    int closed = 0, fd = -1, port = 0;
    if (proc_start(&server, bin_path(LESSON, "server"), "--silence", "2", "0", (char *)NULL) == 0)
        port = server_port(&server);
    proc_close_stdin(&server);         /* nobody will type: the server only listens */
    if (!port || !proc_wait_for(&server, "end of input", timeout_ms(5000)) ||
        (fd = tcp_connect("127.0.0.1", port)) < 0) {
        missing("the server with closed input should still wait for a client; it printed %s",
                quote(server.buf, "input"));
        return;
    }
    recv_all(fd, got, sizeof got, timeout_ms(8000), &closed);
    close(fd);
    if (!closed) {
        missing("with --silence 2 the server should hang up on a silent client; it did not");
    } else {
        line_with(got, "Goodbye", line, sizeof line);
        if (strstr(line, " 2 s") != NULL)
            works("after 2 s of silence: '%s'", line);
        else
            missing("after 2 s of silence (--silence 2) the goodbye should say how long, as "
                    "'(Silent for 2 s: the server hangs up. Goodbye.)'; it was '%s'", line);
    }
    server_stop(&server);
}

const struct exercise ex_04[] = {
    {"04.1", LESSON, check_04_1},
    {"04.2", LESSON, check_04_2},
    {"04.3", LESSON, check_04_3},
    {0, 0, 0},
};
