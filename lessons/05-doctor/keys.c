/*
 * keys.c - the script reader's lines that open a block, and the checks
 * at the end (script.c hands each line here by its first word):
 *
 *   key WORD ...   a keyword: its substitute, rank, tags and goto;
 *   memory WORD    the block that turns a line with WORD into a memory;
 *   none           the block for a line without keywords;
 *   greeting ...   the first thing the program says.
 *
 * The match and reply lines under a block are read by patterns.c. A goto
 * may name a key that comes later in the script, so gotos are only looked
 * up at the end, by parse_finish().
 */
/* MSVC calls strcat() unsafe; used as here, it is fine, and standard C.
 * (#ifndef: Makefile.win may define it on the command line too.) */
#ifndef _CRT_SECURE_NO_WARNINGS
#define _CRT_SECURE_NO_WARNINGS
#endif
#include "parse.h"

#include <stdlib.h>
#include <string.h>

static int is_key_option(const char *w)
{
    return strcmp(w, "becomes") == 0 || strcmp(w, "rank") == 0
        || strcmp(w, "tags") == 0 || strcmp(w, "goto") == 0;
}

/* An option given twice is a mistake: which one would be meant? (And a
 * second tags would split the key's tags in two places of words[].) */
static const char *repeated_option(char **tok, int n)
{
    int i, j;
    for (i = 2; i < n; i++)
        for (j = 2; j < i && is_key_option(tok[i]); j++)
            if (strcmp(tok[i], tok[j]) == 0)
                return tok[i];
    return NULL;
}

/* key WORD [becomes W] [rank N] [tags T...] [goto K], options in any order */
int parse_key(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    struct rule *r;
    const char *twice;
    int i = 2;
    void *m;
    if (n < 2 || is_key_option(tok[1]))
        return parse_fail(p, "key needs a word, as in: key SORRY");
    if ((twice = repeated_option(tok, n)) != NULL)
        return parse_fail(p, "'%s' given twice", twice);
    if (script_find(s, parse_upcase(tok[1])) >= 0)
        return parse_fail(p, "key %s is already defined", tok[1]);
    m = parse_grow(s->rules, &s->cap_rules, s->nrules, sizeof *s->rules);
    if (!m)
        return parse_fail(p, "out of memory");
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
                if (!parse_add_word(p, tok[i]))
                    return 0;
            if (r->ntags == 0)
                return parse_fail(p, "tags needs at least one tag name");
        } else if (!is_key_option(opt)) {
            return parse_fail(p, "'%s' is not becomes, rank, tags or goto", opt);
        } else if (i == n || is_key_option(tok[i])) {
            return parse_fail(p, "%s needs a word after it", opt);
        } else if (strcmp(opt, "becomes") == 0) {
            r->becomes = parse_upcase(tok[i++]);
        } else if (strcmp(opt, "goto") == 0) {
            r->link_name = parse_upcase(tok[i++]);
        } else if (parse_is_number(tok[i])) {
            r->rank = script_part(tok[i++]);
        } else {
            return parse_fail(p, "rank needs a number, not '%s'", tok[i]);
        }
    }
    return 1;
}

/* greeting WORDS: kept joined by single spaces, ready to print. */
int parse_greeting(struct parser *p, char **tok, int n)
{
    size_t len = 1;
    int i;
    if (!parse_check_last_match(p))
        return 0;
    p->block = NULL;                /* a say below it would belong to nothing */
    if (p->s->greeting || n < 2)
        return parse_fail(p, "write one greeting line with words");
    for (i = 1; i < n; i++)
        len += strlen(tok[i]) + 1;
    p->s->greeting = malloc(len);
    if (!p->s->greeting)
        return parse_fail(p, "out of memory");
    p->s->greeting[0] = '\0';
    for (i = 1; i < n; i++) {
        if (i > 1)
            strcat(p->s->greeting, " ");
        strcat(p->s->greeting, parse_upcase(tok[i]));
    }
    return 1;
}

/* memory WORD | none: the two blocks that are not keywords. */
int parse_special(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    if (!parse_check_last_match(p))
        return 0;
    if (strcmp(tok[0], "none") == 0 && n == 1 && !s->none.line) {
        p->block = &s->none;
    } else if (strcmp(tok[0], "memory") == 0 && n == 2 && !s->memory.line) {
        p->block = &s->memory;
        s->memory.word = parse_upcase(tok[1]);
    } else {
        return parse_fail(p, "write 'none' and 'memory WORD' once each");
    }
    p->block->line = p->line;
    return 1;
}

/* ---------- after the last line ---------- */

/* A goto must name a key that has patterns or a goto of its own. */
static int resolve(struct parser *p, const char *name, int line, int *target)
{
    const struct rule *r;
    p->line = line;
    if ((*target = script_find(p->s, name)) < 0)
        return parse_fail(p, "goto %s, but there is no key %s", name, name);
    r = &p->s->rules[*target];
    if (r->ndecomps == 0 && !r->link_name)
        return parse_fail(p, "goto %s, but key %s has no match and no goto", name, name);
    return 1;
}

/* The checks that need the whole script. */
int parse_finish(struct parser *p)
{
    eliza_script *s = p->s;
    int i;
    if (!parse_check_last_match(p))
        return 0;
    if (!s->greeting)
        return parse_fail(p, "end of script, but no greeting line");
    if (s->none.ndecomps == 0)
        return parse_fail(p, "end of script, but no none block with a match");
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
        return parse_fail(p, "memory needs 4 matches (the hash picks one of 4), not %d",
                          s->memory.ndecomps);
    if ((s->memory_key = script_find(s, s->memory.word)) < 0)
        return parse_fail(p, "memory %s, but there is no key %s", s->memory.word, s->memory.word);
    return 1;
}
