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
    proc_wait_for(&server, "queued an answer", timeout_ms(5000));
    ready = where(&server, "the round that found the patient ready", "select() says 1 ready: read [");
    read = where(&server, "the 9 bytes read", "recv() gave 9 (0: closed)");
    answered = where(&server, "the answer queued and sent at once",
                     "a line of 8 bytes; queued an answer, 0 bytes of it wait");
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
    proc_wait_for(&server, "printed 1 whole lines", timeout_ms(5000));
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

/* Joins the room as `name`; the socket, or -1. */
static void trace_chatroom_shows_a_line_read_then_sent_to_each_member(void)
{
    const char *extra[] = {"--trace", NULL};
    static const char *const others[] = {"bo", "cy"};
    struct proc server;
    char got[2048], text[64];
    long read, heard;
    int ana, bo, cy, k, port = server_start(&server, "06-chatroom", extra);
    if (!port)
        return;
    bo = chatroom_join(port, "bo");
    cy = chatroom_join(port, "cy");
    ana = chatroom_join(port, "ana");
    if (ana < 0 || bo < 0 || cy < 0)
        return;
    proc_wait_for(&server, "ana joined", timeout_ms(5000));
    send_text(ana, "hello all\n");
    recv_until(bo, got, sizeof got, "hello all", timeout_ms(5000));
    expect_has("bo's copy of the line", got, "ana: hello all");
    recv_until(cy, got, sizeof got, "hello all", timeout_ms(5000));
    expect_has("cy's copy of the line", got, "ana: hello all");
    proc_wait_for(&server, "ana: a line of 9 bytes", timeout_ms(5000));
    read = where(&server, "ana's 10 bytes read", "ana: recv() gave 10");
    heard = where(&server, "her line found in them", "ana: a line of 9 bytes, for the room");
    expect(read >= 0 && heard > read, "the read before the line; got:\n%s", server.buf);
    /* "ana: hello all\n" is 16 bytes, for each of the others; the round's
     * send() may carry it with what else waited for them (a join notice) */
    for (k = 0; k < 2; k++) {
        const char *queued, *sent = NULL;
        int tries;
        snprintf(text, sizeof text, "%s: queued 16 bytes", others[k]);
        queued = heard >= 0 ? strstr(server.buf + heard, text) : NULL;
        snprintf(text, sizeof text, "%s: sent ", others[k]);
        for (tries = 0; queued != NULL && sent == NULL && tries < 50; tries++) {
            size_t at = (size_t)(queued - server.buf);      /* buf may move on */
            proc_wait_for(&server, "(the output so far)", 100);
            queued = server.buf + at;
            sent = strstr(queued, text);
        }
        expect(queued != NULL && sent != NULL,
               "%s: ana's line heard, then queued for %s (16 bytes), then sent; got:\n%s",
               others[k], others[k], server.buf);
    }
    close(ana);
    close(bo);
    close(cy);
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
    {"trace_chatroom_shows_a_line_read_then_sent_to_each_member",
     trace_chatroom_shows_a_line_read_then_sent_to_each_member},
    {"trace_is_silent_without_the_option", trace_is_silent_without_the_option},
    {NULL, NULL},
};
