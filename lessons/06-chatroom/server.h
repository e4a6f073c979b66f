/*
 * server.h - what the chat room server's two files share.
 *
 *   server.c   the select() loop: watch every socket, read what arrived,
 *              hand whole lines to the room, send what the room queued;
 *   clients.c  one connection's life: arriving (or hearing "room full"),
 *              its outbox, and leaving;
 *   room.c     what the lines mean: names, who hears what, clean text;
 *   commands.c /who, /nick, /msg, /help and /quit.
 */
#ifndef SOCKLAB_SERVER_H
#define SOCKLAB_SERVER_H

#include "../../common/net.h"
#include "../../common/line.h"
#include "room.h"

#define PROG "chat room server"

enum {
    RESERVED_FDS = 5,           /* stdin, stdout, stderr, the listener, the spare */
    MOST_CLIENTS = FD_SETSIZE - RESERVED_FDS,   /* all select() can watch */
    OUTBOX_CAP = 256 * 1024,    /* ~4000 lines behind: not reading, so dropped */
    OUTBOX_KEEP = 4096,         /* an emptied outbox bigger than this is freed */
    ACCEPTS_PER_ROUND = 64      /* newcomers per round: no crowd hogs a round */
};

struct client {
    net_socket s;               /* NET_INVALID: the seat is free */
    struct line_buffer in;      /* bytes received, not yet a whole line */
    char *out;                  /* outbox: bytes queued, not yet taken by send() */
    size_t out_len, out_cap;
    int overflowed;             /* passed OUTBOX_CAP: drop it at the end of the round */
    char addr[NET_ADDR_TEXT];
};

struct server {
    net_socket listener, spare;
    struct client *clients;     /* seat i here is seat i in the room */
    struct member *members;
    struct room room;
    int max_clients, count;
};

/* clients.c */
void accept_newcomers(struct server *sv);
void drop_client(struct server *sv, int seat, const char *why);
void queue_text(void *server, int seat, const char *text, size_t len);
int send_outbox(struct client *c);

#endif
