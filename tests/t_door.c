/*
 * t_door.c - lesson 06's door: seats for people, not squatters. A
 * connection that chooses no name in time leaves its seat; one address
 * holds a few seats and joins only a few times in a row; and what is said
 * to a member who leaves (a /who of more than one send(), "* bye") arrives
 * whole before the close.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define LESSON "06-chatroom"

/* Connects and reads the greeting; the socket, or -1. */
static int knock(int port, char *got, size_t cap)
{
    int fd = tcp_connect("127.0.0.1", port);
    got[0] = '\0';
    if (fd >= 0)
        recv_until(fd, got, cap, "\n", timeout_ms(5000));
    return fd;
}

/* By default a name is due within 60 s (the README): a student who takes
 * 8 s to type one still gets in. */
static void chatroom_gives_a_slow_typist_time_to_choose_a_name(void)
{
    struct proc server;
    char got[4096];
    int fd, port = server_start(&server, LESSON, NULL);
    if (!port || (fd = knock(port, got, sizeof got)) < 0)
        return;
    usleep(8000 * 1000);
    send_text(fd, "ana\r\n");
    got[0] = '\0';
    recv_until(fd, got, sizeof got, "you are in", timeout_ms(5000));
    expect_has("a name typed after 8 s", got, "you are in");
    close(fd);
    server_stop(&server);
}

static void chatroom_frees_the_seat_of_a_connection_that_chooses_no_name(void)
{
    static const char *const extra[] = {"--max-clients", "1", "--name-timeout", "2", NULL};
    struct proc server;
    char got[4096];
    int silent, next, port = server_start(&server, LESSON, extra);
    if (!port || (silent = knock(port, got, sizeof got)) < 0)
        return;
    next = knock(port, got, sizeof got);
    expect_has("a second connection while the silent one holds the only seat", got, "room full");
    close(next);
    got[0] = '\0';
    recv_all(silent, got, sizeof got, timeout_ms(5000), &next);
    expect_has("the silent connection, after 2 s", got, "* no name in time: goodbye");
    expect(next, "the silent connection to be closed");
    expect(proc_wait_for(&server, "dropped: chose no name in time", timeout_ms(2000)),
           "the server to log why");
    close(silent);
    next = chatroom_join(port, "ana");
    close(next);
    server_stop(&server);
}

static void chatroom_gives_one_address_at_most_per_address_seats(void)
{
    static const char *const extra[] = {"--per-address", "2", NULL};
    struct proc server;
    char got[4096];
    int a, b, c, d, port = server_start(&server, LESSON, extra);
    if (!port || (a = chatroom_join(port, "ana")) < 0 || (b = chatroom_join(port, "bo")) < 0)
        return;
    c = knock(port, got, sizeof got);
    expect_has("a third connection from 127.0.0.1", got, "too many connections from your address");
    expect(wait_closed(c, timeout_ms(3000)), "the third connection to be closed");
    expect(proc_wait_for(&server, "refused 127.0.0.1", timeout_ms(2000)), "the log to say so");
    send_text(a, "/quit\n");
    expect(wait_closed(a, timeout_ms(3000)), "ana's connection closed after /quit");
    d = chatroom_join(port, "cy");            /* a seat is free again */
    send_text(b, "still here\n");
    recv_until(d, got, sizeof got, "bo: still here", timeout_ms(3000));
    expect_has("what cy hears", got, "bo: still here");
    close(a);
    close(b);
    close(c);
    close(d);
    server_stop(&server);
}

/* Join, leave, join, leave...: after a few in a row, one every 2 s, not
 * sooner. (The joins in a row follow --per-address when it is larger: a
 * NAT'd class.) */
