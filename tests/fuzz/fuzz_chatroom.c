/*
 * fuzz_chatroom.c - libFuzzer target for lesson 06's line framing and room
 * rules (room.c, commands.c and names.c with lesson 04's line.h), no sockets.
 *
 * The input is a script for four seats. Each step is one byte that says
 * which seat and what happens (connect, disconnect, or bytes arrive), and for
 * "bytes arrive" a length byte and that many bytes, fed through the seat's
 * line_buffer exactly as server.c does (line_space/line_added/line_next).
 * After every step, and on everything the room sends, it checks the rules a
 * student must be able to rely on, and abort()s if one breaks:
 *   - nothing is sent to a seat with no connection;
 *   - sent text is valid UTF-8 with no control character (C0 but tab, DEL,
 *     C1), no invisible one (bidi, zero-width, U+2028: text_is_invisible())
 *     and CR only right before LF: no terminal can be sent an order;
 *   - every message ends with CR LF (a /who may come in pieces);
 *   - names are 1-20 characters, printable, no spaces, and room_find() (the
 *     room's own rule of which names are the same) finds each one's holder;
 *   - the "present" count equals the members with a name;
 *   - a line buffer never holds more than LINE_LIMIT + 2 bytes (a line and CR LF).
 */
#include "room.h"
#include "line.h"                 /* lesson 04's, as the server uses it */
#include "text.h"
#include "log.h"                  /* commands.c logs; the log lives here */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SEATS = 4 };

NET_LOG_HERE;                     /* never started: net_log() is a printf() */

static struct member members[SEATS];
static struct line_buffer buffers[SEATS];
static struct room room;
static int pending_piece[SEATS];        /* a message started without its CR LF yet */

static void check(int ok)
{
    if (!ok)
        abort();
}

/* The room's way out (room.h), here checking what it is handed. */
void queue_text(struct server *sv, int seat, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    int n;
    long c;
    (void)sv;
    check(seat >= 0 && seat < SEATS && members[seat].connected);
    check(len > 0);
    for (; p < end; p += n) {
        c = text_utf8_next(p, end, &n);
        check(c >= 0);                  /* UTF-8, and no character cut short */
        if (c == '\r')
            check(p + 1 < end && p[1] == '\n');
        else if (c == '\n')
            check(p > (const unsigned char *)text && p[-1] == '\r');
        else
            check(!text_is_control(c) && !text_is_invisible(c));
    }
    pending_piece[seat] = !(len >= 2 && text[len - 2] == '\r' && text[len - 1] == '\n');
}

static void check_room(void)
{
    int i, named = 0;
    for (i = 0; i < SEATS; i++) {
        const unsigned char *p = (const unsigned char *)members[i].name;
        size_t chars = 0;
        check(buffers[i].len >= 0 && buffers[i].len <= LINE_LIMIT + 2);
        check(!pending_piece[i]);       /* each step ends every message it began */
        if (!members[i].named)
            continue;
        check(members[i].connected);
        named++;
        for (; *p; p++) {
            check(*p > 0x20 && *p != 0x7f);
            chars += (*p & 0xC0) != 0x80;
        }
        check(chars >= 1 && chars <= NAME_MAX_CHARS);
        check(room_find(&room, members[i].name) == i);  /* no one else's */
    }
    check(named == room.present);
}

static void leave(int seat)
{
    if (members[seat].connected)
        room_depart(&room, seat);
    line_init(&buffers[seat]);
}

/* Bytes arrive for a seat: through the line buffer, in pieces as recv() would. */
static void receive(int seat, const uint8_t *data, size_t len)
{
    char line[LINE_LIMIT + 1];
    int cut, room_left, n;
    while (len > 0 && members[seat].connected) {
        char *space = line_space(&buffers[seat], &room_left);
        check(room_left > 0);
        n = (int)len < room_left ? (int)len : room_left;
        memcpy(space, data, (size_t)n);
        line_added(&buffers[seat], n);
        data += n;
        len -= (size_t)n;
        int len;
        while ((len = line_next(&buffers[seat], line, &cut)) >= 0) {
            check(strlen(line) <= LINE_LIMIT && len <= LINE_LIMIT);
            if (room_hear(&room, seat, line, len, cut) == ROOM_QUIT) {
                leave(seat);
                return;
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    size_t at = 0;
    int i;
    if (!quiet++)                       /* the room's log lines (printf) */
        freopen("/dev/null", "w", stdout);
    room_init(&room, members, SEATS, NULL);
    for (i = 0; i < SEATS; i++) {
        line_init(&buffers[i]);
        pending_piece[i] = 0;
    }
    while (at < size) {
        int seat = data[at] % SEATS, action = (data[at] / SEATS) % 8;
        at++;
        if (action == 0 && !members[seat].connected) {
            room_arrive(&room, seat);
        } else if (action == 1) {
            leave(seat);
        } else if (members[seat].connected) {
            size_t len = at < size ? data[at++] : 0;
            /* a long run of one byte now and then: lines past LINE_LIMIT */
            if (action == 7 && len > 0) {
                static uint8_t flood[3 * LINE_LIMIT];
                memset(flood, len & 1 ? 'x' : '\n', sizeof flood);
                receive(seat, flood, (size_t)len * 10 % sizeof flood);
                continue;
            }
            if (len > size - at)
                len = size - at;
            receive(seat, data + at, len);
            at += len;
        }
        check_room();
    }
    for (i = 0; i < SEATS; i++)
        leave(i);
    check(room.present == 0);
    return 0;
}
