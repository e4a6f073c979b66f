/*
 * t_chat.c - lesson 04: one-on-one chat with select(), both programs with
 * piped stdin (which, on Windows, goes through the keyboard bridge).
 */
#include "harness.h"

#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <poll.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* Starts the chat server and its client, and waits until they are talking.
 * Returns the port, or 0. */
static int start_pair(struct proc *server, struct proc *client)
{
    char *argv[] = {"127.0.0.1", NULL, NULL};
    int port = server_start(server, "04-chat", NULL);
    if (!port)
        return 0;
    argv[1] = port_text(port);
    if (proc_startv(client, bin_path("04-chat", "client"), argv) != 0)
        return 0;
    return expect(proc_wait_for(client, "server: Hello, this is a one-on-one chat", timeout_ms(10000)),
                  "the client to print the greeting, got: %s", client->buf) &&
           expect(proc_wait_for(server, "connected: type to chat", timeout_ms(5000)),
                  "the server to say who connected, got: %s", server->buf) ? port : 0;
}

static void chat_lines_cross_in_both_directions_in_any_order(void)
{
    struct proc server, client;
    if (!start_pair(&server, &client))
        return;
    /* No waiting between them: both sides type at once. */
    proc_write(&server, "s1 hello from the server\n");
    proc_write(&client, "c1 hello from the client\n");
    proc_write(&client, "c2 and again\n");
    proc_write(&server, "s2 and again\n");
    expect(proc_wait_for(&client, "server: s2 and again\n", timeout_ms(5000)),
           "the client to print both server lines");
    expect_has("client output", client.buf, "server: s1 hello from the server\nserver: s2");
    expect(proc_wait_for(&server, "client: c2 and again\n", timeout_ms(5000)),
           "the server to print both client lines");
    expect_has("server output", server.buf, "client: c1 hello from the client\nclient: c2");
    /* The client's end of input: it leaves, the server says so and waits. */
    proc_close_stdin(&client);
    expect(proc_wait_exit(&client, timeout_ms(5000)) == 0, "the client to exit 0 at end of input");
    expect_has("client output", client.buf, "you left the chat");
    expect(proc_wait_for(&server, "left the chat; waiting for the next client", timeout_ms(5000)),
           "the server to report that the client left");
    server_stop(&server);
}

static void chat_reassembles_split_lines_accepts_crlf_and_shows_no_escapes(void)
{
    struct proc server;
    char greeting[256] = "";
    int port = server_start(&server, "04-chat", NULL), fd;
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(fd, greeting, sizeof greeting, "\n", timeout_ms(5000));
    expect_has("greeting", greeting, "this is a one-on-one chat");
    send_text(fd, "spl");
    usleep(150000);
    send_text(fd, "it li");
    usleep(150000);
    send_text(fd, "ne\r\nsecond\r\nthird\n");
    expect(proc_wait_for(&server, "client: third\n", timeout_ms(5000)), "all three lines printed");
    expect_has("server output", server.buf, "client: split line\nclient: second\nclient: third\n");
    send_text(fd, "esc \033[2J, csi \xc2\x9b" "2J, \xc3\xa9\tend\r\n");   /* no escapes reach us */
    expect(proc_wait_for(&server, "client: esc ?[2J, csi ??2J, \xc3\xa9\tend\n", timeout_ms(5000)),
           "control characters shown as ?, tab and UTF-8 kept, got %s", server.buf);
    send_text(fd, "csi last \xc2\x9b\r\n");        /* a C1 control as the line's last bytes */
    expect(proc_wait_for(&server, "client: csi last ??\n", timeout_ms(5000)),
           "a C1 control at the end of a line shown as ??, got %s", server.buf);
    close(fd);
    server_stop(&server);
}

/* Issue 9: the server removed telnet commands AFTER it made the line
 * printable, so C2 IAC NOP 9B became C2 9B, CSI, on the server's screen.
 * Neither side may show the other's escape sequences, however they are
 * pieced together: telnet commands, control bytes between, raw bytes. */
