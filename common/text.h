/*
 * text.h - making what a peer sent safe to show on a terminal.
 *
 * A terminal obeys what it receives. Among the characters it is sent, the
 * control characters are orders, not text: ESC and CSI (U+009B) start
 * sequences that move the cursor, erase a line or the whole screen, change
 * the window's title. So a program that prints a stranger's bytes, on its
 * own screen or relayed to someone else's, lets the stranger write
 * "* teacher left" over a line, or erase who really said it.
 *
 * text_make_printable() is the one cleaner the lessons share. It decodes
 * the text character by character (UTF-8) and replaces, byte for byte,
 * with '?' (or with what text_replace_unprintable() is given):
 *   - every control character but tab: C0 (U+0000-U+001F), DEL (U+007F)
 *     and C1 (U+0080-U+009F, in UTF-8 the two bytes C2 80-C2 9F);
 *   - every byte that is not part of valid UTF-8: a raw 0x9B is CSI to a
 *     terminal in an 8-bit (Latin-1) locale;
 *   - every character that shows as nothing, turns text around or breaks
 *     the line (text_is_invisible()): bidi overrides and isolates would show
 *     a line reversed, U+2028 starts a new line on some terminals, and
 *     zero-width characters make two texts that look the same.
 * It REPLACES, never deletes: deleting the 01 of "C2 01 9B" would glue
 * C2 9B together, which is CSI. For the same reason it runs LAST, after
 * everything that removes bytes (telnet commands, line ends), and nothing
 * may remove bytes after it.
 */
#ifndef SOCKLAB_TEXT_H
#define SOCKLAB_TEXT_H

#include <stddef.h>

/* The character (code point) of the UTF-8 sequence at p, and in *n how many
 * bytes it takes; -1 (and *n = 1) if the bytes there are not UTF-8: a
 * stray byte, a sequence cut short by `end`, a character spelled the long
 * way, a surrogate, or past U+10FFFF. */
static inline long text_utf8_next(const unsigned char *p, const unsigned char *end, int *n)
{
    static const long least[] = {0, 0, 0x80, 0x800, 0x10000};
    long c = p[0];
    int i, size = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                : (c & 0xF8) == 0xF0 ? 4 : 0;
    *n = 1;
    if (size == 0 || end - p < size)
        return -1;
    if (size > 1)
        c &= 0x3F >> (size - 1);
    for (i = 1; i < size; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < least[size] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *n = size;
    return c;
}

/* A control character: C0 but tab, DEL, C1. */
static inline int text_is_control(long c)
{
    return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
}

/* Unicode's format characters (Cf: bidi controls U+061C, U+200E-200F,
 * U+202A-202E, U+2066-2069; zero-width ones U+200B-200D, U+2060, U+FEFF),
 * its default-ignorable ones (Default_Ignorable_Code_Point: soft hyphen,
 * Hangul fillers, variation selectors, tags...) and the line and paragraph
 * separators U+2028-2029, as in Unicode 15 (DerivedCoreProperties.txt).
 * The price: an emoji joined by U+200D or followed by U+FE0F shows a '?'. */
static inline int text_is_invisible(long c)
{
    static const long ranges[][2] = {
        {0xad, 0xad}, {0x34f, 0x34f}, {0x600, 0x605}, {0x61c, 0x61c}, {0x6dd, 0x6dd},
        {0x70f, 0x70f}, {0x890, 0x891}, {0x8e2, 0x8e2}, {0x115f, 0x1160}, {0x17b4, 0x17b5},
        {0x180b, 0x180f}, {0x200b, 0x200f}, {0x2028, 0x202e}, {0x2060, 0x206f},
        {0x3164, 0x3164}, {0xfe00, 0xfe0f}, {0xfeff, 0xfeff}, {0xffa0, 0xffa0},
        {0xfff0, 0xfffb}, {0x110bd, 0x110bd}, {0x110cd, 0x110cd}, {0x13430, 0x1343f},
        {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff}};
    size_t i;
    for (i = 0; i < sizeof ranges / sizeof ranges[0] && ranges[i][0] <= c; i++)
        if (c <= ranges[i][1])
            return 1;
    return 0;
}

/* Replaces, in place, each byte of a control character, of an invisible
 * one, or of bytes that are not UTF-8 with `with`. The length stays the same; NUL bytes are
 * replaced too, so the result is a C string if text[len] is a NUL. */
static inline void text_replace_unprintable(char *text, int len, char with)
{
    unsigned char *p = (unsigned char *)text, *end = p + (len > 0 ? len : 0);
    int n, i;
    long c;
    for (; p < end; p += n) {
        c = text_utf8_next(p, end, &n);
        if (c < 0 || text_is_control(c) || text_is_invisible(c))
            for (i = 0; i < n; i++)
                p[i] = (unsigned char)with;
    }
}

/* The same with '?': what a person sees in place of what was replaced. */
static inline void text_make_printable(char *text, int len)
{
    text_replace_unprintable(text, len, '?');
}

#endif
