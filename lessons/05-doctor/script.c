/*
 * script.c - reads a script written in socklab's notation (explained at
 * the top of doctor.script) into the tables of script.h.
 *
 * The notation is line by line: the first word of a line says what the
 * line is. The reader checks everything it can, so that a mistake in a
 * script is reported as "line N: what is wrong" instead of showing up as
 * a strange reply later.
 */
/* MSVC calls fopen(), strerror() and strcat() unsafe; used as here, they
 * are fine, and they are standard C. */
#define _CRT_SECURE_NO_WARNINGS
#include "script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE_WORDS 256          /* words on one line of a script */
#define MAX_FILE (1024L * 1024L)    /* bytes in a script file */

struct parser {
    eliza_script *s;
    int line;
    char *err;
    size_t errcap;
    int failed;
    struct rule *block;             /* the key, memory or none being read */
};

/* Records the first error as "line N: ..."; returns 0 for "failed". */
static int fail(struct parser *p, const char *fmt, ...)
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
static void *grow(void *items, int *cap, int count, size_t size)
{
    int newcap = *cap * 2 + 16;
    if (count < *cap)
        return items;
    items = realloc(items, (size_t)newcap * size);
    if (items)
        *cap = newcap;
    return items;
}

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

static int is_number(const char *w)
{
    return *w && strspn(w, "0123456789") == strlen(w);
}

