/*
 * net.h - socklab's compat layer: the few things POSIX sockets and Winsock
 * do differently, and nothing else.
 *
 * Include it FIRST in every lesson file, before any other header: it sets the
 * feature macros that decide what the system headers declare.
 *
 * What it hides (the platform differences):
 *   - headers, the socket type (int vs SOCKET) and its invalid value;
 *   - start-up and shut-down (WSAStartup; on POSIX, ignoring SIGPIPE);
 *   - closing a socket, the last error as a number and as text;
 *   - non-blocking mode, address reuse, whether a socket fits in an fd_set;
 *   - (console.h) Ctrl+C, and the keyboard beside sockets in select()
 *     (Windows can't select() stdin);
 *   - (args.h) listing this machine's addresses, so a server can say where
 *     to connect; and the command lines all programs share.
 * What it does NOT hide: socket(), getaddrinfo(), bind(), listen(), accept(),
 * connect(), send(), recv() and select() stay in the lessons, where they are
 * taught. Everything here starts with net_ so you can tell it apart.
 *
 * It is all in headers (static inline functions), so a lesson builds with
 * one command: cc server.c -o server. Include net.h; it includes the others.
 */
#ifndef SOCKLAB_NET_H
#define SOCKLAB_NET_H

#ifdef _WIN32
/* inet_ntop() and getaddrinfo() only exist from Windows Vista (0x0600) on;
 * MinGW's headers hide them unless we ask for that version. */
#  if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#    undef _WIN32_WINNT
#  endif
#  ifndef _WIN32_WINNT
#    define _WIN32_WINNT 0x0600
#  endif
/* Winsock's fd_set holds 64 sockets unless told otherwise; Linux's holds
 * 1024 descriptors. Match Linux so the chat room can seat the same class. */
#  ifndef FD_SETSIZE
#    define FD_SETSIZE 1024
#  endif
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#  include <windows.h>
#  include <io.h>                       /* _setmode() */
#  include <fcntl.h>                    /* _O_BINARY */
#  ifdef _MSC_VER
#    pragma comment(lib, "ws2_32.lib")  /* so "cl server.c" links as is */
#  endif
typedef SOCKET net_socket;
#  define NET_INVALID INVALID_SOCKET
#  define NET_EINTR       WSAEINTR
#  define NET_EWOULDBLOCK WSAEWOULDBLOCK
#  define NET_EADDRINUSE  WSAEADDRINUSE
#  define NET_EADDRNOTAVAIL WSAEADDRNOTAVAIL
#  define NET_ECONNREFUSED WSAECONNREFUSED
#  define NET_ECONNRESET  WSAECONNRESET
#  define NET_ETIMEDOUT   WSAETIMEDOUT
#  define NET_EHOSTUNREACH WSAEHOSTUNREACH
#  define NET_ENETUNREACH WSAENETUNREACH
#  define NET_EMFILE      WSAEMFILE
#  define NET_ENFILE      WSAEMFILE
#  define NET_ENOBUFS     WSAENOBUFS
#  define NET_SHUT_WR     SD_SEND       /* shutdown(): "I will send no more" */
#else
#  ifndef _POSIX_C_SOURCE
#    define _POSIX_C_SOURCE 200809L
#  endif
#  ifndef _DEFAULT_SOURCE
#    define _DEFAULT_SOURCE    /* glibc: getifaddrs(), IFF_LOOPBACK */
#  endif
#  ifndef _DARWIN_C_SOURCE
#    define _DARWIN_C_SOURCE   /* macOS: keep the BSD names visible too */
#  endif
#  include <sys/types.h>
#  include <sys/socket.h>
#  include <sys/select.h>
#  include <netinet/in.h>
#  include <arpa/inet.h>
#  include <netdb.h>
#  include <net/if.h>
#  include <ifaddrs.h>
#  include <unistd.h>
#  include <fcntl.h>
#  include <errno.h>
#  include <signal.h>
typedef int net_socket;
#  define NET_INVALID (-1)
#  define NET_EINTR       EINTR
#  define NET_EWOULDBLOCK EWOULDBLOCK
#  define NET_EADDRINUSE  EADDRINUSE
#  define NET_EADDRNOTAVAIL EADDRNOTAVAIL
#  define NET_ECONNREFUSED ECONNREFUSED
#  define NET_ECONNRESET  ECONNRESET
#  define NET_ETIMEDOUT   ETIMEDOUT
#  define NET_EHOSTUNREACH EHOSTUNREACH
#  define NET_ENETUNREACH ENETUNREACH
#  define NET_EMFILE      EMFILE
#  define NET_ENFILE      ENFILE
#  define NET_ENOBUFS     ENOBUFS
#  define NET_SHUT_WR     SHUT_WR
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <signal.h>

/* Big enough for "[ffff:...:ffff%scope]:65535" */
#define NET_ADDR_TEXT 80

/* ---- start-up and shut-down ------------------------------------------- */

