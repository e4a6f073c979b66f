/*
 * t_tools.c - the helpers in tools/ (flood, hexdump, slowreader, idle,
 * check-setup) over real sockets on 127.0.0.1, against a lesson server or
 * against a listener of the test's own that checks every byte. And the build:
 * a student's unused variable warns but builds, unless STRICT=1.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *tool(const char *name)
{
    static char paths[4][64];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 64, "tools/%s%s", name, on_wine ? ".exe" : "");
    return p;
}

/* A listener on 127.0.0.1 and a free port; -1 after a failure. */
static int listen_local(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return expect(0, "a listener on 127.0.0.1: %s", strerror(errno)), -1;
    *port = ntohs(a.sin_port);
    return fd;
}

/* The next connection within ms, or -1 after a failure. */
static int accept_within(int listener, int ms)
{
    struct pollfd pfd;
    pfd.fd = listener;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, ms) != 1)
        return expect(0, "the tool to connect within %d ms", ms), -1;
    return accept(listener, NULL, NULL);
}

/* ---- every tool: -h, bad arguments, nobody listening -------------------- */

static void tools_print_usage_and_reject_bad_arguments(void)
{
    static const char *const names[] = {"flood", "hexdump", "slowreader", "idle", "check-setup", NULL};
    struct proc p;
    int i, rc;
    for (i = 0; names[i] != NULL; i++) {
        proc_start(&p, tool(names[i]), "-h", NULL);
        rc = proc_wait_exit(&p, timeout_ms(10000));
        expect(rc == 0 && strstr(p.buf, "usage:") != NULL, "%s -h: usage and exit 0, got %d: %s",
               names[i], rc, p.buf);
    }
    proc_start(&p, tool("flood"), "localhost", NULL);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 2, "flood without PORT: exit 2, got %d", rc);
    proc_start(&p, tool("flood"), "localhost", "80", "-s", "1", NULL);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 2 && strstr(p.buf, "-s takes") != NULL,
           "flood -s 1: exit 2 naming -s, got %d: %s", rc, p.buf);
    proc_start(&p, tool("slowreader"), "localhost", "80", NULL);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 2 && strstr(p.buf, "--rate") != NULL,
           "slowreader without --rate: exit 2, got %d: %s", rc, p.buf);
    proc_start(&p, tool("idle"), "127.0.0.1", port_text(unused_port()), NULL);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 1 && strstr(p.buf, "connect()") != NULL,
           "idle to a port where nobody listens: exit 1 naming connect(), got %d: %s", rc, p.buf);
}

/* ---- flood ------------------------------------------------------------------ */

static void flood_sends_the_name_then_every_line_at_its_size(void)
{
    int port, listener = listen_local(&port), fd, closed = 0, lines = scaled(5000, 500), rc;
    size_t cap = 4 + (size_t)lines * 50 + 1, got;
    char *buf = malloc(cap + 1), last[32];
    struct proc p;
    if (listener < 0)
        return;
    proc_start(&p, tool("flood"), "127.0.0.1", port_text(port), "--name", "bob", "-n",
               lines == 500 ? "500" : "5000", "-s", "50", NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) < 0)
        return;
    send_text(fd, "something for flood to read and throw away\n");
    got = recv_all(fd, buf, cap + 1, timeout_ms(30000), &closed);
    expect(closed, "flood to half-close after its last line");
    expect(got == cap - 1, "%zu bytes (bob\\n + %d lines of 50), got %zu", cap - 1, lines, got);
    expect(strncmp(buf, "bob\nflood 1 xxx", 15) == 0, "the name line, then \"flood 1 xxx...\": %.30s", buf);
    expect(got > 50 && buf[4 + 49] == '\n' && buf[got - 1] == '\n', "lines of 50 bytes");
    snprintf(last, sizeof last, "flood %d x", lines);
    expect(got > 50 && strncmp(buf + got - 50, last, strlen(last)) == 0, "the last line to be %s...", last);
    close(fd);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 0, "flood to exit 0 once the server closed, got %d: %s", rc, p.buf);
    expect_has("flood's report", p.buf, "flood: sent ");
    expect_has("flood's report", p.buf, "43 bytes came back");
    free(buf);
    close(listener);
}

