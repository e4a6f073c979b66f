/*
 * room.c - the chat room's rules: who hears what, clean text (see room.h);
 * names.c decides which names are allowed, commands.c has the commands.
 *
 * Every message the room sends is one line ending in CR LF, the network's
 * line end: telnet (on Windows too) and nc show it right, and lesson 06's
 * client reads it with the same line framing it uses for everything.
 * Lines from the server start with "* "; lines from members with "NAME: ".
 */
#include "room.h"
#include "../../common/telnet.h"
#include "../04-chat/line.h"
#include "../../common/text.h"
#include "unicode/unicode.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
    SAY_MAX = LINE_LIMIT + 2 * NAME_MAX_BYTES + 64,     /* a line plus prefixes */
    ROW_COLUMNS = 72    /* a member's line goes out in rows this wide, each "NAME: ...": */
};                      /* they fit an 80-column terminal, which never wraps them, */
                        /* so no row can start with words that pose as another line */

void room_init(struct room *r, struct member *seats, int capacity, struct server *server)
{
    int seat;
    memset(seats, 0, (size_t)capacity * sizeof *seats);
    for (seat = 0; seat < capacity; seat++)
        seats[seat].s = NET_INVALID;
    r->seats = seats;
    r->nseats = 0;
    r->present = 0;
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
    queue_text(r->server, seat, text, (size_t)len);
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
            queue_text(r->server, seat, text, (size_t)len);
}

/* ---- arriving and choosing a name (names.c: which names) --------------- */

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
    if (seat >= r->nseats)              /* every loop over the seats stops there */
        r->nseats = seat + 1;
    r->seats[seat].connected = 1;
    r->seats[seat].named = 0;
    r->seats[seat].nick_clock = 0;
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
    room_name_key(m->name, m->key);
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

/* A run of two or more blank-looking characters (spaces, tabs, U+2800,
 * U+3000, ...) becomes one space, so padding can't push words to where a
 * row begins. It removes whole characters from text already made printable
 * (valid UTF-8), so it can't glue bytes into an escape sequence. */
static void collapse_blanks(char *text)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + strlen(text);
    char *out = text, *run = NULL;      /* run: where a run of blanks began */
    int n;
    long c;
    for (; p < end; p += n) {
        c = text_utf8_next(p, end, &n);
        if (c != ' ' && c != '\t' && unicode_name_class(c) != UNICODE_NAME_BLANK)
            run = NULL;
        else if (run != NULL) {         /* a second blank: the run is one space */
            *run = ' ';
            out = run + 1;
            continue;
        } else
            run = out;
        memmove(out, p, (size_t)n);
        out += n;
    }
    *out = '\0';
}

/* How many bytes of text fit in `columns` (wide characters take two),
 * ending at a space if one is there past the middle: a row's worth. */
static int row_bytes(const char *text, int columns)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + strlen(text);
    int n, used = 0, len = 0, space = 0;
    long c;
    for (; p < end; p += n, len += n) {
        c = text_utf8_next(p, end, &n);
        used += c == '\t' ? 8 : unicode_columns(c);    /* a tab: up to 8 */
        if (used > columns && len > 0)
            return space > len / 2 ? space : len;
        if (c == ' ')
            space = len;
    }
    return len;
}

static int name_columns(const char *name)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + strlen(name);
    int n, columns = 0;
    for (; p < end; p += n)
        columns += unicode_columns(text_utf8_next(p, end, &n));
    return columns;
}

void room_relay(struct room *r, int seat, int to, char *text)
{
    const char *name = r->seats[seat].name, *tag = to < 0 ? ":" : " (private):";
    int columns = ROW_COLUMNS - name_columns(name) - (int)strlen(tag) - 1, len;
    collapse_blanks(text);
    while (text[0] != '\0' && strcmp(text, " ") != 0) {   /* blank: nothing to say */
        len = row_bytes(text, columns);
        if (to < 0)
            room_tell_others(r, seat, "%s%s %.*s", name, tag, len, text);
        else
            room_say(r, to, "%s%s %.*s", name, tag, len, text);
        text += len + (text[len] == ' ');           /* the row's last space goes */
    }
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
    room_relay(r, seat, -1, line);      /* in rows; an empty line would only add noise */
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