static void chat_no_escape_sequence_can_be_glued_in_either_direction(void)
{
    struct proc server, client;
    if (!start_pair(&server, &client))
        return;
    proc_write(&server, "s \xc2\xff\xf1\x9b" "2J \xc2\x01\x9b" "2K \x9b" "H end\n");
    expect(proc_wait_for(&client, "server: s ??2J ???2K ?H end\n", timeout_ms(5000)),
           "the client to show the pieces as ?, got: %s", client.buf);
    proc_write(&client, "c \xc2\xff\xf1\x9b" "2J \xc2\x01\x9b" "2K \x9b" "H end\n");
    expect(proc_wait_for(&server, "client: c ??2J ???2K ?H end\n", timeout_ms(5000)),
           "the server to show the pieces as ?, got: %s", server.buf);
    expect(terminal_safe(client.buf, client.len), "only text on the client's screen, got: %s",
           client.buf);
    expect(terminal_safe(server.buf, server.len), "only text on the server's screen, got: %s",
           server.buf);
    server_stop(&server);
}

static void chat_long_line_is_cut_without_breaking_the_next(void)
{
    struct proc server;
    static char big[100000];
    char greeting[256] = "";
    int port = server_start(&server, "04-chat", NULL), fd;
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(fd, greeting, sizeof greeting, "\n", timeout_ms(5000));
    memset(big, 'x', sizeof big);
    send_all(fd, big, sizeof big);
    send_text(fd, "\n\x1b[2Jafter the long line\n");
    expect(proc_wait_for(&server, "client: ?[2Jafter the long line\n", timeout_ms(5000)),
           "the next line whole, with its escape byte defused");
    expect_has("server output", server.buf, "[cut: too long]");
    close(fd);
    server_stop(&server);
}

/* The server waits for its next client: one connects, is greeted, and the
 * first line it gets after the greeting is the one typed at the server now. */
static void next_client_gets_the_typed_line(struct proc *server, int port, const char *typed)
{
    char buf[256] = "";
    int fd;
    expect(proc_wait_for(server, "waiting for the next client", timeout_ms(5000)),
           "the server to wait again");
    if (!expect((fd = tcp_connect("127.0.0.1", port)) >= 0, "the next client to connect"))
        return;
    recv_until(fd, buf, sizeof buf, "\n", timeout_ms(5000));
    expect_has("the next client's greeting", buf, "this is a one-on-one chat");
    proc_write(server, typed);
    buf[0] = '\0';
    recv_until(fd, buf, sizeof buf, "\n", timeout_ms(5000));
    expect_str("the next client's first line (nothing typed before it came)", buf, typed);
    close(fd);
}

static void chat_server_takes_the_next_client_after_one_leaves(void)
{
    struct proc server;
    char buf[256] = "";
    int port = server_start(&server, "04-chat", NULL), fd;
    if (!port || (fd = tcp_connect("::1", port)) < 0)
        return;
    recv_until(fd, buf, sizeof buf, "\n", timeout_ms(5000));
    close_with_reset(fd);              /* the rudest way to leave */
    next_client_gets_the_typed_line(&server, port, "hello, second\n");
    server_stop(&server);
}

/* Lines typed in one go after the hang-up must not reach the next client
 * late; telnet's Ctrl+C gets its timing mark and its bytes are not text. */
