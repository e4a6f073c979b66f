/*
 * t_basics.c - lessons 01-hello, 02-echo, 03-daytime, and the conventions
 * every program shares: -h, exit 2 on bad arguments, exit 1 with a clear
 * line on runtime failures, and servers that survive their clients.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* Every lesson with a server and a client, for the shared conventions. */
static const char *const lessons[] = {"01-hello", "02-echo", "03-daytime", "04-chat", "05-doctor",
                                       "06-chatroom", NULL};

/* A missing binary is a failure, never a silent skip. */
static int lesson_built(const char *lesson)
{
    return expect(access(bin_path(lesson, "server"), X_OK) == 0 &&
                  access(bin_path(lesson, "client"), X_OK) == 0,
                  "%s's server and client to be built", lesson);
}

/* ---- 01-hello ----------------------------------------------------------- */

static void hello_server_prints_each_clients_line_with_its_address(void)
{
    struct proc server, client;
    int port = server_start(&server, "01-hello", NULL), rc;
    char *argv4[] = {"127.0.0.1", NULL, NULL}, *argv6[] = {"::1", NULL, "second", "client", NULL};
    if (!port)
        return;
    argv4[1] = argv6[1] = port_text(port);
    rc = run_program(&client, "01-hello", "client", NULL, argv4);
    expect(rc == 0, "the first client to exit 0, got %d (output: %s)", rc, client.buf);
    expect(proc_wait_for(&server, ": Hello, world!\n", timeout_ms(5000)),
           "the server to print the default line");
    expect_has("server log", server.buf, "received from 127.0.0.1:");
    rc = run_program(&client, "01-hello", "client", NULL, argv6);
    expect(rc == 0, "the second client to exit 0, got %d (output: %s)", rc, client.buf);
    expect(proc_wait_for(&server, ": second client\n", timeout_ms(5000)),
           "the server to serve a second client and print its text");
    expect_has("server log", server.buf, "received from [::1]:");
    server_stop(&server);
}

static void hello_server_reads_a_line_split_across_sends_and_strips_crlf(void)
{
    struct proc server;
    int port = server_start(&server, "01-hello", NULL), fd;
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    send_text(fd, "Hel");
    usleep(200000);
    send_text(fd, "lo th");
    usleep(200000);
    send_text(fd, "ere\r\n");
    expect(proc_wait_for(&server, ": Hello there\n", timeout_ms(5000)),
           "the three pieces printed as one line without the CR");
    close(fd);
    fd = tcp_connect("127.0.0.1", port);   /* and an escape sequence is defused */
    send_text(fd, "\x1b[2Jcleared?\n");
    expect(proc_wait_for(&server, ": ?[2Jcleared?\n", timeout_ms(5000)),
           "the ESC byte replaced before printing");
    close(fd);
    fd = tcp_connect("127.0.0.1", port);   /* a NUL byte neither hides the newline */
    send_all(fd, "ab\0cd\n", 6);            /* nor cuts the line short */
    expect(proc_wait_for(&server, ": ab?cd\n", timeout_ms(5000)),
           "the line with its NUL shown as ?, at once (not after the 10 s patience)");
    close(fd);
    fd = tcp_connect("127.0.0.1", port);   /* issue 9: no C1 control, no raw 0x9B */
    send_text(fd, "csi \xc2\x9b" "2J raw \x9b" "2J, cut \xe2\x82, \xc3\xa9t\xc3\xa9\n");
    expect(proc_wait_for(&server, ": csi ??2J raw ?2J, cut ??, \xc3\xa9t\xc3\xa9\n",
                         timeout_ms(5000)), "C1, raw and cut bytes as ?, UTF-8 kept");
    expect(terminal_safe(server.buf, server.len), "only text in the log, got: %s", server.buf);
    close(fd);
    server_stop(&server);
}

/* One client at a time: a client that connects and says nothing must not
 * keep the next one waiting forever. */
