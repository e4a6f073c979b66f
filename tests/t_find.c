/*
 * t_find.c - lesson 07, the beacon and the finder over UDP: a question on
 * loopback gets the lesson servers that accept connections, no answer is
 * bigger than its question, datagrams that are not questions are counted and
 * ignored, and the finder prints the command to type, once per beacon.
 * Only 127.0.0.1, ::1 and loopback's own broadcast address 127.255.255.255:
 * asking "everyone" would leave this machine, so the tests never do.
 */
#include "harness.h"
#include "datagram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <netinet/in.h>
#include <arpa/inet.h>

int run_program(struct proc *p, const char *lesson, const char *program,
                const char *input, char *const argv[]);

#define LESSON "07-find"
#define QUESTION_HEAD "socklab find 1\n"
#define ANSWER_HEAD "socklab here 1\n"
enum { QUESTION_SIZE = 512, BIGGEST_DATAGRAM = 65507 };

/* ---- a datagram socket of the test's own --------------------------------- */

static int udp_socket_for(const char *host, int port, struct sockaddr_storage *to, socklen_t *len)
{
    int fd = udp_socket_to(host, port, to, len);
    expect(fd >= 0, "a UDP socket for %s", host);
    return fd;
}

/* Sends one datagram of `len` bytes to the beacon on 127.0.0.1. */
static int send_datagram(int fd, const struct sockaddr_storage *to, socklen_t to_len,
                         const char *data, size_t len)
{
    ssize_t n = sendto(fd, data, len, 0, (const struct sockaddr *)to, to_len);
    return expect(n == (ssize_t)len, "sendto() to take the %zu-byte datagram, it returned %zd",
                  len, n);
}

static void make_question(char *q, size_t size)
{
    memset(q, '.', size);
    memcpy(q, QUESTION_HEAD, strlen(QUESTION_HEAD));
}

/* A beacon on port 0 announcing `services` (NULL-ended); its port or 0. */
static int beacon_start(struct proc *p, const char *const services[])
{
    char *argv[20];
    int n = 0;
    argv[n++] = "0";
    while (services != NULL && *services != NULL && n < 19)
        argv[n++] = (char *)*services++;
    argv[n] = NULL;
    if (proc_startv(p, bin_path(LESSON, "server"), argv) != 0)
        return 0;
    return server_port(p);
}

/* ---- the tests ------------------------------------------------------------ */

static void find_client_prints_the_command_for_each_lesson_server_that_accepts(void)
{
    struct proc echo, beacon, client;
    char service[32], want[200], *argv[] = {"127.0.0.1", NULL, NULL};
    const char *services[] = {service, "6:1", NULL};
    int echo_port = server_start(&echo, "02-echo", NULL), port, rc;
    if (!echo_port)
        return;
    snprintf(service, sizeof service, "2:%d", echo_port);
    if (!(port = beacon_start(&beacon, services)))
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, LESSON, "client", NULL, argv);
    snprintf(want, sizeof want, "echo (lesson 02) at 127.0.0.1: %sclient 127.0.0.1 %d\n",
             on_wine ? "" : "./", echo_port);
    expect(rc == 0, "the finder to exit 0 after an answer, got %d (%s)", rc, client.buf);
    expect_has("the finder's output", client.buf, want);
    expect(strstr(client.buf, "chat room") == NULL,
           "no chat room announced (nothing accepts on port 1): %s", client.buf);
    expect(strstr(client.buf, want) == strstr(client.buf, "echo (lesson 02)") &&
           strstr(strstr(client.buf, want) + 1, "echo (lesson 02)") == NULL,
           "the beacon printed once, though asked twice: %s", client.buf);
    expect(proc_wait_for(&beacon, "question from 127.0.0.1:", timeout_ms(5000)),
           "the beacon to log the question with the asker's address: %s", beacon.buf);
    proc_wait_for(&beacon, "\001", 300);   /* the second question's line, if late */
    {   /* asked twice: the finder's retry, in case the first was lost */
        const char *at = beacon.buf;
        int asked = 0;
        while ((at = strstr(at, "question from 127.0.0.1:")) != NULL && ++asked)
            at++;
        expect(asked == 2, "the finder to ask twice (a retry), the beacon logged %d questions: %s",
               asked, beacon.buf);
    }
    expect(proc_wait_for(&echo, "left after 0 bytes", timeout_ms(5000)),
           "the beacon's check to be a connection to the echo server: %s", echo.buf);

    server_stop(&echo);                 /* gone: after a second it is no longer announced */
    usleep(1200 * 1000);
    rc = run_program(&client, LESSON, "client", NULL, argv);
    expect(rc == 0, "the finder to exit 0: the beacon itself answered, got %d", rc);
    expect_has("the finder's output", client.buf,
               "beacon at 127.0.0.1: no lesson server is running there yet");
    expect(strstr(client.buf, "echo") == NULL, "a stopped server not announced: %s", client.buf);
    server_stop(&beacon);
}