static void chat_server_drops_lines_typed_after_a_hang_up_and_answers_telnet(void)
{
    struct proc server;
    char buf[256] = "";
    int port = server_start(&server, "04-chat", NULL), fd;
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(fd, buf, sizeof buf, "\n", timeout_ms(5000));
    send_text(fd, "hi\xff\xf4\xff\xfd\x06\r\n");     /* IAC IP, IAC DO TIMING-MARK */
    buf[0] = '\0';
    expect(recv_until(fd, buf, sizeof buf, "\xff\xfb\x06", timeout_ms(5000)) > 0 &&
           strstr(buf, "\xff\xfb\x06") != NULL, "IAC WILL TIMING-MARK in answer to telnet's Ctrl+C");
    expect(proc_wait_for(&server, "client: hi\n", timeout_ms(5000)),
           "the server to print the line without telnet's bytes, got %s", server.buf);
    proc_write(&server, "a\n\nb\n");
    buf[0] = '\0';
    recv_until(fd, buf, sizeof buf, "a\n\n", timeout_ms(5000));
    expect_str("the first client's last lines", buf, "a\n\n");
    close(fd);
    expect(proc_wait_for(&server, "waiting for the next client", timeout_ms(5000)),
           "the server to wait again");
    expect(proc_wait_for(&server, "(nobody is connected: that line went nowhere)", timeout_ms(5000)),
           "the line typed after the hang-up (b) dropped at once, saying so, got %s", server.buf);
    proc_write(&server, "half a line");       /* no newline: Ctrl+D in mid-line */
    usleep(200000);
    next_client_gets_the_typed_line(&server, port, "c\n");
    server_stop(&server);
}

static void chat_server_started_with_stdin_closed_still_serves(void)
{
    struct proc server;
    char cmd[512], buf[256] = "", *argv[] = {"-c", cmd, NULL};
    int port = 0, fd;
    if (on_wine)
        skip("a POSIX shell's <&- has no Windows counterpart");
    snprintf(cmd, sizeof cmd, "exec %s 0 <&-", bin_path("04-chat", "server"));
    if (proc_start_native(&server, "/bin/sh", argv) != 0 || !(port = server_port(&server)))
        return;
    if (!expect((fd = tcp_connect("127.0.0.1", port)) >= 0, "a client to connect")) {
        proc_stop(&server);
        return;
    }
    recv_until(fd, buf, sizeof buf, "\n", timeout_ms(5000));
    expect_has("the greeting", buf, "one-on-one chat");
    send_text(fd, "hello\n");
    expect(proc_wait_for(&server, "client: hello\n", timeout_ms(5000)),
           "the server to print the client's line, got %s", server.buf);
    close(fd);
    expect(proc_wait_for(&server, "waiting for the next client", timeout_ms(5000)) &&
           proc_alive(&server), "the server to keep serving, got %s", server.buf);
    proc_stop(&server);
}

/* Issue 9: with its input at an end nobody can hang up at the server, and
 * a client that said nothing held the one seat forever. Now it is told,
 * and hung up on after --silence seconds; the next client gets the seat. */