static void hello_server_gives_up_on_a_silent_client(void)
{
    struct proc server, client;
    char *argv[] = {"127.0.0.1", NULL, "after the silent one", NULL};
    int port = server_start(&server, "01-hello", NULL), silent, rc;
    if (!port || (silent = tcp_connect("127.0.0.1", port)) < 0)
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, "01-hello", "client", NULL, argv);
    expect(rc == 0, "the second client to connect and exit 0 (it waits in the queue), got %d", rc);
    expect(proc_wait_for(&server, ": after the silent one\n", timeout_ms(20000)),
           "the server to give up on the silent client and serve the next");
    expect_has("server log", server.buf, "sent nothing");
    close(silent);
    server_stop(&server);
}

/* ---- 02-echo ------------------------------------------------------------ */

/* Sends len pseudo-random bytes in uneven pieces while reading the echo, so
 * neither side blocks on a full buffer; then half-closes and expects every
 * byte back, in order, and the server to close. */
static void echo_check_bytes(const char *host, size_t len)
{
    struct proc server;
    unsigned char *out = malloc(len), *back = malloc(len);
    size_t sent = 0, got = 0, i;
    unsigned seed = 12345;
    long long deadline;
    int port = server_start(&server, "02-echo", NULL), fd;
    if (!port || (fd = tcp_connect(host, port)) < 0)
        goto done;
    for (i = 0; i < len; i++)
        out[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
    deadline = now_ms() + timeout_ms(30000);
    while (got < len && now_ms() < deadline) {
        size_t piece = 1 + (seed = seed * 1103515245u + 12345u) % 9000;
        ssize_t n;
        if (sent < len) {
            if (piece > len - sent)
                piece = len - sent;
            n = send(fd, out + sent, piece, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0)
                sent += (size_t)n;
            if (sent == len)
                shutdown(fd, SHUT_WR);
        }
        n = recv(fd, back + got, len - got, sent < len ? MSG_DONTWAIT : 0);
        if (n > 0)
            got += (size_t)n;
        else if (n == 0)
            break;
        else if (sent == len)
            usleep(1000);
    }
    expect(got == len, "%zu bytes back over %s, got %zu", len, host, got);
    for (i = 0; i < got && out[i] == back[i]; i++)
        ;
    expect(i == got, "every byte unchanged; the first difference is at byte %zu", i);
    expect(wait_closed(fd, timeout_ms(5000)), "the server to close after our half-close");
    close(fd);
    server_stop(&server);
done:
    free(out);
    free(back);
}

static void echo_returns_1mib_unchanged_over_ipv4(void)
{
    echo_check_bytes("127.0.0.1", 1 << 20);
}

static void echo_returns_1mib_unchanged_over_ipv6(void)
{
    echo_check_bytes("::1", 1 << 20);
}

static void echo_client_prints_each_piped_line_and_exits_0(void)
{
    struct proc server, client;
    int port = server_start(&server, "02-echo", NULL), rc;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    if (!port)
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, "02-echo", "client", "first line\nsecond line\n", argv);
    expect(rc == 0, "exit status 0 at end of input, got %d", rc);
    expect_has("client output", client.buf, "first line\nsecond line\n");
    rc = run_program(&client, "02-echo", "client", "before\n\nafter\n", argv);
    expect(rc == 0, "exit status 0 at an empty line, got %d", rc);
    expect_has("client output", client.buf, "before\n");
    expect(strstr(client.buf, "after") == NULL, "nothing echoed after the empty line, got %s",
           client.buf);
    rc = run_program(&client, "02-echo", "client", "before\r\n\r\nafter\r\n", argv);
    expect(rc == 0 && strstr(client.buf, "after") == NULL,   /* Windows and telnet end lines so */
           "exit status 0 at an empty CR LF line, nothing echoed after it, got %d: %s", rc, client.buf);
    server_stop(&server);
}