/* The echo server sends everything back, and blocks while flood doesn't
 * read: a flood that only sent would stall for good. */
static void flood_reads_what_comes_back_while_it_sends(void)
{
    struct proc server, p;
    int port = server_start(&server, "02-echo", NULL), rc;
    if (!port)
        return;
    /* 20 MB: more than the socket buffers of both sides hold */
    proc_start(&p, tool("flood"), "127.0.0.1", port_text(port), "-n", "100000", "-s", "200", NULL);
    rc = proc_wait_exit(&p, timeout_ms(60000));
    expect(rc == 0, "flood to finish against the echo server (exit 0), got %d: %s", rc, p.buf);
    expect_has("flood's report", p.buf, "; 20000000 bytes came back");
    server_stop(&server);
}

/* ---- hexdump ---------------------------------------------------------------- */

static void hexdump_shows_every_byte_of_the_daytime_line(void)
{
    struct proc server, p;
    int port = server_start(&server, "03-daytime", NULL), rc;
    if (!port)
        return;
    proc_start(&p, tool("hexdump"), "127.0.0.1", port_text(port), NULL);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 0, "hexdump to exit 0 when the server closes, got %d: %s", rc, p.buf);
    expect_has("the dump", p.buf, "00000000  ");
    expect_has("the dump", p.buf, " 0d 0a ");
    expect_has("the dump", p.buf, "UTC..|");
    expect_has("the dump", p.buf, "bytes; the server closed the connection)");
    server_stop(&server);
}

static void hexdump_sends_escapes_and_stdin_then_half_closes(void)
{
    int port, listener = listen_local(&port), fd, closed = 0, rc;
    char buf[256] = "";
    struct proc p;
    size_t got;
    if (listener < 0)
        return;
    proc_start(&p, tool("hexdump"), "127.0.0.1", port_text(port), "--send", "a\\tb\\x41\\033\\n",
               "--stdin", NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) < 0)
        return;
    proc_write(&p, "from stdin\n");
    proc_close_stdin(&p);
    got = recv_all(fd, buf, sizeof buf, timeout_ms(10000), &closed);
    expect(got == 17 && memcmp(buf, "a\tbA\033\nfrom stdin\n", 17) == 0,
           "the escapes as bytes, then stdin: got %zu bytes \"%s\"", got, buf);
    expect(closed, "hexdump to half-close at the end of its input");
    send_all(fd, "\0\377 hi\r\n", 7);                   /* it still reads */
    close(fd);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 0, "hexdump to exit 0, got %d: %s", rc, p.buf);
    expect_has("the dump", p.buf, "00 ff 20 68 69 0d 0a");
    expect_has("the dump", p.buf, "|.. hi..|");
    close(listener);
}

/* ---- slowreader ---------------------------------------------------------------- */

static void slowreader_keeps_its_pace_and_prints_what_it_reads(void)
{
    int port, listener = listen_local(&port), fd, rc;
    char data[3001], line[64] = "";
    struct proc p;
    if (listener < 0)
        return;
    memset(data, 'z', 3000);
    data[2999] = '\n';
    data[3000] = '\0';
    proc_start(&p, tool("slowreader"), "127.0.0.1", port_text(port), "--rate", "1000", "--name",
               "slow", NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) < 0)
        return;
    recv_until(fd, line, sizeof line, "\n", timeout_ms(5000));
    expect_str("the name line", line, "slow\n");
    send_text(fd, data);
    close(fd);
    usleep(1000000);            /* 3000 bytes at 1000 bytes/s: 3 s at least */
    expect(proc_alive(&p), "slowreader to be still reading after 1 s (3000 bytes at 1000 B/s): %s",
           p.buf);
    rc = proc_wait_exit(&p, timeout_ms(20000));
    expect(rc == 0, "slowreader to exit 0 once all is read, got %d: %s", rc, p.buf);
    expect_has("what it printed", p.buf, "zzzzzzzzzz\nslowreader: the server closed the connection; 3000 bytes read");
    close(listener);
}

