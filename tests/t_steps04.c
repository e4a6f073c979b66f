/*
 * t_steps04.c - lesson 04 in steps (lessons/04-chat/steps/): each step's
 * defence fails on the step before and holds on every later one, the full
 * server last (steps.h says how).
 */
#include "steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LESSON "04-chat"

static const char *const programs[] = {
    "steps/1-select", "steps/2-lines", "steps/3-clean", "steps/4-busy", "steps/5-input-ends",
    "server", NULL
};

static int port;                        /* of the server started last */

/* Starts the program and connects a client that has read the greeting;
 * the client's socket, or -1 (with *why set). */
static int start_and_connect(struct proc *server, const char *program, const char **why)
{
    char greeting[256] = "";
    int fd;
    port = program_start(server, LESSON, program, NULL);
    *why = step_failed("%s did not start", program);
    if (!port || (fd = step_connect(port)) < 0)
        return -1;
    recv_until(fd, greeting, sizeof greeting, "\n", timeout_ms(5000));
    if (strstr(greeting, "one-on-one chat") == NULL) {
        *why = step_failed("no greeting, got '%s'", greeting);
        close(fd);
        return -1;
    }
    *why = NULL;
    return fd;
}

static const char *finish(struct proc *server, int fd, const char *why)
{
    if (fd >= 0)
        close(fd);
    proc_stop(server);
    return why;
}

/* A client sends its pieces (NULL-ended), 150 ms apart; the server must
 * print `until`, and `want` before it; else `bug`. */
static const char *prints(const char *program, const char *const pieces[], const char *until,
                          const char *want, const char *bug)
{
    struct proc server;
    const char *why;
    int i, fd = start_and_connect(&server, program, &why);
    if (fd < 0)
        return finish(&server, fd, why);
    for (i = 0; pieces[i] != NULL; i++) {
        if (i > 0)
            usleep(150000);             /* so that each comes in a recv() of its own */
        send_text(fd, pieces[i]);
    }
    if (!proc_wait_for(&server, until, timeout_ms(3000)) || strstr(server.buf, want) == NULL)
        why = step_failed("%s: %s", bug, server.buf);
    return finish(&server, fd, why);
}

/* Step 2: "spl", "it li", "ne CR LF" in three sends come out as one line. */
static const char *line_in_pieces(const char *lesson, const char *program)
{
    static const char *const pieces[] = {"spl", "it li", "ne\r\nsecond\r\n", NULL};
    (void)lesson;
    return prints(program, pieces, "client: second\n", "client: split line\nclient: second\n",
                  "a line sent in three pieces was not printed whole");
}

/* Step 3: an escape sequence and telnet's commands never reach the terminal. */
static const char *escapes_shown_as_text(const char *lesson, const char *program)
{
    static const char *const line[] = {"esc \033[2J tel\xff\xfb\x01net end\r\n", NULL};
    (void)lesson;
    return prints(program, line, "net end\n", "client: esc ?[2J telnet end\n",
                  "ESC [2J should show as ?[2J and telnet's IAC WILL ECHO go");
}

/* Step 4: a second client, while a chat goes on, hears it is busy. */
static const char *second_client_hears_busy(const char *lesson, const char *program)
{
    struct proc server;
    char got[256] = "";
    const char *why;
    int second = -1, fd = start_and_connect(&server, program, &why);
    (void)lesson;
    if (fd < 0)
        return finish(&server, fd, why);
    if ((second = step_connect(port)) >= 0)
        recv_until(second, got, sizeof got, "\n", timeout_ms(3000));
    if (strstr(got, "busy") == NULL)
        why = step_failed("a second client heard '%s' in 3 s, not that the server is busy", got);
    else if (send_text(fd, "still here\n") != 0 ||
             !proc_wait_for(&server, "client: still here\n", timeout_ms(3000)))
        why = step_failed("the first chat ended when a second client came: %s", server.buf);
    if (second >= 0)
        close(second);
    return finish(&server, fd, why);
}

/* Step 5: once input has ended (a server started in the background, or
 * with < /dev/null), the server still serves one client after another. */
