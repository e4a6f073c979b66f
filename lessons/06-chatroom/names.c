/*
 * names.c - which names the room accepts, and when two names are the same
 * (see room.h).
 *
 * A name is how the class knows who said what, so no member may take a
 * name that LOOKS like someone else's. Comparing bytes is not enough:
 *   - "José" can be written with one character (é) or two (e and a
 *     combining accent), "Kim" with the KELVIN SIGN, a Korean or Japanese
 *     name with its syllables whole or in pieces: one name on screen;
 *   - "tеacher" with a Cyrillic е, "ꓔeacher" with a Lisu letter, "alⅰce"
 *     with a Roman numeral look exactly like "teacher" and "alice";
 *   - "AIice" with a capital i looks like "Alice" in most fonts;
 *   - "bob" followed by a character that shows as nothing looks like "bob".
 * So the rule, after Unicode's own for identifiers (UTS #39, UAX #15):
 *   1. only characters that show: no controls, no invisible or format
 *      characters (zero-width, bidi, tags, fillers), no spaces or blank
 *      look-alikes, nothing unassigned or for private use;
 *   2. one script per name, as UTS #39's "highly restrictive" profile:
 *      digits and punctuation (Common) and accents (Inherited) go with any,
 *      and Latin may mix with Han and kana (Japanese), Han and Bopomofo
 *      (Chinese), Han and Hangul (Korean);
 *   3. each name has a KEY, and two names with the same key are the same
 *      name: the key spells each character one way (its compatibility
 *      decomposition, NFKD), takes the letter it can be taken for (UTS #39's
 *      confusables: Cyrillic а is a, Cherokee Ꭲ is T), ignores case and
 *      accents, and makes I, i, l and 1 one letter (unicode/unicode.h).
 * The price: Zoe and Zoë, or Ali and All, can't be in the room together.
 * The second to join is told why and picks another (zoe2): a small cost
 * next to someone speaking as the teacher. The name shown is always the
 * one the member typed, accents and all.
 */
#include "room.h"
#include "unicode/unicode.h"
#include "../../common/text.h"

#include <stdio.h>
#include <string.h>

static char why[160];                   /* the reason room_name_problem() gives */

/* Why character c can't be in a name, or NULL. */
static const char *character_problem(long c, int first)
{
    const char *what = NULL;
    if (c == ' ' || c == '\t')
        return "a name has no spaces";
    switch (unicode_name_class(c)) {
    case UNICODE_NAME_BLANK:
        what = "shows as a space";
        break;
    case UNICODE_NAME_INVISIBLE:
        what = "is invisible, or a control or format character";
        break;
    case UNICODE_NAME_UNASSIGNED:
        what = "is no character yet, or for private use";
        break;
    }
    if (what != NULL) {
        snprintf(why, sizeof why, "a name has only printable characters: U+%04lX %s", c, what);
        return why;
    }
    if (first && unicode_script(c) == UNICODE_INHERITED)
        return "a name does not start with an accent";
    return NULL;
}

/* Which scripts may share a name, as sets of the scripts numbered in
 * unicode.h: Latin and Japanese, Latin and Chinese, Latin and Korean. */
static int scripts_go_together(unsigned mix)
{
    static const unsigned together[] = {
        1u << UNICODE_LATIN | 1u << UNICODE_HAN | 1u << UNICODE_HIRAGANA | 1u << UNICODE_KATAKANA,
        1u << UNICODE_LATIN | 1u << UNICODE_HAN | 1u << UNICODE_BOPOMOFO,
        1u << UNICODE_LATIN | 1u << UNICODE_HAN | 1u << UNICODE_HANGUL};
    size_t i;
    for (i = 0; i < sizeof together / sizeof together[0]; i++)
        if ((mix & ~together[i]) == 0)
            return 1;
    return 0;
}

/* Why the name mixes scripts that look alike, or NULL (rule 2 above). */
static const char *mixed_scripts(const char *name)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
    int n, script, last = -1, other = -1;
    unsigned mix = 0;
    long c;
    for (; p < end; p += n) {
        c = text_utf8_next(p, end, &n);
        if ((script = unicode_script(c)) == UNICODE_COMMON || script == UNICODE_INHERITED)
            continue;
        if (script > UNICODE_LATIN)             /* any other script: alone */
            other = other < 0 ? script : other;
        else
            mix |= 1u << script;
        if ((other >= 0 && (mix != 0 || script != other)) || !scripts_go_together(mix)) {
            snprintf(why, sizeof why, "a name keeps to one script: U+%04lX is %s, after %s",
                     c, unicode_script_name(script), unicode_script_name(last));
            return why;
        }
        last = script;
    }
    return NULL;
}

int room_name_key(const char *name, char *key)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
    char one[UNICODE_KEY_MAX];
    int n, len = 0, size;
    long c;
    for (; p < end; p += n) {
        if ((c = text_utf8_next(p, end, &n)) < 0)
            continue;
        size = unicode_key(c, one);
        if (len + size > NAME_KEY_BYTES)
            break;                      /* only names spelled out longer than any */
        memcpy(key + len, one, (size_t)size);   /* real one: refused as too long */
        len += size;
    }
    key[len] = '\0';
    return p >= end;
}

int room_find(const struct room *r, const char *name)
{
    char key[NAME_KEY_BYTES + 1];
    int seat;
    if (strlen(name) > NAME_MAX_BYTES)
        return -1;                      /* no name that long was let in */
    room_name_key(name, key);
    for (seat = 0; seat < r->nseats; seat++)
        if (r->seats[seat].named && strcmp(r->seats[seat].key, key) == 0)
            return seat;
    return -1;
}

/* "that name is taken", and by whom when the two are spelled differently. */
static const char *taken(const char *name, const char *holder)
{
    if (strcmp(name, holder) == 0)
        return "that name is taken";
    snprintf(why, sizeof why, "that name is taken: it looks like %s, who is here", holder);
    return why;
}

const char *room_name_problem(const struct room *r, int seat, const char *name)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
    char key[NAME_KEY_BYTES + 1];
    const char *problem;
    size_t chars = 0;
    int holder, n;
    long c;
    for (; p < end; p += n, chars++) {
        if ((c = text_utf8_next(p, end, &n)) < 0)
            return "a name is UTF-8 text";
        if ((problem = character_problem(c, chars == 0)) != NULL)
            return problem;
    }
    if (chars == 0 || chars > NAME_MAX_CHARS || strlen(name) > NAME_MAX_BYTES ||
        !room_name_key(name, key))
        return "a name is 1 to 20 characters long";
    if (name[0] == '/' || name[0] == '*')   /* * starts the server's own lines */
        return "a name does not start with / or *";
    holder = room_find(r, name);
    if (holder >= 0 && holder != seat)
        return taken(name, r->seats[holder].name);
    return mixed_scripts(name);
}
