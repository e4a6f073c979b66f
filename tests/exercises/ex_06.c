/*
 * ex_06.c - the checks of lesson 06's exercises (lessons/06-chatroom/README.md).
 * They look at what members see, so they hold while the room's insides move.
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LESSON "06-chatroom"

/* Reads lines until one contains `text` (3 s at most): 1 and that line,
 * quoted, in out; or 0 and in out that no such line came (never merely the
 * last line, which may be about something else). */
static int hear_line(struct conn *c, const char *text, char *out, size_t cap)
{
    long long give_up = now_ms() + timeout_ms(3000);
    char line[512];
    while (now_ms() < give_up && conn_read_line(c, line, sizeof line, (int)(give_up - now_ms())))
        if (strstr(line, text) != NULL) {
            snprintf(out, cap, "'%s'", line);
            return 1;
        }
    snprintf(out, cap, "no line with '%s' within %d s", text, timeout_ms(3000) / 1000);
    return 0;
}

/* Connects and answers the room's question with `name`; 1 once in. */
static int join(struct conn *c, int port, const char *name)
{
    char line[512];
    if (conn_open(c, "127.0.0.1", port) != 0 || !hear_line(c, "name?", line, sizeof line))
        return 0;
    send_text(c->fd, name);
    send_text(c->fd, "\n");
    return hear_line(c, "you are in", line, sizeof line);
}

/* A room where ana and bob are in; 0 if it could not be had. */
static int room_of_two(struct proc *server, struct conn *ana, struct conn *bob)
{
    int port = server_start(server, LESSON, NULL);
    return port && join(ana, port, "ana") && join(bob, port, "bob");
}

/* 06.1: "/me waves" shows "* ana waves" to the others. */
static void check_06_1(void)
{
    static struct conn ana, bob;
    struct proc server;
    char line[512];
    if (!room_of_two(&server, &ana, &bob))
        return;
    send_text(ana.fd, "/me waves\n");
    if (hear_line(&bob, "waves", line, sizeof line) && strcmp(line, "'* ana waves'") == 0)
        works("ana typed '/me waves', bob saw '* ana waves'");
    else
        missing("ana typed '/me waves': bob should see '* ana waves'; he got %s", line);
    send_text(ana.fd, "/me waves back at everyone\n");
    if (hear_line(&bob, "back at", line, sizeof line) &&
        strcmp(line, "'* ana waves back at everyone'") == 0)
        works("the whole action: %s", line);
    else
        missing("ana typed '/me waves back at everyone': bob should see '* ana waves back at "
                "everyone'; he got %s", line);
    send_text(ana.fd, "/me waves \033[2J\n");
    if (hear_line(&bob, "[2J", line, sizeof line) && strcmp(line, "'* ana waves ?[2J'") == 0)
        works("an escape byte in an action reaches bob as '?': %s", line);
    else if (strchr(line, '\033') != NULL)
        missing("ana typed '/me waves ESC[2J' (ESC clears a screen): bob got the escape byte "
                "itself, which his terminal obeys; the room shows it as '?' in every line "
                "(room_clean()), so he should see '* ana waves ?[2J'");
    else
        missing("ana typed '/me waves ESC[2J' (ESC clears a screen): bob should see '* ana "
                "waves ?[2J', the action made printable (room_clean()); he got %s", line);
    send_text(ana.fd, "hello\n");
    if (hear_line(&bob, "hello", line, sizeof line) && strcmp(line, "'ana: hello'") == 0)
        works("plain lines still arrive: %s", line);
    else
        missing("plain lines should still arrive: bob should see 'ana: hello'; he got %s",
                line);
    conn_close(&ana);
    conn_close(&bob);
    server_stop(&server);
}

/* 06.2: the sender of a private message sees it was sent: "* to bob: hi". */
static void check_06_2(void)
{
    static struct conn ana, bob;
    struct proc server;
    char line[512];
    if (!room_of_two(&server, &ana, &bob))
        return;
    send_text(ana.fd, "/msg bob see you at noon\n");
    if (hear_line(&ana, "noon", line, sizeof line) && strcmp(line, "'* to bob: see you at noon'") == 0)
        works("ana sent '/msg bob see you at noon' and saw %s", line);
    else
        missing("ana sent '/msg bob see you at noon': she should see '* to bob: see you at "
                "noon'; she got %s", line);
    if (hear_line(&bob, "noon", line, sizeof line) &&
        strcmp(line, "'ana (private): see you at noon'") == 0)
        works("bob still gets it: %s", line);
    else
        missing("bob should still get 'ana (private): see you at noon'; he got %s", line);
    send_text(ana.fd, "/msg zed hi\n");
    if (hear_line(&ana, "zed", line, sizeof line) && strstr(line, "nobody here") != NULL)
        works("a message to nobody is still refused: %s", line);
    else
        missing("'/msg zed hi' (nobody is called zed) should still say so; ana got %s", line);
    conn_close(&ana);
    conn_close(&bob);
    server_stop(&server);
}

/* 06.3: the client's "-n NAME" answers the room's first question. */
static void check_06_3(void)
{
    static struct conn bob;
    struct proc server, client;
    char line[512];
    int port = server_start(&server, LESSON, NULL);
    if (!port || !join(&bob, port, "bob"))
        return;
    run_client(&client, LESSON, "hello from ana\n", "-n", "ana", "127.0.0.1", port_text(port),
               (char *)NULL);
    if (hear_line(&bob, "joined", line, sizeof line) && strncmp(line, "'* ana joined", 13) == 0)
        works("'client -n ana' joined as ana: bob saw %s", line);
    else
        missing("'client -n ana 127.0.0.1 PORT' should join as ana; bob saw %s, and the "
                "client's first line was %s", line, quote(client.buf, NULL));
    if (hear_line(&bob, "hello from", line, sizeof line) && strcmp(line, "'ana: hello from ana'") == 0)
        works("and what ana typed came after: %s", line);
    else
        missing("the first line typed should be said, not taken for the name: bob should see "
                "'ana: hello from ana'; he got %s", line);
    run_client(&client, LESSON, "carol\nhi\n", "127.0.0.1", port_text(port), (char *)NULL);
    if (hear_line(&bob, "hi", line, sizeof line) && strcmp(line, "'carol: hi'") == 0)
        works("without -n the first line typed is still the name: %s", line);
    else
        missing("without -n the first line typed should still be the name: bob should see "
                "'carol: hi'; he got %s", line);
    conn_close(&bob);
    server_stop(&server);
}

const struct exercise ex_06[] = {
    {"06.1", LESSON, check_06_1},
    {"06.2", LESSON, check_06_2},
    {"06.3", LESSON, check_06_3},
    {0, 0, 0},
};