/* Bytes, not C strings: a NUL byte in the input is echoed like any other
 * (a client that used strlen() on what fgets() read would stop at it). */
static void echo_client_sends_nul_bytes_like_any_other(void)
{
    static const char input[] = "a\0b\n\0abc\n";
    struct proc server, client;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    int rc, port = server_start(&server, "02-echo", NULL);
    if (!port)
        return;
    argv[1] = port_text(port);
    if (proc_startv(&client, bin_path("02-echo", "client"), argv) != 0)
        return;
    expect(write(client.in, input, sizeof input - 1) == (ssize_t)(sizeof input - 1),
           "to write the input");
    proc_close_stdin(&client);
    rc = proc_wait_exit(&client, timeout_ms(15000));
    expect(rc == 0, "exit status 0 at end of input, got %d", rc);
    expect(client.len == sizeof input - 1 && memcmp(client.buf, input, client.len) == 0,
           "the client to print the %d bytes it sent, NULs included; got %d bytes",
           (int)sizeof input - 1, (int)client.len);
    server_stop(&server);
}

static void echo_second_client_waits_until_the_first_leaves(void)
{
    struct proc server;
    char buf[64] = "";
    int port = server_start(&server, "02-echo", NULL), first, second;
    if (!port || (first = tcp_connect("127.0.0.1", port)) < 0)
        return;
    send_text(first, "one\n");
    recv_until(first, buf, sizeof buf, "one\n", timeout_ms(5000));
    second = tcp_connect("127.0.0.1", port);   /* the listen() queue takes it */
    send_text(second, "two\n");
    buf[0] = '\0';
    recv_until(second, buf, sizeof buf, "two\n", 500);
    expect(buf[0] == '\0', "no echo for the second client while the first is served, got %s", buf);
    close(first);
    recv_until(second, buf, sizeof buf, "two\n", timeout_ms(5000));
    expect_str("second client's echo once the first left", buf, "two\n");
    close(second);
    server_stop(&server);
}

/* Sends len bytes in 3-byte pieces 20 ms apart, as a server across a slow
 * network would. */
static void send_in_pieces(int fd, const char *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i += 3) {
        send(fd, data + i, len - i < 3 ? len - i : 3, MSG_NOSIGNAL);
        usleep(20000);
    }
}

/* A stand-in server, forked from the test, for one client. With `text`, it
 * sends it in pieces and closes (a daytime server); without, it echoes each
 * line in pieces, but only half of a line that holds "cut", and then hangs
 * up. Returns its port and sets *pid, or 0. */
static int serve_in_pieces(pid_t *pid, const char *text)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int listener = socket(AF_INET, SOCK_STREAM, 0), fd;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!expect(listener >= 0 && bind(listener, (struct sockaddr *)&a, sizeof a) == 0 &&
                listen(listener, 1) == 0 && getsockname(listener, (struct sockaddr *)&a, &len) == 0,
                "a listening socket for the stand-in server"))
        return 0;
    if ((*pid = fork()) == 0) {
        char line[256];
        size_t n = 0;
        fd = accept(listener, NULL, NULL);
        if (text != NULL)
            send_in_pieces(fd, text, strlen(text));
        while (text == NULL && n < sizeof line && recv(fd, line + n, 1, 0) == 1)
            if (line[n++] == '\n') {
                int cut = memmem(line, n, "cut", 3) != NULL;
                send_in_pieces(fd, line, cut ? n / 2 : n);
                if (cut)
                    break;
                n = 0;
            }
        _exit(0);
    }
    close(listener);
    return ntohs(a.sin_port);
}