/* 1 if something accepts connections on 127.0.0.1 port 8802. */
static int accepts_on_8802(void)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(8802);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static void find_beacon_announces_the_lesson_ports_by_default(void)
{
    struct proc echo, beacon;
    char q[QUESTION_SIZE], answer[2048];
    struct sockaddr_storage to;
    socklen_t to_len;
    int port, fd, n;
    char *argv[] = {"8802", NULL};
    if (proc_startv(&echo, bin_path("02-echo", "server"), argv) != 0)
        return;
    if (!proc_wait_for(&echo, "\n", timeout_ms(10000)) || strstr(echo.buf, "port 8802") == NULL) {
        proc_stop(&echo);               /* taken: by a lesson server, it is to be announced */
        if (!accepts_on_8802())
            skip("port 8802 is taken on this machine by a program that does not accept "
                 "connections: the default list can't be checked");
    }
    if (!(port = beacon_start(&beacon, NULL)))
        return;
    expect(proc_wait_for(&beacon, "chat room 8806\n", timeout_ms(5000)),
           "the beacon to list lessons 1-6 on their ports: %s", beacon.buf);
    fd = udp_socket_for("127.0.0.1", port, &to, &to_len);
    make_question(q, sizeof q);
    send_datagram(fd, &to, to_len, q, sizeof q);
    n = receive_datagram(fd, answer, sizeof answer - 1, timeout_ms(3000));
    expect(n > 0, "an answer within 3 s");
    answer[n > 0 ? n : 0] = '\0';
    expect(strncmp(answer, ANSWER_HEAD, strlen(ANSWER_HEAD)) == 0, "an answer: %s", answer);
    expect_has("the answer", answer, "\nlesson 02 port 8802\n");
    close(fd);
    server_stop(&beacon);
    if (proc_alive(&echo))
        server_stop(&echo);
}

static void find_answer_is_never_larger_than_the_question(void)
{
    struct proc echo, beacon;
    char service[32], q[QUESTION_SIZE + 1], answer[2048];
    const char *services[17];
    struct sockaddr_storage to;
    socklen_t to_len;
    int echo_port = server_start(&echo, "02-echo", NULL), port, fd, n, i;
    if (!echo_port)
        return;
    snprintf(service, sizeof service, "2:%d", echo_port);
    for (i = 0; i < 16; i++)            /* the most a beacon announces */
        services[i] = service;
    services[16] = NULL;
    if (!(port = beacon_start(&beacon, services)))
        return;
    fd = udp_socket_for("127.0.0.1", port, &to, &to_len);
    make_question(q, QUESTION_SIZE);
    send_datagram(fd, &to, to_len, q, QUESTION_SIZE);
    n = receive_datagram(fd, answer, sizeof answer, timeout_ms(3000));
    expect(n > 0 && n <= QUESTION_SIZE, "an answer of 1 to %d bytes, got %d", QUESTION_SIZE, n);
    answer[n > 0 ? n : 0] = '\0';
    expect(n == (int)strlen(ANSWER_HEAD) + 16 * (16 + (int)strlen(port_text(echo_port))),
           "all 16 services in the answer: %s", answer);
    /* the question without its padding (an amplifier's dream: 15 bytes
     * for 351), cut short by one byte, or one byte too long: no answer */
    send_datagram(fd, &to, to_len, q, strlen(QUESTION_HEAD));
    send_datagram(fd, &to, to_len, q, QUESTION_SIZE - 1);
    q[QUESTION_SIZE] = '.';
    send_datagram(fd, &to, to_len, q, QUESTION_SIZE + 1);
    n = receive_datagram(fd, answer, sizeof answer, timeout_ms(1500));
    expect(n < 0, "no answer to a question of 15, 511 or 513 bytes, got %d bytes", n);
    expect(proc_wait_for(&beacon, "ignored 15 bytes from 127.0.0.1:", timeout_ms(5000)),
           "the beacon to log the first of the three as ignored: %s", beacon.buf);
    close(fd);
    server_stop(&beacon);
    server_stop(&echo);
}

