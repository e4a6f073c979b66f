/*
 * ex_02.c - the checks of lesson 02's exercises (lessons/02-echo/README.md).
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LESSON "02-echo"

/* Sends `text` in one send() and reads back as many bytes (1 s at most). */
static void echo_of(int fd, const char *text, char *got, size_t cap)
{
    size_t want = strlen(text), len = 0;
    long long give_up = now_ms() + timeout_ms(1000);
    got[0] = '\0';
    send_text(fd, text);
    while (len < want && now_ms() < give_up)
        len = recv_until(fd, got, cap, "\n", (int)(give_up - now_ms()));
}

/* 02.1: the server prints each chunk it receives: "got 6 bytes". */
static void check_02_1(void)
{
    struct proc server;
    char line[256];
    int fd, port = server_start(&server, LESSON, NULL);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    send_text(fd, "hello\n");
    if (proc_wait_for(&server, "got 6 bytes", timeout_ms(3000)))
        works("your server reports the chunk: sent 'hello' and a newline, it printed "
              "'got 6 bytes'");
    else
        missing("your server should print the size of each chunk: sent 'hello' and a newline (6 "
                "bytes), and it never printed 'got 6 bytes'");
    usleep(200000);
    send_text(fd, "abc");
    if (proc_wait_for(&server, "got 3 bytes", timeout_ms(3000)))
        works("and the next chunk too: sent 'abc', it printed 'got 3 bytes'");
    else
        missing("then sent 'abc' (3 bytes): your server never printed 'got 3 bytes'");
    close(fd);
    proc_wait_for(&server, " left after", timeout_ms(3000));
    if (line_with(server.buf, " left after", line, sizeof line))
        works("it still says when the client leaves: '%s'", line);
    else
        missing("it should still print '... left after N bytes' when the client leaves");
    server_stop(&server);
}

/* 02.2: the echo shouts: letters come back in capitals, the rest as it was. */
static void check_02_2(void)
{
    struct proc server;
    char got[256];
    int fd, port = server_start(&server, LESSON, NULL);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    echo_of(fd, "abc\n", got, sizeof got);
    if (strcmp(got, "ABC\n") == 0)
        works("your server shouts: sent 'abc', got 'ABC'");
    else
        missing("your server still sends lowercase: sent 'abc', got '%.*s'",
                (int)strcspn(got, "\n"), got);
    echo_of(fd, "Hi there, 42!\n", got, sizeof got);
    if (strcmp(got, "HI THERE, 42!\n") == 0)
        works("only letters change: sent 'Hi there, 42!', got 'HI THERE, 42!'");
    else
        missing("letters in capitals and the rest unchanged: sent 'Hi there, 42!', got '%.*s'",
                (int)strcspn(got, "\n"), got);
    got[0] = '\0';
    send_text(fd, "sp");
    usleep(200000);                     /* two recv()s on the server's side */
    send_text(fd, "lit\n");
    recv_until(fd, got, sizeof got, "\n", timeout_ms(2000));
    if (strcmp(got, "SPLIT\n") == 0)
        works("a line in two pieces comes back whole: sent 'sp', then 'lit', got 'SPLIT'");
    else
        missing("a line in two pieces: sent 'sp', then 'lit', got '%.*s'",
                (int)strcspn(got, "\n"), got);
    close(fd);
    server_stop(&server);
}

/* 02.4: the server counts each client's lines and says so when it leaves. */
static void check_02_4(void)
{
    struct proc server;
    char got[256], line[256];
    int fd, port = server_start(&server, LESSON, NULL);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    send_text(fd, "one\ntw");
    usleep(200000);                     /* a line cut between two recv()s */
    send_text(fd, "o\nthree\n");
    recv_until(fd, got, sizeof got, "three\n", timeout_ms(2000));
    close(fd);
    proc_wait_for(&server, " left after", timeout_ms(3000));
    line_with(server.buf, " left after", line, sizeof line);
    if (strstr(line, " 3 lines") != NULL)
        works("sent 'one', 'two', 'three' (one cut in two pieces): '%s'", line);
    else
        missing("sent 3 lines, the second cut between two recv()s: the server should say "
                "'3 lines' when the client leaves; it printed '%s'", line);
    if ((fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    send_text(fd, "no newline here");
    usleep(200000);
    close(fd);
    server.buf[0] = '\0';               /* forget the first client's lines */
    server.len = 0;
    proc_wait_for(&server, " left after", timeout_ms(3000));
    line_with(server.buf, " left after", line, sizeof line);
    if (strstr(line, " 0 lines") != NULL)
        works("the next client starts at 0: '%s'", line);
    else
        missing("a second client sent text without a newline: the server should say '0 lines' "
                "(does the count start again for each client?); it printed '%s'", line);
    server_stop(&server);
}

const struct exercise ex_02[] = {
    {"02.1", LESSON, check_02_1},
    {"02.2", LESSON, check_02_2},
    {"02.4", LESSON, check_02_4},
    {0, 0, 0},
};
