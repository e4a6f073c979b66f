/*
 * ex_07.c - the checks of lesson 07's exercises (lessons/07-find/README.md):
 * a beacon on 127.0.0.1 and ::1, asked by the student's finder or by
 * datagrams of the check's own. The "lesson servers" it announces are TCP
 * ports of the check's own: only lesson 07 is built for a check.
 */
#include "exercise.h"
#include "../datagram.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LESSON "07-find"
enum { QUESTION_SIZE = 512 };

/* A beacon on port 0 announcing these services (NULL-ended); its port or 0. */
static int beacon_start(struct proc *p, const char *s1, const char *s2)
{
    char *argv[] = {"0", (char *)s1, (char *)s2, NULL};
    if (proc_startv(p, bin_path(LESSON, "server"), argv) != 0)
        return 0;
    return server_port(p);
}

/* Sends `count` questions (first line `head`, padded to `size`), then counts
 * the answers that come within ms. */
static int answers_to(int fd, const struct sockaddr_storage *to, socklen_t len, const char *head,
                      int size, int count, int ms)
{
    char q[QUESTION_SIZE * 2], got[2048];
    long long give_up;
    int i, answers = 0;
    memset(q, '.', sizeof q);
    memcpy(q, head, strlen(head));
    for (i = 0; i < count; i++)
        sendto(fd, q, (size_t)size, 0, (const struct sockaddr *)to, len);
    give_up = now_ms() + ms;
    while (now_ms() < give_up && receive_datagram(fd, got, sizeof got, (int)(give_up - now_ms())) >= 0)
        answers++;
    return answers;
}

/* 07.1: each line of the finder ends with the answer's time: "(3 ms)". */
static void check_07_1(void)
{
    struct proc beacon, finder;
    char service[32], want[128], line[256];
    int listener, echo_port = listen_here(&listener), port, ms = -1;
    const char *end;
    if (!echo_port)
        return;
    snprintf(service, sizeof service, "2:%d", echo_port);
    if (!(port = beacon_start(&beacon, service, NULL)))
        return;
    run_client(&finder, LESSON, NULL, "127.0.0.1", port_text(port), (char *)NULL);
    snprintf(want, sizeof want, "at 127.0.0.1: %sclient 127.0.0.1 %d (", on_wine ? "" : "./",
             echo_port);
    if (line_with(finder.buf, want, line, sizeof line) &&
        sscanf(strstr(line, want) + strlen(want), "%d ms)", &ms) == 1 &&
        (end = strstr(line, " ms)")) != NULL && end[4] == '\0' && ms >= 0 && ms < 1000)
        works("your finder says how long the answer took: '%s'", line);
    else
        missing("a beacon announces the echo server on port %d: your finder should print "
                "'echo (lesson 02) %s%s' with the milliseconds (0 to 999), then ' ms)'; it "
                "printed %s", echo_port, want, "N ms)", quote(finder.buf, "at 127.0.0.1"));
    close(listener);                    /* the "echo server" stops */
    usleep(1200 * 1000);                /* the beacon checks again after a second */
    run_client(&finder, LESSON, NULL, "127.0.0.1", port_text(port), (char *)NULL);
    if (line_with(finder.buf, "beacon at 127.0.0.1: no lesson server is running there yet (",
                  line, sizeof line) && strstr(line, " ms)") != NULL)
        works("and for a beacon with nothing to announce: '%s'", line);
    else
        missing("with the echo server stopped, your finder should print 'beacon at 127.0.0.1: no "
                "lesson server is running there yet (N ms)'; it printed %s",
                quote(finder.buf, "beacon at"));
    server_stop(&beacon);
}