static void find_beacon_ignores_malformed_empty_and_huge_datagrams_and_answers_the_next(void)
{
    struct proc beacon;
    static char huge[BIGGEST_DATAGRAM];
    char q[QUESTION_SIZE], answer[2048];
    struct sockaddr_storage to;
    socklen_t to_len;
    int port = beacon_start(&beacon, NULL), fd, n, size = BIGGEST_DATAGRAM;
    if (!port)
        return;
    fd = udp_socket_for("127.0.0.1", port, &to, &to_len);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    make_question(q, sizeof q);
    send_datagram(fd, &to, to_len, "", 0);
    send_datagram(fd, &to, to_len, "who is there?\n", 14);
    memcpy(q, "SOCKLAB FIND 1\n", 15);              /* the right size, the wrong words */
    send_datagram(fd, &to, to_len, q, sizeof q);
    make_question(huge, sizeof huge);               /* the right words, far too big */
    send_datagram(fd, &to, to_len, huge, sizeof huge);
    n = receive_datagram(fd, answer, sizeof answer, timeout_ms(1000));
    expect(n < 0, "no answer to any of them, got %d bytes", n);
    expect(proc_wait_for(&beacon, "ignored 0 bytes from 127.0.0.1:", timeout_ms(5000)),
           "the beacon to log the first ignored datagram: %s", beacon.buf);
    make_question(q, sizeof q);
    send_datagram(fd, &to, to_len, q, sizeof q);
    n = receive_datagram(fd, answer, sizeof answer - 1, timeout_ms(3000));
    expect(n >= (int)strlen(ANSWER_HEAD) && memcmp(answer, ANSWER_HEAD, strlen(ANSWER_HEAD)) == 0,
           "the next good question answered, got %d bytes", n);
    close(fd);
    server_stop(&beacon);
}

/* A broadcast to loopback's own broadcast address, 127.255.255.255, with
 * SO_BROADCAST: it stays on this machine. Linux delivers it; systems whose
 * loopback has no broadcast address (macOS) don't, and the test says so. */
static int loopback_broadcast_works(void)
{
    struct sockaddr_in me;
    struct sockaddr_storage to;
    socklen_t to_len, len = sizeof me;
    char got[8];
    int on = 1, ok, in = socket(AF_INET, SOCK_DGRAM, 0), out;
    memset(&me, 0, sizeof me);
    me.sin_family = AF_INET;
    bind(in, (struct sockaddr *)&me, sizeof me);
    getsockname(in, (struct sockaddr *)&me, &len);
    out = udp_socket_for("127.255.255.255", ntohs(me.sin_port), &to, &to_len);
    setsockopt(out, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
    ok = sendto(out, "hi", 2, 0, (struct sockaddr *)&to, to_len) == 2 &&
         receive_datagram(in, got, sizeof got, 1000) == 2;
    close(in);
    close(out);
    return ok;
}

static void find_client_broadcast_on_loopback_reaches_the_beacon(void)
{
    struct proc beacon, client;
    char *argv[] = {"127.255.255.255", NULL, NULL}, nothing[32];
    const char *services[] = {nothing, NULL};   /* not the defaults: a lesson server may run */
    int port, rc;
    if (!loopback_broadcast_works())
        skip("this machine does not deliver a broadcast to 127.255.255.255 on loopback");
    snprintf(nothing, sizeof nothing, "6:%d", unused_port());
    if (!(port = beacon_start(&beacon, services)))
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, LESSON, "client", NULL, argv);
    expect(rc == 0, "the finder to hear the beacon through a broadcast, got %d (%s)", rc,
           client.buf);
    expect_has("the finder's output", client.buf, "at 127.0.0.1: no lesson server is running");
    server_stop(&beacon);
}

static void find_client_asks_over_ipv6(void)
{
    struct proc beacon, client;
    char *argv[] = {"::1", NULL, NULL};
    struct sockaddr_in6 a;
    char nothing[32];
    const char *services[] = {nothing, NULL};   /* not the defaults: a lesson server may run */
    int port, rc, fd = socket(AF_INET6, SOCK_DGRAM, 0);
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
        skip("::1 is not available on this machine");
    close(fd);
    snprintf(nothing, sizeof nothing, "6:%d", unused_port());
    if (!(port = beacon_start(&beacon, services)))
        return;
    expect_has("the beacon's start", beacon.buf, "(IPv4 and IPv6)");
    argv[1] = port_text(port);
    rc = run_program(&client, LESSON, "client", NULL, argv);
    expect(rc == 0, "an answer over IPv6, got %d (%s)", rc, client.buf);
    expect_has("the finder's output", client.buf, "beacon at ::1:");
    expect(proc_wait_for(&beacon, "question from [::1]:", timeout_ms(5000)),
           "the beacon to log the IPv6 asker: %s", beacon.buf);
    server_stop(&beacon);
}

