/*
 * server.h - what the chat room server's files share.
 *
 *   server.c   the select() loop, and its policy: who is in the read set
 *              and the write set, and why; read what arrived, hand whole
 *              lines to the room, send what the room queued;
 *   door.c     who may come in: room full, seats and joins per machine,
 *              joins for the room, a name in time;
 *   clients.c  one connection's life: reading its lines, its outbox,
 *              sending, and leaving;
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
    OUTBOX_CAP = 256 * 1024,    /* a member this far behind is dropped: the */
                                /* memory one member may cost (the flow policy's */
                                /* other thresholds are beside it, in server.c) */
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
    int held_back;              /* a reader is far behind: nobody's lines are read */
    struct member *holder;      /* NULL, or the reader the room waits for ... */
    long long held_since;       /* ... since then: it pays for it (server.c) */
    int line_ms;                /* each line moves a talk_clock this far; 0: no limit */
    int next_reader;            /* who reads first next round: turns, fairly */
    int trace;                  /* --trace: each select() round told on stderr */
    int per_address, per_address_given;     /* seats per address; given: loopback too */
    long long name_timeout_ms;
    struct net_joins joins;     /* joins per machine and for the room (joins.h) */
    struct net_joins holds;     /* the same clocks per machine, for holding the */
                                /* room back (door.c's hold_clock_of()) */
};

/* server.c, the policy: may the room hear m's lines now? len more bytes
 * wait for m: does the room wait for it from now on? */
int may_talk(const struct server *sv, const struct member *m);
void weigh_outbox(struct server *sv, struct member *m, size_t len);
/* door.c */
void accept_newcomers(struct server *sv);
const char *no_name_yet(struct server *sv, int seat);
long long *hold_clock_of(struct server *sv, const char *machine);
/* clients.c */
void read_in_turns(struct server *sv, fd_set *readable);
int lines_waiting(const struct member *m);
void drop_client(struct server *sv, int seat, const char *why);
void send_outboxes(struct server *sv);

#endif
