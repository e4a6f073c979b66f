/*
 * t_trace.c - --trace on the select() servers: each round says which sockets
 * select() found ready, then what became of the bytes (read, queued, sent),
 * in that order; and without --trace not a word of it.
 */
#include "harness.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Where `text` is in the server's output, or -1 (with a failure naming it). */
static long where(struct proc *p, const char *label, const char *text)
{
    const char *at = strstr(p->buf, text);
    if (!expect(at != NULL, "the trace to show %s (\"%s\"), got:\n%s", label, text, p->buf))
        return -1;
    return (long)(at - p->buf);
}

static void trace_doctor_shows_a_line_read_then_its_answer_queued_and_sent(void)
{
    const char *extra[] = {"--trace", NULL};
    struct proc server;
    char got[2048];
    long ready, read, answered;
    int fd, port = server_start(&server, "05-doctor", extra);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(fd, got, sizeof got, "\n", timeout_ms(5000));
    send_text(fd, "I am sad\n");
    recv_until(fd, got, sizeof got, "SAD", timeout_ms(5000));
    expect_has("the doctor's answer", got, "SAD");
    proc_wait_for(&server, "sent 31", timeout_ms(5000));
    ready = where(&server, "the round that found the patient ready", "select() says 1 ready: read [");
    read = where(&server, "the 9 bytes read", "recv() gave 9 bytes");
    answered = where(&server, "the answer queued and sent",
                     "a line of 8 bytes; queued a 31-byte answer, sent 31");
    expect(ready >= 0 && read > ready && answered > read,
           "the round, then the read, then the answer, in that order; got:\n%s", server.buf);
    where(&server, "the newcomer accepted", "accepted 127.0.0.1:");
    close(fd);
    server_stop(&server);
}

static void trace_chat_shows_the_clients_line_read_and_a_typed_line_sent(void)
{
    const char *extra[] = {"--trace", NULL};
    struct proc server;
    char got[2048];
    long read, printed;
    int fd, port = server_start(&server, "04-chat", extra);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(fd, got, sizeof got, "\n", timeout_ms(5000));
    send_text(fd, "hello\n");
    proc_wait_for(&server, "client: hello", timeout_ms(5000));
    read = where(&server, "the 6 bytes read", "client: recv() gave 6 (0: closed)");
    printed = where(&server, "the line found in them", "printed 1 whole lines");
    expect(read >= 0 && printed > read, "the read before the line; got:\n%s", server.buf);
    proc_write(&server, "hi back\n");
    recv_until(fd, got, sizeof got, "hi back", timeout_ms(5000));
    proc_wait_for(&server, "sent 8 bytes", timeout_ms(5000));
    where(&server, "the typed line sent", "keyboard: a line typed; sent 8 bytes to");
    close(fd);
    server_stop(&server);
}

static void trace_is_silent_without_the_option(void)
{
    struct proc server;
    char got[2048];
    int fd, port = server_start(&server, "05-doctor", NULL);
    if (!port || (fd = tcp_connect("127.0.0.1", port)) < 0)
        return;
    recv_until(fd, got, sizeof got, "\n", timeout_ms(5000));
    send_text(fd, "I am sad\n");
    recv_until(fd, got, sizeof got, "SAD", timeout_ms(5000));
    send_text(fd, "\n");
    proc_wait_for(&server, "said goodbye", timeout_ms(5000));
    expect(strstr(server.buf, "round ") == NULL && strstr(server.buf, "recv() gave") == NULL,
           "no trace without --trace, got:\n%s", server.buf);
    close(fd);
    server_stop(&server);
}

const struct test trace_tests[] = {
    {"trace_doctor_shows_a_line_read_then_its_answer_queued_and_sent",
     trace_doctor_shows_a_line_read_then_its_answer_queued_and_sent},
    {"trace_chat_shows_the_clients_line_read_and_a_typed_line_sent",
     trace_chat_shows_the_clients_line_read_and_a_typed_line_sent},
    {"trace_is_silent_without_the_option", trace_is_silent_without_the_option},
    {NULL, NULL},
};
