/*
 * text.c - the engine's text in and text out (conversation.h):
 *
 *   1. tidy:  capitals, ? and ! become periods, and so on;
 *   2. split: words, with each . and , a word of its own;
 *   5. join:  the reply's words, with single spaces, into one line.
 *
 * Whatever bytes a client sends, what comes out of steps 1 and 2 is
 * words of capitals and punctuation that the script's words can be
 * compared with; and whatever the script says, step 5 writes one line
 * that fits the caller's buffer.
 */
#include "conversation.h"

#include <string.h>

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
 * words; each . and , was given spaces of its own, below. */
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

/* Steps 1 and 2 (conversation.h). */
void text_tidy_and_split(eliza *e, const char *line, size_t len)
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

/* ---------- 5: join words into a line ---------- */

/* Joins words with single spaces into out, cutting it short if needed. */
void text_join(const char *const *words, int n, char *out, size_t cap)
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

void text_copy(const char *text, char *out, size_t cap)
{
    text_join(&text, 1, out, cap);
}
