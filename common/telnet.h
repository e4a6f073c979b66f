/*
 * telnet.h - what a server that telnet users reach does with telnet's bytes.
 *
 * telnet is a fine chat client (every lab machine has one), but it is not a
 * plain byte pipe: it mixes commands into the text, each one starting with
 * byte 255 (IAC, "interpret as command"). A line-based server does two
 * things about them:
 *   - it takes them out of each line before showing it, and BEFORE the line
 *     is cleaned for a terminal (text.h): taking bytes out can glue the
 *     bytes on either side together;
 *   - it answers the one command that leaves a user's screen silent until
 *     answered (Ctrl+C's TIMING-MARK), and asks telnet for nothing.
 * Nothing here differs between platforms: it lives in common/ because
 * lessons 04, 05 and 06 all meet telnet users. The first works on a line,
 * the second on the connection, and their names say so.
 */
#ifndef SOCKLAB_TELNET_H
#define SOCKLAB_TELNET_H

#include "net.h"

/* Removes telnet's commands from a line: byte 255 (IAC), a command, and
 * for WILL/WONT/DO/DONT (251-254) an option. 255 never occurs in UTF-8
 * text, so no character is lost. Works on the line's `len` bytes (NULs
 * too); returns the new length (0: it held only commands), NUL-terminated. */
static inline int line_drop_telnet_commands(char *line, int len)
{
    unsigned char *from = (unsigned char *)line, *to = from, *end = from + len;
    while (from < end) {
        if (*from != 255) {
            *to++ = *from++;
            continue;
        }
        from++;                                     /* IAC */
        if (from < end && *from >= 251 && *from <= 254 && end - from >= 2)
            from++;                                 /* its option follows */
        if (from < end)
            from++;                                 /* the command */
    }
    *to = '\0';
    return (int)(to - (unsigned char *)line);
}

/* Ctrl+C in telnet sends IAC IP IAC DO TIMING-MARK, then shows nothing the
 * server sends until it answers IAC WILL TIMING-MARK: "all you sent before
 * the mark is done" (RFC 860). A server that telnet users reach answers it,
 * or one Ctrl+C leaves a student's screen silent. Call it with the bytes of
 * each recv(); it asks for nothing else (a server that asked telnet for
 * options would turn Windows telnet's local echo off). */
static inline void tcp_answer_telnet_mark(net_socket s, const char *data, int n)
{
    static const char mark[] = { (char)255, (char)251, 6 };  /* IAC WILL TIMING-MARK */
    const unsigned char *b = (const unsigned char *)data, *end = b + (n > 0 ? n : 0), *iac;
    while ((iac = (const unsigned char *)memchr(b, 255, (size_t)(end - b))) != NULL
           && end - iac >= 3) {
        if (iac[1] == 253 && iac[2] == 6) {                 /* IAC DO TIMING-MARK */
            send(s, mark, (int)sizeof mark, 0);             /* one answers them all */
            return;
        }
        b = iac + 2;            /* IAC IAC is a data byte 255, not a command */
    }
}

#endif
