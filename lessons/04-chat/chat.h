/*
 * chat.h - lesson 04's conversation loop, shared by server.c and client.c.
 * Start reading at chat_run(), just below: the lesson is that loop.
 *
 * The classic first chat program takes turns: it calls recv(), and while
 * recv() waits for the other side you cannot type. Here both sides use
 * select(): one call that waits for the FIRST of several descriptors to have
 * something to read - the keyboard or the socket - so lines cross freely in
 * both directions, in any order.
 *
 *        +--> select(keyboard, peer [, listener]) --+
 *        |                                           |
 *        |   keyboard ready: read, send each line    |
 *        |   peer ready:     recv, print each line   |
 *        +-------------------------------------------+
 *
 * Notice:
 *   - TCP is a byte stream: each side keeps a line_buffer (line.h, the
 *     lesson's second point), so a line split over several recv()s, or
 *     several lines in one, come out whole; LF and CR LF both end a line;
 *   - the keyboard is watched through net_keyboard_open(), because on Windows
 *     select() only accepts sockets;
 *   - what the peer sends is made printable before it reaches our terminal:
 *     a terminal obeys the control characters it receives (common/text.h).
 * steps/ holds the same program grown one defence at a time (README.md).
 */
#ifndef SOCKLAB_CHAT_H
#define SOCKLAB_CHAT_H

#include "../../common/net.h"
#include "../../common/tcp.h"
#include "../../common/telnet.h"
#include "../../common/text.h"
#include "../../common/trace.h"
#include "line.h"

#include <time.h>

enum chat_end {
    CHAT_GOING_ON,          /* (not an end: the conversation continues) */
    CHAT_YOU_LEFT,          /* an empty line typed here (sent too: it means goodbye) */
    CHAT_INPUT_ENDED,       /* end of input here (Ctrl+D, Ctrl+Z, a pipe's end) */
    CHAT_PEER_LEFT,         /* the other side sent an empty line, or closed */
    CHAT_FAILED,            /* the connection broke (reset, ...) */
    CHAT_SILENT             /* server with no keyboard: the peer said nothing for a while */
};

struct chat {
    net_socket peer;                /* the connection */
    net_socket keyboard;            /* from net_keyboard_open(); NET_INVALID once it ended */
    net_socket listener;            /* server only: turn newcomers away; else NET_INVALID */
    const char *peer_name;          /* how we label the peer's lines: "server", "client" */
    int trace;                      /* server only: --trace, each select() round on stderr */
    int silence_s;                  /* server only: once nobody can type here, hang up
                                       after this many seconds of silence (0: never) */
    struct line_buffer from_peer;
    struct line_buffer *from_keyboard;  /* kept across conversations */
    int leaving;                    /* chat_run()'s: once we leave, why (enum chat_end) */
    time_t left_at, heard_at;       /* chat_run()'s: when we left; when the peer last sent */
};

/* Below chat_run(), in the order it calls them. */
static inline int chat_time_is_up(struct chat *c, struct timeval *patience);
static inline void chat_watch(net_socket s, fd_set *set, net_socket *top);
static inline int chat_from_peer(struct chat *c);
static inline int chat_from_keyboard(struct chat *c);
static inline void chat_leave(struct chat *c, int why);
static inline void chat_turn_away(const struct chat *c);

/* The conversation; returns how it ended (an enum chat_end). Each round:
 * put in the set what we wait for, sleep in select() until one of them is
 * ready, then serve exactly the ready ones. */
static inline int chat_run(struct chat *c)
{
    int end;
    line_init(&c->from_peer);
    c->leaving = 0;
    c->heard_at = time(NULL);
    for (;;) {
        fd_set readable;
        struct timeval patience;        /* how long select() may sleep; -1: for ever */
        net_socket top = c->peer;
        int ready, typing = !c->leaving && c->keyboard != NET_INVALID;
        if ((end = chat_time_is_up(c, &patience)) != 0)
            return end;
        FD_ZERO(&readable);
        chat_watch(c->peer, &readable, &top);
        if (typing)
            chat_watch(c->keyboard, &readable, &top);
        if (c->listener != NET_INVALID)
            chat_watch(c->listener, &readable, &top);
        /* Sleeps until at least one of them has something for us. */
        ready = select((int)(top + 1), &readable, NULL, NULL,
                       patience.tv_sec >= 0 ? &patience : NULL);
        trace_round(c->trace, ready, &readable, NULL, top, c->listener);
        if (ready < 0 && net_error() == NET_EINTR)
            continue;
        if (ready < 0) {
            printf("select() failed: %s\n", net_strerror(net_error()));
            return CHAT_FAILED;
        }
        if (ready == 0)
            continue;                   /* patience ran out: chat_time_is_up() says why */
        if (FD_ISSET(c->peer, &readable) && (end = chat_from_peer(c)) != 0)
            return c->leaving ? c->leaving : end;
        if (typing && FD_ISSET(c->keyboard, &readable) && (end = chat_from_keyboard(c)) != 0) {
            if (end == CHAT_FAILED)
                return end;
            chat_leave(c, end);
        }
        if (c->listener != NET_INVALID && FD_ISSET(c->listener, &readable))
            chat_turn_away(c);
    }
}

/* ---- what chat_run() calls ------------------------------------------------ */

