/*
 * names.c - which names the room accepts, and when two names are the same
 * (see room.h).
 *
 * A name is how the class knows who said what, so no member may take a
 * name that LOOKS like someone else's. Comparing bytes is not enough:
 *   - "José" can be written with one character (é) or two (e and a
 *     combining accent): two byte strings, one name on screen;
 *   - "tеacher" with a Cyrillic е looks exactly like "teacher";
 *   - "AIice" with a capital i looks like "Alice" in most fonts.
 * So each name has a KEY, and two names with the same key are the same
 * name. The key keeps the letters and drops what only decorates them:
 *   - accents go: é, è, ê, e + U+0301 all become e (the Latin letters of
 *     Western, Central European and Vietnamese names);
 *   - Cyrillic and Greek letters that look like Latin ones become those
 *     (а, е, о, р, с, х, Α, Β, Ο, ...), as do fullwidth and mathematical
 *     letters (ｔ, 𝐭);
 *   - case goes (Latin, Cyrillic, Greek), and so do the classic ASCII
 *     look-alikes: I, i, l and 1 are one letter, O and 0 another.
 * The price: Zoe and Zoë, or Ali and All, can't be in the room together.
 * The second to join is told the name is taken and picks another (zoe2):
 * a small cost next to someone speaking as the teacher. The name shown is
 * always the one the member typed, accents and all.
 */
#include "room.h"
#include "../../common/text.h"

#include <string.h>

/* Characters that show as nothing or as a space, or that turn text around:
 * a name holding them could pass for someone else's. */
static int invisible(long c)
{
    static const long ranges[][2] = {
        {0, 0x20}, {0x7f, 0xa0}, {0xad, 0xad}, {0x34f, 0x34f}, {0x61c, 0x61c},
        {0x115f, 0x1160}, {0x1680, 0x1680}, {0x17b4, 0x17b5}, {0x180b, 0x180f},
        {0x2000, 0x200f}, {0x2028, 0x202f}, {0x205f, 0x206f}, {0x2800, 0x2800},
        {0x3000, 0x3000}, {0x3164, 0x3164}, {0xfe00, 0xfe0f}, {0xfeff, 0xfeff},
        {0xffa0, 0xffa0}, {0xfff0, 0xfffb}, {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff}};
    size_t i;
    for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (c >= ranges[i][0] && c <= ranges[i][1])
            return 1;
    return 0;
}

