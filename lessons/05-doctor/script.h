/*
 * script.h - what a script becomes in memory (private to the engine's
 * files; a server only needs eliza.h). The reader (script.c, keys.c,
 * patterns.c, sharing parse.h) fills these tables in; a conversation
 * (eliza.c, text.c, match.c, memory.c, sharing conversation.h) only reads
 * them.
 *
 * All the script's words live in one array, `words`, and every list below
 * is a range of indexes (first, n) into one of the arrays. A rule holds
 * its decompositions, a decomposition its pattern elements and replies.
 */
#ifndef SOCKLAB_SCRIPT_H
#define SOCKLAB_SCRIPT_H

#include "eliza.h"

#define MAX_ELEMS 32            /* elements in one pattern */

/* A pattern element. count 0 matches any number of words, count N > 0
 * exactly N words. count -1 matches one word from a list of n choices (a
 * plain WORD is a list of one); a choice "/T" means "any word tagged T". */
struct elem { int count, first, n; };

enum action { SAY, GOTO, NEWKEY, PRE };

/* One reassembly. SAY and PRE build words, where a word made of digits
 * stands for that part of the match; GOTO and PRE go on with rule target. */
struct reassembly {
    enum action action;
    int first, n;               /* its words */
    int target;                 /* rule index (GOTO and PRE) */
    const char *target_name;    /* as written, until resolved */
    int line;                   /* for error messages */
};

/* A decomposition: a pattern, and the replies that are used in turn. */
struct decomp { int first_elem, nelems, first_reply, nreplies, line; };

struct rule {
    const char *word;           /* the keyword */
    const char *becomes;        /* its substitute in the text, or NULL */
    int rank;
    int first_tag, ntags;
    int first_decomp, ndecomps;
    int link;                   /* rule to go on with when no pattern
                                   matches, or -1 */
    const char *link_name;
    int line;
};

struct eliza_script {
    char *text;                 /* our copy of the script: words point in */
    const char **words;         int nwords, cap_words;
    struct elem *elems;         int nelems, cap_elems;
    struct reassembly *replies; int nreplies, cap_replies;
    struct decomp *decomps;     int ndecomps, cap_decomps;
    struct rule *rules;         int nrules, cap_rules;   /* the keywords */
    struct rule none, memory;   /* not keywords: typing NONE finds nothing */
    int memory_key;             /* the rule (MY) that forms memories, or -1 */
    char *greeting;
};

/* The rule for a keyword, or -1. */
int script_find(const eliza_script *s, const char *word);
/* n for a word of digits (a part number in a reply), else 0. */
int script_part(const char *word);

#endif
