/*
 * ex_03.c - the checks of lesson 03's exercises (lessons/03-daytime/README.md).
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LESSON "03-daytime"

/* Connects, sends nothing, and reads what the server says until it closes. */
static size_t ask(int port, char *got, size_t cap)
{
    int closed = 0, fd = tcp_connect("127.0.0.1", port);
    size_t len;
    got[0] = '\0';
    if (fd < 0)
        return 0;
    len = recv_all(fd, got, cap, timeout_ms(5000), &closed);
    close(fd);
    return len;
}

/* 03.1: the line ends with the server's own name: "... UTC (from lab-pc-7)". */
static void check_03_1(void)
{
    struct proc server;
    char host[256] = "", want[300], got[1024];
    int port = server_start(&server, LESSON, NULL);
    if (!port)
        return;
    gethostname(host, sizeof host);
    snprintf(want, sizeof want, " UTC (from %s)\r\n", host);
    ask(port, got, sizeof got);
    if (strstr(got, want) != NULL && strchr(got, '\n') == got + strlen(got) - 1)
        works("your server names itself: %s", quote(got, NULL));
    else
        missing("the line should end with ' UTC (from %s)' and CR LF; your server sent %s",
                host, quote(got, NULL));
    server_stop(&server);
}

/* 03.3: a second line, "you are visitor number N", counted from 1. */
static void check_03_3(void)
{
    struct proc server, client;
    char got[1024];
    const char *second;
    int port = server_start(&server, LESSON, NULL);
    if (!port)
        return;
    ask(port, got, sizeof got);
    ask(port, got, sizeof got);
    second = strchr(got, '\n') != NULL ? strchr(got, '\n') + 1 : "";
    if (strcmp(second, "you are visitor number 2\r\n") == 0)
        works("the second visitor reads 'you are visitor number 2' on a second line");
    else
        missing("the second visitor should read 'you are visitor number 2' and CR LF after the "
                "time; the second line was %s", quote(second, NULL));
    if (strstr(got, " UTC\r\n") != NULL)
        works("the time line is still first: %s", quote(got, NULL));
    else
        missing("the first line should still be the time, ending in 'UTC'; it was %s",
                quote(got, NULL));
    run_client(&client, LESSON, NULL, "127.0.0.1", port_text(port), (char *)NULL);
    if (strstr(client.buf, "you are visitor number 3") != NULL)
        works("the lesson's client shows both lines, unchanged");
    else
        missing("the lesson's client should show 'you are visitor number 3'; it printed %s",
                quote(client.buf, "visitor"));
    server_stop(&server);
}

/* 03.4: with -t the server sends the time as RFC 868 says: 4 bytes. */
static void check_03_4(void)
{
    struct proc server, plain;
    unsigned char got[64];
    unsigned long seconds, now;
    size_t len;
    int port = 0;
    if (proc_start(&server, bin_path(LESSON, "server"), "-t", "0", (char *)NULL) == 0)
        proc_wait_for(&server, "\n", timeout_ms(10000));
    if (strstr(server.buf, "port ") == NULL || sscanf(strstr(server.buf, "port "), "port %d",
                                                      &port) != 1) {
        missing("your server should take the option -t; './server -t 0' said %s",
                quote(server.buf, NULL));
        return;
    }
    len = ask(port, (char *)got, sizeof got);
    now = (unsigned long)time(NULL) + 2208988800UL;   /* 1900 to 1970, in seconds */
    seconds = (unsigned long)got[0] << 24 | (unsigned long)got[1] << 16 |
              (unsigned long)got[2] << 8 | got[3];
    if (len != 4)
        missing("with -t your server should send 4 bytes and close; it sent %zu (%s)", len,
                quote((char *)got, NULL));
    else if (seconds + 5 < now || seconds > now + 5)
        missing("with -t the 4 bytes should be the seconds since 1900, most significant byte "
                "first (htonl()); they read %lu, and now is %lu", seconds, now);
    else
        works("with -t: 4 bytes, %lu seconds since 1900, in network byte order", seconds);
    if (!(port = server_start(&plain, LESSON, NULL)))
        return;
    ask(port, (char *)got, sizeof got);
    if (strstr((char *)got, " UTC\r\n") != NULL)
        works("without -t the server still sends the line: %s", quote((char *)got, NULL));
    else
        missing("without -t the server should still send the time line; it sent %s",
                quote((char *)got, NULL));
    server_stop(&server);
    server_stop(&plain);
}

const struct exercise ex_03[] = {
    {"03.1", LESSON, check_03_1},
    {"03.3", LESSON, check_03_3},
    {"03.4", LESSON, check_03_4},
    {0, 0, 0},
};