static void slowreader_q_counts_instead_of_printing(void)
{
    int port, listener = listen_local(&port), fd, rc;
    struct proc p;
    if (listener < 0)
        return;
    proc_start(&p, tool("slowreader"), "127.0.0.1", port_text(port), "--rate", "1M", "-q", NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) < 0)
        return;
    send_text(fd, "not to be printed\n");
    close(fd);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 0, "slowreader -q to exit 0, got %d: %s", rc, p.buf);
    expect_has("its output", p.buf, "reading 1000000 bytes/s");
    expect_has("its output", p.buf, "18 bytes read");
    expect(strstr(p.buf, "not to be printed") == NULL, "-q to print no data: %s", p.buf);
    close(listener);
}

/* ---- idle ---------------------------------------------------------------------- */

static void idle_never_reads_and_says_when_the_server_closes(void)
{
    int port, listener = listen_local(&port), fd, rc;
    char line[64] = "", chunk[65536];
    long long sent = 0;
    struct proc p;
    if (listener < 0)
        return;
    proc_start(&p, tool("idle"), "127.0.0.1", port_text(port), "--name", "sleepy", NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) < 0)
        return;
    recv_until(fd, line, sizeof line, "\n", timeout_ms(5000));
    expect_str("the name line", line, "sleepy\n");
    /* a reader empties the window; idle leaves it full: send() must stop */
    memset(chunk, 'i', sizeof chunk);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    while (sent < 64LL << 20) {
        ssize_t n = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            usleep(1500000);    /* a reader would have made room by now */
            if ((n = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL)) < 0)
                break;
        }
        if (n < 0)
            break;
        sent += n;
    }
    expect(sent < 64LL << 20 && errno == EAGAIN, "send() to stop once idle's window is full, sent %lld bytes",
           sent);
    expect(proc_alive(&p), "idle to stay connected: %s", p.buf);
    close(fd);
    /* with its data unread, idle can't see this close: a second one can */
    proc_stop(&p);
    proc_start(&p, tool("idle"), "127.0.0.1", port_text(port), NULL);
    if ((fd = accept_within(listener, timeout_ms(10000))) < 0)
        return;
    expect(proc_wait_for(&p, "reading nothing", timeout_ms(5000)), "idle to say it reads nothing: %s", p.buf);
    close(fd);
    rc = proc_wait_exit(&p, timeout_ms(5000));
    expect(rc == 0, "idle to exit 0 when the server closes, got %d", rc);
    expect_has("idle's output", p.buf, "idle: the server closed the connection");
    close(listener);
}

/* ---- check-setup ------------------------------------------------------------------ */

static void check_setup_says_ready_here_and_not_ready_without_the_programs(void)
{
    char top[512], path[600], tmp[] = "/tmp/socklab-setup-XXXXXX";
    struct proc p;
    int rc;
    if (getcwd(top, sizeof top) == NULL || mkdtemp(tmp) == NULL) {
        expect(0, "a working folder: %s", strerror(errno));
        return;
    }
    snprintf(path, sizeof path, "%s/%s", top, tool("check-setup"));
    proc_start(&p, path, "--compiler", "cc", NULL);
    rc = proc_wait_exit(&p, timeout_ms(20000));
    expect(rc == 0, "check-setup in a built tree: exit 0, got %d: %s", rc, p.buf);
    expect_has("its report", p.buf, "127.0.0.1: a server and a client talked");
    expect_has("its report", p.buf, on_wine ? "connect with: client " : "connect with: ./client ");
    expect_has("its report", p.buf, on_wine ? "netsh advfirewall" : "sudo ufw allow 8801:8806/tcp");
    expect_has("its last line", p.buf, "\nREADY: this laptop is ready for class\n");
    if (!expect(chdir(tmp) == 0, "chdir(%s)", tmp))
        return;
    proc_start(&p, path, NULL);
    rc = proc_wait_exit(&p, timeout_ms(20000));
    expect(rc == 1, "check-setup where nothing is built: exit 1, got %d: %s", rc, p.buf);
    expect_has("its report", p.buf, "missing: lessons/01-hello/server");
    expect_has("its last line", p.buf, "NOT READY: 16 programs not built");
    expect(chdir(top) == 0 && rmdir(tmp) == 0, "the temporary folder removed");
}

