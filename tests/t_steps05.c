/*
 * t_steps05.c - lesson 05 in steps (lessons/05-doctor/steps/): each step's
 * defence fails on the step before and holds on every later one, the full
 * server last (steps.h says how).
 */
#include "steps.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define LESSON "05-doctor"

static const char *const programs[] = {
    "steps/1-select", "steps/2-outbox", "steps/3-stall", "steps/4-seats", "server", NULL
};

static const char greeting[] = "HOW DO YOU DO. PLEASE TELL ME YOUR PROBLEM";

static const char *finish(struct proc *server, const char *why)
{
    proc_stop(server);
    return why;
}

/* A patient who has read the greeting, or NULL; then one question. */
static const char *greeted(struct conn *c, int port)
{
    char line[512] = "";
    c->len = 0;
    if ((c->fd = step_connect(port)) < 0)
        return step_failed("could not connect");
    conn_read_line(c, line, sizeof line, timeout_ms(3000));
    return strcmp(line, greeting) == 0 ? NULL : step_failed("a patient was greeted with '%s'", line);
}

static const char *answered(struct conn *c, const char *text, const char *want)
{
    char line[2048];
    snprintf(line, sizeof line, "%s\r\n", text);
    send_text(c->fd, line);
    conn_read_line(c, line, sizeof line, timeout_ms(3000));
    return strcmp(line, want) == 0 ? NULL : step_failed("'%s' was answered '%s'", text, line);
}

/* A patient who pastes line after line and never reads an answer, with
 * small buffers so the system hides little. Floods until the server has
 * taken nothing from it for 2 s (it no longer reads it: stuck, or holding
 * it back); returns its socket, or -1. */
static int deaf_flooder(int port)
{
    /* ELIZA repeats the long word: big answers (about 1 KB), cheap to make */
    static const char text[] = "I am "
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "saaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad"
        "\n";
    struct sockaddr_in a;
    struct pollfd p;
    long long deadline = now_ms() + timeout_ms(30000);
    static char lines[64 * (sizeof text - 1)];
    int fd = socket(AF_INET, SOCK_STREAM, 0), size = 4096, offset = 0, i;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    p.fd = fd;
    p.events = POLLOUT;
    for (i = 0; i < 64; i++)               /* big sends: Nagle holds small ones back */
        memcpy(lines + i * (sizeof text - 1), text, sizeof text - 1);
    while (now_ms() < deadline && poll(&p, 1, timeout_ms(2000)) > 0) {
        ssize_t n = send(fd, lines + offset, sizeof lines - (size_t)offset, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
        if (n > 0)
            offset = (offset + (int)n) % (int)sizeof lines;
    }
    return fd;
}

/* Step 2: one patient pastes and never reads; another is still answered. */
static const char *deaf_paster_freezes_nobody(const char *lesson, const char *program)
{
    struct proc server;
    struct conn other;
    const char *why;
    int deaf, port = program_start(&server, lesson, program, NULL);
    if (!port || (deaf = deaf_flooder(port)) < 0)
        return finish(&server, step_failed("%s did not start", program));
    why = greeted(&other, port);
    if (why == NULL)
        why = answered(&other, "Men are all alike.", "IN WHAT WAY");
    if (why != NULL) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", why);
        why = step_failed("while one patient pasted and never read: %s", reason);
    }
    close(deaf);
    conn_close(&other);
    return finish(&server, why);
}

/* Step 3: a patient who never reads is let go within the bound (10 s).
 * The stall takes 10 s to show, so unlike the other checks this one runs
 * on every program at once (see its test below). */
static const char stall_log[] = "stopped reading the replies for 10 s: let go";

/* Step 4: out of descriptors, each newcomer hears "busy" (12 descriptors:
 * 0-2, the listener, the spare, a few patients; 14 try to come in). */
