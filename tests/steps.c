/*
 * steps.c - see steps.h: each step's check, both ways.
 */
#include "steps.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

const char *step_failed(const char *fmt, ...)
{
    static char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return why;
}

int step_connect(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  /* not inherited by a server */
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

void prove_step(const char *lesson, const char *const programs[], int k, step_check check)
{
    const char *why = check(lesson, programs[k - 1]);
    int i;
    if (expect(why != NULL, "%s, the step before, to show the bug that %s fixes; it passed",
               programs[k - 1], programs[k]))
        note("%s shows it: %s", programs[k - 1], why);
    for (i = k; programs[i] != NULL; i++) {
        why = check(lesson, programs[i]);
        expect(why == NULL, "%s to pass: %s", programs[i], why != NULL ? why : "");
    }
}
