/*
 * console.h - the terminal side of a socket program: Ctrl+C that lets a
 * server close in order, and the keyboard watched by select() beside the
 * sockets (Windows' select() takes only sockets, so there it is a thread).
 *
 * Part of the compat layer: net.h includes it, so a lesson includes net.h.
 */
#ifndef SOCKLAB_CONSOLE_H
#define SOCKLAB_CONSOLE_H

#include "net.h"

/* ---- Ctrl+C ------------------------------------------------------------- */

/* The flag Ctrl+C sets, of this .c file (`catching`: net_catch_interrupt()
 * is being called here). Each file that includes net.h has a copy (see
 * net.h); only the copy of the file that called net_catch_interrupt() is
 * ever set, so handing any other out would be a flag that never changes. */
static inline volatile sig_atomic_t *net_stop_flag_of_this_file(int catching)
{
    static volatile sig_atomic_t stop;
    static int caught;
    if (catching)
        caught = 1;
    if (!caught) {
        fputs("net_stop_flag(): call it in the file that calls net_catch_interrupt()\n", stderr);
        abort();
    }
    return &stop;
}

/* Set once the user pressed Ctrl+C (or the server got SIGTERM). Read it in
 * the file that called net_catch_interrupt(), main()'s. */
static inline volatile sig_atomic_t *net_stop_flag(void)
{
    return net_stop_flag_of_this_file(0);
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
    /* The terminal has echoed ^C after whatever was on the line: end that
     * line, so the server's goodbye starts on its own. (printf() is not
     * safe in a signal handler; write() is.) */
    if (sig == SIGINT && isatty(STDOUT_FILENO)) {
        ssize_t ignored = write(STDOUT_FILENO, "\n", 1);
        (void)ignored;
    }
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
    net_stop_flag_of_this_file(1);
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

#endif