/* Call once at the start of main(). Returns 0, or -1 (with a message). */
/* Standard input and output as a socket program wants them. Called by
 * net_parse_args() and net_init(), so even a usage error is printed so. */
static inline void net_stdio_setup(void)
{
    static int done;            /* setvbuf() only before the first output */
    if (done++)
        return;
#ifdef _WIN32
    /* Pipes and files get the bytes as they are, as on POSIX: in text mode
     * the C library would write "\n" as "\r\n", drop CRs read and stop at a
     * Ctrl+Z byte. The console keeps text mode: Ctrl+Z Enter ends input. */
    if (GetFileType(GetStdHandle(STD_INPUT_HANDLE)) != FILE_TYPE_CHAR)
        _setmode(_fileno(stdin), _O_BINARY);
    if (GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)) != FILE_TYPE_CHAR)
        _setmode(_fileno(stdout), _O_BINARY);
    if (GetFileType(GetStdHandle(STD_ERROR_HANDLE)) != FILE_TYPE_CHAR)
        _setmode(_fileno(stderr), _O_BINARY);
    /* The Windows C library has no line buffering (_IOLBF means full), so
     * make stdout unbuffered: each log line reaches a pipe or console at once. */
    setvbuf(stdout, NULL, _IONBF, 0);
#else
    /* Started with stdin, stdout or stderr closed (`server <&-`), the first
     * socket would get descriptor 0, 1 or 2 and be mistaken for the keyboard
     * or a log. /dev/null fills those places first. */
    int fd;
    for (fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
            break;
    /* Logs are read by people and by scripts through pipes: one line at a time. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
#endif
}

static inline int net_init(void)
{
#ifdef _WIN32
    WSADATA wsa;
    int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0) {
        fprintf(stderr, "WSAStartup() failed: error %d\n", rc);
        return -1;
    }
#else
    /* Writing to a socket whose peer has gone raises SIGPIPE, and its default
     * action kills the whole process. Ignored, send() returns EPIPE instead,
     * and a server can drop just that one client. */
    signal(SIGPIPE, SIG_IGN);
#endif
    net_stdio_setup();
    return 0;
}

static inline void net_cleanup(void)
{
#ifdef _WIN32
    WSACleanup();
#endif
}

static inline void net_close(net_socket s)
{
#ifdef _WIN32
    closesocket(s);
#else
    close(s);
#endif
}

/* ---- errors ------------------------------------------------------------ */

/* The error of the last failed socket call (errno is not set on Windows). */
static inline int net_error(void)
{
#ifdef _WIN32
    return WSAGetLastError();
#else
    return errno;
#endif
}

/* Text for an error number from net_error(). Not thread-safe (static buffer). */
static inline const char *net_strerror(int err)
{
    static char text[256];
#ifdef _WIN32
    /* The message comes in UTF-16 and is converted for the console's code
     * page (chcp): FormatMessageA would give the ANSI code page, and a
     * French "refusée" would show as "refusÚe" in cmd.exe. */
    wchar_t wide[200];
    UINT cp = GetConsoleOutputCP();
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, (DWORD)err, 0, wide, 200, NULL);
    int len = n == 0 ? 0 : WideCharToMultiByte(cp != 0 ? cp : CP_ACP, 0, wide, (int)n, text,
                                               (int)sizeof text - 1, NULL, NULL);
    n = len > 0 ? (DWORD)len : 0;
    text[n] = '\0';
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
                     text[n - 1] == ' ' || text[n - 1] == '.'))
        text[--n] = '\0';
    if (n == 0)
        snprintf(text, sizeof text, "Winsock error %d", err);
    else
        snprintf(text + n, sizeof text - n, " (error %d)", err);
#else
    snprintf(text, sizeof text, "%s", strerror(err));
#endif
    return text;
}

/* What a student can do about the common errors; "" when we have no advice. */
/* After a failed bind(): 1 if the port itself is the problem (taken, or not
 * allowed), so trying the same port over IPv4 instead would only hide it. */
static inline int net_port_refused(int err)
{
#ifdef _WIN32
    return err == WSAEADDRINUSE || err == WSAEACCES;
#else
    return err == EADDRINUSE || err == EACCES;
#endif
}

static inline const char *net_hint(int err)
{
    if (err == NET_EADDRINUSE)
        return "another program is using this port: pick another port, or wait a few seconds and try again";
#ifdef _WIN32
    if (err == WSAEACCES)   /* Windows' answer when another program holds the port */
        return "another program is using this port, or Windows reserves it: pick another port";
#else
    if (err == EACCES)
        return "ports below 1024 need administrator rights: pick a port above 1024";
#endif
    if (err == NET_EADDRNOTAVAIL)
        return "that address is not one of this machine's: leave -b out, or give one it has";
    if (err == NET_ECONNREFUSED)
        return "is the server running, on that port?";
    if (err == NET_ECONNRESET)
        return "the other side broke the connection off (it stopped, or dropped us: "
               "the chat room drops a client that stops reading)";
    if (err == NET_ETIMEDOUT || err == NET_EHOSTUNREACH || err == NET_ENETUNREACH)
        return "check the address, and that a firewall lets the port through";
    if (err == NET_EMFILE || err == NET_ENFILE || err == NET_ENOBUFS)
        return "too many open connections: the system's limit is reached";
    return "";
}