static void stop_stand_in(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

/* The echo may come back in pieces: the client shows a line only once all
 * of it is back, and says so when the server hangs up before that (a client
 * that stopped after one recv() would show the line it sent as its echo). */
static void echo_client_waits_for_the_whole_echo_when_it_comes_in_pieces(void)
{
    struct proc client;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    pid_t pid;
    int rc, port = serve_in_pieces(&pid, NULL);
    if (!port)
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, "02-echo", "client", "hello, in pieces\nthis one is cut short\n", argv);
    stop_stand_in(pid);
    expect(rc == 1, "the client to exit 1 when the server hangs up mid-echo, got %d", rc);
    expect_has("client output", client.buf, "hello, in pieces\n");
    expect(strstr(client.buf, "this one is cut short") == NULL,
           "no echo shown for the line the server echoed only half of, got %s", client.buf);
    expect_has("client output", client.buf, "closed the connection before echoing everything");
}

/* ---- 03-daytime --------------------------------------------------------- */

static void expect_daytime_line(const char *got)
{
    struct tm tm;
    const char *end;
    long long diff;
    memset(&tm, 0, sizeof tm);
    end = strptime(got, "%A, %B %d, %Y %H:%M:%S UTC", &tm);
    if (!expect(end != NULL, "a line like \"Sunday, November 22, 2026 01:29:18 UTC\", got \"%s\"", got))
        return;
    expect_str("after the time", end, "\r\n");
    diff = (long long)timegm(&tm) - (long long)time(NULL);
    expect(diff > -60 && diff < 60, "the time within a minute of now, it is %lld s off", diff);
}

static void daytime_sends_the_utc_time_in_one_crlf_line_and_closes(void)
{
    struct proc server;
    char buf[256];
    int closed, port = server_start(&server, "03-daytime", NULL), fd;
    if (!port || (fd = tcp_connect("::1", port)) < 0)
        return;
    recv_all(fd, buf, sizeof buf, timeout_ms(5000), &closed);
    expect(closed, "the server to close after the line");
    expect_daytime_line(buf);
    close(fd);
    server_stop(&server);
}

static void daytime_ignores_what_the_client_sends(void)
{
    struct proc server;
    char buf[256], junk[20000];
    int closed, port = server_start(&server, "03-daytime", NULL), fd;
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    memset(junk, 'x', sizeof junk);
    send_all(fd, "what time is it?\r\n", 18);
    send_all(fd, junk, sizeof junk);
    recv_all(fd, buf, sizeof buf, timeout_ms(5000), &closed);
    expect(closed, "the server to close after the line");
    expect_daytime_line(buf);
    close(fd);
    server_stop(&server);
}

static void daytime_client_prints_the_line_and_exits_0(void)
{
    struct proc server, client;
    int port = server_start(&server, "03-daytime", NULL), rc;
    char *argv[] = {"localhost", NULL, NULL};
    if (!port)
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, "03-daytime", "client", NULL, argv);
    expect(rc == 0, "exit status 0, got %d", rc);
    expect_daytime_line(client.buf);
    server_stop(&server);
}

/* The line may come in pieces: the client prints it all, up to the end. */
static void daytime_client_prints_a_line_that_comes_in_pieces(void)
{
    static const char line[] = "Sunday, November 22, 2026 01:29:18 UTC\r\n";
    struct proc client;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    pid_t pid;
    int rc, port = serve_in_pieces(&pid, line);
    if (!port)
        return;
    argv[1] = port_text(port);
    rc = run_program(&client, "03-daytime", "client", NULL, argv);
    stop_stand_in(pid);
    expect(rc == 0, "exit status 0, got %d", rc);
    expect_str("client output", client.buf, line);
}

/* The server half-closes first, so a client that reads until the end has
 * it as soon as the line is sent: no waiting for the server's drain time-out
 * (1 s), and a one-at-a-time server serves the next client at once. */