static const char *serves_after_input_ended(const char *lesson, const char *program)
{
    struct proc server;
    char line[64], want[80];
    const char *why = NULL;
    int i, fd = -1;
    (void)lesson;
    if (!(port = program_start(&server, LESSON, program, NULL)))
        return finish(&server, -1, step_failed("%s did not start", program));
    proc_close_stdin(&server);
    for (i = 1; i <= 2 && why == NULL; i++) {
        char greeting[512] = "";
        snprintf(line, sizeof line, "line %d from a client\n", i);
        snprintf(want, sizeof want, "client: %s", line);
        if ((fd = step_connect(port)) < 0 ||
            recv_until(fd, greeting, sizeof greeting, "\n", timeout_ms(3000)) == 0 ||
            send_text(fd, line) != 0 || !proc_wait_for(&server, want, timeout_ms(3000)))
            why = step_failed("client %d was not heard after the server's input ended (the "
                              "server %s): %s", i, proc_alive(&server) ? "runs" : "exited",
                              server.buf);
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    return finish(&server, fd, why);
}

/* The full server: a line typed while nobody is connected goes nowhere,
 * not to the next client who happens to connect. */
static const char *typed_to_nobody_goes_nowhere(const char *lesson, const char *program)
{
    struct proc server;
    struct conn c;
    char line[512];
    const char *why = NULL;
    (void)lesson;
    if (!(port = program_start(&server, LESSON, program, NULL)))
        return finish(&server, -1, step_failed("%s did not start", program));
    proc_write(&server, "typed to nobody\n");
    proc_wait_for(&server, "went nowhere", timeout_ms(2000));  /* the full server says so */
    c.len = 0;
    if ((c.fd = step_connect(port)) < 0)
        return finish(&server, -1, step_failed("could not connect"));
    conn_read_line(&c, line, sizeof line, timeout_ms(3000));    /* the greeting */
    proc_write(&server, "typed to the client\n");
    conn_read_line(&c, line, sizeof line, timeout_ms(3000));
    if (strcmp(line, "typed to the client") != 0)
        why = step_failed("the client's first line after the greeting was '%s'", line);
    return finish(&server, c.fd, why);
}

static void steps04_2_lines_a_line_sent_in_pieces_is_printed_whole(void)
{
    prove_step(LESSON, programs, 1, line_in_pieces);
}

static void steps04_3_clean_escapes_and_telnet_commands_never_reach_the_terminal(void)
{
    prove_step(LESSON, programs, 2, escapes_shown_as_text);
}

static void steps04_4_busy_a_second_client_hears_the_server_is_busy(void)
{
    prove_step(LESSON, programs, 3, second_client_hears_busy);
}

static void steps04_5_input_ends_the_server_serves_on_after_end_of_input(void)
{
    if (on_wine)        /* seen in CI's dry run: step 4 served on there */
        skip("under wine the end of a piped stdin reaches the Windows program's keyboard "
             "thread late or not at all, so step 4 may not show the bug; the native run "
             "proves step 5 both ways");
    prove_step(LESSON, programs, 4, serves_after_input_ended);
}

static void steps04_6_server_a_line_typed_to_nobody_reaches_no_later_client(void)
{
    prove_step(LESSON, programs, 5, typed_to_nobody_goes_nowhere);
}

/* ---- files: the step diffs, and what lesson 04 is about ------------------ */

/* Each committed steps/K-name.diff is what `diff -u` says today between
 * the step before and step K (`make step-diffs` rewrites them). */
static void steps_diffs_shown_in_the_readmes_are_current(void)
{
    static const char *const steps[][2] = {
        {"04-chat", "1-select 2-lines 3-clean 4-busy 5-input-ends"},
        {"05-doctor", "1-select 2-outbox 3-stall 4-seats"},
    };
    char names[128], cmd[512], prev[32], path[160], *name, *kept, got[65536];
    size_t i, n;
    if (on_wine)
        skip("it checks files, once, in the native run");
    need_program("diff", "to compare the step diffs with the steps");
    for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        snprintf(names, sizeof names, "%s", steps[i][1]);
        prev[0] = '\0';
        for (name = strtok(names, " "); name != NULL; name = strtok(NULL, " ")) {
            FILE *f;
            if (prev[0] != '\0') {
                snprintf(cmd, sizeof cmd, "cd lessons/%s/steps && diff -u --label %s.c --label "
                         "%s.c %s.c %s.c", steps[i][0], prev, name, prev, name);
                snprintf(path, sizeof path, "lessons/%s/steps/%s.diff", steps[i][0], name);
                f = popen(cmd, "r");
                n = f != NULL ? fread(got, 1, sizeof got - 1, f) : 0;
                got[n] = '\0';
                if (f != NULL)
                    pclose(f);
                kept = slurp(path);
                expect(kept != NULL && strcmp(kept, got) == 0, "%s to be what diff -u says "
                       "between the steps (run make step-diffs and commit it)", path);
                free(kept);
            }
            snprintf(prev, sizeof prev, "%s", name);
        }
    }
}

/* Issue 21: the top README, line.h and the lesson's README agree that
 * lesson 04 is about select(), the line framer being its second point. */
static void lesson04_point_is_select_in_every_place_that_says_it(void)
{
    char *top = slurp("README.md"), *line_h = slurp("lessons/04-chat/line.h"),
         *lesson = slurp("lessons/04-chat/README.md");
    if (on_wine)
        skip("it checks files, once, in the native run");
    if (!expect(top && line_h && lesson, "README.md, line.h and the lesson's README to be there"))
        return;
    expect_has("README.md", top, "Lesson 04's point is\n  `select()`");
    expect_has("line.h's first line", line_h, "line.h - lesson 04's second point (its first: "
               "select(), chat.h)");
    expect_has("lessons/04-chat/README.md", lesson, "**The point:** one `select()`");
    free(top);
    free(line_h);
    free(lesson);
}

const struct test steps04_tests[] = {
    {"steps04_2_lines_a_line_sent_in_pieces_is_printed_whole",
     steps04_2_lines_a_line_sent_in_pieces_is_printed_whole},
    {"steps04_3_clean_escapes_and_telnet_commands_never_reach_the_terminal",
     steps04_3_clean_escapes_and_telnet_commands_never_reach_the_terminal},
    {"steps04_4_busy_a_second_client_hears_the_server_is_busy",
     steps04_4_busy_a_second_client_hears_the_server_is_busy},
    {"steps04_5_input_ends_the_server_serves_on_after_end_of_input",
     steps04_5_input_ends_the_server_serves_on_after_end_of_input},
    {"steps04_6_server_a_line_typed_to_nobody_reaches_no_later_client",
     steps04_6_server_a_line_typed_to_nobody_reaches_no_later_client},
    {0, 0}
};

/* Tests of files, not of programs: run once, natively, and left out of
 * --behaviour (make mutate), where an edit to a step would make its diff
 * stale and "kill" the edit for the wrong reason. */
const struct test steps04_files_tests[] = {
    {"steps_diffs_shown_in_the_readmes_are_current", steps_diffs_shown_in_the_readmes_are_current},
    {"lesson04_point_is_select_in_every_place_that_says_it",
     lesson04_point_is_select_in_every_place_that_says_it},
    {0, 0}
};
