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
 *   - the keyboard beside sockets in select() (Windows can't select() stdin);
 *   - listing this machine's addresses, so a server can say where to connect.
 * What it does NOT hide: socket(), getaddrinfo(), bind(), listen(), accept(),
 * connect(), send(), recv() and select() stay in the lessons, where they are
 * taught. Everything here starts with net_ so you can tell it apart.
 *
 * It is all in this one header (static inline functions), so a lesson builds
 * with one command: cc server.c -o server.
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

/* ---- command lines ----------------------------------------------------- */

/* A port number 0..65535 written in decimal, or -1. */
static inline long net_parse_port(const char *text)
{
    long port = 0;
    if (text == NULL || *text == '\0' || strlen(text) > 5)
        return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        port = port * 10 + (*text - '0');
    }
    return port <= 65535 ? port : -1;
}

/* Bad command line: one line saying why, then the usage, and exit 2. */
static inline void net_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage);
    exit(2);
}

/* The command line every socklab program shares. -h or --help prints the
 * usage and exits 0. Each option named in `options` (a NULL-ended list such
 * as {"-b", NULL}) takes a value, stored at the same index in `values`. Up to
 * max_args other words go to `args`. Anything else is an error (exit 2).
 * Returns how many words went to args. */
static inline int net_parse_args(int argc, char **argv, const char *usage,
                                 const char *const options[], const char *values[],
                                 const char *args[], int max_args)
{
    int i, k, nargs = 0, only_args = 0;
    net_stdio_setup();
    for (i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (!only_args && (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0)) {
            printf("%s", usage);
            exit(0);
        }
        if (!only_args && strcmp(word, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (!only_args && word[0] == '-' && word[1] != '\0') {
            for (k = 0; options[k] != NULL && strcmp(options[k], word) != 0; k++)
                ;
            if (options[k] == NULL)
                net_usage_error(usage, "unknown option '%s'", word);
            if (i + 1 >= argc)
                net_usage_error(usage, "option %s needs a value", word);
            values[k] = argv[++i];
            continue;
        }
        if (nargs == max_args)
            net_usage_error(usage, "unexpected argument '%s'", word);
        args[nargs++] = word;
    }
    return nargs;
}

/* Checks a port argument (at least `lowest`: 0 for a server, which means
 * "any free port", 1 for a client); exits 2 with the usage if it is bad. */
static inline const char *net_port_arg(const char *text, long lowest, const char *usage)
{
    long port = net_parse_port(text);
    if (port < lowest)
        net_usage_error(usage, "'%s' is not a port number (%ld-65535)", text, lowest);
    return text;
}

/* "client 8802" would look for a machine named 8802: say what was meant. */
static inline void net_host_arg_check(const char *usage, const char *host)
{
    if (net_parse_port(host) >= 0)
        net_usage_error(usage, "'%s' looks like a port: the host comes first "
                        "(client localhost %s)", host, host);
}

/* The clients' command line, "client [HOST [PORT]]": what is given replaces
 * the default already in *host and *port; -h prints the usage and exits 0,
 * anything else exits 2 with it. */
static inline void net_client_args(int argc, char **argv, const char *usage,
                                   const char **host, const char **port)
{
    const char *options[] = {NULL}, *args[2];
    int nargs = net_parse_args(argc, argv, usage, options, NULL, args, 2);
    if (nargs == 1)
        net_host_arg_check(usage, args[0]);
    if (nargs >= 1)
        *host = args[0];
    if (nargs >= 2)
        *port = net_port_arg(args[1], 1, usage);
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

/* ---- addresses ---------------------------------------------------------- */

/* "127.0.0.1:5000" or "[::1]:5000". An IPv4 client of a dual-stack server
 * arrives as ::ffff:127.0.0.1; we print it as the IPv4 address it is. */
static inline const char *net_addr_text(const struct sockaddr *sa, char *buf, size_t cap)
{
    char host[64] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(buf, cap, "%s:%u", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        port = ntohs(in6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
            snprintf(buf, cap, "%s:%u", host, port);
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
            snprintf(buf, cap, "[%s]:%u", host, port);
        }
    } else {
        snprintf(buf, cap, "(unknown address family %d)", (int)sa->sa_family);
    }
    return buf;
}

/* Writes the address of sa into host if another machine could reach it
 * there (not loopback, not IPv6 link-local); returns 1 if so. */
static inline int net_reachable_host(const struct sockaddr *sa, char *host, size_t cap)
{
    if (sa != NULL && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        if ((ntohl(in->sin_addr.s_addr) >> 24) == 127)
            return 0;
        return inet_ntop(AF_INET, &in->sin_addr, host, (socklen_t)cap) != NULL;
    }
    if (sa != NULL && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return 0;
        return inet_ntop(AF_INET6, &in6->sin6_addr, host, (socklen_t)cap) != NULL;
    }
    return 0;
}

/* Prints "connect with: CLIENT ADDRESS PORT" for up to four addresses of
 * this machine that students on the same network could use; only those of
 * `family` unless it is AF_UNSPEC (a listener on 0.0.0.0 has no IPv6). */
static inline void net_print_local_addresses(const char *client, int port, int family)
{
    char host[64];
    int shown = 0;
#ifdef _WIN32
    /* Windows resolves its own host name to every adapter's address. */
    char name[256];
    struct addrinfo hints, *list = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (gethostname(name, (int)sizeof name) == 0 && getaddrinfo(name, NULL, &hints, &list) == 0) {
        for (ai = list; ai != NULL && shown < 4; ai = ai->ai_next)
            if ((family == AF_UNSPEC || ai->ai_family == family)
                && net_reachable_host(ai->ai_addr, host, sizeof host))
                shown += printf("connect with: %s %s %d\n", client, host, port) > 0;
        freeaddrinfo(list);
    }
#else
    struct ifaddrs *list = NULL, *ifa;
    if (getifaddrs(&list) == 0) {
        for (ifa = list; ifa != NULL && shown < 4; ifa = ifa->ifa_next)
            if ((ifa->ifa_flags & IFF_UP) && ifa->ifa_addr != NULL
                && (family == AF_UNSPEC || ifa->ifa_addr->sa_family == family)
                && net_reachable_host(ifa->ifa_addr, host, sizeof host))
                shown += printf("connect with: %s %s %d\n", client, host, port) > 0;
        freeifaddrs(list);
    }
#endif
    if (shown == 0)
        printf("connect with: %s %s %d (this machine only: no network address found)\n",
               client, family == AF_INET6 ? "::1" : "127.0.0.1", port);
}

/* The line a server prints when it is ready, then where to connect. The
 * first line always holds "port N": scripts and tests wait for it. */
static inline void net_announce(const char *prog, net_socket listener, const char *bind_addr)
{
    struct sockaddr_storage addr;
    socklen_t len = (socklen_t)sizeof addr;
    int port = 0;
    memset(&addr, 0, sizeof addr);
    if (getsockname(listener, (struct sockaddr *)&addr, &len) == 0)
        port = addr.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&addr)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&addr)->sin_port);
    if (bind_addr != NULL)
        printf("%s: listening on %s port %d\n", prog, bind_addr, port);
    else
        printf("%s: listening on port %d (%s)\n", prog, port,
               addr.ss_family == AF_INET6 ? "IPv4 and IPv6" : "IPv4 only");
    /* "::" and "0.0.0.0" mean every address (of their family): nobody can
     * connect to them as such */
    if (bind_addr == NULL)
        net_print_local_addresses("client", port, AF_UNSPEC);
    else if (strcmp(bind_addr, "::") == 0 || strcmp(bind_addr, "0.0.0.0") == 0)
        net_print_local_addresses("client", port, addr.ss_family);
    else
        printf("connect with: client %s %d\n", bind_addr, port);
    fflush(stdout);
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

/* ---- Ctrl+C ------------------------------------------------------------- */

/* Set once the user pressed Ctrl+C (or the server got SIGTERM). */
static inline volatile sig_atomic_t *net_stop_flag(void)
{
    static volatile sig_atomic_t stop;
    return &stop;
}

#ifdef _WIN32
static inline BOOL WINAPI net_on_console_event(DWORD event)
{
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && event != CTRL_CLOSE_EVENT)
        return FALSE;
    *net_stop_flag() = 1;
    return TRUE;                /* handled: don't kill the process yet */
}

