/*
 * t_door2.c - the door of lessons 05 and 06, round 2 (issues 19 and 20):
 * seats per machine (an IPv6 laptop behind a router may use its whole /64:
 * one machine; on the class's own /64 each address is a classmate), a budget
 * of joins per second for the whole room, a class behind one address
 * seated at once with --per-address 40, and a log that a slow console can't
 * turn against the room (common/log.h).
 *
 * The /64 test needs addresses of one /64 on this machine: it makes a
 * network namespace of its own (root only, with `ip`; it skips with the
 * reason elsewhere), where the route "local 2001:db8:1:2::/64 dev lo" makes
 * every address of that /64 local (and ip_nonlocal_bind lets a socket
 * bind one before it is used: the namespace's own setting). The other tests use 127.0.0.0/8, which
 * is all local on Linux: 127.0.1.1, 127.0.1.2... are different machines to
 * the servers, and --per-address given makes them count loopback.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MOST = 300 };

/* A connection from address `src` (port 0) to `dst`:port; -1 on failure. */
static int connect_from(const char *src, const char *dst, int port)
{
    struct sockaddr_storage from, to;
    int v6 = strchr(dst, ':') != NULL, fd;
    socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    memset(&from, 0, sizeof from);
    memset(&to, 0, sizeof to);
    if (v6) {
        struct sockaddr_in6 *f = (struct sockaddr_in6 *)&from, *t = (struct sockaddr_in6 *)&to;
        f->sin6_family = t->sin6_family = AF_INET6;
        inet_pton(AF_INET6, src, &f->sin6_addr);
        inet_pton(AF_INET6, dst, &t->sin6_addr);
        t->sin6_port = htons((unsigned short)port);
    } else {
        struct sockaddr_in *f = (struct sockaddr_in *)&from, *t = (struct sockaddr_in *)&to;
        f->sin_family = t->sin_family = AF_INET;
        inet_pton(AF_INET, src, &f->sin_addr);
        inet_pton(AF_INET, dst, &t->sin_addr);
        t->sin_port = htons((unsigned short)port);
    }
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&from, len) != 0 ||
        connect(fd, (struct sockaddr *)&to, len) != 0) {
        expect(0, "a connection from %s to %s: %s", src, dst, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* What the door said first to each of n connections: how many were let
 * in (a greeting) and how many turned away ("too many ...", or the
 * doctor's "ONLY A FEW PATIENTS FROM ONE ADDRESS"). */
static int count_let_in(const int *fds, int n, int *turned_away, char *a_refusal, size_t cap)
{
    char got[1024];
    int i, in = 0;
    *turned_away = 0;
    for (i = 0; i < n; i++) {
        got[0] = '\0';
        if (fds[i] >= 0)
            recv_until(fds[i], got, sizeof got, "\n", timeout_ms(5000));
        if (strstr(got, "too many") != NULL || strstr(got, "TOO MANY") != NULL ||
            strstr(got, "ONLY A FEW") != NULL) {
            ++*turned_away;
            snprintf(a_refusal, cap, "%s", got);
        } else {
            in += strstr(got, "welcome") != NULL || strstr(got, "HOW DO YOU DO") != NULL;
        }
    }
    return in;
}

static void close_all(int *fds, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* ---- seats per machine: a routed IPv6 /64 is one machine ------------------ */

/* A network namespace of this test's own (the runner runs each test in a
 * process of its own, so nothing outside it changes), with two /64s local. */
static void enter_a_namespace_with_two_local_64s(void)
{
    if (on_wine)        /* wine's sockets are made by the wineserver, outside it */
        skip("under wine, sockets are made by the wineserver, which runs outside this "
             "test's network namespace (the native run tests the /64)");
    if (geteuid() != 0)
        skip("needs root, to make a network namespace with a /64 of local addresses");
    need_program("ip", "the /64 test (it makes its own network namespace)");
    if (unshare(CLONE_NEWNET) != 0)
        skip("unshare(CLONE_NEWNET) refused here: no network namespace, no /64 to test");
    expect(system("ip link set lo up && ip -6 route add local 2001:db8:1:2::/64 dev lo && "
                  "ip -6 route add local 2001:db8:7:7::/64 dev lo && "
                  "echo 1 > /proc/sys/net/ipv6/ip_nonlocal_bind") == 0,
           "ip to set up the namespace's loopback and routes");
}

/* 64 addresses of one /64 from another network (one laptop behind a
 * router), 4 connections each: the laptop gets the 4 seats of one machine,
 * not 256; a classmate from another /64 still gets in; and 30 classmates
 * on the server's own /64 (the class's LAN, where the /64 is everyone's)
 * get a seat each. */
static void one_64_gets_the_seats_of_one_machine(const char *lesson)
{
    static int fds[MOST];
    struct proc server;
    char src[64], refusal[1024] = "";
    int i, in, away, n = 64 * 4, port;
    enter_a_namespace_with_two_local_64s();
    if (!(port = server_start(&server, lesson, NULL)))
        return;
    for (i = 0; i < n; i++) {           /* to our address on the other /64 */
        snprintf(src, sizeof src, "2001:db8:1:2::%x", 0x100 + i % 64);
        fds[i] = connect_from(src, "2001:db8:7:7::1", port);
    }
    in = count_let_in(fds, n, &away, refusal, sizeof refusal);
    note("%d of %d connections from 64 addresses of one /64 let in, %d turned away", in, n, away);
    expect(in == 4, "the /64 to get the 4 seats of one machine (--per-address 4), got %d", in);
    expect(away == n - 4, "the rest to be turned away, told why; got %d", away);
    expect(strstr(refusal, "--per-address 40") != NULL,
           "the refusal to say what a class sharing an address can do: %s", refusal);
    fds[0] = connect_from("2001:db8:7:7::5", "2001:db8:1:2::1", port);
    in = count_let_in(fds, 1, &away, refusal, sizeof refusal);
    expect(in == 1, "a classmate from another /64 to get in, got: %s", refusal);
    for (i = 1; i <= 30; i++) {         /* the LAN: the /64 of the address they reach */
        snprintf(src, sizeof src, "2001:db8:7:7::%x", 0x100 + i);
        fds[i] = connect_from(src, "2001:db8:7:7::1", port);
    }
    in = count_let_in(fds + 1, 30, &away, refusal, sizeof refusal);
    note("%d of 30 classmates on the server's own /64 let in", in);
    expect(in == 30, "30 classmates on the class's own /64 to get a seat each, got %d: %s", in,
           refusal);
    close_all(fds, n);
    server_stop(&server);
}

static void chatroom_counts_an_ipv6_64_as_one_machine(void)
{
    one_64_gets_the_seats_of_one_machine("06-chatroom");
}

static void doctor_counts_an_ipv6_64_as_one_machine(void)
{
    one_64_gets_the_seats_of_one_machine("05-doctor");
}

/* ---- the room's budget of joins ------------------------------------------ */

/* 100 machines (127.0.1.1 to 127.0.1.100), one connection each, all at
 * once: a class (40, plus --per-address) comes in together, then 4 a
 * second; the rest are told to wait. A second later, one more gets in. */
static void many_addresses_are_paced_for_the_room(const char *lesson)
{
    static const char *const extra[] = {"--per-address", "4", NULL};
    static int fds[MOST];
    struct proc server;
    char src[64], refusal[1024] = "";
    int i, in, away, n = 100, port = server_start(&server, lesson, extra);
    long long start = now_ms();
    double took;
    if (!port)
        return;
    for (i = 0; i < n; i++) {
        snprintf(src, sizeof src, "127.0.1.%d", 1 + i);
        fds[i] = connect_from(src, "127.0.0.1", port);
    }
    in = count_let_in(fds, n, &away, refusal, sizeof refusal);
    took = (now_ms() - start) / 1000.0;
    note("%d of %d machines let in at once (in %.1f s), %d told to wait", in, n, took, away);
    expect(in >= 40, "a class of 40 to come in at once, got %d", in);
    expect(in <= 44 + 4 * (int)(took + 1), "at most 44 at once, then 4 a second: %d in %.1f s",
           in, took);
    expect(strstr(refusal, "at once") != NULL || strstr(refusal, "AT ONCE") != NULL,
           "the others told that too many are joining at once: %s", refusal);
    close_all(fds, n);
    usleep(1500 * 1000);
    fds[0] = connect_from("127.0.2.1", "127.0.0.1", port);
    expect(count_let_in(fds, 1, &away, refusal, sizeof refusal) == 1,
           "a newcomer 1.5 s later to get in, got: %s", refusal);
    close(fds[0]);
    server_stop(&server);
}

static void chatroom_paces_a_join_storm_from_many_addresses(void)
{
    many_addresses_are_paced_for_the_room("06-chatroom");
}

static void doctor_paces_a_join_storm_from_many_addresses(void)
{
    many_addresses_are_paced_for_the_room("05-doctor");
}

/* ---- a class behind one address ------------------------------------------ */

/* --per-address 40: 40 students behind one NAT (127.0.0.1 here) all get in
 * at once; the 41st hears that the address is shared and what the teacher
 * can type, and the log names the option. */
static void a_natd_class_of_40_is_seated_at_once(const char *lesson)
{
    static const char *const extra[] = {"--per-address", "40", NULL};
    static int fds[MOST];
    struct proc server;
    char refusal[1024] = "";
    int i, in, away, port = server_start(&server, lesson, extra);
    if (!port)
        return;
    for (i = 0; i < 40; i++)
        fds[i] = connect_from("127.0.0.1", "127.0.0.1", port);
    in = count_let_in(fds, 40, &away, refusal, sizeof refusal);
    note("%d of 40 let in at once from one address", in);
    expect(in == 40, "all 40 of a class behind one address to get in at once, got %d: %s", in,
           refusal);
    fds[40] = connect_from("127.0.0.1", "127.0.0.1", port);
    count_let_in(fds + 40, 1, &away, refusal, sizeof refusal);
    expect(away == 1 && strstr(refusal, "--per-address 40") != NULL &&
           (strstr(refusal, "shar") != NULL || strstr(refusal, "SHAR") != NULL),
           "the 41st told that the address is shared and what the teacher can do: %s", refusal);
    expect(proc_wait_for(&server, "--per-address 40", timeout_ms(3000)),
           "the log to name the option (--per-address 40)");
    close_all(fds, 41);
    server_stop(&server);
}

static void chatroom_seats_a_natd_class_of_40_at_once(void)
{
    a_natd_class_of_40_is_seated_at_once("06-chatroom");
}

static void doctor_seats_a_natd_class_of_40_at_once(void)
{
    a_natd_class_of_40_is_seated_at_once("05-doctor");
}

/* ---- a log that can't be used against the room ---------------------------- */

/* Reads the server's log at 20 KB/s (a cmd.exe console's pace) into `file`,
 * until killed. */
static void read_slowly(int log, const char *file)
{
    char chunk[2048];
    int out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ssize_t n;
    for (;;) {
        if ((n = read(log, chunk, sizeof chunk)) > 0 && write(out, chunk, (size_t)n) != n)
            _exit(1);
        usleep(100 * 1000);
    }
}

/* eve sends /msg to herself as fast as she can (and reads the answers, so
 * she never holds the room back), while connections from her address are
 * refused over and over: each of these once made a log line. Until killed. */
static void flood_the_log(int eve, int port)
{
    static const char line[] = "/msg eve x\n";
    char msgs[100 * sizeof line], sink[65536];
    int i, fd;
    for (i = 0; i < 100; i++)
        memcpy(msgs + i * (sizeof line - 1), line, sizeof line - 1);
    fcntl(eve, F_SETFL, fcntl(eve, F_GETFL) | O_NONBLOCK);
    for (;;) {
        if (send(eve, msgs, 100 * (sizeof line - 1), MSG_NOSIGNAL) < 0 && errno != EAGAIN)
            _exit(1);
        while (recv(eve, sink, sizeof sink, 0) > 0)
            ;
        for (i = 0; i < 10; i++)
            if ((fd = tcp_connect("127.0.0.1", port)) >= 0)
                close(fd);
    }
}

static int count_of(const char *text, const char *what)
{
    int n = 0;
    for (; text != NULL && (text = strstr(text, what)) != NULL; text++)
        n++;
    return n;
}

/* The log goes to a pipe read at 20 KB/s while one member floods it with
 * /msg and refused connections: another member's line still reaches the
 * room within 1 s, and the repeats are summed up instead of logged one by
 * one (even a second one: bob's two /msg lines). */
static void chatroom_never_waits_for_a_slow_log(void)
{
    static const char *const extra[] = {"--per-address", "3", NULL};
    char file[] = "/tmp/socklab-slowlog-XXXXXX", ping[64], got[4096], *early;
    struct proc server;
    pid_t reader, flooder;
    int alice, bob, eve, i, tmp, port = server_start(&server, "06-chatroom", extra);
    long long start, worst = 0;
    if (!port || (alice = chatroom_join(port, "alice")) < 0 || (bob = chatroom_join(port, "bob")) < 0
        || (eve = chatroom_join(port, "eve")) < 0 || (tmp = mkstemp(file)) < 0)
        return;
    close(tmp);
    if ((reader = fork()) == 0)
        read_slowly(server.out, file);
    if ((flooder = fork()) == 0)
        flood_the_log(eve, port);
    usleep(1000 * 1000);                /* the log has long filled its pipe by now */
    for (i = 0; i < 4; i++) {
        snprintf(ping, sizeof ping, "ping %d\n", i);
        send_text(alice, ping);
        start = now_ms();
        ping[strlen(ping) - 1] = '\0';
        got[0] = '\0';
        recv_until(bob, got, sizeof got, ping, 5000);
        if (strstr(got, ping) == NULL || now_ms() - start > worst)
            worst = strstr(got, ping) == NULL ? 5000 : now_ms() - start;
        usleep(300 * 1000);
    }
    kill(flooder, SIGKILL);
    kill(reader, SIGKILL);
    waitpid(flooder, NULL, 0);
    waitpid(reader, NULL, 0);
    send_text(bob, "/msg bob one\n/msg bob two\n");     /* twice is summed up too */
    note("alice's lines reached bob within %lld ms at worst", worst);
    expect(worst <= timeout_ms(1000), "alice's lines to reach bob within 1 s, the worst took %lld ms",
           worst);
    expect(proc_wait_for(&server, "private messages sent by eve in the last", timeout_ms(15000)),
           "the log to sum up eve's /msg lines");
    expect(proc_wait_for(&server, "connections refused from 127.0.0.1 in the last",
                         timeout_ms(5000)), "the log to sum up the refused connections");
    expect(proc_wait_for(&server, "2 private messages sent by bob in the last", timeout_ms(15000)),
           "the log to sum up bob's two /msg lines as well");
    early = strstr(server.buf, "sent by bob in the last ");
    expect(early != NULL && atoi(early + 24) >= 10 && atoi(early + 24) <= 12,
           "the summary to cover 10 s, as the README says: %.60s", early ? early : "(none)");
    early = slurp(file);
    note("%d /msg and %d refusals logged one by one", count_of(early, "sent eve a private") +
         count_of(server.buf, "sent eve a private"), count_of(early, "refused 127.0.0.1:") +
         count_of(server.buf, "refused 127.0.0.1:"));
    expect(count_of(early, "sent eve a private") + count_of(server.buf, "sent eve a private") <= 3,
           "eve's /msg lines logged once, then summed up");
    expect(count_of(early, "refused 127.0.0.1:") + count_of(server.buf, "refused 127.0.0.1:") <= 3,
           "refused connections logged once, then summed up");
    free(early);
    unlink(file);
    close(alice);
    close(bob);
    close(eve);
    server_stop(&server);
}

/* Empties what arrived for a member who is not being watched, so that it
 * never falls behind (the room would wait for it). */
static void drain(int fd)
{
    char sink[65536];
    while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
        ;
}

/* Reads what alice and bob are told until alice has heard `last`: the
 * server has then handled every member before it (under wine it may take
 * a while). 1 if she did. */
static int heard_last_member(int alice, int bob, const char *last)
{
    char got[65536 + 64];
    size_t kept = 0;
    ssize_t n;
    long long deadline = now_ms() + timeout_ms(60000);
    while (now_ms() < deadline) {
        drain(bob);
        n = recv(alice, got + kept, sizeof got - 1 - kept, MSG_DONTWAIT);
        if (n <= 0) {
            usleep(10 * 1000);
            continue;
        }
        got[kept + (size_t)n] = '\0';
        if (strstr(got, last) != NULL)
            return 1;
        kept += (size_t)n;
        if (kept > 64) {                /* keep the end: `last` may be cut in two */
            memmove(got, got + kept - 64, 64);
            kept = 64;
        }
    }
    return expect(0, "alice to hear \"%s\" within %d s (a room that waits on its unread log "
                  "never gets there)", last, timeout_ms(60000) / 1000);
}

/* Nobody reads the log at all (a console frozen by a click or Ctrl+S) while
 * 4000 members come and go, 280 KB of log: the room goes on (a line still
 * reaches another member within 1 s), and once the log is read again it
 * says how many lines it had to drop. */
static void chatroom_goes_on_while_nobody_reads_its_log(void)
{
    struct proc server;
    char name[32], got[4096];
    int alice, bob, i, fd, port = server_start(&server, "06-chatroom", NULL);
    long long start;
    if (!port || (alice = chatroom_join(port, "alice")) < 0 || (bob = chatroom_join(port, "bob")) < 0)
        return;
    for (i = 0; i < 4000; i++) {
        snprintf(name, sizeof name, "member%d\n", i);
        if ((fd = tcp_connect("127.0.0.1", port)) >= 0) {
            send_text(fd, name);
            close(fd);
        }
        if (i % 20 == 0) {
            drain(alice);
            drain(bob);
        }
    }
    if (!heard_last_member(alice, bob, "* member3999 left"))
        return;
    send_text(alice, "are you there?\n");
    start = now_ms();
    got[0] = '\0';
    recv_until(bob, got, sizeof got, "alice: are you there?", 5000);
    note("alice's line reached bob after %lld ms, the log unread", now_ms() - start);
    expect(strstr(got, "alice: are you there?") != NULL && now_ms() - start <= timeout_ms(1000),
           "alice's line to reach bob within 1 s while nobody reads the log (took %lld ms)",
           now_ms() - start);
    expect(proc_wait_for(&server, "log lines dropped", timeout_ms(10000)),
           "the log to say how many lines it dropped, once read again; it ends: %s",
           server.len > 300 ? server.buf + server.len - 300 : server.buf);
    close(alice);
    close(bob);
    server_stop(&server);
}

const struct test door2_tests[] = {
    {"chatroom_counts_an_ipv6_64_as_one_machine", chatroom_counts_an_ipv6_64_as_one_machine},
    {"doctor_counts_an_ipv6_64_as_one_machine", doctor_counts_an_ipv6_64_as_one_machine},
    {"chatroom_paces_a_join_storm_from_many_addresses",
     chatroom_paces_a_join_storm_from_many_addresses},
    {"doctor_paces_a_join_storm_from_many_addresses", doctor_paces_a_join_storm_from_many_addresses},
    {"chatroom_seats_a_natd_class_of_40_at_once", chatroom_seats_a_natd_class_of_40_at_once},
    {"doctor_seats_a_natd_class_of_40_at_once", doctor_seats_a_natd_class_of_40_at_once},
    {"chatroom_never_waits_for_a_slow_log", chatroom_never_waits_for_a_slow_log},
    {"chatroom_goes_on_while_nobody_reads_its_log", chatroom_goes_on_while_nobody_reads_its_log},
    {0, 0}
};
