/*
 * room.h - the chat room's rules, with no socket calls in sight.
 *
 * server.c moves bytes; this half decides what they mean: who may take
 * which name (names.c), what each command does (commands.c), which text
 * reaches whom, and which bytes must be shown as '?' (room.c). Because
 * none of it calls the network, a fuzzer can throw millions of lines at it
 * (tests/fuzz/fuzz_chatroom.c).
 *
 * The room talks through one function, queue_text(), which the server
 * defines (clients.c): it puts text in a member's outbox. Seats are
 * numbered from 0; a member is everything about one seat, its connection
 * as well as its name.
 */
#ifndef SOCKLAB_ROOM_H
#define SOCKLAB_ROOM_H

#include "../../common/net.h"   /* net_socket: a member is also a connection */
#include "../04-chat/line.h"

#include <stddef.h>

enum {
    NAME_MAX_CHARS = 20,            /* short enough to read before every line */
    NAME_MAX_BYTES = 4 * NAME_MAX_CHARS, /* UTF-8 takes up to 4 bytes a character */
    NAME_KEY_BYTES = 3 * NAME_MAX_BYTES, /* a Hangul syllable's key is its 3 letters */
    NICK_BURST = 3,                 /* /nick: this many changes at once, */
    NICK_EVERY_MS = 5000            /* then one every 5 s (each tells everyone) */
};

/* What a line did, for the server's log and for closing connections. */
enum room_event {
    ROOM_NOTHING,       /* said something, asked something, or was refused a name */
    ROOM_JOINED,        /* chose a name: now in the room */
    ROOM_QUIT           /* typed /quit: the server should close the connection */
};

/* One person: who they are, which the room's files use (room.c, names.c,
 * commands.c), and their connection, which the server's files use
 * (server.c, door.c, clients.c). One struct, so that a seat is one thing. */
struct member {
    /* who it is */
    int connected;              /* in the room: greeted, and not gone yet */
    int named;                  /* it chose a name, so it is in the room */
    char name[NAME_MAX_BYTES + 1];
    char key[NAME_KEY_BYTES + 1];   /* what decides who is who (room_name_key) */
    long long nick_clock;       /* ms: where its /nick changes have got to */
    /* the connection: its flow is judged in one place, server.c's policy */
    net_socket s;               /* NET_INVALID: the seat is free */
    char *out;                  /* outbox: bytes queued, not yet taken by send() */
    size_t out_len, out_cap;
    long long last_sent;        /* when send() last took bytes (or the outbox filled) */
    long long talk_clock;       /* ms: where its lines have got to (RFC 1459's timer) */
    int overflowed;             /* passed OUTBOX_CAP: dropped after the round's sends */
    long long leave_by;         /* 0, or leaving: its outbox goes out until then */
    long long arrived;          /* when it connected: a name is due in time */
    char addr[NET_ADDR_TEXT];
    char machine[NET_ADDR_TEXT];    /* whose seats and hold clock it shares (door.c) */
    struct line_buffer in;      /* bytes received, not yet a whole line; last, as */
                                /* it is big and only read when bytes arrive: */
                                /* a line going out to everyone touches the rest */
};

struct server;                  /* the server's state (server.h): the room only */
                                /* hands it back to queue_text() */
struct room {
    struct member *seats;
    int nseats;                 /* seats in use: 0..nseats-1, the highest taken */
                                /* and those below it (free ones: s invalid); */
                                /* room_arrive() raises it, the server lowers it */
                                /* when a connection closes (clients.c) */
    int present;                /* members with a name */
    struct server *server;
};

/* The room's one way out, defined by the server (clients.c): queues len
 * bytes of text for the member in `seat`; send() takes them later. */
void queue_text(struct server *sv, int seat, const char *text, size_t len);

/* Every one of the `capacity` seats free (s == NET_INVALID). */
void room_init(struct room *r, struct member *seats, int capacity, struct server *server);
/* A connection took `seat`: greet it and ask for a name. */
void room_arrive(struct room *r, int seat);
/* One line of len bytes from `seat` (without its newline, NUL-terminated).
 * cut: it was longer than the limit and this is its start. The line may be
 * changed in place. */
enum room_event room_hear(struct room *r, int seat, char *line, int len, int cut);
/* The connection in `seat` is gone: tell the others, free the seat. */
void room_depart(struct room *r, int seat);
/* The server is shutting down: tell every connection. */
void room_close(struct room *r);

/* names.c: why `name` can't be used by `seat`, or NULL if it can. */
const char *room_name_problem(const struct room *r, int seat, const char *name);
/* Its key, into key[NAME_KEY_BYTES + 1]: two names with the same key look
 * alike, and are the same name (one spelling, no accents, no case, one
 * letter for all look-alikes: unicode/unicode.h). 0 if it did not fit. */
int room_name_key(const char *name, char *key);
/* Replaces each byte of a control character (all but tab, C1 ones too)
 * and of anything that is not UTF-8 with '?', so no escape sequence
 * reaches anyone's terminal (common/text.h). Call it after anything that
 * removes bytes, never before. */
void room_clean(char *text);

/* Shared by room.c and commands.c. */
/* Text (made printable) from `seat` to everyone else (to < 0) or to `to`,
 * as "NAME: TEXT" or "NAME (private): TEXT", in rows that fit a terminal,
 * blank runs made one space. Changes text. */
void room_relay(struct room *r, int seat, int to, char *text);
/* A line beginning with "/" from a member with a name. */
enum room_event room_command(struct room *r, int seat, char *line);
/* printf() one line (CR LF added) to `seat`, or to every member but `except`. */
void room_say(struct room *r, int seat, const char *fmt, ...);
void room_tell_others(struct room *r, int except, const char *fmt, ...);
/* names.c: the seat of the member whose name has the key of `name`, or -1. */
int room_find(const struct room *r, const char *name);

#endif
