/*
 * memory.c - ELIZA's memory (NOTES 6 and 7).
 *
 * When the script's memory keyword (MY, in DOCTOR) is used, the line is
 * also rebuilt by one of the four patterns of the script's memory block
 * and kept in a queue. Later, when a line has no keyword at all and LIMIT
 * is 4, eliza.c recalls the oldest memory instead of a NONE reply, such
 * as "EARLIER YOU SAID YOUR ...".
 *
 * Which of the four patterns is used is not chosen at random: the SLIP
 * HASH of the line's last word picks it, as on the IBM 7094 in 1966, so
 * the paper's conversation comes out word for word.
 */
#include "conversation.h"

#include <stdlib.h>
#include <string.h>

#define MAX_MEMORY_TEXT 4096         /* bytes of one memory */

/* ---------- the memory queue ---------- */

/* When MY is taken from the keystack: the text's last word picks one of
 * the four memory patterns (NOTES 6), and its reply is queued. */
void memory_form(eliza *e)
{
    const eliza_script *s = e->s;
    const char *last = e->nwords > 0 ? e->words[e->nwords - 1] : "";
    int d = s->memory.first_decomp + (int)eliza_slip_hash(eliza_bcd_chunk(last), 2);
    char text[MAX_MEMORY_TEXT], *kept;
    if (e->memory_count == MAX_MEMORY || !match_decomp(e, &s->decomps[d]))
        return;
    match_reassemble(e, &s->replies[s->decomps[d].first_reply]);
    text_join(e->built, e->nbuilt, text, sizeof text);
    if ((kept = malloc(strlen(text) + 1)) == NULL)
        return;                       /* out of memory: forget it */
    memcpy(kept, text, strlen(text) + 1);
    e->memory[(e->memory_first + e->memory_count) % MAX_MEMORY] = kept;
    e->memory_count++;
}

void memory_recall(eliza *e, char *out, size_t cap)
{
    text_copy(e->memory[e->memory_first], out, cap);
    free(e->memory[e->memory_first]);
    e->memory_first = (e->memory_first + 1) % MAX_MEMORY;
    e->memory_count--;
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
