/*
 * check.c - "make check EX=NN.K": is this exercise done?
 *
 *   tests/exercises/check [--wine] NN.K...     check these exercises
 *   tests/exercises/check --list               the checked ones: "NN.K folder"
 *
 * make check rebuilds the lesson from the student's working copy first; this
 * program then runs the exercise's check (exercise.h) in a child process
 * with a time limit, so a check that hangs or crashes fails alone, and stops
 * every process it started. It prints each step it tried, then one line:
 * done, or not done yet and where the hint is. Exit status: 0 only when
 * every exercise named is done; 2 for an unknown id.
 */
#include "exercise.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct exercise *const lessons[] = {ex_01, ex_02, ex_03, ex_04, ex_05, ex_06, ex_07};
enum { LESSONS = sizeof lessons / sizeof lessons[0] };

static int steps;            /* steps reported by the current check */

/* Prints one step: its mark, then the message with every control byte
 * shown as '?' (a message quotes what programs sent, and a terminal obeys
 * escape bytes: the lessons' own rule). */
static void report(const char *mark, const char *fmt, va_list ap)
{
    char text[2048];
    size_t i;
    vsnprintf(text, sizeof text, fmt, ap);
    for (i = 0; text[i] != '\0'; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            text[i] = '?';
    steps++;
    printf("  %-9s%s\n", mark, text);
    fflush(stdout);
}

void works(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("ok", fmt, ap);
    va_end(ap);
}

void missing(const char *fmt, ...)
{
    va_list ap;
    test_failed = 1;
    va_start(ap, fmt);
    report("not yet", fmt, ap);
    va_end(ap);
}

int run_client(struct proc *p, const char *lesson, const char *input, ...)
{
    char *argv[16];
    int n = 0;
    va_list ap;
    va_start(ap, input);
    while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    return run_program(p, lesson, "client", input, argv);   /* the harness's */
}

int local_port(int fd)
{
    struct sockaddr_storage me;
    socklen_t len = sizeof me;
    if (getsockname(fd, (struct sockaddr *)&me, &len) != 0)
        return 0;
    if (me.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&me)->sin6_port);
    return ntohs(((struct sockaddr_in *)&me)->sin_port);
}

int line_with(const char *all, const char *text, char *out, size_t cap)
{
    const char *at = strstr(all, text), *start, *end;
    size_t len;
    if (at == NULL) {
        snprintf(out, cap, "(no line with '%s')", text);
        return 0;
    }
    for (start = at; start > all && start[-1] != '\n'; start--)
        ;
    end = at + strcspn(at, "\r\n");
    len = (size_t)(end - start);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, start, len);
    out[len] = '\0';
    return 1;
}

const char *quote(const char *all, const char *key)
{
    static char out[4][160];
    static int next;
    char *q = out[next++ % 4];
    const char *start = all, *at;
    size_t len;
    if (key != NULL && (at = strstr(all, key)) != NULL)
        for (start = at; start > all && start[-1] != '\n'; start--)
            ;
    start += strspn(start, "\r\n");          /* no empty line */
    if ((len = strcspn(start, "\r\n")) == 0)
        return "nothing";
    if (len > QUOTE_MAX)
        snprintf(q, sizeof out[0], "'%.*s...'", QUOTE_MAX, start);
    else
        snprintf(q, sizeof out[0], "'%.*s'", (int)len, start);
    return q;
}

int listen_here(int *fd)
{
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    memset(&me, 0, sizeof me);
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*fd >= 0)
        fcntl(*fd, F_SETFD, FD_CLOEXEC);    /* no program it starts inherits it */
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&me, sizeof me) != 0 || listen(*fd, 16) != 0 ||
        getsockname(*fd, (struct sockaddr *)&me, &len) != 0) {
        missing("the check could not open a TCP port of its own on 127.0.0.1");
        return 0;
    }
    return ntohs(me.sin_port);
}

int accept_within(int listener, int ms)
{
    struct pollfd p;
    p.fd = listener;
    p.events = POLLIN;
    if (poll(&p, 1, ms) != 1)
        return -1;
    return accept(listener, NULL, NULL);
}

static const struct exercise *find(const char *id)
{
    int k;
    const struct exercise *e;
    for (k = 0; k < LESSONS; k++)
        for (e = lessons[k]; e->id != NULL; e++)
            if (strcmp(e->id, id) == 0)
                return e;
    return NULL;
}

/* Runs one check in a child; 1 if every step worked. */
static int run_check(const struct exercise *e)
{
    int limit_s = on_wine ? 300 : 60, status = 0, waited = 0;
    pid_t pid;
    printf("exercise %s (lessons/%s):\n", e->id, e->lesson);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        test_failed = 0;
        e->check();
        proc_stop_all();
        if (steps == 0)         /* a check that tried nothing proves nothing */
            printf("  not yet  the check could not try your programs (see above): is the "
                   "lesson built?\n");
        fflush(stdout);
        _exit(test_failed || steps == 0 ? 1 : 0);
    }
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (waited++ >= limit_s * 10) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            printf("  not yet  the check did not finish within %d s (a program that hangs?)\n",
                   limit_s);
            return 0;
        }
        usleep(100000);
    }
    if (WIFSIGNALED(status))
        printf("  not yet  the check itself crashed (signal %d): tell your instructor\n",
               WTERMSIG(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
    int i = 1, k, done = 0, named = 0;
    const struct exercise *e;

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (k = 0; k < LESSONS; k++)
            for (e = lessons[k]; e->id != NULL; e++)
                printf("%s %s\n", e->id, e->lesson);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--wine") == 0) {
        on_wine = 1;
        i++;
    }
    if (i == argc) {
        printf("usage: check [--wine] NN.K...   (make exercises lists them)\n");
        return 2;
    }
    for (; i < argc; i++, named++) {
        if ((e = find(argv[i])) == NULL) {
            printf("exercise %s has no automatic check: its README says what to observe "
                   "(make exercises lists the checked ones)\n", argv[i]);
            return 2;
        }
        if (run_check(e)) {
            printf("%s: done: every step works\n", e->id);
            done++;
        } else {
            printf("%s: not done yet: see the steps marked \"not yet\" above; a hint is in "
                   "lessons/%s/HINTS.md, section %s\n", e->id, e->lesson, e->id);
        }
    }
    return done == named ? 0 : 1;
}