/* ---- the build: warnings don't stop a student ---------------------------------- */

static void lesson_with_an_unused_variable_builds_unless_strict(void)
{
    char tmp[] = "/tmp/socklab-build-XXXXXX", cmd[1024];
    struct proc p;
    char *argv[] = {"-c", cmd, NULL};
    int rc;
    if (mkdtemp(tmp) == NULL) {
        expect(0, "a temporary folder: %s", strerror(errno));
        return;
    }
    snprintf(cmd, sizeof cmd,
             "unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL STRICT; export LC_ALL=C; cp -R Makefile common lessons '%s' && cd '%s' && rm -f lessons/*/server lessons/*/client && "
             "sed -i '/^int main(/{n;s/$/\\n    int exercise;/}' lessons/01-hello/server.c && "
             "grep -c 'int exercise;' lessons/01-hello/server.c && "
             "make lessons/01-hello/server 2>&1 && test -x lessons/01-hello/server && "
             "rm lessons/01-hello/server && echo STRICT: && make STRICT=1 lessons/01-hello/server 2>&1; "
             "echo rc=$?", tmp, tmp);
    proc_start_native(&p, "/bin/sh", argv);
    rc = proc_wait_exit(&p, timeout_ms(60000));
    expect(rc == 0, "the script to run, got %d: %s", rc, p.buf);
    expect_has("the edited source", p.buf, "1\n");
    expect_has("plain make", p.buf, "warning: unused variable");
    expect_has("plain make", p.buf, "exercise");
    expect_has("plain make", p.buf, "STRICT:");
    expect(strstr(p.buf, "-Werror") != NULL && strstr(p.buf, "rc=0") == NULL,
           "make STRICT=1 to fail on the same warning (with -Werror): %s", p.buf);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    rc = system(cmd);
    (void)rc;
}

const struct test tools_tests[] = {
    {"tools_print_usage_and_reject_bad_arguments", tools_print_usage_and_reject_bad_arguments},
    {"flood_sends_the_name_then_every_line_at_its_size", flood_sends_the_name_then_every_line_at_its_size},
    {"flood_reads_what_comes_back_while_it_sends", flood_reads_what_comes_back_while_it_sends},
    {"hexdump_shows_every_byte_of_the_daytime_line", hexdump_shows_every_byte_of_the_daytime_line},
    {"hexdump_sends_escapes_and_stdin_then_half_closes", hexdump_sends_escapes_and_stdin_then_half_closes},
    {"slowreader_keeps_its_pace_and_prints_what_it_reads",
     slowreader_keeps_its_pace_and_prints_what_it_reads},
    {"slowreader_q_counts_instead_of_printing", slowreader_q_counts_instead_of_printing},
    {"idle_never_reads_and_says_when_the_server_closes", idle_never_reads_and_says_when_the_server_closes},
    {"check_setup_says_ready_here_and_not_ready_without_the_programs",
     check_setup_says_ready_here_and_not_ready_without_the_programs},
    {0, 0},
};

const struct test build_tests[] = {
    {"lesson_with_an_unused_variable_builds_unless_strict",
     lesson_with_an_unused_variable_builds_unless_strict},
    {0, 0},
};
