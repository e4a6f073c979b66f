/*
 * conversation.h - what one conversation is in memory, and how the
 * engine's files share the work of answering a line (private to them;
 * a server only needs eliza.h).
 *
 *   eliza.c   one conversation: the scan, the keystack, the answer;
 *   text.c    steps 1, 2 and 5: from the client's bytes to words, and
 *             from the reply's words back to one line;
 *   match.c   step 4: does a pattern match, and rebuilding a reply;
 *   memory.c  the memory queue, and the SLIP hash that picks a memory.
 *
 * Each function here starts with the name of the file that defines it.
 */
#ifndef SOCKLAB_CONVERSATION_H
#define SOCKLAB_CONVERSATION_H

#include "script.h"

/* A server answers strangers, so every line has a bounded cost. */
#define MAX_WORDS   512              /* words of a line that are looked at */
#define MAX_STEPS    64              /* keywords tried per line: stops goto loops */
#define STACK_CAP   (MAX_WORDS + MAX_STEPS)
#define MAX_MEMORY   32              /* memories waiting to be recalled */

struct part { int first, n; };       /* words[first .. first+n-1] */

struct eliza {
    const eliza_script *s;
    int limit;                       /* 1..4, advanced before every line */
    int *next_reply;                 /* per decomposition: whose turn it is */
    /* The memory queue: oldest first. When it is full, new memories are
     * not kept, so recall gives what unlimited memory would have, first. */
    char *memory[MAX_MEMORY];
    int memory_first, memory_count;

    /* Working space for one line (kept here, not on the stack). */
    char text[3 * ELIZA_MAX_INPUT + 1];   /* tidied input: "." becomes " . " */
    const char *words[MAX_WORDS];    /* point into text or into the script */
    int nwords;
    const char *built[MAX_WORDS];    /* a reply or PRE text being rebuilt */
    int nbuilt;
    struct part parts[MAX_ELEMS];    /* what each pattern element matched */
    unsigned char fits[MAX_ELEMS + 1][MAX_WORDS + 1];   /* see match.c */
    int stack[2 * STACK_CAP];        /* the keystack: stack[top..bottom-1] */
    int top, bottom;
};

/* text.c */

/* Steps 1 and 2: tidies the first ELIZA_MAX_INPUT bytes of line into
 * e->text and splits it into e->words. */
void text_tidy_and_split(eliza *e, const char *line, size_t len);
/* Step 5: joins words with single spaces into out, cut short if needed. */
void text_join(const char *const *words, int n, char *out, size_t cap);
void text_copy(const char *text, char *out, size_t cap);

/* match.c */

/* Matches decomposition d against all of e->words; fills e->parts. */
int match_decomp(eliza *e, const struct decomp *d);
/* The first decomposition of rule r that matches, or -1. */
int match_first(eliza *e, const struct rule *r);
/* The reply whose turn it is in decomposition d (and moves the turn on). */
const struct reassembly *match_take_reply(eliza *e, int d);
/* Rebuilds e->built from the reply's words and e->parts. */
void match_reassemble(eliza *e, const struct reassembly *r);

/* memory.c */

/* Makes a memory from the text, if there is room (when MY is used). */
void memory_form(eliza *e);
/* Writes the oldest memory into out and forgets it; memory_count > 0. */
void memory_recall(eliza *e, char *out, size_t cap);

#endif
