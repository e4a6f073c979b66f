/*
 * errors.h - a failed socket call, as a number, as text, and as one line
 * that tells a student what happened and what to do.
 *
 * Part of the compat layer: POSIX sets errno and has strerror(); Winsock
 * has WSAGetLastError() and FormatMessage(), with numbers of its own.
 * net.h includes it, so a lesson includes net.h.
 */
#ifndef SOCKLAB_ERRORS_H
#define SOCKLAB_ERRORS_H

#include "net.h"

/* The error of the last failed socket call (errno is not set on Windows). */
static inline int net_error(void)
{
#ifdef _WIN32
    return WSAGetLastError();
#else
    return errno;
#endif
}

/* Text for an error number from net_error(), valid until the next call.
 * Not thread-safe (a static buffer). Each .c file that calls it has a
 * buffer of its own (see net.h), so one file's call never overwrites the
 * text another file holds. */
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

/* What a student can do about the common errors; "" when we have no advice.
 * Only what is true of every program: a lesson that knows more (the chat
 * room drops a member who stops reading) says so in its own message. */
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
        return "the other side broke the connection off (it stopped, or dropped us)";
    if (err == NET_EHOSTUNREACH)    /* nobody answered the "who has this address?" */
        return "no machine answers at that address on this network: check the address; "
               "a guest Wi-Fi with client isolation keeps laptops apart and says exactly this";
    if (err == NET_ETIMEDOUT || err == NET_ENETUNREACH)
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

#endif