/* The console's input mode as we found it, given back at exit. */
static inline DWORD *net_console_mode(void)
{
    static DWORD mode;
    return &mode;
}

static inline void net_console_restore(void)
{
    SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), *net_console_mode());
}

/* A click in a console window starts QuickEdit's selection, and until it
 * ends every write to that window waits: one click in the server's window
 * would freeze the whole class. So QuickEdit is off while the server runs
 * (Edit > Mark still selects text). */
static inline void net_console_no_quick_edit(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD *mode = net_console_mode();
    if (GetConsoleMode(in, mode) && (*mode & ENABLE_QUICK_EDIT_MODE) &&
        SetConsoleMode(in, (*mode & ~ENABLE_QUICK_EDIT_MODE) | ENABLE_EXTENDED_FLAGS))
        atexit(net_console_restore);
}
#else
static inline void net_on_signal(int sig)
{
    (void)sig;
    *net_stop_flag() = 1;
}
#endif

/* Instead of dying at once on Ctrl+C or SIGTERM, let the program notice
 * *net_stop_flag() and close down in order (telling its clients). On POSIX
 * the signal also interrupts select() (EINTR); on Windows the handler runs in
 * another thread, so a server should give select() a timeout to look again.
 * For a server that runs until Ctrl+C, Windows' QuickEdit is turned off too
 * (see above): such a server returns from main(), and gets it back. */
