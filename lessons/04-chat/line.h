/*
 * line.h - lesson 04's second point (its first: select(), chat.h): lines
 * are ours to find in a byte stream.
 *
 * TCP delivers bytes, not messages. One recv() may bring half a line, or
 * three lines and the start of a fourth: where one send() ended is lost on
 * the way. So every connection (and the keyboard) gets its own line_buffer:
 * recv() writes into its free space, and line_next() hands out each
 * complete line, without its end: LF, CR LF, or a CR alone (telnet may send
 * CR NUL, old Macs CR; RFC 1123 asks servers to take them all).
 *
 *     char *space = line_space(&lb, &room);
 *     n = recv(s, space, room, 0);          (or net_keyboard_read)
 *     line_added(&lb, n);
 *     while ((len = line_next(&lb, line, &cut)) >= 0)
 *         ... use line ...
 *
 * A line longer than LINE_LIMIT bytes is handed out cut at the limit (cut is
 * set), and the rest of it, up to the next newline, is thrown away. So a peer
 * that never sends a newline costs us LINE_LIMIT bytes, never more.
 *
 * Nothing here differs between platforms, and nothing here knows about
 * sockets: lessons 05 and 06 include this same file from here.
 */
#ifndef SOCKLAB_LINE_H
#define SOCKLAB_LINE_H

#include <string.h>

#ifndef LINE_LIMIT
#define LINE_LIMIT 1024         /* longest line kept whole, in bytes */
#endif

struct line_buffer {
    char data[LINE_LIMIT + 2];  /* a line of LINE_LIMIT bytes fits with its CR LF */
    int len;                    /* bytes held, not yet handed out */
    int discarding;             /* inside an over-long line: drop up to its newline */
    int after_cr;               /* the last line ended in CR: a LF or NUL
                                   that comes next belongs to it */
};

static inline void line_init(struct line_buffer *lb)
{
    lb->len = 0;
    lb->discarding = 0;
    lb->after_cr = 0;
}

/* Where the next recv() should write, and how many bytes fit there. */
static inline char *line_space(struct line_buffer *lb, int *room)
{
    *room = (int)sizeof lb->data - lb->len;
    return lb->data + lb->len;
}

/* Tells the buffer that n bytes were written at line_space(). */
static inline void line_added(struct line_buffer *lb, int n)
{
    if (n > 0)
        lb->len += n;
}

static inline void line_drop(struct line_buffer *lb, int n)
{
    memmove(lb->data, lb->data + n, (size_t)(lb->len - n));
    lb->len -= n;
}

/* Copies a line of `len` bytes to out (which holds LINE_LIMIT + 1),
 * NUL-terminated, cut to LINE_LIMIT bytes (then *cut is set); returns the
 * length copied. */
static inline int line_copy(const char *from, int len, char *out, int *cut)
{
    if (len > LINE_LIMIT) {
        len = LINE_LIMIT;
        *cut = 1;
    }
    memcpy(out, from, (size_t)len);
    out[len] = '\0';
    return len;
}

/* Where the first line held ends (the index of its LF or CR), or -1. The
 * CR is only looked for before the first LF: memchr() is much faster than a
 * loop of our own, and a chat server runs this for every line. */
static inline int line_find_end(const struct line_buffer *lb)
{
    const char *lf = (const char *)memchr(lb->data, '\n', (size_t)lb->len);
    int before = lf != NULL ? (int)(lf - lb->data) : lb->len;
    const char *cr = (const char *)memchr(lb->data, '\r', (size_t)before);
    if (cr != NULL)
        return (int)(cr - lb->data);
    return lf != NULL ? before : -1;
}

/* Drops the first line's bytes and its end, which is one byte, or two for
 * CR LF and CR NUL. A CR that is the last byte held may still get its LF in
 * the next recv(): after_cr remembers to drop it then. */
static inline void line_drop_through_end(struct line_buffer *lb, int end)
{
    int size = 1;
    if (lb->data[end] == '\r') {
        if (end + 1 == lb->len)
            lb->after_cr = 1;
        else if (lb->data[end + 1] == '\n' || lb->data[end + 1] == '\0')
            size = 2;
    }
    line_drop(lb, end + size);
}

/* The next complete line into out (room for LINE_LIMIT + 1 bytes). Returns
 * its length, or -1 when no complete line is held yet. *cut is set when the
 * line was longer than LINE_LIMIT and this is only its beginning. */
static inline int line_next(struct line_buffer *lb, char *out, int *cut)
{
    int end, len;
    *cut = 0;
    if (lb->after_cr && lb->len > 0) {  /* the LF of a CR LF split by TCP */
        if (lb->data[0] == '\n' || lb->data[0] == '\0')
            line_drop(lb, 1);
        lb->after_cr = 0;
    }
    end = line_find_end(lb);
    if (lb->discarding) {       /* the tail of a line we already cut */
        if (end < 0) {
            lb->len = 0;
            return -1;
        }
        line_drop_through_end(lb, end);
        lb->discarding = 0;
        return line_next(lb, out, cut);
    }
    if (end >= 0) {
        len = line_copy(lb->data, end, out, cut);
        line_drop_through_end(lb, end);
        return len;
    }
    if (lb->len == (int)sizeof lb->data) {  /* full, and still no newline: cut here */
        len = line_copy(lb->data, LINE_LIMIT, out, cut);
        lb->len = 0;
        lb->discarding = 1;
        *cut = 1;
        return len;
    }
    return -1;
}

/* At end of input: whatever is left, a last line that had no newline.
 * Returns its length, or -1 if nothing is left. */
static inline int line_rest(struct line_buffer *lb, char *out)
{
    int len, cut = 0;
    if (lb->len <= 0 || lb->discarding)
        return -1;
    len = line_copy(lb->data, lb->len, out, &cut);
    lb->len = 0;
    return len;
}

#endif
