/*
 * eliza.c - Joseph Weizenbaum's ELIZA as described in the January 1966
 * CACM paper: this engine, given doctor.script, reproduces the paper's
 * conversation word for word. (script.c reads the script.)
 *
 * One line of input is answered in five steps:
 *   1. tidy:  capitals, ? and ! become periods, and so on;      (text.c)
 *   2. split: words, with each . and , a word of its own;       (text.c)
 *   3. scan:  find the keywords, keep one clause, swap I/YOU, MY/YOUR...;
 *   4. try the keywords in keystack order: the first pattern of the
 *      keyword that matches is cut into parts, and its next reply is
 *      rebuilt from them (match.c). No keyword at all? Recall a memory
 *      (memory.c), or use NONE;
 *   5. join the reply's words with single spaces.               (text.c)
 *
 * This file is one conversation from start to end: its state (struct
 * eliza, in conversation.h), the scan and the keystack, and the order of
 * the steps. Each conversation keeps its own state; the script is only
 * read, so any number of conversations can share it.
 */
#include "conversation.h"

#include <stdlib.h>
#include <string.h>

/* The program's own messages when no pattern of a keyword matches; which
 * one depends on LIMIT. They were hard-wired in 1966, not in the script. */
static const char *const builtin_messages[4] = {
    "PLEASE CONTINUE", "HMMM", "GO ON , PLEASE", "I SEE"
};

/* ---------- 3: the keystack and the scan ---------- */

/* The keystack is a deque in an array: it grows up from the middle for
 * the top, and down from the middle for the bottom. */
static void stack_clear(eliza *e) { e->top = e->bottom = STACK_CAP; }
static int stack_empty(const eliza *e) { return e->top == e->bottom; }
static int stack_pop(eliza *e) { return e->stack[e->top++]; }

static void push_top(eliza *e, int rule)
{
    if (e->top > 0)
        e->stack[--e->top] = rule;
}

static void push_bottom(eliza *e, int rule)
{
    if (e->bottom < 2 * STACK_CAP)
        e->stack[e->bottom++] = rule;
}

/* Only keywords with patterns or a goto go on the keystack; the others
 * only swap a word or carry tags. */
static int on_keystack(const struct rule *r)
{
    return r->ndecomps > 0 || r->link >= 0;
}

/* Returns the new top rank. */
static int push_keyword(eliza *e, int r, int top_rank)
{
    int rank = e->s->rules[r].rank;
    if (rank > top_rank) {
        push_top(e, r);
        return rank;
    }
    push_bottom(e, r);
    return top_rank;
}

static int is_delimiter(const char *w)
{
    return strcmp(w, ".") == 0 || strcmp(w, ",") == 0 || strcmp(w, "BUT") == 0;
}

/* One pass, left to right (NOTES 3.4). Until a keyword is found, each
 * delimiter throws away the clause before it; after that, the first
 * delimiter throws away itself and the rest. A keyword goes on top of the
 * keystack only if it outranks every one found so far, else at the
 * bottom. Each word is swapped at most once, so I -> YOU stays YOU. */
static void scan(eliza *e)
{
    const eliza_script *s = e->s;
    int i, r, kept = 0, top_rank = 0;
    stack_clear(e);
    for (i = 0; i < e->nwords; i++) {
        const char *w = e->words[i];
        if (is_delimiter(w)) {
            if (!stack_empty(e))
                break;
            kept = 0;
            continue;
        }
        r = script_find(s, w);
        if (r >= 0 && on_keystack(&s->rules[r]))
            top_rank = push_keyword(e, r, top_rank);
        if (r >= 0 && s->rules[r].becomes)
            w = s->rules[r].becomes;
        e->words[kept++] = w;
    }
    e->nwords = kept;
}

/* ---------- 4 and 5: answering ---------- */

static void say_builtin(const eliza *e, char *out, size_t cap)
{
    text_copy(builtin_messages[e->limit - 1], out, cap);
}

/* NONE: the replies for a line without keywords (the script checked that
 * NONE only says things). */
static void say_none(eliza *e, char *out, size_t cap)
{
    int d = match_first(e, &e->s->none);
    if (d < 0) {
        say_builtin(e, out, cap);
        return;
    }
    match_reassemble(e, match_take_reply(e, d));
    text_join(e->built, e->nbuilt, out, cap);
}

/* Pops keywords until one gives a reply (NOTES 3.6). */
static void use_keystack(eliza *e, char *out, size_t cap)
{
    const eliza_script *s = e->s;
    const struct reassembly *r;
    int k, d, steps;
    for (steps = 0; !stack_empty(e); steps++) {
        if (steps == MAX_STEPS) {             /* the script's gotos loop */
            say_builtin(e, out, cap);
            return;
        }
        k = stack_pop(e);
        if (k == s->memory_key)
            memory_form(e);                   /* before MY's own reply */
        if ((d = match_first(e, &s->rules[k])) < 0) {
            if (s->rules[k].link >= 0)
                push_top(e, s->rules[k].link);
            else {
                say_builtin(e, out, cap);
                return;
            }
            continue;
        }
        r = match_take_reply(e, d);
        if (r->action == NEWKEY)
            continue;                         /* try the next keyword */
        if (r->action == GOTO) {
            push_top(e, r->target);
            continue;
        }
        match_reassemble(e, r);
        if (r->action == SAY) {
            text_join(e->built, e->nbuilt, out, cap);
            return;
        }
        memcpy(e->words, e->built, (size_t)e->nbuilt * sizeof e->built[0]);
        e->nwords = e->nbuilt;                /* PRE: new text, then go on */
        push_top(e, r->target);
    }
    say_none(e, out, cap);                    /* NEWKEY emptied the keystack */
}

const char *eliza_reply(eliza *e, const char *line, size_t len, char *out, size_t cap)
{
    if (!out || cap == 0)
        return out;
    if (!e || !line)
        len = 0;
    if (!e) {
        out[0] = '\0';
        return out;
    }
    e->limit = e->limit % 4 + 1;
    text_tidy_and_split(e, line ? line : "", len);
    scan(e);
    if (!stack_empty(e))
        use_keystack(e, out, cap);
    else if (e->limit == 4 && e->memory_count > 0)
        memory_recall(e, out, cap);
    else
        say_none(e, out, cap);
    return out;
}

/* ---------- a conversation's start and end ---------- */

eliza *eliza_new(const eliza_script *s)
{
    eliza *e = s ? calloc(1, sizeof *e) : NULL;
    if (!e)
        return NULL;
    e->s = s;
    e->limit = 1;
    e->next_reply = calloc((size_t)s->ndecomps + 1, sizeof *e->next_reply);
    if (!e->next_reply) {
        free(e);
        return NULL;
    }
    return e;
}

void eliza_free(eliza *e)
{
    if (!e)
        return;
    while (e->memory_count > 0) {
        free(e->memory[e->memory_first]);
        e->memory_first = (e->memory_first + 1) % MAX_MEMORY;
        e->memory_count--;
    }
    free(e->next_reply);
    free(e);
}

const char *eliza_script_beside(const char *argv0, const char *name, char *path, size_t cap)
{
    const char *slash = strrchr(argv0, '/'), *backslash = strrchr(argv0, '\\');
    size_t dir_len;
    if (backslash != NULL && (slash == NULL || backslash > slash))
        slash = backslash;
    dir_len = slash != NULL ? (size_t)(slash - argv0) + 1 : 0;
    if (dir_len + strlen(name) + 1 > cap)
        dir_len = 0;
    memcpy(path, argv0, dir_len);
    strcpy(path + dir_len, name);
    return path;
}