/* 07.2: --lesson N asks for one lesson; a question without one means all. */
static void check_07_2(void)
{
    struct proc beacon, finder;
    char as_echo[32], as_room[32], line[256];
    struct sockaddr_storage to;
    socklen_t len;
    int listener, echo_port = listen_here(&listener), port, fd;
    if (!echo_port)
        return;
    snprintf(as_echo, sizeof as_echo, "2:%d", echo_port);   /* one server, announced twice */
    snprintf(as_room, sizeof as_room, "6:%d", echo_port);
    if (!(port = beacon_start(&beacon, as_echo, as_room)))
        return;
    run_client(&finder, LESSON, NULL, "--lesson", "6", "127.0.0.1", port_text(port), (char *)NULL);
    if (line_with(finder.buf, "chat room (lesson 06) at 127.0.0.1:", line, sizeof line) &&
        strstr(finder.buf, "echo (lesson 02)") == NULL)
        works("--lesson 6 finds the chat room and nothing else: '%s'", line);
    else
        missing("the beacon announces an echo server and a chat room: 'client --lesson 6' "
                "should print the chat room only; it printed %s", quote(finder.buf, NULL));
    run_client(&finder, LESSON, NULL, "127.0.0.1", port_text(port), (char *)NULL);
    if (strstr(finder.buf, "chat room (lesson 06)") != NULL &&
        strstr(finder.buf, "echo (lesson 02)") != NULL)
        works("without --lesson, both are still found");
    else
        missing("without --lesson your finder should still print both servers; it printed %s",
                quote(finder.buf, "(lesson"));
    fd = udp_socket_to("127.0.0.1", port, &to, &len);
    if (answers_to(fd, &to, len, "socklab find 1 06\n", 18, 1, timeout_ms(1000)) == 0)
        works("a question of 18 bytes, 'socklab find 1 06' unpadded, gets no answer");
    else
        missing("the beacon answered an unpadded 18-byte question: it must answer only "
                "questions of 512 bytes");
    if (answers_to(fd, &to, len, "socklab find 1 06\n", QUESTION_SIZE, 1, timeout_ms(3000)) == 1)
        works("a padded 'socklab find 1 06' question gets its answer");
    else
        missing("the beacon did not answer a 512-byte question whose first line is "
                "'socklab find 1 06'");
    close(fd);
    close(listener);
    server_stop(&beacon);
}

/* 07.3: at most 5 answers in 10 s per address; others still answered. */
static void check_07_3(void)
{
    struct proc beacon;
    struct sockaddr_storage to;
    socklen_t len;
    char line[256];
    int port = beacon_start(&beacon, NULL, NULL), fd, got;
    if (!port)
        return;
    fd = udp_socket_to("127.0.0.1", port, &to, &len);
    got = answers_to(fd, &to, len, "socklab find 1\n", QUESTION_SIZE, 8, timeout_ms(2000));
    if (got == 5)
        works("8 questions from 127.0.0.1 at once: 5 answers, as the limit says");
    else
        missing("8 questions from 127.0.0.1 within a second should get 5 answers; they got %d",
                got);
    if (proc_wait_for(&beacon, "over the limit", timeout_ms(3000)) &&
        line_with(beacon.buf, "over the limit", line, sizeof line) && strstr(line, "127.0.0.1"))
        works("the beacon says so: '%s'", line);
    else
        missing("the beacon's log should have a line with '127.0.0.1 over the limit'; it "
                "printed %s", quote(beacon.buf, "limit"));
    got = answers_to(fd, &to, len, "socklab find 1\n", QUESTION_SIZE, 1, timeout_ms(1000));
    if (got == 0)
        works("one more question from 127.0.0.1 within the 10 s: not answered");
    else
        missing("a 9th question within 10 s was answered: 127.0.0.1 should stay over its limit");
    close(fd);
    fd = udp_socket_to("::1", port, &to, &len);
    if (fd < 0 || answers_to(fd, &to, len, "socklab find 1\n", QUESTION_SIZE, 1,
                             timeout_ms(3000)) == 1)
        works("another address (::1) is answered as before");
    else
        missing("a question from ::1 got no answer: the limit is per address");
    if (fd >= 0)
        close(fd);
    server_stop(&beacon);
}

const struct exercise ex_07[] = {
    {"07.1", LESSON, check_07_1},
    {"07.2", LESSON, check_07_2},
    {"07.3", LESSON, check_07_3},
    {0, 0, 0},
};
