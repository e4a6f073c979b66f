/*
 * eliza.c - Joseph Weizenbaum's ELIZA as described in the January 1966
 * CACM paper: this engine, given doctor.script, reproduces the paper's
 * conversation word for word. (script.c reads the script.)
 *
 * One line of input is answered in five steps:
 *   1. tidy:  capitals, ? and ! become periods, and so on;
 *   2. split: words, with each . and , a word of its own;
 *   3. scan:  find the keywords, keep one clause, swap I/YOU, MY/YOUR...;
 *   4. try the keywords in keystack order: the first pattern of the
 *      keyword that matches is cut into parts, and its next reply is
 *      rebuilt from them. No keyword at all? Recall a memory, or use NONE;
 *   5. join the reply's words with single spaces.
 *
 * Each conversation (struct eliza) keeps its own state; the script is
 * only read, so any number of conversations can share it.
 */
#include "script.h"

#include <stdlib.h>
#include <string.h>

/* A server answers strangers, so every line has a bounded cost. */
#define MAX_WORDS   512              /* words of a line that are looked at */
#define MAX_STEPS    64              /* keywords tried per line: stops goto loops */
#define STACK_CAP   (MAX_WORDS + MAX_STEPS)
#define MAX_MEMORY   32              /* memories waiting to be recalled */
#define MAX_MEMORY_TEXT 4096         /* bytes of one memory */

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
    unsigned char fits[MAX_ELEMS + 1][MAX_WORDS + 1];   /* see match() */
    int stack[2 * STACK_CAP];        /* the keystack: stack[top..bottom-1] */
    int top, bottom;
};

/* The program's own messages when no pattern of a keyword matches; which
 * one depends on LIMIT. They were hard-wired in 1966, not in the script. */
static const char *const builtin_messages[4] = {
    "PLEASE CONTINUE", "HMMM", "GO ON , PLEASE", "I SEE"
};

/* ---------- 1 and 2: tidy the text and split it into words ---------- */

/* A few UTF-8 quotes and dashes that phones and word processors put in.
 * Mapping them keeps "I’m" the keyword I'M. (Optional in NOTES 3.1.) */
static const struct { const char *utf8; char ascii; } unicode_marks[] = {
    { "\xE2\x80\x99", '\'' },                          /* right single quote */
    { "\xE2\x80\x98", ' ' }, { "\xE2\x80\x9C", ' ' },  /* left quotes */
    { "\xE2\x80\x9D", ' ' },                           /* right double quote */
    { "\xC2\xAB", ' ' }, { "\xC2\xBB", ' ' },          /* guillemets */
    { "\xC2\xA1", ' ' }, { "\xC2\xBF", ' ' },          /* inverted ! and ? */
    { "\xE2\x80\x93", ',' }, { "\xE2\x80\x94", ',' },  /* en and em dash */
};

/* Returns the character that stands for the bytes at p, and in *used how
 * many bytes it takes (1, or the length of a UTF-8 mark above). */
static char tidy_char(const char *p, size_t left, size_t *used)
{
    size_t i, n, nmarks = sizeof unicode_marks / sizeof unicode_marks[0];
    char c = *p;
    for (i = 0; (unsigned char)c >= 0x80 && i < nmarks; i++) {   /* not ASCII */
        n = strlen(unicode_marks[i].utf8);
        if (n <= left && memcmp(p, unicode_marks[i].utf8, n) == 0) {
            *used = n;
            return unicode_marks[i].ascii;
        }
    }
    *used = 1;
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 'A');        /* ASCII only: no locale */
    switch (c) {
    case '?': case '!': return '.';
    case ';': case ':': return ',';
    case '"': case '`': return ' ';
    /* Ours: NUL would end the C string, and CR or LF inside a reply would
     * break the one-line-per-reply rule. Treat them as spaces. */
    case '\0': case '\r': case '\n': return ' ';
    default: return c;
    }
}

/* Splits the tidied text into e->words, in place. Only spaces separate
 * words; each . and , was given spaces of its own by tidy(). */
static void split(eliza *e)
{
    char *p = e->text;
    e->nwords = 0;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '\0' || e->nwords == MAX_WORDS)
            return;
        e->words[e->nwords++] = p;
        while (*p != '\0' && *p != ' ')
            p++;
        if (*p != '\0')
            *p++ = '\0';
    }
}

static void tidy_and_split(eliza *e, const char *line, size_t len)
{
    size_t i, used, n = 0;
    char c;
    if (len > ELIZA_MAX_INPUT)
        len = ELIZA_MAX_INPUT;
    for (i = 0; i < len; i += used) {
        c = tidy_char(line + i, len - i, &used);
        if (c == '.' || c == ',') {          /* "HERE." -> "HERE . " */
            e->text[n++] = ' ';
            e->text[n++] = c;
            c = ' ';
        }
        e->text[n++] = c;
    }
    e->text[n] = '\0';
    split(e);
}

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

