/*
 * commands.c - what a member's line starting with "/" does (see room.h):
 * /who, /nick, /msg, /help and /quit. Anything else starting with "/" is
 * an unknown command, answered with how to get help; it is never relayed,
 * so a mistyped command does not reach everyone.
 *
 * The server's log gets a line for what changes who is who (a new name)
 * and for each private message, without its text: enough to trace who
 * said what to whom, nothing of what was said.
 */
#include "room.h"                 /* and net.h, for net_now_ms() */
#include "../../common/log.h"    /* net_log(): the server's log */

#include <stdio.h>
#include <string.h>

static const char help_text[] =
    "* commands:\r\n"
    "*   /who             who is here\r\n"
    "*   /nick NAME       change your name\r\n"
    "*   /msg NAME TEXT   a private message to NAME\r\n"
    "*   /quit            leave the room\r\n"
    "*   /help            this list\r\n"
    "* anything else you type goes to everyone\r\n";

/* /who: the names go out piece by piece, so a room of a thousand needs no
 * big buffer; the pieces still reach the member as one line. */
static void list_members(struct room *r, int seat)
{
    int i;
    char count[48];
    int len = snprintf(count, sizeof count, "* %d here:", r->present);
    queue_text(r->server, seat, count, (size_t)len);
    for (i = 0; i < r->nseats; i++) {
        if (r->seats[i].named) {
            queue_text(r->server, seat, " ", 1);
            queue_text(r->server, seat, r->seats[i].name, strlen(r->seats[i].name));
        }
    }
    queue_text(r->server, seat, "\r\n", 2);
}

/* Each new name is a notice to everyone: a loop of /nick would flood every
 * screen. So each member has a clock that a change pushes NICK_EVERY_MS
 * ahead, and may only run NICK_BURST changes ahead of the real time (the
 * message timer of IRC servers): a few changes at once, then one every
 * NICK_EVERY_MS. Returns 0, or the seconds to wait. */
static int nick_wait_seconds(struct member *m)
{
    long long now = net_now_ms();
    long long next = (m->nick_clock > now ? m->nick_clock : now) + NICK_EVERY_MS;
    if (next - now > NICK_BURST * NICK_EVERY_MS)
        return (int)((next - now - NICK_BURST * NICK_EVERY_MS + 999) / 1000);
    m->nick_clock = next;
    return 0;
}

static void change_name(struct room *r, int seat, const char *name)
{
    struct member *m = &r->seats[seat];
    const char *problem = room_name_problem(r, seat, name);
    char old[NAME_MAX_BYTES + 1];
    int wait;
    if (problem != NULL) {
        room_say(r, seat, "* %s; your name is still %s", problem, m->name);
        return;
    }
    if (strcmp(name, m->name) == 0) {   /* nothing to tell the others */
        room_say(r, seat, "* you are %s already", m->name);
        return;
    }
    if ((wait = nick_wait_seconds(m)) > 0) {
        room_say(r, seat, "* too many name changes: everyone is told of each one; "
                 "try again in %d s", wait);
        return;
    }
    strcpy(old, m->name);
    strcpy(m->name, name);
    room_name_key(m->name, m->key);
    net_log("%s is now %s", old, m->name);
    room_say(r, seat, "* you are now %s", m->name);
    room_tell_others(r, seat, "* %s is now %s", old, m->name);
}

static void send_private(struct room *r, int seat, char *args)
{
    char *text;
    int to;
    room_clean(args);                   /* the name is echoed back if unknown */
    text = strchr(args, ' ');
    if (text == NULL || args[0] == '\0') {
        room_say(r, seat, "* usage: /msg NAME TEXT");
        return;
    }
    *text++ = '\0';
    to = room_find(r, args);
    if (to < 0)
        room_say(r, seat, "* nobody here is called %s", args);
    else if (text[strspn(text, " ")] == '\0')
        room_say(r, seat, "* usage: /msg NAME TEXT");
    else {
        room_relay(r, seat, to, text);  /* "NAME (private): TEXT", in rows */
        net_log_often("private messages sent by", r->seats[seat].name,
                      "%s sent %s a private message", r->seats[seat].name, r->seats[to].name);
    }
}

enum room_event room_command(struct room *r, int seat, char *line)
{
    char *args = strchr(line, ' ');
    if (args == NULL)                   /* no arguments: an empty, writable string */
        args = line + strlen(line);
    else                                /* "/msg bob hi" -> "/msg" and "bob hi" */
        for (*args++ = '\0'; *args == ' '; args++)
            ;
    if (strcmp(line, "/quit") == 0) {
        room_say(r, seat, "* bye %s", r->seats[seat].name);
        return ROOM_QUIT;
    }
    if (strcmp(line, "/who") == 0)
        list_members(r, seat);
    else if (strcmp(line, "/help") == 0)
        queue_text(r->server, seat, help_text, sizeof help_text - 1);
    else if (strcmp(line, "/nick") == 0)
        change_name(r, seat, args);
    else if (strcmp(line, "/msg") == 0)
        send_private(r, seat, args);
    else {
        room_clean(line);
        room_say(r, seat, "* unknown command %s; /help lists the commands", line);
    }
    return ROOM_NOTHING;
}