/* ASCII only, like the input: no locale can change what matches. */
static char *upcase(char *w)
{
    char *c;
    for (c = w; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return w;
}

int script_find(const eliza_script *s, const char *word)
{
    int i;
    for (i = 0; i < s->nrules; i++)
        if (strcmp(s->rules[i].word, word) == 0)
            return i;
    return -1;
}

static int add_word(struct parser *p, char *w)
{
    eliza_script *s = p->s;
    void *m = grow(s->words, &s->cap_words, s->nwords, sizeof *s->words);
    if (!m)
        return fail(p, "out of memory");
    s->words = m;
    s->words[s->nwords++] = upcase(w);
    return 1;
}

static int add_elem(struct parser *p, int count)
{
    eliza_script *s = p->s;
    void *m = grow(s->elems, &s->cap_elems, s->nelems, sizeof *s->elems);
    if (!m)
        return fail(p, "out of memory");
    s->elems = m;
    s->elems[s->nelems].count = count;
    s->elems[s->nelems].first = s->nwords;
    s->elems[s->nelems].n = 0;
    s->nelems++;
    return 1;
}

/* A pattern word: a choice in the open [ ] group, or an element of its own. */
static int add_pattern_word(struct parser *p, char *w, int in_group)
{
    if (strcmp(w, "/") == 0)
        return fail(p, "'/' needs a tag name, as in [/FAMILY]");
    if (strchr(w, '[') || strchr(w, ']'))
        return fail(p, "misplaced bracket in '%s'", w);
    if (!in_group && is_number(w))
        return add_elem(p, script_part(w));
    if (!in_group && !add_elem(p, -1))
        return 0;
    p->s->elems[p->s->nelems - 1].n++;
    return add_word(p, w);
}

/* match ELEMENTS, where [A B /T] is one element: a choice of words. */
static int parse_pattern(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    struct decomp *d = &s->decomps[s->ndecomps - 1];
    int i, in_group = 0;
    size_t len;
    d->first_elem = s->nelems;
    for (i = 1; i < n; i++) {
        char *w = tok[i];
        if (w[0] == '[') {
            if (in_group)
                return fail(p, "'[' inside [ ]");
            if (!add_elem(p, -1))
                return 0;
            in_group = 1;
            w++;
        }
        len = strlen(w);
        if (len > 0 && w[len - 1] == ']') {
            w[len - 1] = '\0';
            if (!in_group)
                return fail(p, "']' without '['");
            if (*w && !add_pattern_word(p, w, 1))
                return 0;
            if (s->elems[s->nelems - 1].n == 0)
                return fail(p, "empty [ ]");
            in_group = 0;
        } else if (*w && !add_pattern_word(p, w, in_group)) {
            return 0;
        }
    }
    d->nelems = s->nelems - d->first_elem;
    if (in_group)
        return fail(p, "'[' without ']'");
    if (d->nelems == 0)
        return fail(p, "match needs a pattern, such as: match 0");
    if (d->nelems > MAX_ELEMS)
        return fail(p, "a pattern may have at most %d elements", MAX_ELEMS);
    return 1;
}

/* Called when a match block ends: it must have said something. */
static int check_last_match(struct parser *p)
{
    eliza_script *s = p->s;
    if (s->ndecomps > 0 && s->decomps[s->ndecomps - 1].nreplies == 0) {
        p->line = s->decomps[s->ndecomps - 1].line;
        return fail(p, "match has no say, goto, newkey or pre under it");
    }
    return 1;
}

static int parse_match(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    void *m;
    if (!p->block)
        return fail(p, "match before any key, memory or none");
    if (!check_last_match(p))
        return 0;
    m = grow(s->decomps, &s->cap_decomps, s->ndecomps, sizeof *s->decomps);
    if (!m)
        return fail(p, "out of memory");
    s->decomps = m;
    memset(&s->decomps[s->ndecomps], 0, sizeof *s->decomps);
    s->decomps[s->ndecomps].first_reply = s->nreplies;
    s->decomps[s->ndecomps].line = p->line;
    if (p->block->ndecomps++ == 0)
        p->block->first_decomp = s->ndecomps;
    s->ndecomps++;
    return parse_pattern(p, tok, n);
}

/* Reply words; a number must name a part of the pattern above. */
static int add_reply_words(struct parser *p, char **tok, int n, int nparts)
{
    int i;
    for (i = 0; i < n; i++) {
        if (is_number(tok[i]) && (script_part(tok[i]) < 1 || script_part(tok[i]) > nparts))
            return fail(p, "part %s, but the pattern has %d part%s",
                        tok[i], nparts, nparts == 1 ? "" : "s");
        if (!add_word(p, tok[i]))
            return 0;
    }
    return 1;
}

/* say WORDS | goto KEY | newkey | pre WORDS then KEY */
static int parse_reply(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    struct decomp *d;
    struct reassembly r;
    int special = p->block == &s->none || p->block == &s->memory;
    void *m;
    if (!p->block || p->block->ndecomps == 0)
        return fail(p, "%s must come under a match line", tok[0]);
    d = &s->decomps[s->ndecomps - 1];
    memset(&r, 0, sizeof r);
    r.first = s->nwords;
    r.line = p->line;
    if (strcmp(tok[0], "say") == 0 && n >= 2) {
        r.action = SAY;
        if (!add_reply_words(p, tok + 1, n - 1, d->nelems))
            return 0;
    } else if (special) {
        return fail(p, "under none and memory, only say WORDS may be used");
    } else if (strcmp(tok[0], "goto") == 0 && n == 2) {
        r.action = GOTO;
        r.target_name = upcase(tok[1]);
    } else if (strcmp(tok[0], "newkey") == 0 && n == 1) {
        r.action = NEWKEY;
    } else if (strcmp(tok[0], "pre") == 0 && n >= 3 && strcmp(tok[n - 2], "then") == 0) {
        r.action = PRE;
        r.target_name = upcase(tok[n - 1]);
        if (!add_reply_words(p, tok + 1, n - 3, d->nelems))
            return 0;
    } else {
        return fail(p, "expected say WORDS, goto KEY, newkey, or pre WORDS then KEY");
    }
    if (p->block == &s->memory && d->nreplies == 1)
        return fail(p, "memory takes one say under each match");
    r.n = s->nwords - r.first;
    m = grow(s->replies, &s->cap_replies, s->nreplies, sizeof *s->replies);
    if (!m)
        return fail(p, "out of memory");
    s->replies = m;
    s->replies[s->nreplies++] = r;
    d->nreplies++;
    return 1;
}

static int is_key_option(const char *w)
{
    return strcmp(w, "becomes") == 0 || strcmp(w, "rank") == 0
        || strcmp(w, "tags") == 0 || strcmp(w, "goto") == 0;
}

/* key WORD [becomes W] [rank N] [tags T...] [goto K], options in any order */
static int parse_key(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    struct rule *r;
    int i = 2;
    void *m;
    if (n < 2 || is_key_option(tok[1]))
        return fail(p, "key needs a word, as in: key SORRY");
    if (script_find(s, upcase(tok[1])) >= 0)
        return fail(p, "key %s is already defined", tok[1]);
    m = grow(s->rules, &s->cap_rules, s->nrules, sizeof *s->rules);
    if (!m)
        return fail(p, "out of memory");
    s->rules = m;
    r = p->block = &s->rules[s->nrules++];
    memset(r, 0, sizeof *r);
    r->word = tok[1];
    r->link = -1;
    r->line = p->line;
    while (i < n) {
        const char *opt = tok[i++];
        if (strcmp(opt, "tags") == 0) {
            r->first_tag = s->nwords;
            for (; i < n && !is_key_option(tok[i]); i++, r->ntags++)
                if (!add_word(p, tok[i]))
                    return 0;
            if (r->ntags == 0)
                return fail(p, "tags needs at least one tag name");
        } else if (!is_key_option(opt)) {
            return fail(p, "'%s' is not becomes, rank, tags or goto", opt);
        } else if (i == n || is_key_option(tok[i])) {
            return fail(p, "%s needs a word after it", opt);
        } else if (strcmp(opt, "becomes") == 0) {
            r->becomes = upcase(tok[i++]);
        } else if (strcmp(opt, "goto") == 0) {
            r->link_name = upcase(tok[i++]);
        } else if (is_number(tok[i])) {
            r->rank = script_part(tok[i++]);
        } else {
            return fail(p, "rank needs a number, not '%s'", tok[i]);
        }
    }
    return 1;
}

/* greeting WORDS: kept joined by single spaces, ready to print. */
static int parse_greeting(struct parser *p, char **tok, int n)
{
    size_t len = 1;
    int i;
    if (!check_last_match(p))
        return 0;
    p->block = NULL;                /* a say below it would belong to nothing */
    if (p->s->greeting || n < 2)
        return fail(p, "write one greeting line with words");
    for (i = 1; i < n; i++)
        len += strlen(tok[i]) + 1;
    p->s->greeting = malloc(len);
    if (!p->s->greeting)
        return fail(p, "out of memory");
    p->s->greeting[0] = '\0';
    for (i = 1; i < n; i++) {
        if (i > 1)
            strcat(p->s->greeting, " ");
        strcat(p->s->greeting, upcase(tok[i]));
    }
    return 1;
}

/* memory WORD | none: the two blocks that are not keywords. */
static int parse_special(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    if (!check_last_match(p))
        return 0;
    if (strcmp(tok[0], "none") == 0 && n == 1 && !s->none.line) {
        p->block = &s->none;
    } else if (strcmp(tok[0], "memory") == 0 && n == 2 && !s->memory.line) {
        p->block = &s->memory;
        s->memory.word = upcase(tok[1]);
    } else {
        return fail(p, "write 'none' and 'memory WORD' once each");
    }
    p->block->line = p->line;
    return 1;
}

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
        return fail(p, "more than %d words on one line", MAX_LINE_WORDS);
    if (n == 0)
        return 1;
    if (strcmp(tok[0], "greeting") == 0)
        return parse_greeting(p, tok, n);
    if (strcmp(tok[0], "key") == 0)
        return check_last_match(p) && parse_key(p, tok, n);
    if (strcmp(tok[0], "memory") == 0 || strcmp(tok[0], "none") == 0)
        return parse_special(p, tok, n);
    if (strcmp(tok[0], "match") == 0)
        return parse_match(p, tok, n);
    if (strcmp(tok[0], "say") == 0 || strcmp(tok[0], "goto") == 0
        || strcmp(tok[0], "newkey") == 0 || strcmp(tok[0], "pre") == 0)
        return parse_reply(p, tok, n);
    return fail(p, "'%s' is not greeting, key, match, say, goto, newkey, pre, "
                "memory or none", tok[0]);
}

