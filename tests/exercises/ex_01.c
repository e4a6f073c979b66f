/*
 * ex_01.c - the checks of lesson 01's exercises (lessons/01-hello/README.md).
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LESSON "01-hello"

/* 01.1: with no words after HOST and PORT, the client sends "Hello from NAME". */
static void check_01_1(void)
{
    struct proc server, client;
    char line[512];
    int port = server_start(&server, LESSON, NULL);
    if (!port)
        return;
    run_client(&client, LESSON, NULL, "127.0.0.1", port_text(port), (char *)NULL);
    proc_wait_for(&server, "\n", timeout_ms(3000));
    if (!proc_wait_for(&server, "received from", timeout_ms(5000))) {
        missing("the server received no line from your client; your client said %s",
                quote(client.buf, NULL));
        return;
    }
    line_with(server.buf, "received from", line, sizeof line);
    if (strstr(line, ": Hello from ") != NULL && line[strlen(line) - 1] != ' ')
        works("with no words, your client greets with a name: the server printed '%s'", line);
    else
        missing("with no words, your client should send 'Hello from ' and your name; the server "
                "printed '%s'", line);
    run_client(&client, LESSON, NULL, "127.0.0.1", port_text(port), "Hi", "there", (char *)NULL);
    if (proc_wait_for(&server, ": Hi there\n", timeout_ms(5000)))
        works("with words, your client still sends them: 'Hi there' arrived");
    else
        missing("with the words 'Hi there' your client should send them; the server printed %s",
                quote(server.buf, "received from"));
    server_stop(&server);
}

/* 01.2: the server numbers its clients: "client #1 (ADDRESS): LINE". */
static void check_01_2(void)
{
    struct proc server, client;
    char line[512] = "(nothing)";
    int first_counted, port = server_start(&server, LESSON, NULL);
    if (!port)
        return;
    run_client(&client, LESSON, NULL, "127.0.0.1", port_text(port), "one", (char *)NULL);
    run_client(&client, LESSON, NULL, "127.0.0.1", port_text(port), "two", (char *)NULL);
    proc_wait_for(&server, "two\n", timeout_ms(5000));
    line_with(server.buf, ": one", line, sizeof line);
    first_counted = strncmp(line, "client #1 (127.0.0.1:", 21) == 0;
    if (first_counted && strstr(line, "): one") != NULL)
        works("the first client is number 1: '%s'", line);
    else
        missing("the first client's line should read 'client #1 (127.0.0.1:PORT): one'; your "
                "server printed '%s'", line);
    line_with(server.buf, ": two", line, sizeof line);
    if (strncmp(line, "client #2 (127.0.0.1:", 21) == 0 && strstr(line, "): two") != NULL)
        works("the count lives on from one client to the next: '%s'", line);
    else
        missing("the second client's line should read 'client #2 (127.0.0.1:PORT): two'%s; your "
                "server printed '%s'", first_counted ? " (does the count start again for each "
                "client?)" : "", line);
    server_stop(&server);
}

/* A server of the check's own answers `answer`: the client must show it
 * made printable, as lesson 01 teaches (a terminal obeys escape bytes). */
static void answer_with_escapes(struct proc *client)
{
    static const char answer[] = "thanks, \033[2J\033]0;hacked\007127.0.0.1\n";
    char hello[512] = "";
    int listener, fd, port = listen_here(&listener);
    if (!port)
        return;
    proc_start(client, bin_path(LESSON, "client"), "127.0.0.1", port_text(port), "hi",
               (char *)NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) >= 0) {
        recv_until(fd, hello, sizeof hello, "\n", timeout_ms(5000));
        send_text(fd, answer);
        close(fd);
    }
    close(listener);
    proc_wait_exit(client, timeout_ms(5000));
}

/* 01.3: the server answers "thanks, ADDRESS:PORT" and closes; the client
 * prints the answer, made printable. */
static void check_01_3(void)
{
    struct proc server, client;
    char got[512] = "", want[64];
    int closed = 0, fd, port = server_start(&server, LESSON, NULL);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    snprintf(want, sizeof want, "thanks, 127.0.0.1:%d\n", local_port(fd));
    send_text(fd, "hi\n");
    recv_all(fd, got, sizeof got, timeout_ms(5000), &closed);
    close(fd);
    if (strcmp(got, want) == 0 && closed)
        works("your server thanks the client by its address, then closes: got %s",
              quote(got, NULL));
    else
        missing("after 'hi' your server should send %s and a newline, then close; it sent %s%s",
                quote(want, NULL), quote(got, NULL), closed ? "" : " and did not close");
    run_client(&client, LESSON, NULL, "127.0.0.1", port_text(port), "hi", (char *)NULL);
    if (strstr(client.buf, "thanks, 127.0.0.1:") != NULL)
        works("your client prints the server's answer: %s", quote(client.buf, "thanks"));
    else
        missing("your client should print what the server answers ('thanks, 127.0.0.1:...'); "
                "it printed %s", quote(client.buf, NULL));
    server_stop(&server);
    if (strstr(client.buf, "thanks, 127.0.0.1:") == NULL)
        return;                         /* first, the answer at all */
    answer_with_escapes(&client);
    if (strstr(client.buf, "thanks, ") != NULL && terminal_safe(client.buf, strlen(client.buf)))
        works("an answer with escape bytes is shown made printable: %s",
              quote(client.buf, "thanks"));
    else if (strstr(client.buf, "thanks, ") != NULL)
        missing("a server answered 'thanks, ' with escape bytes (ESC [2J clears a screen): your "
                "client printed them raw, and a terminal obeys them; print the answer through "
                "text_make_printable() (common/text.h), as the server does");
    else
        missing("a server answered 'thanks, ...': your client should print it; it printed %s",
                quote(client.buf, NULL));
}

const struct exercise ex_01[] = {
    {"01.1", LESSON, check_01_1},
    {"01.2", LESSON, check_01_2},
    {"01.3", LESSON, check_01_3},
    {0, 0, 0},
};
