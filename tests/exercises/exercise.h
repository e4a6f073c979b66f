/*
 * exercise.h - the checks behind "make check EX=NN.K".
 *
 * A check is a test on the same harness as tests/run (real processes, real
 * sockets, 127.0.0.1 only), written for a student: each step says in plain
 * words what works ("ok") or what is still missing ("not yet"), quoting
 * what was sent and what came back. A check passes only when every step
 * works, and each is proved in both directions by "make check-solutions":
 * it fails on the unchanged lesson and passes with the model solution in
 * solutions/NN-name/.
 *
 * Each lesson's file (ex_01.c ...) exports a table of its checks, ending
 * in {0, 0, 0}; check.c lists the tables.
 */
#ifndef SOCKLAB_EXERCISE_H
#define SOCKLAB_EXERCISE_H

#include "../harness.h"

struct exercise {
    const char *id;           /* "01.3": lesson 01, exercise 3 of its README */
    const char *lesson;       /* its folder under lessons/: "01-hello" */
    void (*check)(void);
};

/* "  ok       ..." : a step that works. */
void works(const char *fmt, ...);
/* "  not yet  ..." : a step still missing; the exercise is not done. */
void missing(const char *fmt, ...);

/* Runs a lesson's client with these arguments (NULL-ended) and `input`
 * (or NULL) on its stdin, and waits for it to exit (15 s at most, longer
 * on wine). Returns its exit status, -1 if it had to be stopped. */
int run_client(struct proc *p, const char *lesson, const char *input, ...);

/* The port this end of a connection got from the system. */
int local_port(int fd);

/* The first line of `all` (a program's output, what a socket received) that
 * contains `text`, copied to out without its line end; 0 if there is none
 * (out then says so). */
int line_with(const char *all, const char *text, char *out, size_t cap);

/* What to quote of a program's output, or of what a socket received, in a
 * message: the line that contains `key` (with no such line, or a NULL key,
 * the first line), without its line end and cut to QUOTE_MAX characters,
 * in quotes; "nothing" when there is none. Never a whole usage text. Four
 * results may be used in one message. */
enum { QUOTE_MAX = 100 };
const char *quote(const char *all, const char *key);

/* A TCP port of the check's own on 127.0.0.1 (its listening socket in
 * *fd, not inherited by the programs the check starts), standing in for a
 * server; 0, and a "not yet", if it could not be had. */
int listen_here(int *fd);
/* The next connection to `listener`, or -1 if none came within ms. */
int accept_within(int listener, int ms);

extern const struct exercise ex_01[], ex_02[], ex_03[], ex_04[], ex_05[], ex_06[], ex_07[];

#endif