static void chatroom_damps_a_join_storm_from_one_address(void)
{
    static const char *const extra[] = {"--per-address", "5", NULL};
    struct proc server;
    char got[4096];
    int i, fd, in = 0, refused = 0, port = server_start(&server, LESSON, extra);
    long long storm = now_ms();
    if (!port)
        return;
    for (i = 0; i < 12; i++) {
        fd = knock(port, got, sizeof got);
        if (strstr(got, "too many joins from your address") != NULL)
            refused++;
        else
            in += strstr(got, "welcome") != NULL;
        close(fd);
    }
    note("%d in, %d refused", in, refused);
    expect(in >= 5 && in <= 6, "the first five or so to come in, got %d", in);
    expect(refused >= 6, "the rest to be told to wait, got %d", refused);
    /* Six in: the machine's clock is 12 s ahead, where 10 s refuse. Not on
     * a machine so slow that the storm took most of the next 2 s. */
    if (in == 6 && now_ms() - storm < 1500) {
        usleep((useconds_t)(storm + 1500 - now_ms()) * 1000);
        fd = knock(port, got, sizeof got);
        expect_has("a connection 1.5 s after the storm began", got, "too many joins");
        close(fd);
    }
    if (now_ms() < storm + 3000)
        usleep((useconds_t)(storm + 3000 - now_ms()) * 1000);
    fd = knock(port, got, sizeof got);
    expect_has("a connection 3 s after the storm began", got, "welcome");
    close(fd);
    server_stop(&server);
}

/* 820 members with names of 80 bytes: /who is 67 KB, more than one
 * send(); /quit right after it must still deliver all of it, then "bye". */
static void chatroom_delivers_a_long_who_and_bye_to_a_member_who_quits(void)
{
    enum { MEMBERS = 820 };
    static int fds[MEMBERS];
    static char got[1 << 17];
    struct rlimit lim;
    struct proc server;
    int i, k, closed = 0, asker, port;
    size_t len;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max < 4096 ? lim.rlim_max : 4096;
    setrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < MEMBERS + 64) {
        skip("fewer than 900 descriptors allowed here");
        return;
    }
    if (!(port = server_start(&server, LESSON, NULL)))
        return;
    for (i = 0; i < MEMBERS; i++) {
        char name[128] = "";
        for (k = 0; k < 20; k++) {      /* 20 emoji of 4 bytes; the first 3 spell i */
            int last = k < 3 ? 0x80 + ((i >> (4 * k)) & 15) : 0xBA;
            snprintf(name + strlen(name), sizeof name - strlen(name), "\xF0\x9F\x98%c", last);
        }
        strcat(name, "\n");
        if ((fds[i] = tcp_connect("127.0.0.1", port)) < 0)
            return;
        send_text(fds[i], name);
        if (i % 50 == 0)                /* read its log: a full pipe would stop it */
            proc_wait_for(&server, "\001", 1);
    }
    /* All 820 must be in before the asker: reading the log as it comes
     * also keeps the server from blocking on a full pipe (82 KB of joins),
     * which under a slow wine held it for minutes. */
    expect(proc_wait_for(&server, "(820 here)", timeout_ms(60000)),
           "the server to log all %d joins", MEMBERS);
    asker = chatroom_join(port, "asker");
    send_text(asker, "/who\n/quit\n");
    len = recv_all(asker, got, sizeof got, timeout_ms(20000), &closed);
    note("the asker got %zu bytes", len);
    expect(closed, "the connection to close after /quit");
    expect(len > 65536 + 100, "more than 64 KiB (the /who), got %zu bytes", len);
    expect(strstr(got, "* 821 here:") != NULL, "the /who to count everyone");
    expect(len > 2 && strstr(got, "\r\n* bye asker\r\n") != NULL, "\"* bye asker\" at the end");
    for (i = 0; i < MEMBERS; i++)
        close(fds[i]);
    close(asker);
    server_stop(&server);
}

const struct test door_tests[] = {
    {"chatroom_frees_the_seat_of_a_connection_that_chooses_no_name",
     chatroom_frees_the_seat_of_a_connection_that_chooses_no_name},
    {"chatroom_gives_a_slow_typist_time_to_choose_a_name",
     chatroom_gives_a_slow_typist_time_to_choose_a_name},
    {"chatroom_gives_one_address_at_most_per_address_seats",
     chatroom_gives_one_address_at_most_per_address_seats},
    {"chatroom_damps_a_join_storm_from_one_address", chatroom_damps_a_join_storm_from_one_address},
    {"chatroom_delivers_a_long_who_and_bye_to_a_member_who_quits",
     chatroom_delivers_a_long_who_and_bye_to_a_member_who_quits},
    {0, 0}
};
