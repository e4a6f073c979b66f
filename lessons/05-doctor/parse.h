/*
 * parse.h - how the script reader's three files share the work (private
 * to them; the rest of the engine only needs script.h).
 *
 *   script.c    the notation itself: lines, words, errors, the public
 *               eliza_script_* functions, and the helpers below;
 *   keys.c      the lines that open a block (key, memory, none), the
 *               greeting, and the checks that need the whole script;
 *   patterns.c  match lines (patterns) and the replies under them.
 *
 * Everything here starts with parse_, so a reader can tell these from
 * the standard library and from the public eliza_ functions.
 */
#ifndef SOCKLAB_PARSE_H
#define SOCKLAB_PARSE_H

#include "script.h"

/* Where the reader is: the script being built, the line being read, the
 * block that match lines go into, and whether it has failed. */
struct parser {
    eliza_script *s;
    int line;
    char *err;
    size_t errcap;
    int failed;
    struct rule *block;             /* the key, memory or none being read */
};

/* script.c: helpers for every kind of line. */

/* Records the first error as "line N: ..."; returns 0 for "failed". */
int parse_fail(struct parser *p, const char *fmt, ...);
/* Makes room for one more item in a growing array: returns the (perhaps
 * moved) array, or NULL if memory ran out (the old array is still valid). */
void *parse_grow(void *items, int *cap, int count, size_t size);
int parse_is_number(const char *w);
/* ASCII only, like the input: no locale can change what matches. */
char *parse_upcase(char *w);
/* Adds w, in capitals, to the script's words; 0 if memory ran out. */
int parse_add_word(struct parser *p, char *w);

/* keys.c: one function per kind of line; each returns 0 on error. */

int parse_key(struct parser *p, char **tok, int n);
int parse_greeting(struct parser *p, char **tok, int n);
int parse_special(struct parser *p, char **tok, int n);   /* memory, none */
/* The checks that need the whole script, after its last line. */
int parse_finish(struct parser *p);

/* patterns.c */

int parse_match(struct parser *p, char **tok, int n);
int parse_reply(struct parser *p, char **tok, int n);     /* say goto ... */
/* Called when a match block ends: it must have said something. */
int parse_check_last_match(struct parser *p);

#endif