static void daytime_clients_in_a_row_each_get_the_line_and_the_end_at_once(void)
{
    struct proc server;
    char buf[256];
    int i, fd, closed, port = server_start(&server, "03-daytime", NULL);
    long long start;
    if (!port)
        return;
    start = now_ms();
    for (i = 0; i < 3; i++) {           /* like lesson 03's client: read until the end */
        if ((fd = tcp_connect("127.0.0.1", port)) < 0)
            break;
        recv_all(fd, buf, sizeof buf, timeout_ms(5000), &closed);
        expect(closed && strstr(buf, " UTC\r\n") != NULL, "the line and the end, got %s", buf);
        close(fd);
    }
    expect(now_ms() - start < 2500, "3 clients in a row served within 2.5 s (a server "
           "that waited out its 1 s drain for each would take 3 s), took %lld ms", now_ms() - start);
    server_stop(&server);
}

/* Dual-stack by default (see the echo tests over 127.0.0.1 and ::1); with
 * -b the server listens on that one address only. */
static void server_b_option_listens_on_one_address_only(void)
{
    static const char *const only_v4[] = {"-b", "127.0.0.1", NULL};
    struct proc server;
    char buf[64] = "";
    int port = server_start(&server, "02-echo", only_v4), fd;
    if (!port)
        return;
    expect_has("first line", server.buf, "listening on 127.0.0.1 port");
    fd = tcp_connect("127.0.0.1", port);
    send_text(fd, "v4\n");
    recv_until(fd, buf, sizeof buf, "\n", timeout_ms(5000));
    expect_str("echo over 127.0.0.1", buf, "v4\n");
    close(fd);
    {   /* nothing listens on ::1 at that port */
        struct sockaddr_in6 a;
        int s6 = socket(AF_INET6, SOCK_STREAM, 0);
        memset(&a, 0, sizeof a);
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_loopback;
        a.sin6_port = htons((unsigned short)port);
        expect(connect(s6, (struct sockaddr *)&a, sizeof a) != 0, "::1 to refuse the connection");
        close(s6);
    }
    server_stop(&server);
    {   /* all IPv4 addresses: the connect-with hints name no IPv6 one */
        static const char *const any_v4[] = {"-b", "0.0.0.0", NULL};
        const char *hint;
        char host[64];
        if (!(port = server_start(&server, "02-echo", any_v4)))
            return;
        expect(proc_wait_for(&server, "connect with:", timeout_ms(5000)), "a connect-with hint");
        usleep(100000);             /* the hint lines follow at once */
        for (hint = strstr(server.buf, "connect with:"); hint; hint = strstr(hint + 1, "connect with:"))
            if (sscanf(hint, "connect with: %*s %63s", host) == 1)
                expect(strchr(host, ':') == NULL,
                       "-b 0.0.0.0 to suggest IPv4 addresses only, got %s", server.buf);
        server_stop(&server);
    }
}

/* Every server listens on IPv6 and IPv4 at once unless -b says otherwise.
 * Linux makes an IPv6 socket dual-stack by default, Windows does not: only
 * the run under wine shows a server that forgot to ask for it. */
static void every_server_takes_ipv4_and_ipv6_clients_by_default(void)
{
    static const char *const hosts[] = {"127.0.0.1", "::1"};
    struct proc server;
    int i, k, fd, port;
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]) || !(port = server_start(&server, lessons[i], NULL)))
            continue;
        expect_has("its first line", server.buf, "(IPv4 and IPv6)");
        for (k = 0; k < 2; k++) {
            fd = tcp_connect(hosts[k], port);
            expect(fd >= 0, "the default %s server to take a client over %s", lessons[i], hosts[k]);
            if (fd >= 0)
                close(fd);
        }
        server_stop(&server);
    }
}

/* ---- conventions and errors, for every lesson ----------------------------- */