/* ---------- 4: decomposition (matching) and reassembly ---------- */

static int has_tag(const eliza_script *s, const char *word, const char *tag)
{
    int r = script_find(s, word), i;
    for (i = 0; r >= 0 && i < s->rules[r].ntags; i++)
        if (strcmp(s->words[s->rules[r].first_tag + i], tag) == 0)
            return 1;
    return 0;
}

/* Is word one of the element's choices? */
static int is_choice(const eliza_script *s, const struct elem *el, const char *word)
{
    int i;
    for (i = 0; i < el->n; i++) {
        const char *c = s->words[el->first + i];
        if (c[0] == '/' ? has_tag(s, word, c + 1) : strcmp(c, word) == 0)
            return 1;
    }
    return 0;
}

/* Can element i begin at word p and the elements after it match the rest?
 * Uses fits[] of the elements to its right and of the words after p. */
static unsigned char element_fits(const eliza *e, const struct elem *el, int i, int p)
{
    int n = e->nwords;
    if (el->count == 0)                          /* none here, or one more */
        return (unsigned char)(e->fits[i + 1][p] || (p < n && e->fits[i][p + 1]));
    if (el->count > 0)
        return (unsigned char)(el->count <= n - p && e->fits[i + 1][p + el->count]);
    return (unsigned char)(p < n && is_choice(e->s, el, e->words[p]) && e->fits[i + 1][p + 1]);
}

/* Matches decomposition d against all of e->words and fills e->parts.
 * Among several ways to match, the rule is: left to right, each 0 takes
 * the fewest words that still let the rest match. A backtracking matcher
 * does that but can take exponential time; instead we fill a table,
 * fits[i][p] = "elements i.. match words p.. exactly", from the end, and
 * then walk it from the start. Time: elements x words. */
static int match(eliza *e, const struct decomp *d)
{
    const struct elem *el = &e->s->elems[d->first_elem];
    int i, p, take, n = e->nwords;
    for (p = 0; p <= n; p++)
        e->fits[d->nelems][p] = (unsigned char)(p == n);
    for (i = d->nelems - 1; i >= 0; i--)
        for (p = n; p >= 0; p--)
            e->fits[i][p] = element_fits(e, &el[i], i, p);
    if (!e->fits[0][0])
        return 0;
    for (i = 0, p = 0; i < d->nelems; i++, p += take) {
        take = el[i].count < 0 ? 1 : el[i].count;
        if (el[i].count == 0)
            while (!e->fits[i + 1][p + take])
                take++;
        e->parts[i].first = p;
        e->parts[i].n = take;
    }
    return 1;
}

/* The first decomposition of rule r that matches, or -1. */
static int first_match(eliza *e, const struct rule *r)
{
    int d;
    for (d = r->first_decomp; d < r->first_decomp + r->ndecomps; d++)
        if (match(e, &e->s->decomps[d]))
            return d;
    return -1;
}

/* Each decomposition uses its replies in turn, whatever kind they are. */
static const struct reassembly *take_reply(eliza *e, int d)
{
    const struct decomp *dc = &e->s->decomps[d];
    int i = e->next_reply[d];
    e->next_reply[d] = (i + 1) % dc->nreplies;
    return &e->s->replies[dc->first_reply + i];
}

static void add_built(eliza *e, const char *w)
{
    if (e->nbuilt < MAX_WORDS)
        e->built[e->nbuilt++] = w;
}

/* Rebuilds e->built from the reply's words; a number n brings in the
 * words of part n (which may be none). */
static void reassemble(eliza *e, const struct reassembly *r)
{
    int i, k, n;
    e->nbuilt = 0;
    for (i = 0; i < r->n; i++) {
        const char *w = e->s->words[r->first + i];
        if ((n = script_part(w)) == 0) {
            add_built(e, w);
            continue;
        }
        for (k = 0; k < e->parts[n - 1].n; k++)
            add_built(e, e->words[e->parts[n - 1].first + k]);
    }
}

/* Joins words with single spaces into out, cutting it short if needed. */
static void join(const char *const *words, int n, char *out, size_t cap)
{
    size_t len = 0, wl;
    int i;
    for (i = 0; i < n && len + 1 < cap; i++) {
        if (i > 0 && len + 2 >= cap)
            break;                    /* no room for a space and a letter */
        if (i > 0)
            out[len++] = ' ';
        wl = strlen(words[i]);
        if (wl > cap - 1 - len)
            wl = cap - 1 - len;
        memcpy(out + len, words[i], wl);
        len += wl;
    }
    out[len] = '\0';
}

