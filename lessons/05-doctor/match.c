/*
 * match.c - step 4 of answering a line: decomposition and reassembly.
 *
 * A keyword's patterns (its decompositions) are tried in order against
 * the words of the line; the first that matches cuts them into parts,
 * one per pattern element. Then the decomposition's next reply is rebuilt
 * (reassembled) from its own words and those parts. eliza.c decides
 * which keyword to try; memory.c uses the same two steps for memories.
 */
#include "conversation.h"

#include <string.h>

/* ---------- decomposition: does a pattern match? ---------- */

/* Is word a key that carries tag? (A choice /FAMILY matches MOTHER.) */
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
int match_decomp(eliza *e, const struct decomp *d)
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
int match_first(eliza *e, const struct rule *r)
{
    int d;
    for (d = r->first_decomp; d < r->first_decomp + r->ndecomps; d++)
        if (match_decomp(e, &e->s->decomps[d]))
            return d;
    return -1;
}

/* ---------- reassembly: the reply, rebuilt from the parts ---------- */

/* Each decomposition uses its replies in turn, whatever kind they are. */
const struct reassembly *match_take_reply(eliza *e, int d)
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
void match_reassemble(eliza *e, const struct reassembly *r)
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