static void every_program_prints_usage_for_help_and_exits_0(void)
{
    static const char *const programs[] = {"server", "client"};
    char *argv_h[] = {"-h", NULL}, *argv_help[] = {"--help", NULL};
    struct proc p;
    int i, k, rc;
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]))
            continue;
        for (k = 0; k < 2; k++) {
            rc = run_program(&p, lessons[i], programs[k], NULL, k ? argv_help : argv_h);
            expect(rc == 0, "%s %s -h to exit 0, got %d", lessons[i], programs[k], rc);
            expect_has(bin_path(lessons[i], programs[k]), p.buf, "usage:");
        }
    }
}

static void bad_arguments_give_one_line_and_usage_and_exit_2(void)
{
    static char *const bad[][3] = {{"abc", NULL}, {"70000", NULL}, {"-x", NULL}, {"1", "2", NULL}};
    char *client_bad[] = {"localhost", "http", NULL}, *port_alone[] = {"8802", NULL};
    struct proc p;
    int i, k, rc;
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]))
            continue;
        for (k = 0; k < 4; k++) {
            rc = run_program(&p, lessons[i], "server", NULL, bad[k]);
            expect(rc == 2, "%s server %s %s to exit 2, got %d", lessons[i], bad[k][0],
                   bad[k][1] ? bad[k][1] : "", rc);
            expect_has("its output", p.buf, "usage:");
            expect_has("its output", p.buf, "error: ");
        }
        rc = run_program(&p, lessons[i], "client", NULL, client_bad);
        expect(rc == 2, "%s client localhost http to exit 2, got %d", lessons[i], rc);
        expect_has("its output", p.buf, "not a port number");
        rc = run_program(&p, lessons[i], "client", NULL, port_alone);  /* taken for a host */
        expect(rc == 2, "%s client 8802 to exit 2, got %d", lessons[i], rc);
        expect_has("its output", p.buf, "the host comes first");
    }
}

/* 1 if nothing holds `port` on 127.0.0.1 or ::1 (a bind to each works). */
static int port_is_free(int port)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    int s4 = socket(AF_INET, SOCK_STREAM, 0), s6 = socket(AF_INET6, SOCK_STREAM, 0), on = 1, ok;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    a4.sin_family = AF_INET;
    a4.sin_port = htons((unsigned short)port);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((unsigned short)port);
    setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    ok = bind(s4, (struct sockaddr *)&a4, sizeof a4) == 0 && bind(s6, (struct sockaddr *)&a6, sizeof a6) == 0;
    close(s4);
    close(s6);
    return ok;
}

/* Ports run from 1 to 65535, and 0 asks a server for any free one (every
 * test starts its servers so): 65535 is a port, 65536 and a client's 0 are
 * not, and port 1 is a port even where only an administrator may bind it. */
static void every_program_takes_ports_1_to_65535(void)
{
    char *p65536[] = {"65536", NULL}, *p65535[] = {"65535", NULL}, *p1[] = {"1", NULL};
    char *c0[] = {"127.0.0.1", "0", NULL}, *c65536[] = {"127.0.0.1", "65536", NULL};
    char *c65535[] = {"127.0.0.1", "65535", NULL}, *c1[] = {"127.0.0.1", "1", NULL};
    struct proc p;
    int i, rc, free_top = port_is_free(65535), free_1 = port_is_free(1);
    if (!free_top)
        note("port 65535 is in use here: servers are not started on it");
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]))
            continue;
        rc = run_program(&p, lessons[i], "server", NULL, p65536);
        expect(rc == 2, "%s server 65536 to exit 2, got %d", lessons[i], rc);
        rc = run_program(&p, lessons[i], "client", NULL, c0);
        expect(rc == 2, "%s client 127.0.0.1 0 to exit 2, got %d", lessons[i], rc);
        rc = run_program(&p, lessons[i], "client", NULL, c65536);
        expect(rc == 2, "%s client 127.0.0.1 65536 to exit 2, got %d", lessons[i], rc);
        rc = run_program(&p, lessons[i], "client", "hi\n", c1);   /* a port: tried, refused */
        expect(rc == 1 && strstr(p.buf, "usage") == NULL, "%s client 127.0.0.1 1 to try and "
               "exit 1 (refused), got %d: %s", lessons[i], rc, p.buf);
        if (free_top) {
            rc = run_program(&p, lessons[i], "client", "hi\n", c65535);
            expect(rc == 1 && strstr(p.buf, "usage") == NULL, "%s client 127.0.0.1 65535 to try "
                   "and exit 1 (refused), got %d: %s", lessons[i], rc, p.buf);
            if (proc_startv(&p, bin_path(lessons[i], "server"), p65535) == 0) {
                expect(server_port(&p) == 65535, "%s server 65535 to listen on 65535", lessons[i]);
                server_stop(&p);
            }
        }
        if (free_1 && proc_startv(&p, bin_path(lessons[i], "server"), p1) == 0) {
            /* it listens (as root), or can't bind (not root): never a usage error */
            proc_wait_for(&p, "\n", timeout_ms(10000));
            expect(strstr(p.buf, "usage") == NULL && (strstr(p.buf, "port 1 ") != NULL ||
                   strstr(p.buf, "bind()") != NULL), "%s server 1 to listen or name bind(), got %s",
                   lessons[i], p.buf);
            proc_stop(&p);
        }
    }
}