static void find_beacon_with_b_answers_on_that_address_only(void)
{
    struct proc beacon, client;
    const char *extra[] = {"-b", "127.0.0.1", NULL};
    char *argv4[] = {"127.0.0.1", NULL, NULL}, *argv6[] = {"::1", NULL, NULL};
    int port = server_start(&beacon, LESSON, extra), rc;
    if (!port)
        return;
    expect_has("the beacon's start", beacon.buf, "answering on UDP port");
    expect_has("the beacon's start", beacon.buf, "(127.0.0.1)");
    argv4[1] = argv6[1] = port_text(port);
    rc = run_program(&client, LESSON, "client", NULL, argv4);
    expect(rc == 0, "an answer on 127.0.0.1, got %d (%s)", rc, client.buf);
    rc = run_program(&client, LESSON, "client", NULL, argv6);
    expect(rc == 1, "no answer on ::1 from a beacon bound to 127.0.0.1, got %d (%s)", rc,
           client.buf);
    server_stop(&beacon);
}

static void find_client_says_why_when_no_beacon_answers(void)
{
    struct proc client;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    long long start = now_ms();
    int rc;
    argv[1] = port_text(unused_port());
    rc = run_program(&client, LESSON, "client", NULL, argv);
    expect(rc == 1, "exit status 1 when nobody answers, got %d", rc);
    expect_has("its message", client.buf, "no beacon answered within 1 s");
    expect_has("its message", client.buf, "firewall");
    expect(now_ms() - start >= 900, "the finder to wait about a second for answers, it took %lld ms",
           now_ms() - start);
}

static void find_programs_take_h_and_refuse_bad_arguments(void)
{
    struct proc p;
    char *help[] = {"-h", NULL}, *not_a_service[] = {"0", "9000", NULL};
    char *port_first[] = {"8807", NULL}, *bad_port[] = {"-p", "70000", NULL};
    int rc = run_program(&p, LESSON, "server", NULL, help);
    expect(rc == 0 && strstr(p.buf, "usage: server") != NULL, "server -h: usage, exit 0 (%d)", rc);
    rc = run_program(&p, LESSON, "client", NULL, help);
    expect(rc == 0 && strstr(p.buf, "usage: client") != NULL, "client -h: usage, exit 0 (%d)", rc);
    rc = run_program(&p, LESSON, "server", NULL, not_a_service);
    expect(rc == 2, "server 0 9000: exit 2, got %d", rc);
    expect_has("its message", p.buf, "'9000' is not a lesson port (8801-8806) or LESSON:PORT");
    rc = run_program(&p, LESSON, "client", NULL, port_first);
    expect(rc == 2, "client 8807: exit 2 (a port where the host goes), got %d", rc);
    rc = run_program(&p, LESSON, "client", NULL, bad_port);
    expect(rc == 2, "client -p 70000: exit 2, got %d", rc);
}

const struct test find_tests[] = {
    {"find_client_prints_the_command_for_each_lesson_server_that_accepts",
     find_client_prints_the_command_for_each_lesson_server_that_accepts},
    {"find_beacon_announces_the_lesson_ports_by_default",
     find_beacon_announces_the_lesson_ports_by_default},
    {"find_answer_is_never_larger_than_the_question", find_answer_is_never_larger_than_the_question},
    {"find_beacon_ignores_malformed_empty_and_huge_datagrams_and_answers_the_next",
     find_beacon_ignores_malformed_empty_and_huge_datagrams_and_answers_the_next},
    {"find_client_broadcast_on_loopback_reaches_the_beacon",
     find_client_broadcast_on_loopback_reaches_the_beacon},
    {"find_client_asks_over_ipv6", find_client_asks_over_ipv6},
    {"find_beacon_with_b_answers_on_that_address_only",
     find_beacon_with_b_answers_on_that_address_only},
    {"find_client_says_why_when_no_beacon_answers", find_client_says_why_when_no_beacon_answers},
    {"find_programs_take_h_and_refuse_bad_arguments", find_programs_take_h_and_refuse_bad_arguments},
    {0, 0},
};
