/*
 * steps.c - see steps.h: each step's check, both ways.
 */
#include "steps.h"

#include <stdarg.h>
#include <stdio.h>

const char *step_failed(const char *fmt, ...)
{
    static char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return why;
}

int step_start(struct proc *p, const char *lesson, const char *program, const char *const extra[])
{
    char *argv[8];
    int n = 0;
    while (extra != NULL && extra[n] != NULL && n < 6) {
        argv[n] = (char *)extra[n];
        n++;
    }
    argv[n++] = "0";
    argv[n] = NULL;
    if (proc_startv(p, bin_path(lesson, program), argv) != 0)
        return 0;
    return server_port(p);
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