static void server_on_a_busy_port_exits_1_naming_the_port(void)
{
    struct proc first, second;
    char *argv[] = {NULL, NULL};
    int i, rc, port;
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]) || !(port = server_start(&first, lessons[i], NULL)))
            continue;
        argv[0] = port_text(port);
        rc = run_program(&second, lessons[i], "server", NULL, argv);
        expect(rc == 1, "a second %s server on port %d to exit 1, got %d", lessons[i], port, rc);
        expect_has("its message", second.buf, port_text(port));
        expect_has("its message", second.buf, "bind()");
        expect_has("its message", second.buf, "pick another port");
        server_stop(&first);
    }
}

/* Another program holds the port on IPv6 only: the server must say so, not
 * quietly listen on IPv4 alone while IPv6 clients reach the other program. */
static void server_on_a_port_taken_over_ipv6_only_exits_1(void)
{
    struct sockaddr_in6 a;
    socklen_t len = sizeof a;
    struct proc second;
    char *argv[] = {NULL, NULL};
    int i, rc, on = 1, fd = socket(AF_INET6, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (!expect(fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) == 0 &&
                bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0 &&
                getsockname(fd, (struct sockaddr *)&a, &len) == 0, "to hold a port on ::1"))
        return;
    argv[0] = port_text(ntohs(a.sin6_port));
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]))
            continue;
        rc = run_program(&second, lessons[i], "server", NULL, argv);
        expect(rc == 1, "%s server on port %s (taken on ::1) to exit 1, got %d: %s", lessons[i],
               argv[0], rc, second.buf);
        expect_has("its message", second.buf, "bind()");
    }
    close(fd);
}

static void client_with_no_server_exits_1_saying_refused(void)
{
    char *argv[] = {"127.0.0.1", NULL, NULL};
    struct proc p;
    int i, rc;
    argv[1] = port_text(unused_port());
    for (i = 0; lessons[i] != NULL; i++) {
        if (!lesson_built(lessons[i]))
            continue;
        rc = run_program(&p, lessons[i], "client", "hi\n", argv);
        expect(rc == 1, "%s client to exit 1, got %d", lessons[i], rc);
        expect_has_nocase("its message", p.buf, "refused");
        expect_has("its message", p.buf, "is the server running");
    }
}

/* A client that resets mid-transfer is that client's problem: the server
 * logs it and serves the next one. */