static const char *newcomers_hear_busy_when_out_of_descriptors(const char *lesson,
                                                                const char *program)
{
    struct proc server;
    struct conn c[14];
    char *argv[] = {"0", NULL}, line[512];
    long long deadline;
    int i, port, heard = 0;
    if (proc_start_limited(&server, 12, bin_path(lesson, program), argv) != 0 ||
        !(port = server_port(&server)))
        return finish(&server, step_failed("%s did not start", program));
    for (i = 0; i < 14; i++) {
        c[i].len = 0;
        c[i].fd = step_connect(port);
    }
    deadline = now_ms() + timeout_ms(3000);     /* for all of them at once */
    for (i = 0; i < 14; i++) {
        line[0] = '\0';
        int left = (int)(deadline - now_ms());
        if (c[i].fd >= 0 && conn_read_line(&c[i], line, sizeof line, left > 0 ? left : 1) &&
            (strcmp(line, greeting) == 0 || strstr(line, "BUSY") != NULL))
            heard++;
    }
    for (i = 0; i < 14; i++)            /* only now: each close frees a descriptor */
        if (c[i].fd >= 0)
            conn_close(&c[i]);
    return finish(&server, heard == 14 ? NULL : step_failed("of 14 newcomers, %d were greeted or "
                                                            "told the doctor is busy", heard));
}

/* The full server: ELIZA repeats a patient's words, and what it repeats
 * must not be an escape sequence for the patient's terminal. */
static const char *echoed_words_are_text_only(const char *lesson, const char *program)
{
    struct proc server;
    struct conn c;
    char line[2048] = "";
    const char *why;
    int port = program_start(&server, lesson, program, NULL);
    if (!port)
        return finish(&server, step_failed("%s did not start", program));
    if ((why = greeted(&c, port)) == NULL) {
        send_text(c.fd, "I am \033[2Jsad\r\n");
        conn_read_line(&c, line, sizeof line, timeout_ms(3000));
        if (strstr(line, "SAD") == NULL || !terminal_safe(line, strlen(line)))
            why = step_failed("ELIZA's answer to 'I am ESC [2Jsad' was '%s'", line);
    }
    conn_close(&c);
    return finish(&server, why);
}

static void steps05_2_outbox_a_patient_who_pastes_and_never_reads_freezes_nobody(void)
{
    prove_step(LESSON, programs, 1, deaf_paster_freezes_nobody);
}

/* prove_step() for step 3, with the 10 s waits side by side: a deaf patient
 * floods each program from step 2 on; step 2 must keep it, every later one
 * let it go within 16 s. */
static void steps05_3_stall_a_patient_who_never_reads_is_let_go(void)
{
    static struct proc servers[5];
    int i, deaf[5], port;
    long long deadline = 0;
    for (i = 1; programs[i] != NULL; i++) {
        deaf[i] = -1;
        if ((port = program_start(&servers[i], LESSON, programs[i], NULL)) != 0 &&
            (deaf[i] = deaf_flooder(port)) >= 0 && deadline == 0)
            deadline = now_ms() + timeout_ms(16000);
    }
    for (i = 1; programs[i] != NULL; i++) {
        int left = (int)(deadline - now_ms()), let_go;
        let_go = deaf[i] >= 0 && proc_wait_for(&servers[i], stall_log, left > 0 ? left : 1);
        if (i == 1 && !let_go)
            note("%s shows it: it kept a patient who never read", programs[i]);
        expect(i == 1 ? !let_go : let_go, i == 1 ? "%s, the step before, to keep a patient who "
               "never reads; log:\n%s" : "%s to let a patient who never reads go; log:\n%s",
               programs[i], servers[i].buf);
        if (deaf[i] >= 0)
            close(deaf[i]);
        proc_stop(&servers[i]);
    }
}

static void steps05_4_seats_out_of_descriptors_newcomers_hear_busy(void)
{
    if (on_wine)
        skip("under wine: RLIMIT_NOFILE limits wine's own descriptors, not the program's");
    prove_step(LESSON, programs, 3, newcomers_hear_busy_when_out_of_descriptors);
}

static void steps05_5_server_echoed_words_reach_the_patient_as_text_only(void)
{
    prove_step(LESSON, programs, 4, echoed_words_are_text_only);
}

const struct test steps05_tests[] = {
    {"steps05_2_outbox_a_patient_who_pastes_and_never_reads_freezes_nobody",
     steps05_2_outbox_a_patient_who_pastes_and_never_reads_freezes_nobody},
    {"steps05_3_stall_a_patient_who_never_reads_is_let_go",
     steps05_3_stall_a_patient_who_never_reads_is_let_go},
    {"steps05_4_seats_out_of_descriptors_newcomers_hear_busy",
     steps05_4_seats_out_of_descriptors_newcomers_hear_busy},
    {"steps05_5_server_echoed_words_reach_the_patient_as_text_only",
     steps05_5_server_echoed_words_reach_the_patient_as_text_only},
    {0, 0}
};
