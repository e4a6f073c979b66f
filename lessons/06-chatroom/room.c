/*
 * room.c - the chat room's rules: names, who hears what, clean text (see
 * room.h); commands.c has the commands.
 *
 * Every message the room sends is one line ending in CR LF, the network's
 * line end: telnet (on Windows too) and nc show it right, and lesson 06's
 * client reads it with the same line framing it uses for everything.
 * Lines from the server start with "* "; lines from members with "NAME: ".
 */
#include "room.h"
#include "../../common/line.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { SAY_MAX = LINE_LIMIT + 2 * NAME_MAX_BYTES + 64 };   /* a line plus prefixes */

void room_init(struct room *r, struct member *seats, int nseats, room_send_fn *send, void *server)
{
    memset(seats, 0, (size_t)nseats * sizeof *seats);
    r->seats = seats;
    r->nseats = nseats;
    r->present = 0;
    r->send = send;
    r->server = server;
}

/* ---- talking: to one member, or to everyone but one --------------------- */

static int format_line(char *out, const char *fmt, va_list ap)
{
    int len = vsnprintf(out, SAY_MAX - 2, fmt, ap);
    if (len < 0)
        len = 0;
    if (len > SAY_MAX - 3)
        len = SAY_MAX - 3;              /* vsnprintf says how long it WOULD be */
    memcpy(out + len, "\r\n", 3);
    return len + 2;
}

void room_say(struct room *r, int seat, const char *fmt, ...)
{
    char text[SAY_MAX];
    int len;
    va_list ap;
    va_start(ap, fmt);
    len = format_line(text, fmt, ap);
    va_end(ap);
    r->send(r->server, seat, text, (size_t)len);
}

/* Formats once, then queues the same bytes for every named member but one. */
void room_tell_others(struct room *r, int except, const char *fmt, ...)
{
    char text[SAY_MAX];
    int len, seat;
    va_list ap;
    va_start(ap, fmt);
    len = format_line(text, fmt, ap);
    va_end(ap);
    for (seat = 0; seat < r->nseats; seat++)
        if (r->seats[seat].named && seat != except)
            r->send(r->server, seat, text, (size_t)len);
}

/* ---- names ------------------------------------------------------------- */

/* Case-insensitive for ASCII letters only: locales must not change who is who. */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int room_find(const struct room *r, const char *name)
{
    int seat;
    for (seat = 0; seat < r->nseats; seat++)
        if (r->seats[seat].named && same_name(r->seats[seat].name, name))
            return seat;
    return -1;
}

/* The character (code point) of the UTF-8 sequence at p, its length in
 * *n; -1 if the bytes are not UTF-8 (or spell a character the long way). */
static long utf8_next(const unsigned char *p, int *n)
{
    static const long least[] = {0, 0, 0x80, 0x800, 0x10000};
    long c = p[0];
    int i;
    *n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (*n == 0)
        return -1;
    if (*n > 1)
        c &= 0x3F >> (*n - 1);
    for (i = 1; i < *n; i++) {
        if ((p[i] & 0xC0) != 0x80)      /* (a NUL stops here too) */
            return -1;
        c = (c << 6) | (p[i] & 0x3F);
    }
    return c < least[*n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? -1 : c;
}

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

const char *room_name_problem(const struct room *r, int seat, const char *name)
{
    const unsigned char *p = (const unsigned char *)name;
    size_t chars = 0;
    int holder, n;
    long c;
    for (; *p; p += n, chars++) {
        if ((c = utf8_next(p, &n)) < 0)
            return "a name is UTF-8 text";
        if (c == ' ' || c == '\t')
            return "a name has no spaces";
        if (invisible(c))
            return "a name has only printable characters";
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

static const char *people(int n)
{
    static char text[32];
    if (n == 0)
        return "nobody here yet";
    snprintf(text, sizeof text, n == 1 ? "%d person here" : "%d people here", n);
    return text;
}

void room_arrive(struct room *r, int seat)
{
    r->seats[seat].connected = 1;
    r->seats[seat].named = 0;
    room_say(r, seat, "* welcome to the socklab chat room: %s", people(r->present));
    room_say(r, seat, "* your name? (1 to %d characters, no spaces)", NAME_MAX_CHARS);
}

static enum room_event choose_name(struct room *r, int seat, const char *line)
{
    struct member *m = &r->seats[seat];
    const char *problem = room_name_problem(r, seat, line);
    if (strcmp(line, "/quit") == 0)
        return ROOM_QUIT;
    if (problem != NULL) {
        room_say(r, seat, "* %s; try again", problem);
        room_say(r, seat, "* your name?");
        return ROOM_NOTHING;
    }
    strcpy(m->name, line);              /* fits: room_name_problem checked its length */
    m->named = 1;
    r->present++;
    room_say(r, seat, "* hello %s, you are in (%s); /help lists the commands", m->name,
        people(r->present));
    room_tell_others(r, seat, "* %s joined (%d here)", m->name, r->present);
    return ROOM_JOINED;
}

/* ---- lines ------------------------------------------------------------- */

/* What a member sends reaches other people's terminals, and a terminal
 * obeys the control characters it receives: ESC or CSI would let one member
 * erase or forge what others see. So text is made printable (common/text.h),
 * after every step that removes bytes, since a removal could glue the bytes
 * on either side into an escape sequence. */
void room_clean(char *text)
{
    text_make_printable(text, (int)strlen(text));
}

enum room_event room_hear(struct room *r, int seat, char *line, int len, int cut)
{
    struct member *m = &r->seats[seat];
    int i;
    len = line_drop_telnet_commands(line, len);     /* first: removes bytes */
    for (i = 0; i < len; i++)           /* a NUL would end the C string early: */
        if (line[i] == '\0')            /* make it a control character like any */
            line[i] = 0x7f;             /* other, which names refuse and text shows as ? */
    if (!m->named)
        return choose_name(r, seat, line);
    if (cut)
        room_say(r, seat, "* your line was too long: only its first %d bytes were kept", LINE_LIMIT);
    if (line[0] == '/')
        return room_command(r, seat, line);
    room_clean(line);
    if (line[0] != '\0')                /* an empty line would only add noise */
        room_tell_others(r, seat, "%s: %s", m->name, line);
    return ROOM_NOTHING;
}

void room_depart(struct room *r, int seat)
{
    struct member *m = &r->seats[seat];
    if (m->named) {
        m->named = 0;                   /* first, so it is not told about itself */
        r->present--;
        room_tell_others(r, seat, "* %s left", m->name);
    }
    m->connected = 0;
    m->name[0] = '\0';
}

void room_close(struct room *r)
{
    int seat;
    for (seat = 0; seat < r->nseats; seat++)
        if (r->seats[seat].connected)
            room_say(r, seat, "* the server is closing: goodbye");
}