/* Reports a failed call as one line, "PROG: WHAT failed: REASON -- HINT",
 * and exits with status 1. For start-up failures only: a server must never
 * call this because of something one client did. */
static inline void net_fail(const char *prog, const char *what, int err)
{
    const char *hint = net_hint(err);
    fprintf(stderr, "%s: %s failed: %s%s%s\n", prog, what, net_strerror(err),
            *hint ? " -- " : "", hint);
    net_cleanup();
    exit(1);
}

/* The same for getaddrinfo(), whose errors have their own numbers and text. */
static inline void net_fail_lookup(const char *prog, const char *host, int rc)
{
    char why[256];
    size_t len;
#ifdef _WIN32
    snprintf(why, sizeof why, "%s", net_strerror(rc));  /* Winsock errors there, in */
#else                                                   /* the console's code page */
    snprintf(why, sizeof why, "%s", gai_strerror(rc));
#endif
    len = strlen(why);                  /* Windows ends it with ".  " */
    while (len > 0 && (why[len - 1] == ' ' || why[len - 1] == '.' || why[len - 1] == '\r' ||
                       why[len - 1] == '\n'))
        why[--len] = '\0';
    fprintf(stderr, "%s: getaddrinfo() for '%s' failed: %s -- check the spelling of the address\n",
            prog, host ? host : "(any)", why);
    net_cleanup();
    exit(1);
}

/* ---- socket options ----------------------------------------------------- */

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

/* Non-blocking: send() and recv() return at once with NET_EWOULDBLOCK
 * instead of waiting. Returns 0 or -1. */
static inline int net_set_nonblocking(net_socket s)
{
#ifdef _WIN32
    u_long on = 1;
    return ioctlsocket(s, FIONBIO, &on) == 0 ? 0 : -1;
#else
    int flags = fcntl(s, F_GETFL, 0);
    return flags < 0 ? -1 : fcntl(s, F_SETFL, flags | O_NONBLOCK);
#endif
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

/* Can socket s go into an fd_set that already holds `count` sockets?
 * POSIX fd_sets are bitmaps indexed by descriptor: a descriptor at or above
 * FD_SETSIZE writes past the end (smallchat's crash past fd 1000). Windows
 * fd_sets are arrays: the limit is on how many, not on the value. */
static inline int net_fits_fd_set(net_socket s, int count)
{
#ifdef _WIN32
    (void)s;
    return count < FD_SETSIZE;
#else
    (void)count;
    return s >= 0 && s < FD_SETSIZE;
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

/* ---- time -------------------------------------------------------------- */

#ifndef _WIN32
#  include <time.h>             /* clock_gettime() */
#endif

/* Milliseconds on a clock that only moves forward, from some fixed moment
 * (boot, usually): for time-outs and rate limits. The time of day would
 * jump when the clock is set, and a limit with it. */
static inline long long net_now_ms(void)
{
#ifdef _WIN32
    return (long long)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* A laptop that drops off the Wi-Fi sends nothing, not even a goodbye, and
 * an idle TCP connection sends nothing either: the server would keep the
 * seat (and the name) of a ghost forever. With keepalive, after idle_s
 * seconds of silence the system sends a probe every interval_s seconds; a
 * living peer's system answers them, and after `count` unanswered ones the
 * connection ends: recv() fails (ETIMEDOUT) and the server drops it.
 * Linux and Windows wait 2 hours before the first probe unless told.
 * SOCKLAB_KEEPALIVE=IDLE,INTERVAL,COUNT in the environment (seconds)
 * replaces the three numbers: for tests, which can't wait 2 minutes.
 * Returns 0, or -1 if keepalive could not be turned on. */
static inline int net_keepalive(net_socket s, int idle_s, int interval_s, int count)
{
    const char *test = getenv("SOCKLAB_KEEPALIVE");
    int on = 1;
    if (test != NULL)
        sscanf(test, "%d,%d,%d", &idle_s, &interval_s, &count);
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
 * 6 probes 10 s apart), and a living laptop costs one small packet a minute. */
enum { NET_KEEPALIVE_IDLE_S = 60, NET_KEEPALIVE_INTERVAL_S = 10, NET_KEEPALIVE_COUNT = 6 };

/* The rest of the layer, in two more files (each includes this one):
 *   args.h     command lines, and what a server prints when it is ready;
 *   console.h  Ctrl+C, and the keyboard beside sockets in select(). */
#include "args.h"
#include "console.h"

#endif