/* A goto must name a key that has patterns or a goto of its own. */
static int resolve(struct parser *p, const char *name, int line, int *target)
{
    const struct rule *r;
    p->line = line;
    if ((*target = script_find(p->s, name)) < 0)
        return fail(p, "goto %s, but there is no key %s", name, name);
    r = &p->s->rules[*target];
    if (r->ndecomps == 0 && !r->link_name)
        return fail(p, "goto %s, but key %s has no match and no goto", name, name);
    return 1;
}

/* The checks that need the whole script. */
static int finish(struct parser *p)
{
    eliza_script *s = p->s;
    int i;
    if (!check_last_match(p))
        return 0;
    if (!s->greeting)
        return fail(p, "end of script, but no greeting line");
    if (s->none.ndecomps == 0)
        return fail(p, "end of script, but no none block with a match");
    for (i = 0; i < s->nrules; i++)
        if (s->rules[i].link_name
            && !resolve(p, s->rules[i].link_name, s->rules[i].line, &s->rules[i].link))
            return 0;
    for (i = 0; i < s->nreplies; i++)
        if (s->replies[i].target_name
            && !resolve(p, s->replies[i].target_name, s->replies[i].line,
                        &s->replies[i].target))
            return 0;
    s->memory_key = -1;
    if (!s->memory.word)
        return 1;
    p->line = s->memory.line;
    if (s->memory.ndecomps != 4)
        return fail(p, "memory needs 4 matches (the hash picks one of 4), not %d",
                    s->memory.ndecomps);
    if ((s->memory_key = script_find(s, s->memory.word)) < 0)
        return fail(p, "memory %s, but there is no key %s", s->memory.word, s->memory.word);
    return 1;
}

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
        fail(&p, "a NUL byte");
        return NULL;
    }
    p.s = calloc(1, sizeof *p.s);
    if (p.s)
        p.s->text = malloc(len + 1);
    if (!p.s || !p.s->text) {
        fail(&p, "out of memory");
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
    if (p.failed || !finish(&p)) {
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
            why = "read error";
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
