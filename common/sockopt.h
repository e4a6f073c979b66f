/*
 * sockopt.h - setting a socket up: its options (setsockopt(), spelled
 * differently on each system) and its blocking mode.
 *
 * Part of the compat layer: net.h includes it, so a lesson includes net.h.
 */
#ifndef SOCKLAB_SOCKOPT_H
#define SOCKLAB_SOCKOPT_H

#include "net.h"

/* Let a restarted server bind its port at once, even while connections from
 * its last run linger in TIME_WAIT. On Windows SO_REUSEADDR would instead let
 * another program steal a port in use, so there the safe option is
 * SO_EXCLUSIVEADDRUSE (and Windows has no TIME_WAIT problem on bind). */
static inline int net_reuse_addr(net_socket s)
{
    int on = 1;
#ifdef _WIN32
    return setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on, sizeof on);
#else
    return setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (const char *)&on, sizeof on);
#endif
}

/* Non-blocking (on = 1): send() and recv() return at once with
 * NET_EWOULDBLOCK instead of waiting; on = 0 makes the socket blocking
 * again (after a non-blocking connect(), say). Returns 0 or -1. */
static inline int net_set_nonblocking_to(net_socket s, int on)
{
#ifdef _WIN32
    u_long mode = on ? 1 : 0;
    return ioctlsocket(s, FIONBIO, &mode) == 0 ? 0 : -1;
#else
    int flags = fcntl(s, F_GETFL, 0);
    return flags < 0 ? -1 : fcntl(s, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
#endif
}

static inline int net_set_nonblocking(net_socket s)
{
    return net_set_nonblocking_to(s, 1);
}

/* 1 when the last call failed only because it would have had to wait. */
static inline int net_would_block(int err)
{
#ifdef _WIN32
    return err == WSAEWOULDBLOCK;
#else
    return err == EAGAIN || err == EWOULDBLOCK;
#endif
}

/* 1 when a non-blocking connect() failed only because it goes on in the
 * background (select() says when it is done). */
static inline int net_connect_pending(int err)
{
#ifdef _WIN32
    return err == WSAEWOULDBLOCK;
#else
    return err == EINPROGRESS;
#endif
}

/* Gives up on a recv() that waits longer than `seconds` (it then fails with
 * a time-out error). Windows takes milliseconds, POSIX a struct timeval. */
static inline int net_set_recv_timeout(net_socket s, int seconds)
{
#ifdef _WIN32
    DWORD ms = (DWORD)seconds * 1000;
    return setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms);
#else
    struct timeval tv;
    tv.tv_sec = seconds;
    tv.tv_usec = 0;
    return setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tv, sizeof tv);
#endif
}

/* ---- small writes ----------------------------------------------------- */

#ifndef _WIN32
#  include <netinet/tcp.h>      /* TCP_NODELAY (Winsock declares it in winsock2.h) */
#endif

/* Sends each write at once. By default TCP holds a small write back while
 * earlier data is unacknowledged (Nagle's algorithm), hoping to merge it
 * with the next; against a peer that delays its ACKs that costs up to 40 ms
 * (Linux) or 200 ms (Windows) a line. A server that already gathers each
 * round's output into one send() has nothing left to merge. */
static inline int net_no_delay(net_socket s)
{
    int on = 1;
    return setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, sizeof on);
}

/* ---- vanished peers --------------------------------------------------- */

#ifdef _WIN32
#  include <mstcpip.h>          /* struct tcp_keepalive, SIO_KEEPALIVE_VALS */
#endif

#if defined(_WIN32) && !defined(TCP_MAXRT)
#  define TCP_MAXRT 5           /* ws2ipdef.h's value; MinGW's headers lack it */
#endif