static void chat_server_with_no_keyboard_hangs_up_on_a_silent_client(void)
{
    struct proc server;
    static const char *const extra[] = {"--silence", "2", NULL};
    char buf[1024] = "";
    long long start;
    int port = server_start(&server, "04-chat", extra), fd, closed = 0;
    if (!port)
        return;
    proc_close_stdin(&server);
    expect(proc_wait_for(&server, "after 2 s of silence", timeout_ms(5000)),
           "the server to say it hangs up on silence now, got %s", server.buf);
    if ((fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    start = now_ms();
    recv_all(fd, buf, sizeof buf, timeout_ms(15000), &closed);
    expect(closed, "the server to hang up on the silent client, got %s", buf);
    note("hung up after %.1f s of silence", (now_ms() - start) / 1000.0);
    expect_has("what the silent client got", buf, "Nobody can type at the server now");
    expect_has("what the silent client got", buf, "(Silence: the server hangs up. Goodbye.)\n");
    expect(proc_wait_for(&server, "was silent for 2 s", timeout_ms(5000)),
           "the log to say why, got %s", server.buf);
    close(fd);
    buf[0] = '\0';
    if ((fd = tcp_connect("127.0.0.1", port)) >= 0) {   /* the seat is free again */
        recv_until(fd, buf, sizeof buf, "one-on-one chat", timeout_ms(5000));
        expect_has("the next client's greeting", buf, "this is a one-on-one chat");
        close(fd);
    }
    server_stop(&server);
}

static void chat_second_client_is_told_the_server_is_busy(void)
{
    struct proc server;
    char buf[256] = "";
    int port = server_start(&server, "04-chat", NULL), first, second, closed;
    if (!port || (first = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(first, buf, sizeof buf, "\n", timeout_ms(5000));
    second = tcp_connect("127.0.0.1", port);
    recv_all(second, buf, sizeof buf, timeout_ms(5000), &closed);
    expect_has("second client", buf, "busy");
    expect(closed, "the second client's connection closed");
    send_text(first, "still here\n");
    expect(proc_wait_for(&server, "client: still here", timeout_ms(5000)),
           "the first conversation to go on");
    close(first);
    close(second);
    server_stop(&server);
}

static void chat_server_hanging_up_ends_the_client_with_exit_0(void)
{
    struct proc server, client;
    if (!start_pair(&server, &client))
        return;
    proc_write(&server, "goodbye\n\n");    /* a line, then an empty line */
    expect(proc_wait_exit(&client, timeout_ms(5000)) == 0, "the client to exit 0");
    expect_has("client output", client.buf, "server: goodbye\n");
    expect_has("client output", client.buf, "the server closed the connection");
    expect(proc_wait_for(&server, "you hung up on", timeout_ms(5000)), "the server to say it hung up");
    server_stop(&server);
}

/* End of input at the server hangs up (a last line without a newline is
 * still sent); the server goes on, and the next client can still talk to it. */
static void chat_server_keeps_serving_after_its_own_end_of_input(void)
{
    struct proc server, client;
    struct conn next;
    char line[256];
    int port = start_pair(&server, &client);
    if (!port)
        return;
    proc_write(&server, "last words");
    proc_close_stdin(&server);
    expect(proc_wait_exit(&client, timeout_ms(5000)) == 0, "the client to exit 0");
    expect_has("client output", client.buf, "server: last words\n");
    expect(proc_wait_for(&server, "you can no longer type", timeout_ms(5000)),
           "the server to say its input ended, got %s", server.buf);
    if (!expect(proc_wait_for(&server, "waiting for a client", timeout_ms(5000)) &&
                conn_open(&next, "127.0.0.1", port) == 0, "a second client to connect")) {
        server_stop(&server);
        return;
    }
    expect(conn_read_line(&next, line, sizeof line, timeout_ms(5000)) &&
           strstr(line, "one-on-one chat") != NULL, "the next client to be greeted, got \"%s\"", line);
    expect(conn_read_line(&next, line, sizeof line, timeout_ms(5000)) &&
           strstr(line, "Nobody can type at the server") != NULL,
           "the next client to be told nobody can answer, got \"%s\"", line);
    send_text(next.fd, "anyone there?\n");
    expect(proc_wait_for(&server, "client: anyone there?\n", timeout_ms(5000)),
           "the server to print the next client's line");
    conn_close(&next);
    expect(proc_wait_for(&server, "left the chat", timeout_ms(5000)), "the server to see it leave");
    server_stop(&server);
}

static void chat_works_with_nc_as_the_client(void)
{
    struct proc server, nc;
    char *argv[] = {"-N", "127.0.0.1", NULL, NULL};
    int port;
    need_program("nc", "nc as the chat's client");
    port = server_start(&server, "04-chat", NULL);
    if (!port)
        return;
    argv[2] = port_text(port);
    if (proc_start_native(&nc, "nc", argv) != 0)
        return;
    expect(proc_wait_for(&nc, "this is a one-on-one chat", timeout_ms(5000)), "nc to show the greeting");
    proc_write(&nc, "typed in nc\r\n");
    expect(proc_wait_for(&server, "client: typed in nc\n", timeout_ms(5000)),
           "the server to print nc's line without the CR");
    proc_write(&server, "back to nc\n");
    expect(proc_wait_for(&nc, "back to nc\n", timeout_ms(5000)), "nc to receive the server's line");
    proc_close_stdin(&nc);
    expect(proc_wait_for(&server, "left the chat", timeout_ms(5000)), "the server to see nc leave");
    proc_stop(&nc);
    server_stop(&server);
}

static void chat_works_with_telnet_as_the_client(void)
{
    struct proc server, telnet;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    int port;
    need_program("telnet", "telnet as the chat's client");
    port = server_start(&server, "04-chat", NULL);
    if (!port)
        return;
    argv[1] = port_text(port);
    if (proc_start_native(&telnet, "telnet", argv) != 0)
        return;
    expect(proc_wait_for(&telnet, "this is a one-on-one chat", timeout_ms(5000)),
           "telnet to show the greeting, got: %s", telnet.buf);
    proc_write(&telnet, "typed in telnet\n");     /* telnet sends CR LF */
    expect(proc_wait_for(&server, "client: typed in telnet\n", timeout_ms(5000)),
           "the server to print telnet's line without the CR");
    proc_write(&server, "back to telnet\n");
    expect(proc_wait_for(&telnet, "back to telnet", timeout_ms(5000)), "telnet to show the server's line");
    proc_write(&server, "\n");                     /* the server hangs up */
    expect(proc_wait_for(&telnet, "Connection closed", timeout_ms(5000)), "telnet to see the end");
    proc_stop(&telnet);
    server_stop(&server);
}

/* The other way round: nc listens, our client connects to it. */
static void chat_client_works_with_nc_as_the_server(void)
{
    struct proc nc, client;
    char *nc_argv[] = {"-l", "127.0.0.1", NULL, NULL}, *argv[] = {"127.0.0.1", NULL, NULL};
    int port = unused_port(), tries, connected = 0;
    need_program("nc", "nc as the server the chat client talks to");
    nc_argv[2] = argv[1] = port_text(port);
    if (proc_start_native(&nc, "nc", nc_argv) != 0)
        return;
    /* nc needs a moment to listen: a refused client exits 1; try again. */
    for (tries = 0; tries < 20 && !connected; tries++) {
        if (proc_startv(&client, bin_path("04-chat", "client"), argv) != 0)
            return;
        connected = proc_wait_for(&client, "connected to", timeout_ms(3000));
        if (!connected) {
            proc_stop(&client);
            usleep(100000);
        }
    }
    if (!expect(connected, "the client to connect to nc, got: %s", client.buf))
        return;
    proc_write(&nc, "hello from nc\n");
    expect(proc_wait_for(&client, "server: hello from nc\n", timeout_ms(5000)),
           "the client to print nc's line, got: %s", client.buf);
    proc_write(&client, "hello from the client\n");
    expect(proc_wait_for(&nc, "hello from the client\n", timeout_ms(5000)), "nc to get the client's line");
    proc_stop(&nc);                               /* the server side goes away */
    expect(proc_wait_exit(&client, timeout_ms(5000)) == 0, "the client to exit 0 when nc is gone");
    expect_has("client output", client.buf, "the server closed the connection");
}

/* After an empty line the client waits for the peer to close, but 5 s at
 * most, even when the peer keeps talking: each line must not restart the
 * wait. Here the "server" is this test, and it never stops talking. */
static void chat_leaving_client_goes_though_the_peer_keeps_talking(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    struct proc client;
    struct pollfd pfd;
    char *argv[] = {"127.0.0.1", NULL, NULL};
    int i, gone = 0, peer = -1, fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!expect(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0 &&
                getsockname(fd, (struct sockaddr *)&a, &len) == 0, "to listen on 127.0.0.1"))
        return;
    argv[1] = port_text(ntohs(a.sin_port));
    if (proc_startv(&client, bin_path("04-chat", "client"), argv) != 0)
        return;
    pfd.fd = fd;
    pfd.events = POLLIN;
    if (!expect(poll(&pfd, 1, timeout_ms(10000)) == 1 && (peer = accept(fd, NULL, NULL)) >= 0,
                "the client to connect"))
        return;
    proc_write(&client, "hi\n\n");
    for (i = 0; i < 40 && !gone; i++) {         /* a line every 0.3 s, for up to 12 s */
        send_text(peer, "still talking\n");
        gone = proc_wait_for(&client, "you left the chat", 300);
    }
    expect(gone && i <= 30, "the client to leave within 9 s of its empty line, took %d rounds of "
           "0.3 s; it printed: %s", i, client.buf);
    expect(proc_wait_exit(&client, timeout_ms(5000)) == 0, "the client to exit 0");
    close(peer);
    close(fd);
}

/* ---- ghosts: a client whose machine vanished (issue 9) ----------------- */

/* Runs `server` and lesson 04's client in a network namespace of their own
 * (unshare -rn: no root needed), the client connecting to an address that
 * is then deleted: from then on nothing the server sends reaches anyone and
 * nothing comes back, as when a laptop leaves the Wi-Fi. Keepalive is
 * shortened to 2 s + 2 probes 1 s apart. Returns the server's log, or NULL
 * (the test skipped) where namespaces are not allowed. */
static const char *run_ghost(struct proc *p, const char *lesson, const char *gone)
{
    static const char script[] =
        "ip link set lo up && ip addr add 10.77.0.1/32 dev lo || exit 3\n"
        "cd \"$(mktemp -d)\" && mkfifo sin cin && exec 3<>sin 4<>cin\n"
        "SOCKLAB_KEEPALIVE=2,1,2 \"$1\" 0 <sin >log 2>&1 & s=$!\n"
        "for i in $(seq 100); do p=$(sed -n 's/.*port \\([0-9]*\\).*/\\1/p' log | head -n 1)\n"
        "  [ -n \"$p\" ] && break; sleep 0.1; done\n"
        "\"$2\" 10.77.0.1 \"$p\" <cin >clog 2>&1 & c=$!\n"
        "echo ghost >&4\n"           /* the chat room's name; a line to the others */
        "for i in $(seq 100); do grep -q 'arrived\\|connected\\|joined' log && break; sleep 0.1; done\n"
        "sleep 0.5; ip addr del 10.77.0.1/32 dev lo\n"
        "for i in $(seq 200); do grep -q \"$3\" log && break; sleep 0.1; done\n"
        "echo \"(the address was deleted; $i tenths of a second later:)\"; kill $s $c; cat log\n";
    char server[PATH_MAX], client[PATH_MAX], *argv[] = {"-rn", "sh", "-c", (char *)script, "sh", server,
                                              client, (char *)gone, NULL};
    int rc;
    if (on_wine || access("/usr/bin/unshare", X_OK) != 0 || system("unshare -rn true 2>/dev/null")) {
        skip("needs Linux network namespaces (unshare -rn) to make a peer vanish");
        return NULL;
    }
    if (realpath(bin_path(lesson, "server"), server) == NULL ||
        realpath(bin_path("04-chat", "client"), client) == NULL)
        return expect(0, "the %s server and the 04 client built", lesson), NULL;
    if (proc_start_native(p, "/usr/bin/unshare", argv) != 0)
        return NULL;
    rc = proc_wait_exit(p, 60000);
    if (rc == 3) {
        skip("could not add an address in a network namespace");
        return NULL;
    }
    return p->buf;
}

static void chat_server_drops_a_client_whose_machine_vanished(void)
{
    struct proc p;
    const char *log = run_ghost(&p, "04-chat", "broke");
    if (log == NULL)
        return;
    note("%.*s", (int)strcspn(log, "\n"), log);
    expect_has("server log", log, "connected: type to chat");
    expect_has("server log", log, "broke (Connection timed out); waiting for the next client");
}

static void doctor_lets_a_patient_whose_machine_vanished_go(void)
{
    struct proc p;
    const char *log = run_ghost(&p, "05-doctor", "cut off");
    if (log == NULL)
        return;
    note("%.*s", (int)strcspn(log, "\n"), log);
    expect_has("server log", log, "arrived (1 patients)");
    expect_has("server log", log, "was cut off (0 patients)");
}

static void chatroom_frees_the_name_of_a_member_whose_machine_vanished(void)
{
    struct proc p;
    const char *log = run_ghost(&p, "06-chatroom", "ghost dropped");
    if (log == NULL)
        return;
    note("%.*s", (int)strcspn(log, "\n"), log);
    expect_has("server log", log, "ghost joined from 10.77.0.1");
    expect_has("server log", log, "ghost dropped: recv() failed: Connection timed out (0 here)");
}

/* Without SOCKLAB_KEEPALIVE the server asks for its classroom default: the
 * system then shows a keepalive timer on the accepted connection in
 * /proc/net/tcp ("02:" and the jiffies left, at most 60 s). */
static void chat_server_turns_keepalive_on_for_each_client(void)
{
    struct proc server;
    char line[512], want[16];
    FILE *f;
    int port = server_start(&server, "04-chat", NULL), fd, found = 0;
    unsigned when = 0;
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    if (on_wine || (f = fopen("/proc/net/tcp6", "r")) == NULL) {    /* dual stack */
        close(fd);
        server_stop(&server);
        skip("reads Linux's /proc/net/tcp");
        return;
    }
    proc_wait_for(&server, "connected", timeout_ms(5000));
    snprintf(want, sizeof want, ":%04X", port);
    while (fgets(line, sizeof line, f) != NULL) {   /* local address is field 2 */
        char local[64], state[8], timer[32];
        if (sscanf(line, "%*s %63s %*s %7s %*s %31s", local, state, timer) == 3 &&
            strlen(local) > 5 && strcmp(local + strlen(local) - 5, want) == 0 &&
            strcmp(state, "01") == 0) {
            found = 1;
            expect(strncmp(timer, "02:", 3) == 0 && sscanf(timer + 3, "%x", &when) == 1 &&
                   when <= 6000, "a keepalive timer of at most 60 s, got %s", timer);
        }
    }
    fclose(f);
    expect(found, "the server's connection on port %d in /proc/net/tcp", port);
    close(fd);
    server_stop(&server);
}

const struct test chat_tests[] = {
    {"chat_server_drops_a_client_whose_machine_vanished",
     chat_server_drops_a_client_whose_machine_vanished},
    {"doctor_lets_a_patient_whose_machine_vanished_go",
     doctor_lets_a_patient_whose_machine_vanished_go},
    {"chatroom_frees_the_name_of_a_member_whose_machine_vanished",
     chatroom_frees_the_name_of_a_member_whose_machine_vanished},
    {"chat_server_turns_keepalive_on_for_each_client", chat_server_turns_keepalive_on_for_each_client},
    {"chat_leaving_client_goes_though_the_peer_keeps_talking",
     chat_leaving_client_goes_though_the_peer_keeps_talking},
    {"chat_lines_cross_in_both_directions_in_any_order", chat_lines_cross_in_both_directions_in_any_order},
    {"chat_reassembles_split_lines_accepts_crlf_and_shows_no_escapes", chat_reassembles_split_lines_accepts_crlf_and_shows_no_escapes},
    {"chat_long_line_is_cut_without_breaking_the_next", chat_long_line_is_cut_without_breaking_the_next},
    {"chat_no_escape_sequence_can_be_glued_in_either_direction",
     chat_no_escape_sequence_can_be_glued_in_either_direction},
    {"chat_server_drops_lines_typed_after_a_hang_up_and_answers_telnet",
     chat_server_drops_lines_typed_after_a_hang_up_and_answers_telnet},
    {"chat_server_started_with_stdin_closed_still_serves",
     chat_server_started_with_stdin_closed_still_serves},
    {"chat_server_takes_the_next_client_after_one_leaves", chat_server_takes_the_next_client_after_one_leaves},
    {"chat_second_client_is_told_the_server_is_busy", chat_second_client_is_told_the_server_is_busy},
    {"chat_server_with_no_keyboard_hangs_up_on_a_silent_client",
     chat_server_with_no_keyboard_hangs_up_on_a_silent_client},
    {"chat_server_hanging_up_ends_the_client_with_exit_0", chat_server_hanging_up_ends_the_client_with_exit_0},
    {"chat_server_keeps_serving_after_its_own_end_of_input", chat_server_keeps_serving_after_its_own_end_of_input},
    {"chat_works_with_nc_as_the_client", chat_works_with_nc_as_the_client},
    {"chat_works_with_telnet_as_the_client", chat_works_with_telnet_as_the_client},
    {"chat_client_works_with_nc_as_the_server", chat_client_works_with_nc_as_the_server},
    {0, 0},
};