static inline void net_catch_interrupt(void)
{
#ifdef _WIN32
    SetConsoleCtrlHandler(net_on_console_event, TRUE);
    net_console_no_quick_edit();
#else
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = net_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;            /* no SA_RESTART: select() returns with EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
#endif
}

/* ---- the keyboard beside sockets ---------------------------------------- */

/*
 * select() watches many descriptors at once. On POSIX the keyboard (stdin)
 * is a descriptor like any socket, so select() can watch it as it is. On
 * Windows select() accepts only sockets (stdin gives WSAENOTSOCK), so we
 * start a small thread that reads stdin and forwards every byte through a
 * connected loopback socket; select() watches that socket instead, and end of
 * input arrives as the socket closing.
 *
 * Use: kb = net_keyboard_open(); FD_SET(kb, &readable); ... then
 * n = net_keyboard_read(kb, buf, size): > 0 bytes, 0 end of input, < 0 error.
 */
#ifdef _WIN32
static inline DWORD WINAPI net_keyboard_pump(LPVOID arg)
{
    SOCKET out = (SOCKET)arg;
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    int console = GetFileType(in) == FILE_TYPE_CHAR;
    char buf[4096];
    DWORD n, sent;
    while (ReadFile(in, buf, (DWORD)sizeof buf, &n, NULL) && n > 0) {
        if (console && buf[0] == 0x1a)  /* Ctrl+Z at the start of a console line */
            break;                      /* (from a pipe, 0x1a is just a byte) */
        for (sent = 0; sent < n;) {
            int k = send(out, buf + sent, (int)(n - sent), 0);
            if (k <= 0)
                goto done;
            sent += (DWORD)k;
        }
    }
done:
    shutdown(out, SD_SEND);             /* the reader sees end of input */
    closesocket(out);
    return 0;
}

static inline net_socket net_keyboard_open(void)
{
    struct sockaddr_in addr;
    int len = (int)sizeof addr;
    SOCKET listener, writer = INVALID_SOCKET, reader = INVALID_SOCKET;
    HANDLE thread;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET)
        return NET_INVALID;
    if (bind(listener, (struct sockaddr *)&addr, len) == 0 && listen(listener, 1) == 0 &&
        getsockname(listener, (struct sockaddr *)&addr, &len) == 0) {
        writer = socket(AF_INET, SOCK_STREAM, 0);
        if (writer != INVALID_SOCKET && connect(writer, (struct sockaddr *)&addr, len) == 0)
            reader = accept(listener, NULL, NULL);
    }
    closesocket(listener);
    if (reader == INVALID_SOCKET) {
        if (writer != INVALID_SOCKET)
            closesocket(writer);
        return NET_INVALID;
    }
    thread = CreateThread(NULL, 0, net_keyboard_pump, (LPVOID)writer, 0, NULL);
    if (thread == NULL) {
        closesocket(writer);
        closesocket(reader);
        return NET_INVALID;
    }
    CloseHandle(thread);                /* it runs on its own until stdin ends */
    return reader;
}

static inline int net_keyboard_read(net_socket kb, char *buf, int size)
{
    return recv(kb, buf, size, 0);
}
#else
static inline net_socket net_keyboard_open(void)
{
    return 0;                           /* stdin: select() can watch it directly */
}

static inline int net_keyboard_read(net_socket kb, char *buf, int size)
{
    int n;
    do {
        n = (int)read(kb, buf, (size_t)size);
    } while (n < 0 && errno == EINTR);
    return n;
}
#endif

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

#endif
