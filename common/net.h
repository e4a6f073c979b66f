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
 *   - closing a socket, whether it fits in an fd_set, a clock for time-outs;
 *   - (errors.h) the last error as a number and as text, with a hint;
 *   - (sockopt.h) non-blocking mode, address reuse, time-outs, keepalive;
 *   - (console.h) Ctrl+C, and the keyboard beside sockets in select()
 *     (Windows can't select() stdin);
 *   - (addresses.h) listing this machine's addresses, so a server can say
 *     where to connect; (args.h) the command lines all programs share.
 * What it does NOT hide: socket(), getaddrinfo(), bind(), listen(), accept(),
 * connect(), send(), recv() and select() stay in the lessons, where they are
 * taught. Everything here starts with net_ so you can tell it apart.
 *
 * It is all in headers (static inline functions), so a lesson builds with
 * one command: cc server.c -o server. Include net.h; it includes the others.
 *
 * The price of headers: a static variable inside a static inline function
 * exists once per .c FILE, not once per program. Three keep state between
 * calls, and in a program of several files none of their copies can be
 * misused:
 *   - net_stdio_setup()'s "done": only net_init() and net_parse_args() call
 *     it, at the start of main(), so only main()'s file's copy is used;
 *   - net_strerror()'s text buffer: each file's is its own, so one file's
 *     call never overwrites the text another file holds;
 *   - the Ctrl+C flag (console.h): set in the file that called
 *     net_catch_interrupt(); net_stop_flag() called from any other file
 *     would read a copy nothing sets, so it stops the program and says so.
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

/* Call once at the start of main(). Returns 0, or -1 (with a message). */
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

/* The rest of the layer, in more files (each includes this one):
 *   errors.h   the last error as a number, as text, and a one-line failure;
 *   sockopt.h  socket options and non-blocking mode;
 *   args.h     the command lines all programs share;
 *   addresses.h  addresses as text, and what a server prints when ready;
 *   console.h  Ctrl+C, and the keyboard beside sockets in select(). */
#include "errors.h"
#include "sockopt.h"
#include "args.h"
#include "addresses.h"
#include "console.h"

#endif
