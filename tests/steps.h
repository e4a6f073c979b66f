/*
 * steps.h - proving the steps of a lesson (issue 18): each step of
 * lessons/NN-name/steps/ adds one defence, and a check shows it.
 *
 * A check runs one behaviour against one program and returns NULL when the
 * program behaves, else one line saying what went wrong. prove_step() runs
 * the check of step k against the program before it, where it must FAIL
 * (the bug the step names, shown in bounded time), then against step k and
 * every later program, the lesson's full server last, where it must pass.
 * So a defence dropped from a later step, or from the full server, fails
 * the test of the step that added it: the steps can't drift apart.
 */
#ifndef SOCKLAB_STEPS_H
#define SOCKLAB_STEPS_H

#include "harness.h"

/* A lesson's programs in step order, NULL-terminated: "steps/1-select",
 * ..., "server". */
typedef const char *(*step_check)(const char *lesson, const char *program);

/* Formats what went wrong into a buffer of its own; returns it. */
const char *step_failed(const char *fmt, ...);
/* Connects to 127.0.0.1:port; -1 if it can't, with no failure recorded
 * (on the step before, the server may well be gone: that is the bug). */
int step_connect(int port);
/* Fails on programs[k - 1], passes on programs[k] and every one after it. */
void prove_step(const char *lesson, const char *const programs[], int k, step_check check);

#endif