static void servers_survive_a_client_reset_mid_transfer(void)
{
    static const char *const served[] = {"01-hello", "02-echo", "03-daytime"};
    struct proc server;
    char big[200000], buf[256];
    int i, fd, port, closed;
    memset(big, 'r', sizeof big);
    for (i = 0; i < 3; i++) {
        if (!(port = server_start(&server, served[i], NULL)))
            continue;
        fd = tcp_connect("127.0.0.1", port);
        send(fd, big, sizeof big, MSG_DONTWAIT | MSG_NOSIGNAL);
        usleep(100000);
        close_with_reset(fd);
        usleep(200000);
        fd = tcp_connect("127.0.0.1", port);
        send_text(fd, "after the reset\n");
        shutdown(fd, SHUT_WR);
        recv_all(fd, buf, sizeof buf, timeout_ms(5000), &closed);
        if (i == 1)
            expect_str("echo after a reset", buf, "after the reset\n");
        else if (i == 2)
            expect_has("daytime after a reset", buf, " UTC\r\n");
        else
            expect(proc_wait_for(&server, ": after the reset\n", timeout_ms(5000)),
                   "the hello server to print the next client's line");
        close(fd);
        server_stop(&server);
    }
}

const struct test basics_tests[] = {
    {"hello_server_prints_each_clients_line_with_its_address",
     hello_server_prints_each_clients_line_with_its_address},
    {"hello_server_reads_a_line_split_across_sends_and_strips_crlf",
     hello_server_reads_a_line_split_across_sends_and_strips_crlf},
    {"hello_server_gives_up_on_a_silent_client", hello_server_gives_up_on_a_silent_client},
    {"echo_returns_1mib_unchanged_over_ipv4", echo_returns_1mib_unchanged_over_ipv4},
    {"echo_returns_1mib_unchanged_over_ipv6", echo_returns_1mib_unchanged_over_ipv6},
    {"echo_client_prints_each_piped_line_and_exits_0", echo_client_prints_each_piped_line_and_exits_0},
    {"echo_client_sends_nul_bytes_like_any_other", echo_client_sends_nul_bytes_like_any_other},
    {"echo_second_client_waits_until_the_first_leaves", echo_second_client_waits_until_the_first_leaves},
    {"echo_client_waits_for_the_whole_echo_when_it_comes_in_pieces",
     echo_client_waits_for_the_whole_echo_when_it_comes_in_pieces},
    {"daytime_sends_the_utc_time_in_one_crlf_line_and_closes",
     daytime_sends_the_utc_time_in_one_crlf_line_and_closes},
    {"daytime_ignores_what_the_client_sends", daytime_ignores_what_the_client_sends},
    {"daytime_client_prints_the_line_and_exits_0", daytime_client_prints_the_line_and_exits_0},
    {"daytime_client_prints_a_line_that_comes_in_pieces",
     daytime_client_prints_a_line_that_comes_in_pieces},
    {"daytime_clients_in_a_row_each_get_the_line_and_the_end_at_once",
     daytime_clients_in_a_row_each_get_the_line_and_the_end_at_once},
    {"server_b_option_listens_on_one_address_only", server_b_option_listens_on_one_address_only},
    {"every_server_takes_ipv4_and_ipv6_clients_by_default",
     every_server_takes_ipv4_and_ipv6_clients_by_default},
    {"every_program_takes_ports_1_to_65535", every_program_takes_ports_1_to_65535},
    {"every_program_prints_usage_for_help_and_exits_0", every_program_prints_usage_for_help_and_exits_0},
    {"bad_arguments_give_one_line_and_usage_and_exit_2", bad_arguments_give_one_line_and_usage_and_exit_2},
    {"server_on_a_busy_port_exits_1_naming_the_port", server_on_a_busy_port_exits_1_naming_the_port},
    {"server_on_a_port_taken_over_ipv6_only_exits_1", server_on_a_port_taken_over_ipv6_only_exits_1},
    {"client_with_no_server_exits_1_saying_refused", client_with_no_server_exits_1_saying_refused},
    {"servers_survive_a_client_reset_mid_transfer", servers_survive_a_client_reset_mid_transfer},
    {0, 0},
};
