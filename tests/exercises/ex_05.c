/*
 * ex_05.c - the checks of lesson 05's exercises (lessons/05-doctor/README.md).
 * They look at what a user sees (the log, the replies), so they hold while
 * the server's insides move.
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LESSON "05-doctor"

/* Connects a patient and reads the doctor's greeting; 1 if it came. */
static int arrive(struct conn *c, int port)
{
    char line[512];
    return conn_open(c, "127.0.0.1", port) == 0 &&
           conn_read_line(c, line, sizeof line, timeout_ms(3000));
}

/* Says `text` (a line) and returns the doctor's reply in `reply`. */
static void tell(struct conn *c, const char *text, char *reply, size_t cap)
{
    send_text(c->fd, text);
    conn_read_line(c, reply, cap, timeout_ms(3000));
}

/* 05.1: "(1 patient)" for one, "(2 patients)" for more, arriving and leaving. */
static void check_05_1(void)
{
    static struct conn a, b;
    struct proc server;
    char line[512];
    int port = server_start(&server, LESSON, NULL);
    if (!port || !arrive(&a, port))
        return;
    proc_wait_for(&server, "arrived", timeout_ms(3000));
    line_with(server.buf, "arrived", line, sizeof line);
    if (strstr(line, "(1 patient)") != NULL)
        works("one patient is '1 patient': '%s'", line);
    else
        missing("with one patient the log should say '(1 patient)'; it said '%s'", line);
    arrive(&b, port);
    proc_wait_for(&server, "arrived (2", timeout_ms(3000));
    line_with(server.buf, "arrived (2", line, sizeof line);
    if (strstr(line, "(2 patients)") != NULL)
        works("two are '2 patients': '%s'", line);
    else
        missing("with two patients the log should say '(2 patients)'; it said '%s'", line);
    conn_close(&b);
    proc_wait_for(&server, "left (", timeout_ms(3000));
    line_with(server.buf, "left (", line, sizeof line);
    if (strstr(line, "(1 patient)") != NULL)
        works("and when one leaves: '%s'", line);
    else
        missing("when the second patient leaves the log should say '(1 patient)'; it said '%s'",
                line);
    conn_close(&a);
    server_stop(&server);
}

/* 05.2: "/count" is answered "PATIENTS: N", anything else by ELIZA. */
static void check_05_2(void)
{
    static struct conn a, b, c;
    struct proc server;
    char reply[512];
    int port = server_start(&server, LESSON, NULL);
    if (!port || !arrive(&a, port) || !arrive(&b, port) || !arrive(&c, port))
        return;
    tell(&b, "/count\n", reply, sizeof reply);
    if (strcmp(reply, "PATIENTS: 3") == 0)
        works("with three patients, /count got 'PATIENTS: 3'");
    else
        missing("with three patients connected, '/count' should be answered 'PATIENTS: 3'; "
                "the reply was '%s'", reply);
    conn_close(&c);
    proc_wait_for(&server, "left (", timeout_ms(3000));
    tell(&a, "/count\n", reply, sizeof reply);
    if (strcmp(reply, "PATIENTS: 2") == 0)
        works("one left: /count got 'PATIENTS: 2'");
    else
        missing("after one of three left, '/count' should be answered 'PATIENTS: 2'; the reply "
                "was '%s'", reply);
    tell(&a, "I feel sad\n", reply, sizeof reply);
    if (strstr(reply, "PATIENTS") == NULL && reply[0] != '(')
        works("other lines still go to ELIZA: 'I feel sad' got '%s'", reply);
    else
        missing("other lines should still go to ELIZA: 'I feel sad' got '%s'", reply);
    conn_close(&a);
    conn_close(&b);
    server_stop(&server);
}

/* 05.3: a NETWORK keyword in doctor.script whose replies use the words after it. */
static void check_05_3(void)
{
    static struct conn a;
    struct proc server;
    char reply[512];
    int port = server_start(&server, LESSON, NULL);
    if (!port || !arrive(&a, port))
        return;
    tell(&a, "the network is slow today\n", reply, sizeof reply);
    if (strstr(reply, "SLOW TODAY") != NULL)
        works("'the network is slow today' got '%s'", reply);
    else
        missing("'the network is slow today' should get a reply with the words after NETWORK "
                "('IS SLOW TODAY'); ELIZA said '%s'", reply);
    tell(&a, "why is the network down\n", reply, sizeof reply);
    if (strstr(reply, "DOWN") != NULL)
        works("'why is the network down' got '%s'", reply);
    else
        missing("'why is the network down' should get a reply with the words after NETWORK "
                "('DOWN'); ELIZA said '%s'", reply);
    conn_close(&a);
    server_stop(&server);
}

const struct exercise ex_05[] = {
    {"05.1", LESSON, check_05_1},
    {"05.2", LESSON, check_05_2},
    {"05.3", LESSON, check_05_3},
    {0, 0, 0},
};