/* Keepalive probes only an idle connection. Once anything waits to be sent
 * (one line for a laptop that vanished), the system retransmits it instead,
 * for 15 minutes or more (Linux's tcp_retries2), and never probes. A user
 * timeout bounds that too: the connection ends when what was sent stays
 * unacknowledged for `seconds`. Linux: TCP_USER_TIMEOUT (ms); Windows:
 * TCP_MAXRT (s); macOS: TCP_RXT_CONNDROPTIME (s), the nearest it has. */
static inline int net_user_timeout(net_socket s, int seconds)
{
#if defined(_WIN32)
    DWORD maxrt = (DWORD)seconds;
    return setsockopt(s, IPPROTO_TCP, TCP_MAXRT, (const char *)&maxrt, sizeof maxrt);
#elif defined(TCP_USER_TIMEOUT)
    unsigned ms = (unsigned)seconds * 1000u;
    return setsockopt(s, IPPROTO_TCP, TCP_USER_TIMEOUT, (const char *)&ms, sizeof ms);
#elif defined(TCP_RXT_CONNDROPTIME)
    return setsockopt(s, IPPROTO_TCP, TCP_RXT_CONNDROPTIME, (const char *)&seconds, sizeof seconds);
#else
    (void)s;
    (void)seconds;
    return -1;
#endif
}

/* A laptop that drops off the Wi-Fi sends nothing, not even a goodbye, and
 * an idle TCP connection sends nothing either: the server would keep the
 * seat (and the name) of a ghost forever. With keepalive, after idle_s
 * seconds of silence the system sends a probe every interval_s seconds; a
 * living peer's system answers them, and after `count` unanswered ones the
 * connection ends: recv() fails (ETIMEDOUT) and the server drops it.
 * Linux and Windows wait 2 hours before the first probe unless told.
 * SOCKLAB_KEEPALIVE=IDLE,INTERVAL,COUNT in the environment (seconds)
 * replaces the three numbers: for tests, which can't wait 2 minutes.
 * The same total, idle_s + interval_s * count, is the user timeout (above),
 * so a ghost goes as soon whether or not something waits for it.
 * Returns 0, or -1 if keepalive could not be turned on. */
static inline int net_keepalive(net_socket s, int idle_s, int interval_s, int count)
{
    const char *test = getenv("SOCKLAB_KEEPALIVE");
    int on = 1;
    if (test != NULL)
        sscanf(test, "%d,%d,%d", &idle_s, &interval_s, &count);
    net_user_timeout(s, idle_s + interval_s * count);
#ifdef _WIN32
    {   /* Windows sends 10 probes, always: spread the same time over them */
        struct tcp_keepalive ka;
        DWORD bytes = 0;
        (void)on;
        ka.onoff = 1;
        ka.keepalivetime = (ULONG)idle_s * 1000;
        ka.keepaliveinterval = (ULONG)(interval_s * count * 1000 / 10);
        return WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &bytes, NULL, NULL) == 0
               ? 0 : -1;
    }
#else
    if (setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (const char *)&on, sizeof on) != 0)
        return -1;
#  if defined(TCP_KEEPIDLE)
    setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, (const char *)&idle_s, sizeof idle_s);
#  elif defined(TCP_KEEPALIVE)  /* macOS's name for it */
    setsockopt(s, IPPROTO_TCP, TCP_KEEPALIVE, (const char *)&idle_s, sizeof idle_s);
#  endif
#  ifdef TCP_KEEPINTVL
    setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, (const char *)&interval_s, sizeof interval_s);
#  endif
#  ifdef TCP_KEEPCNT
    setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, (const char *)&count, sizeof count);
#  endif
    return 0;
#endif
}

/* For a classroom: a ghost is gone within 2 minutes (60 s of silence, then
 * 6 probes 10 s apart; or 2 minutes without an acknowledgement while the
 * room talks to it), and a living laptop costs one small packet a minute. */
enum { NET_KEEPALIVE_IDLE_S = 60, NET_KEEPALIVE_INTERVAL_S = 10, NET_KEEPALIVE_COUNT = 6 };

#endif
