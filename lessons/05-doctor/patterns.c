/*
 * patterns.c - the script reader's match lines and the reply lines under
 * them (script.c hands each line here by its first word):
 *
 *   match ELEMENTS          a pattern (a decomposition): 0 for any number
 *                           of words, N for exactly N, WORD, [A B /TAG];
 *   say WORDS               a reply; a number N brings in part N;
 *   goto KEY | newkey       go on with another key, or the next keyword;
 *   pre WORDS then KEY      rebuild the text, then go on with KEY.
 *
 * Each match line belongs to the block (key, memory or none) that keys.c
 * opened last, and each reply to the match line above it. What the
 * patterns mean when a line is answered is match.c's business.
 */
#include "parse.h"

#include <string.h>

/* Starts a new element of the pattern being read; its words follow. */
static int add_elem(struct parser *p, int count)
{
    eliza_script *s = p->s;
    void *m = parse_grow(s->elems, &s->cap_elems, s->nelems, sizeof *s->elems);
    if (!m)
        return parse_fail(p, "out of memory");
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
        return parse_fail(p, "'/' needs a tag name, as in [/FAMILY]");
    if (strchr(w, '[') || strchr(w, ']'))
        return parse_fail(p, "misplaced bracket in '%s'", w);
    if (!in_group && parse_is_number(w))
        return add_elem(p, script_part(w));
    if (!in_group && !add_elem(p, -1))
        return 0;
    p->s->elems[p->s->nelems - 1].n++;
    return parse_add_word(p, w);
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
                return parse_fail(p, "'[' inside [ ]");
            if (!add_elem(p, -1))
                return 0;
            in_group = 1;
            w++;
        }
        len = strlen(w);
        if (len > 0 && w[len - 1] == ']') {
            w[len - 1] = '\0';
            if (!in_group)
                return parse_fail(p, "']' without '['");
            if (*w && !add_pattern_word(p, w, 1))
                return 0;
            if (s->elems[s->nelems - 1].n == 0)
                return parse_fail(p, "empty [ ]");
            in_group = 0;
        } else if (*w && !add_pattern_word(p, w, in_group)) {
            return 0;
        }
    }
    d->nelems = s->nelems - d->first_elem;
    if (in_group)
        return parse_fail(p, "'[' without ']'");
    if (d->nelems == 0)
        return parse_fail(p, "match needs a pattern, such as: match 0");
    if (d->nelems > MAX_ELEMS)
        return parse_fail(p, "a pattern may have at most %d elements", MAX_ELEMS);
    return 1;
}

/* Called when a match block ends: it must have said something. */
int parse_check_last_match(struct parser *p)
{
    eliza_script *s = p->s;
    if (s->ndecomps > 0 && s->decomps[s->ndecomps - 1].nreplies == 0) {
        p->line = s->decomps[s->ndecomps - 1].line;
        return parse_fail(p, "match has no say, goto, newkey or pre under it");
    }
    return 1;
}

int parse_match(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    void *m;
    if (!p->block)
        return parse_fail(p, "match before any key, memory or none");
    if (!parse_check_last_match(p))
        return 0;
    m = parse_grow(s->decomps, &s->cap_decomps, s->ndecomps, sizeof *s->decomps);
    if (!m)
        return parse_fail(p, "out of memory");
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
        if (parse_is_number(tok[i])
            && (script_part(tok[i]) < 1 || script_part(tok[i]) > nparts))
            return parse_fail(p, "part %s, but the pattern has %d part%s",
                              tok[i], nparts, nparts == 1 ? "" : "s");
        if (!parse_add_word(p, tok[i]))
            return 0;
    }
    return 1;
}

/* say WORDS | goto KEY | newkey | pre WORDS then KEY */
int parse_reply(struct parser *p, char **tok, int n)
{
    eliza_script *s = p->s;
    struct decomp *d;
    struct reassembly r;
    int special = p->block == &s->none || p->block == &s->memory;
    void *m;
    if (!p->block || p->block->ndecomps == 0)
        return parse_fail(p, "%s must come under a match line", tok[0]);
    d = &s->decomps[s->ndecomps - 1];
    memset(&r, 0, sizeof r);
    r.first = s->nwords;
    r.line = p->line;
    if (strcmp(tok[0], "say") == 0 && n >= 2) {
        r.action = SAY;
        if (!add_reply_words(p, tok + 1, n - 1, d->nelems))
            return 0;
    } else if (special) {
        return parse_fail(p, "under none and memory, only say WORDS may be used");
    } else if (strcmp(tok[0], "goto") == 0 && n == 2) {
        r.action = GOTO;
        r.target_name = parse_upcase(tok[1]);
    } else if (strcmp(tok[0], "newkey") == 0 && n == 1) {
        r.action = NEWKEY;
    } else if (strcmp(tok[0], "pre") == 0 && n >= 3 && strcmp(tok[n - 2], "then") == 0) {
        r.action = PRE;
        r.target_name = parse_upcase(tok[n - 1]);
        if (!add_reply_words(p, tok + 1, n - 3, d->nelems))
            return 0;
    } else {
        return parse_fail(p, "expected say WORDS, goto KEY, newkey, or pre WORDS then KEY");
    }
    if (p->block == &s->memory && d->nreplies == 1)
        return parse_fail(p, "memory takes one say under each match");
    r.n = s->nwords - r.first;
    m = parse_grow(s->replies, &s->cap_replies, s->nreplies, sizeof *s->replies);
    if (!m)
        return parse_fail(p, "out of memory");
    s->replies = m;
    s->replies[s->nreplies++] = r;
    d->nreplies++;
    return 1;
}