static void copy_text(const char *text, char *out, size_t cap)
{
    join(&text, 1, out, cap);
}

/* ---------- memory ---------- */

/* When MY is taken from the keystack: the text's last word picks one of
 * the four memory patterns (NOTES 6), and its reply is queued. */
static void form_memory(eliza *e)
{
    const eliza_script *s = e->s;
    const char *last = e->nwords > 0 ? e->words[e->nwords - 1] : "";
    int d = s->memory.first_decomp + (int)eliza_slip_hash(eliza_bcd_chunk(last), 2);
    char text[MAX_MEMORY_TEXT], *kept;
    if (e->memory_count == MAX_MEMORY || !match(e, &s->decomps[d]))
        return;
    reassemble(e, &s->replies[s->decomps[d].first_reply]);
    join(e->built, e->nbuilt, text, sizeof text);
    if ((kept = malloc(strlen(text) + 1)) == NULL)
        return;                       /* out of memory: forget it */
    memcpy(kept, text, strlen(text) + 1);
    e->memory[(e->memory_first + e->memory_count) % MAX_MEMORY] = kept;
    e->memory_count++;
}

static void recall_memory(eliza *e, char *out, size_t cap)
{
    copy_text(e->memory[e->memory_first], out, cap);
    free(e->memory[e->memory_first]);
    e->memory_first = (e->memory_first + 1) % MAX_MEMORY;
    e->memory_count--;
}

/* ---------- 4 and 5: answering ---------- */

static void say_builtin(const eliza *e, char *out, size_t cap)
{
    copy_text(builtin_messages[e->limit - 1], out, cap);
}

/* NONE: the replies for a line without keywords (the script checked that
 * NONE only says things). */
static void say_none(eliza *e, char *out, size_t cap)
{
    int d = first_match(e, &e->s->none);
    if (d < 0) {
        say_builtin(e, out, cap);
        return;
    }
    reassemble(e, take_reply(e, d));
    join(e->built, e->nbuilt, out, cap);
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
            form_memory(e);                   /* before MY's own reply */
        if ((d = first_match(e, &s->rules[k])) < 0) {
            if (s->rules[k].link >= 0)
                push_top(e, s->rules[k].link);
            else {
                say_builtin(e, out, cap);
                return;
            }
            continue;
        }
        r = take_reply(e, d);
        if (r->action == NEWKEY)
            continue;                         /* try the next keyword */
        if (r->action == GOTO) {
            push_top(e, r->target);
            continue;
        }
        reassemble(e, r);
        if (r->action == SAY) {
            join(e->built, e->nbuilt, out, cap);
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
    tidy_and_split(e, line ? line : "", len);
    scan(e);
    if (!stack_empty(e))
        use_keystack(e, out, cap);
    else if (e->limit == 4 && e->memory_count > 0)
        recall_memory(e, out, cap);
    else
        say_none(e, out, cap);
    return out;
}

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

/* ---------- the SLIP HASH (NOTES 7) ---------- */

/* The IBM 7090's 6-bit BCD character codes: a character's position in
 * this table is its code ('_' marks codes that are not characters). */
static const char bcd_table[] =
    "0123456789_='___"       /* 000-017 */
    "+ABCDEFGHI_.)___"       /* 020-037 */
    "-JKLMNOPQR_$*___"       /* 040-057 */
    " /STUVWXYZ_,(___";      /* 060-077 */

static unsigned bcd_code(char c)
{
    const char *hit = c != '_' && c != '\0' ? strchr(bcd_table, c) : NULL;
    return hit ? (unsigned)(hit - bcd_table) : (unsigned char)c & 077u;
}

/* SLIP kept a word in 6-character cells; the memory hash reads the last
 * cell, space-padded, as a 36-bit number, first character highest. */
unsigned long long eliza_bcd_chunk(const char *word)
{
    size_t len = strlen(word), start = len > 0 ? (len - 1) / 6 * 6 : 0, i;
    unsigned long long d = 0;
    for (i = start; i < start + 6; i++)
        d = d << 6 | bcd_code(i < len ? word[i] : ' ');
    return d;
}

/* Mid-square hash: square the number and take n bits from the middle. The
 * 7094 treated bit 35 as the sign, so only 35 bits take part. */
unsigned eliza_slip_hash(unsigned long long d, int n)
{
    unsigned long long sq;
    if (n < 0)
        n = 0;
    if (n > 15)
        n = 15;
    d &= 0x7FFFFFFFFULL;
    sq = d * d;                       /* mod 2^64: the bits we need survive */
    return (unsigned)(sq >> (35 - n / 2) & ((1ULL << n) - 1));
}
