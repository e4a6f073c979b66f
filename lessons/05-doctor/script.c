/*
 * script.c - reads a script written in socklab's notation (explained at
 * the top of doctor.script) into the tables of script.h.
 *
 * The notation is line by line: the first word of a line says what the
 * line is. The reader checks everything it can, so that a mistake in a
 * script is reported as "line N: what is wrong", not as a strange reply.
 *
 * This file cuts the text into lines and words, hands each line on by its
 * first word (keys.c: key, memory, none, greeting; patterns.c: match and
 * its replies), keeps the first error, and holds the shared helpers.
 */
/* MSVC calls fopen() and strerror() unsafe; used as here, they are fine. */
#ifndef _CRT_SECURE_NO_WARNINGS
#define _CRT_SECURE_NO_WARNINGS
#endif
#include "parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE_WORDS 256          /* words on one line of a script */
#define MAX_FILE (1024L * 1024L)    /* bytes in a script file */

/* ---------- helpers for every kind of line (parse.h) ---------- */

/* Records the first error as "line N: ..."; returns 0 for "failed". */
int parse_fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (!p->failed && p->err && p->errcap > 0) {
        n = snprintf(p->err, p->errcap, "line %d: ", p->line);
        if (n > 0 && (size_t)n < p->errcap) {
            va_start(ap, fmt);
            vsnprintf(p->err + n, p->errcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    p->failed = 1;
    return 0;
}

/* Makes room for one more item in a growing array: returns the (perhaps
 * moved) array, or NULL if memory ran out (the old array is still valid). */
void *parse_grow(void *items, int *cap, int count, size_t size)
{
    int newcap = *cap * 2 + 16;
    if (count < *cap)
        return items;
    items = realloc(items, (size_t)newcap * size);
    if (items)
        *cap = newcap;
    return items;
}

int parse_is_number(const char *w)
{
    return *w && strspn(w, "0123456789") == strlen(w);
}

/* ASCII only, like the input: no locale can change what matches. */
char *parse_upcase(char *w)
{
    char *c;
    for (c = w; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return w;
}

/* All the script's words go into one array, in capitals (script.h). */
int parse_add_word(struct parser *p, char *w)
{
    eliza_script *s = p->s;
    void *m = parse_grow(s->words, &s->cap_words, s->nwords, sizeof *s->words);
    if (!m)
        return parse_fail(p, "out of memory");
    s->words = m;
    s->words[s->nwords++] = parse_upcase(w);
    return 1;
}

/* ---------- lookups the engine uses too (script.h) ---------- */

/* Part numbers stop at 99999: no pattern is that long. */
int script_part(const char *w)
{
    long n = 0;
    if (*w == '\0')
        return 0;
    for (; *w; w++) {
        if (*w < '0' || *w > '9')
            return 0;
        if (n < 99999)
            n = n * 10 + (*w - '0');
    }
    return n > 99999 ? 99999 : (int)n;
}

int script_find(const eliza_script *s, const char *word)
{
    int i;
    for (i = 0; i < s->nrules; i++)
        if (strcmp(s->rules[i].word, word) == 0)
            return i;
    return -1;
}

/* ---------- lines and words ---------- */

/* Splits a line into words, in place; a word that starts with # starts a
 * comment. Returns the number of words, or -1 if there are too many. */
static int split_line(char *line, char **tok)
{
    int n = 0;
    for (;;) {
        line += strspn(line, " \t\r");
        if (*line == '\0' || *line == '#')
            return n;
        if (n == MAX_LINE_WORDS)
            return -1;
        tok[n++] = line;
        line += strcspn(line, " \t\r");
        if (*line)
            *line++ = '\0';
    }
}

static int parse_line(struct parser *p, char *line)
{
    char *tok[MAX_LINE_WORDS];
    int n = split_line(line, tok);
    if (n < 0)
        return parse_fail(p, "more than %d words on one line", MAX_LINE_WORDS);
    if (n == 0)
        return 1;
    if (strcmp(tok[0], "greeting") == 0)
        return parse_greeting(p, tok, n);
    if (strcmp(tok[0], "key") == 0)
        return parse_check_last_match(p) && parse_key(p, tok, n);
    if (strcmp(tok[0], "memory") == 0 || strcmp(tok[0], "none") == 0)
        return parse_special(p, tok, n);
    if (strcmp(tok[0], "match") == 0)
        return parse_match(p, tok, n);
    if (strcmp(tok[0], "say") == 0 || strcmp(tok[0], "goto") == 0
        || strcmp(tok[0], "newkey") == 0 || strcmp(tok[0], "pre") == 0)
        return parse_reply(p, tok, n);
    return parse_fail(p, "'%s' is not greeting, key, match, say, goto, newkey, pre, "
                      "memory or none", tok[0]);
}

/* ---------- the public functions (eliza.h) ---------- */

eliza_script *eliza_script_parse(const char *text, size_t len, char *err, size_t errcap)
{
    struct parser p;
    const char *nul = len > 0 ? memchr(text, '\0', len) : NULL;
    char *line, *next;
    memset(&p, 0, sizeof p);
    p.err = err;
    p.errcap = errcap;
    p.line = 1;
    if (err && errcap > 0)
        err[0] = '\0';
    if (nul) {                       /* C strings could not hold the rest */
        for (; text < nul; text++)
            p.line += *text == '\n';
        parse_fail(&p, "a NUL byte");
        return NULL;
    }
    p.s = calloc(1, sizeof *p.s);
    if (p.s)
        p.s->text = malloc(len + 1);
    if (!p.s || !p.s->text) {
        parse_fail(&p, "out of memory");
        eliza_script_free(p.s);
        return NULL;
    }
    if (len > 0)
        memcpy(p.s->text, text, len);
    p.s->text[len] = '\0';
    for (line = p.s->text; line; line = next) {
        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        if (!parse_line(&p, line))
            break;
        if (next && *next)          /* a final newline starts no new line */
            p.line++;
    }
    if (p.failed || !parse_finish(&p)) {
        eliza_script_free(p.s);
        return NULL;
    }
    return p.s;
}

eliza_script *eliza_script_load(const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    char *buf, msg[256];
    const char *why = NULL;
    size_t len = 0, got;
    eliza_script *s = NULL;
    if (!f) {
        if (err && errcap > 0)
            snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc((size_t)MAX_FILE + 1);
    if (!buf) {
        why = "out of memory";
    } else {
        while ((got = fread(buf + len, 1, (size_t)MAX_FILE + 1 - len, f)) > 0)
            len += got;
        if (ferror(f))
            why = strerror(errno);      /* e.g. a directory */
        else if (len > (size_t)MAX_FILE)
            why = "file too large for a script";
        else if ((s = eliza_script_parse(buf, len, msg, sizeof msg)) == NULL)
            why = msg;
    }
    if (why && err && errcap > 0)
        snprintf(err, errcap, "%s: %s", path, why);
    fclose(f);
    free(buf);
    return s;
}

void eliza_script_free(eliza_script *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->words);
    free(s->elems);
    free(s->replies);
    free(s->decomps);
    free(s->rules);
    free(s->greeting);
    free(s);
}

const char *eliza_greeting(const eliza_script *s)
{
    return s && s->greeting ? s->greeting : "";
}
