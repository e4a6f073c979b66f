/*
 * unicode.c - looks up the facts of unicode.h in the tables that
 * make-tables.py generated (tables.h): ranges of code points, each with a
 * value, and a sorted list of the characters whose key is not themselves.
 * Both are searched by bisection: about 12 steps for a range table, 14 for
 * the keys.
 */
#include "unicode.h"
#include "tables.h"

/* The value of the range that holds c: the last `first` <= c. */
static int range_value(const uint32_t *table, size_t n, long c)
{
    size_t lo = 0, hi = n;              /* table[0] starts at 0: lo stays in */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if ((long)(table[mid] >> 8) <= c)
            lo = mid;
        else
            hi = mid;
    }
    return (int)(table[lo] & 0xff);
}

#define RANGE_VALUE(table, c) range_value(table, sizeof table / sizeof table[0], c)

int unicode_name_class(long c) { return RANGE_VALUE(name_classes, c); }
int unicode_script(long c) { return RANGE_VALUE(scripts, c); }
int unicode_columns(long c) { return RANGE_VALUE(widths, c); }

const char *unicode_script_name(int script)
{
    return script >= 0 && script < (int)(sizeof script_names / sizeof script_names[0])
        ? script_names[script] : "Unknown";
}

/* Writes c's key, in UTF-8, at out; returns its bytes (out must have
 * room for UNICODE_KEY_MAX). A Hangul syllable is its letters' keys. */
int unicode_key(long c, char *out)
{
    static const char lead[] = {0, 0, (char)0xc0, (char)0xe0, (char)0xf0};
    size_t lo = 0, hi = sizeof key_from / sizeof key_from[0];
    long s = c - 0xac00;
    int n, i;
    if (s >= 0 && s < 19 * 21 * 28) {
        n = unicode_key(0x1100 + s / (21 * 28), out);
        n += unicode_key(0x1161 + s % (21 * 28) / 28, out + n);
        return s % 28 ? n + unicode_key(0x11a7 + s % 28, out + n) : n;
    }
    while (lo < hi) {                   /* bisection over the code points */
        size_t mid = lo + (hi - lo) / 2;
        if ((long)(key_from[mid] >> 8) < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sizeof key_from / sizeof key_from[0] && (long)(key_from[lo] >> 8) == c) {
        n = (int)(key_from[lo] & 0xff);
        for (i = 0; i < n; i++)
            out[i] = (char)key_bytes[key_at[lo] + i];
        return n;
    }
    n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;   /* c is its own key */
    for (i = n - 1; i > 0; i--, c >>= 6)
        out[i] = (char)(0x80 | (c & 0x3f));
    out[0] = (char)(n == 1 ? c : (lead[n] | c));
    return n;
}