/* When we leave we don't hang up at once: chat_leave() says "I will send no
 * more", and we keep printing until the peer closes too, 5 s at most, so no
 * answer in flight is lost. A server whose keyboard has ended can't hang up
 * by hand: a silent client would hold the one seat forever, so after
 * silence_s seconds without a byte from it, the conversation ends. Returns
 * that end once its time has come; else 0, and how long select() may sleep
 * (tv_sec -1: no limit). */
static inline int chat_time_is_up(struct chat *c, struct timeval *patience)
{
    int bounded = !c->leaving && c->keyboard == NET_INVALID && c->silence_s > 0;
    patience->tv_sec = -1;
    patience->tv_usec = 0;
    if (c->leaving && (patience->tv_sec = (long)(c->left_at + 5 - time(NULL))) <= 0)
        return c->leaving;              /* the peer never closed: we go anyway */
    if (bounded && (patience->tv_sec = (long)(c->heard_at + c->silence_s - time(NULL))) <= 0)
        return CHAT_SILENT;
    return 0;
}

/* Adds s to the set and keeps `top` the highest descriptor in it (POSIX
 * select() wants top + 1; Windows ignores it). */
static inline void chat_watch(net_socket s, fd_set *set, net_socket *top)
{
    FD_SET(s, set);
    if (s > *top)
        *top = s;
}

/* We leave (an empty line typed, or end of input): shutdown() tells the
 * peer, who reads end of input; chat_run() waits for it to close. */
static inline void chat_leave(struct chat *c, int why)
{
    shutdown(c->peer, NET_SHUT_WR);
    c->leaving = why;
    c->left_at = time(NULL);
}

/* Prints one line from the peer. Telnet's commands go first, then the line
 * is made printable (common/text.h): a terminal obeys the control
 * characters it is sent, and an escape sequence could redraw our screen.
 * In that order, because removing bytes could glue a sequence together. */
static inline void chat_print(const struct chat *c, char *line, int len, int cut)
{
    if ((len = line_drop_telnet_commands(line, len)) == 0)
        return;                         /* it held only telnet commands */
    text_make_printable(line, len);     /* last: NULs too, so it is a C string */
    printf("%s: %s%s\n", c->peer_name, line, cut ? " [cut: too long]" : "");
}

/* Reads what the peer sent and prints every complete line. Returns 0, or
 * how the conversation ended: the peer said goodbye (an empty line) or
 * closed, or the connection broke. */
static inline int chat_from_peer(struct chat *c)
{
    char line[LINE_LIMIT + 1];
    int room, n, len, cut, lines = 0;
    char *space = line_space(&c->from_peer, &room);
    n = recv(c->peer, space, room, 0);
    c->heard_at = time(NULL);
    TRACE(c->trace, "%d %s: recv() gave %d (0: closed)", (int)c->peer, c->peer_name, n);
    if (n <= 0) {
        if ((len = line_rest(&c->from_peer, line)) >= 0)
            chat_print(c, line, len, 0);        /* a last line without newline */
        return n == 0 ? CHAT_PEER_LEFT : CHAT_FAILED;
    }
    line_added(&c->from_peer, n);
    tcp_answer_telnet_mark(c->peer, space, n);
    while ((len = line_next(&c->from_peer, line, &cut)) >= 0) {
        if (len == 0)
            return CHAT_PEER_LEFT;
        chat_print(c, line, len, cut);
        lines++;
    }
    TRACE(c->trace, "%d %s: printed %d whole lines; any part line waits in the buffer",
          (int)c->peer, c->peer_name, lines);
    return 0;
}

/* Reads what was typed and sends every complete line, ending it with LF
 * (the empty line too: it tells the peer we are going). Returns 0, or why
 * this side stops: an empty line, end of input, or a broken connection. */
static inline int chat_from_keyboard(struct chat *c)
{
    char line[LINE_LIMIT + 2];
    int room, n, len, cut, at_end;
    char *space = line_space(c->from_keyboard, &room);
    n = net_keyboard_read(c->keyboard, space, room);
    at_end = n <= 0;
    if (!at_end)
        line_added(c->from_keyboard, n);
    while ((len = line_next(c->from_keyboard, line, &cut)) >= 0 ||
           (at_end && (len = line_rest(c->from_keyboard, line)) > 0)) {
        if (cut)
            printf("(that line was too long: only its first %d bytes were sent)\n", LINE_LIMIT);
        line[len++] = '\n';            /* a last line without one counts too */
        if (tcp_send_all(c->peer, line, (size_t)len) != 0)
            return CHAT_FAILED;
        TRACE(c->trace, "keyboard: a line typed; sent %d bytes to %d %s", len, (int)c->peer,
              c->peer_name);
        if (len == 1)
            return CHAT_YOU_LEFT;
    }
    return at_end ? CHAT_INPUT_ENDED : 0;
}

/* Server only: someone else connected while we chat. Tell them, politely. */
static inline void chat_turn_away(const struct chat *c)
{
    static const char busy[] = "Sorry, the server is busy in another chat. Try again later.\n";
    net_socket extra = accept(c->listener, NULL, NULL);
    if (extra != NET_INVALID) {
        TRACE(c->trace, "accepted %d and turned it away: busy", (int)extra);
        tcp_turn_away(extra, busy);
        printf("(turned away a second client: one conversation at a time)\n");
    }
}

#endif