/* Accents that combine with the letter before them (e + U+0301 is é). */
static int combining(long c)
{
    return (c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) ||
           (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
           (c >= 0xfe20 && c <= 0xfe2f);
}

/* The letter under the accents of U+00C0-U+024F and U+1E00-U+1EFF, from
 * Unicode's decompositions; '.' where there is none (ß, æ, ø keep theirs). */
static const char latin[] =
    "AAAAAA.CEEEEIIII.NOOOOO..UUUUY..aaaaaa.ceeeeiiii.nooooo..uuuuy.y"    /* U+00C0 */
    "AaAaAaCcCcCcCcDd..EeEeEeEeEeGgGgGgGgHh..IiIiIiIiI...JjKk.LlLlLl."    /* U+0100 */
    "...NnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTt..UuUuUuUuUuUuWwYyYZzZzZz."    /* U+0140 */
    "................................Oo.............Uu..............."    /* U+0180 */
    ".............AaIiOoUuUuUuUuUu.AaAa....GgKkOoOo..j...Gg..NnAa...."    /* U+01C0 */
    "AaAaEeEeIiIiOoOoRrRrUuUuSsTt..Hh......AaEeOoOoOoOoYy............"    /* U+0200 */
    "................";                                                   /* U+0240 */
static const char latin_extra[] =
    "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMm"    /* U+1E00 */
    "MmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVv"    /* U+1E40 */
    "WwWwWwWwWwXxXxYyZzZzZzhtwy......AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEe"    /* U+1E80 */
    "EeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy......";   /* U+1EC0 */

/* Cyrillic and Greek letters that look like Latin ones, in either case. */
static const struct { long from; char to; } look_alikes[] = {
    {0x391, 'a'}, {0x392, 'b'}, {0x395, 'e'}, {0x396, 'z'}, {0x397, 'h'}, {0x399, 'i'},
    {0x39a, 'k'}, {0x39c, 'm'}, {0x39d, 'n'}, {0x39f, 'o'}, {0x3a1, 'p'}, {0x3a4, 't'},
    {0x3a5, 'y'}, {0x3a7, 'x'}, {0x3b1, 'a'}, {0x3b3, 'y'}, {0x3b9, 'i'}, {0x3ba, 'k'},
    {0x3bc, 'u'}, {0x3bd, 'v'}, {0x3bf, 'o'}, {0x3c1, 'p'}, {0x3c5, 'u'}, {0x3c7, 'x'},
    {0x3c9, 'w'}, {0x3f2, 'c'}, {0x3f3, 'j'}, {0x3f9, 'c'},
    {0x400, 'e'}, {0x401, 'e'}, {0x405, 's'}, {0x406, 'i'}, {0x407, 'i'}, {0x408, 'j'},
    {0x410, 'a'}, {0x412, 'b'}, {0x415, 'e'}, {0x41a, 'k'}, {0x41c, 'm'}, {0x41d, 'h'},
    {0x41e, 'o'}, {0x420, 'p'}, {0x421, 'c'}, {0x422, 't'}, {0x423, 'y'}, {0x425, 'x'},
    {0x430, 'a'}, {0x432, 'b'}, {0x435, 'e'}, {0x43a, 'k'}, {0x43c, 'm'}, {0x43d, 'h'},
    {0x43e, 'o'}, {0x440, 'p'}, {0x441, 'c'}, {0x442, 't'}, {0x443, 'y'}, {0x445, 'x'},
    {0x450, 'e'}, {0x451, 'e'}, {0x455, 's'}, {0x456, 'i'}, {0x457, 'i'}, {0x458, 'j'},
    {0x474, 'v'}, {0x475, 'v'}, {0x4ae, 'y'}, {0x4af, 'y'}, {0x4ba, 'h'}, {0x4bb, 'h'},
    {0x4c0, 'l'}, {0x4cf, 'l'}, {0x501, 'd'}, {0x51a, 'q'}, {0x51b, 'q'}, {0x51c, 'w'},
    {0x51d, 'w'}, {0x131, 'i'}, {0x251, 'a'}, {0x261, 'g'}, {0x269, 'i'}};

/* The character that stands for c in a key. */
static long key_char(long c)
{
    size_t i;
    if (c >= 0xc0 && c < 0xc0 + (long)sizeof latin - 1 && latin[c - 0xc0] != '.')
        c = latin[c - 0xc0];
    else if (c >= 0x1e00 && c < 0x1e00 + (long)sizeof latin_extra - 1 &&
             latin_extra[c - 0x1e00] != '.')
        c = latin_extra[c - 0x1e00];
    else if (c >= 0xff01 && c <= 0xff5e)            /* fullwidth ASCII */
        c -= 0xfee0;
    else if (c >= 0x1d400 && c <= 0x1d6a3)          /* bold, italic, ...: A-Z, a-z */
        c = 'a' + (c - 0x1d400) % 52 % 26;
    else if (c >= 0x1d7ce && c <= 0x1d7ff)          /* bold, ... digits */
        c = '0' + (c - 0x1d7ce) % 10;
    for (i = 0; i < sizeof look_alikes / sizeof look_alikes[0]; i++)
        if (c == look_alikes[i].from)
            c = look_alikes[i].to;
    if ((c >= 'A' && c <= 'Z') || (c >= 0x410 && c <= 0x42f) || (c >= 0x391 && c <= 0x3a9))
        c += 0x20;                                  /* lower case: Latin, Cyrillic, Greek */
    else if (c >= 0x400 && c <= 0x40f)
        c += 0x50;
    if (c == 'i' || c == '1' || c == '|')
        c = 'l';
    return c == '0' ? 'o' : c;
}

/* Writes c as UTF-8 at out; returns the bytes written. */
static int put_utf8(long c, char *out)
{
    int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4, i;
    static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    if (n == 1) {
        out[0] = (char)c;
        return 1;
    }
    for (i = n - 1; i > 0; i--, c >>= 6)
        out[i] = (char)(0x80 | (c & 0x3f));
    out[0] = (char)(lead[n] | c);
    return n;
}

/* The key of a name that passed room_name_problem(), into key (room for
 * NAME_MAX_BYTES + 1: no character's key is longer than the character). */
void room_name_key(const char *name, char *key)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
    int n, len = 0;
    long c;
    for (; p < end; p += n)
        if ((c = text_utf8_next(p, end, &n)) >= 0 && !combining(c))
            len += put_utf8(key_char(c), key + len);
    key[len] = '\0';
}

int room_find(const struct room *r, const char *name)
{
    char key[NAME_MAX_BYTES + 1];
    int seat;
    if (strlen(name) > NAME_MAX_BYTES)
        return -1;                      /* no name that long was let in */
    room_name_key(name, key);
    for (seat = 0; seat < r->nseats; seat++)
        if (r->seats[seat].named && strcmp(r->seats[seat].key, key) == 0)
            return seat;
    return -1;
}

const char *room_name_problem(const struct room *r, int seat, const char *name)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
    size_t chars = 0;
    int holder, n;
    long c;
    for (; p < end; p += n, chars++) {
        if ((c = text_utf8_next(p, end, &n)) < 0)
            return "a name is UTF-8 text";
        if (c == ' ' || c == '\t')
            return "a name has no spaces";
        if (invisible(c))
            return "a name has only printable characters";
        if (chars == 0 && combining(c))
            return "a name does not start with an accent";
    }
    if (chars == 0 || chars > NAME_MAX_CHARS || strlen(name) > NAME_MAX_BYTES)
        return "a name is 1 to 20 characters long";
    if (name[0] == '/' || name[0] == '*')   /* * starts the server's own lines */
        return "a name does not start with / or *";
    holder = room_find(r, name);
    if (holder >= 0 && holder != seat)
        return "that name is taken";
    return NULL;
}
