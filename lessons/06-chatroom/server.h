/*
 * server.h - what the chat room server's files share.
 *
 *   server.c   the select() loop: watch every socket, read what arrived,
 *              hand whole lines to the room, send what the room queued;
 *   door.c     who may come in: room full, seats and joins per machine,
 *              joins for the room, a name in time;
 *   clients.c  one connection's life: its outbox, and leaving;
 *   room.c     what the lines mean: who hears what, clean text;
 *   names.c    which names may be taken (no look-alikes);
 *   commands.c /who, /nick, /msg, /help and /quit.
 */
#ifndef SOCKLAB_SERVER_H
#define SOCKLAB_SERVER_H

#include "../../common/net.h"
#include "../04-chat/line.h"
#include "../../common/telnet.h"
#include "../../common/trace.h"
#include "../../common/joins.h"
#include "room.h"

#define PROG "chat room server"

enum {
    RESERVED_FDS = 5,           /* stdin, stdout, stderr, the listener, the spare */
    MOST_CLIENTS = FD_SETSIZE - RESERVED_FDS,   /* all select() can watch */
    BEHIND_MARK = 64 * 1024,    /* a reader this far behind holds the room back: */
                                /* what one send() a round takes (clients.c) */
    ROOM_MARK = 24 * 1024 * 1024,   /* ... and so do all outboxes together: the */
                                /* room's memory stays bounded, however many */
    STALL_MS = 1000,            /* nothing sent for this long: it stopped reading */
    SLOW_MS = 10000,            /* holding the room back, take 16 KiB in 10 s */
    SLOW_BYTES = 16 * 1024,
    OUTBOX_CAP = 256 * 1024,    /* a stopped reader is dropped past this */
    OUTBOX_KEEP = 4096,         /* an emptied outbox bigger than this is freed ... */
    OUTBOX_KEEP_MS = 1000,      /* ... once nothing was sent for a second */
    GOODBYE_MS = 2000,          /* what a leaving client is sent, for 2 s at most */
    ACCEPTS_PER_ROUND = 64,     /* newcomers per round: no crowd hogs a round */
    PER_ADDRESS = 4,            /* seats per machine: a student's few terminals */
    NAME_TIMEOUT_S = 60         /* to choose a name, then the seat is freed */
};

struct server {
    net_socket listener, spare;
    struct room room;           /* room.seats[i]: the member in seat i (room.h) */
    int max_clients, count;
    long long now;              /* net_now_ms() when this round's select() returned */
    size_t queued;              /* in the outboxes of those who read, all together */
    int held_back;              /* a reader is behind: nobody's lines are read */
    int next_reader;            /* who reads first next round: turns, fairly */
    int trace;                  /* --trace: each select() round told on stderr */
    int per_address, per_address_given;     /* seats per address; given: loopback too */
    long long name_timeout_ms;
    struct net_joins joins;     /* joins per machine and for the room (joins.h) */
};

/* door.c */
void accept_newcomers(struct server *sv);
const char *no_name_yet(struct server *sv, int seat);
/* clients.c */
void drop_client(struct server *sv, int seat, const char *why);
void send_outboxes(struct server *sv);

#endif
