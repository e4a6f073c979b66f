/*
 * t_doctor.c - lesson 05 through the real server: the CACM 1966
 * conversation, many patients at once, and patients who misbehave.
 * (t_eliza.c tests the engine itself, without sockets.)
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

static const char greeting[] = "HOW DO YOU DO. PLEASE TELL ME YOUR PROBLEM";

/* The conversation printed in Weizenbaum's paper, patient then ELIZA. */
static const char *const cacm[][2] = {
    {"Men are all alike.", "IN WHAT WAY"},
    {"They're always bugging us about something or other.", "CAN YOU THINK OF A SPECIFIC EXAMPLE"},
    {"Well, my boyfriend made me come here.", "YOUR BOYFRIEND MADE YOU COME HERE"},
    {"He says I'm depressed much of the time.", "I AM SORRY TO HEAR YOU ARE DEPRESSED"},
    {"It's true. I am unhappy.", "DO YOU THINK COMING HERE WILL HELP YOU NOT TO BE UNHAPPY"},
    {"I need some help, that much seems certain.", "WHAT WOULD IT MEAN TO YOU IF YOU GOT SOME HELP"},
    {"Perhaps I could learn to get along with my mother.", "TELL ME MORE ABOUT YOUR FAMILY"},
    {"My mother takes care of me.", "WHO ELSE IN YOUR FAMILY TAKES CARE OF YOU"},
    {"My father.", "YOUR FATHER"},
    {"You are like my father in some ways.", "WHAT RESEMBLANCE DO YOU SEE"},
    {"You are not very aggressive but I think you don't want me to notice that.",
     "WHAT MAKES YOU THINK I AM NOT VERY AGGRESSIVE"},
    {"You don't argue with me.", "WHY DO YOU THINK I DON'T ARGUE WITH YOU"},
    {"You are afraid of me.", "DOES IT PLEASE YOU TO BELIEVE I AM AFRAID OF YOU"},
    {"My father is afraid of everybody.", "WHAT ELSE COMES TO MIND WHEN YOU THINK OF YOUR FATHER"},
    {"Bullies.", "DOES THAT HAVE ANYTHING TO DO WITH THE FACT THAT YOUR BOYFRIEND MADE YOU COME HERE"},
};
enum { CACM_LINES = sizeof cacm / sizeof cacm[0] };

static int open_patient(struct conn *c, int port, const char *host)
{
    char line[512];
    if (conn_open(c, host, port) != 0)
        return 0;
    conn_read_line(c, line, sizeof line, timeout_ms(5000));
    return expect_str("greeting", line, greeting);
}

/* Sends one line and expects one reply line. */
static int ask(struct conn *c, const char *text, const char *want)
{
    char line[2048];
    snprintf(line, sizeof line, "%s\r\n", text);
    send_text(c->fd, line);
    conn_read_line(c, line, sizeof line, timeout_ms(5000));
    return expect_str(text, line, want);
}

static void doctor_reproduces_the_cacm_1966_conversation_over_a_socket(void)
{
    struct proc server;
    struct conn patient;
    int i, port = server_start(&server, "05-doctor", NULL);
    if (!port || !open_patient(&patient, port, "::1"))
        return;
    for (i = 0; i < CACM_LINES && ask(&patient, cacm[i][0], cacm[i][1]); i++)
        ;
    conn_close(&patient);
    server_stop(&server);
}

static void doctor_talks_to_lesson_04s_client_with_piped_stdin(void)
{
    struct proc server, client;
    char input[4096] = "", want[4096] = "server: ", *argv[] = {"127.0.0.1", NULL, NULL}, port_s[16];
    int i, rc, port = server_start(&server, "05-doctor", NULL);
    if (!port)
        return;
    snprintf(port_s, sizeof port_s, "%d", port);
    argv[1] = port_s;
    strcat(want, greeting);
    for (i = 0; i < CACM_LINES; i++) {
        strcat(strcat(input, cacm[i][0]), "\n");
        strcat(strcat(want, "\nserver: "), cacm[i][1]);
    }
    strcat(want, "\n");
    rc = run_program(&client, "05-doctor", "client", input, argv);
    expect(rc == 0, "the client to exit 0 at the end of its input, got %d", rc);
    expect_has("client output", client.buf, want);
    /* The way a patient leaves, an empty line, as the last piped line: every
     * reply still arrives (the client waits for them), then the sign-off. */
    strcat(input, "\n");
    strcat(want, "server: GOODBYE. THANK YOU FOR TALKING TO ME.\nyou left the chat\n");
    rc = run_program(&client, "05-doctor", "client", input, argv);
    expect(rc == 0, "the client to exit 0 after its empty line, got %d", rc);
    expect_has("client output", client.buf, want);
    expect(proc_wait_for(&server, "said goodbye", timeout_ms(5000)),
           "the server to log that the patient said goodbye");
    server_stop(&server);
}

/* Two patients, lines interleaved: each keeps its own memory and its own
 * turn through the replies (sequences from the ELIZA notes, section 9.2). */
static void doctor_keeps_each_patients_memory_apart(void)
{
    static const char *const a[][2] = {
        {"My cat hates work.", "YOUR CAT HATES WORK"},
        {"Okay.", "I AM NOT SURE I UNDERSTAND YOU FULLY"},
        {"Okay.", "BUT YOUR CAT HATES WORK"},
        {"Sorry.", "PLEASE DON'T APOLIGIZE"},
    };
    static const char *const b[][2] = {
        {"My dog is old.", "YOUR DOG IS OLD"},
        {"My dog is old.", "WHY DO YOU SAY YOUR DOG IS OLD"},
        {"Okay.", "EARLIER YOU SAID YOUR DOG IS OLD"},
        {"Sorry.", "PLEASE DON'T APOLIGIZE"},
    };
    struct proc server;
    struct conn pa, pb;
    int i, port = server_start(&server, "05-doctor", NULL);
    if (!port || !open_patient(&pa, port, "127.0.0.1") || !open_patient(&pb, port, "::1"))
        return;
    for (i = 0; i < 4; i++) {
        ask(&pa, a[i][0], a[i][1]);
        ask(&pb, b[i][0], b[i][1]);
    }
    conn_close(&pa);
    conn_close(&pb);
    server_stop(&server);
}

/* A whole class at the same moment: everyone connects, then everyone sends
 * each line before anyone's answer is read. */
static void doctor_serves_30_patients_at_once(void)
{
    struct proc server;
    static struct conn class_[30];
    int n = 30, i, k, wrong = 0, port = server_start(&server, "05-doctor", NULL);
    char line[2048];
    if (!port)
        return;
    for (i = 0; i < n; i++)
        if (!open_patient(&class_[i], port, i % 2 ? "::1" : "127.0.0.1"))
            return;
    for (k = 0; k < CACM_LINES; k++) {
        snprintf(line, sizeof line, "%s\n", cacm[k][0]);
        for (i = 0; i < n; i++)
            send_text(class_[i].fd, line);
        for (i = 0; i < n; i++) {
            conn_read_line(&class_[i], line, sizeof line, timeout_ms(5000));
            if (strcmp(line, cacm[k][1]) != 0 && wrong++ < 3)
                expect_str(cacm[k][0], line, cacm[k][1]);
        }
    }
    expect(wrong == 0, "all 30 x %d answers right, %d were wrong", CACM_LINES, wrong);
    for (i = 0; i < n; i++)
        conn_close(&class_[i]);
    server_stop(&server);
}

static void doctor_survives_hostile_patients(void)
{
    struct proc server;
    struct conn bad, good;
    static char flood[100 * 1024];
    char line[2048];
    int port = server_start(&server, "05-doctor", NULL);
    if (!port || !open_patient(&bad, port, "127.0.0.1") || !open_patient(&good, port, "127.0.0.1"))
        return;
    memset(flood, 'A', sizeof flood);
    send_all(bad.fd, flood, sizeof flood);         /* 100 KiB, no newline yet */
    conn_read_line(&bad, line, sizeof line, timeout_ms(5000));
    expect_has("answer to 100 KiB without a newline", line, "SHORTER");
    ask(&good, "Men are all alike.", "IN WHAT WAY");    /* others are still served */
    send_text(bad.fd, "\n");                          /* ends the long line: no answer */
    send_all(bad.fd, "I am \0sad\n", 10);             /* a NUL byte */
    conn_read_line(&bad, line, sizeof line, timeout_ms(5000));
    expect(line[0] != '\0' && strncmp(line, "(no line", 8) != 0, "an answer to a NUL byte, got %s", line);
    send_text(bad.fd, "\xff\xfe\xc3( My m\xe8re \x1b[2J\n");   /* invalid UTF-8, ESC */
    conn_read_line(&bad, line, sizeof line, timeout_ms(5000));
    expect(line[0] != '\0' && strncmp(line, "(no line", 8) != 0, "an answer to invalid UTF-8, got %s", line);
    expect(strchr(line, 0x1b) == NULL, "no ESC byte echoed back to the patient's terminal");
    send_text(bad.fd, "I am sad\xff\xf4\r\n");  /* telnet's "interrupt" mixed in */
    conn_read_line(&bad, line, sizeof line, timeout_ms(5000));
    expect(strstr(line, " SAD") != NULL && strchr(line, '\xff') == NULL,
           "an answer without telnet's command bytes in it, got %s", line);
    ask(&good, "They're always bugging us about something or other.",
        "CAN YOU THINK OF A SPECIFIC EXAMPLE");
    close_with_reset(bad.fd);
    ask(&good, "Well, my boyfriend made me come here.", "YOUR BOYFRIEND MADE YOU COME HERE");
    conn_close(&good);
    server_stop(&server);
}

/* Issue 9: ELIZA repeats the patient's words, so the doctor relays them
 * back to a terminal. Control bytes deleted or blanked before the telnet
 * commands were removed could glue C2 9B (CSI); raw 0x9B passed; a reply
 * cut at its size limit could end in half a character. Every reply must be
 * text only, and the words around the removed bytes still understood. */
static void doctor_echoes_no_escape_sequence_however_it_is_pieced(void)
{
    struct proc server;
    struct conn p;
    char line[2048], text[1200];
    int port = server_start(&server, "05-doctor", NULL), n, i;
    if (!port || !open_patient(&p, port, "127.0.0.1"))
        return;
    ask(&p, "I am \xc2\x01\x9b" "2Jsad", "IS IT BECAUSE YOU ARE 2JSAD THAT YOU CAME TO ME");
    ask(&p, "I am \xc2\xff\xf1\x9b" "2Jsad", "HOW LONG HAVE YOU BEEN 2JSAD");
    ask(&p, "I am \x9b" "2Jsad", "DO YOU BELIEVE IT NORMAL TO BE 2JSAD");
    for (n = 500; n <= 512; n++) {      /* a reply cut somewhere in an e-acute */
        snprintf(text, sizeof text, "I am x");
        for (i = 0; i < n; i++)
            strcat(text, "\xc3\xa9");
        strcat(text, "\r\n");
        send_text(p.fd, text);
        conn_read_line(&p, line, sizeof line, timeout_ms(5000));
        expect(line[0] != '\0' && strncmp(line, "(no line", 8) != 0 &&
               terminal_safe(line, strlen(line)),
               "a reply of text only to %d e-acutes, got: %s", n, line);
    }
    conn_close(&p);
    server_stop(&server);
}

static void doctor_says_goodbye_at_an_empty_line(void)
{
    struct proc server;
    struct conn p;
    char line[512];
    int port = server_start(&server, "05-doctor", NULL);
    if (!port || !open_patient(&p, port, "127.0.0.1"))
        return;
    send_text(p.fd, "\n");
    conn_read_line(&p, line, sizeof line, timeout_ms(5000));
    expect_has("reply to an empty line", line, "GOODBYE");
    expect(wait_closed(p.fd, timeout_ms(5000)), "the server to close after the goodbye");
    expect(proc_wait_for(&server, "said goodbye", timeout_ms(5000)), "the log to say so");
    conn_close(&p);
    server_stop(&server);
}

/* ---- floods (issue 8): a patient who pastes thousands of lines ------------ */

/* Like `yes | nc`: sends its lines as fast as the server takes them, never
 * waiting for an answer, and reads the answers at its own pace. */
struct flooder {
    int fd, lines, sent, offset, line_len;
    int rate;                   /* bytes a second it reads; 0: as fast as it can */
    long long start_ms, read_total, deaf_until_ms;
    int replies, out_of_order, closed;
    char line[512], buf[8192];
    size_t len;
};

static int flooder_open(struct flooder *f, int port, int lines, int rate, int deaf_ms)
{
    struct conn c;
    memset(f, 0, sizeof *f);
    if (!open_patient(&c, port, "127.0.0.1"))
        return 0;
    f->fd = c.fd;
    f->lines = lines;
    f->rate = rate;
    fcntl(f->fd, F_SETFL, O_NONBLOCK);
    f->start_ms = f->deaf_until_ms = now_ms();
    f->deaf_until_ms += deaf_ms;
    return 1;
}

/* Long lines make long answers (ELIZA repeats them): 20,000 answers of
 * some 370 bytes are more than the system's buffers between us can hide. */
static const char long_wait[] =
    " who wait and wait and wait and wait and wait and wait and wait and wait and wait"
    " and wait and wait and wait and wait and wait and wait and wait and wait and wait"
    " and wait and wait and wait and wait and wait and wait and wait and wait and wait"
    " and wait and wait and wait and wait and wait and wait and wait and wait and wait";

static void flooder_send(struct flooder *f)
{
    while (f->sent < f->lines) {
        ssize_t n;
        if (f->offset == 0)
            f->line_len = snprintf(f->line, sizeof f->line, "I am number %05d of a long "
                                   "line of patients%s\n", f->sent, long_wait);
        n = send(f->fd, f->line + f->offset, (size_t)(f->line_len - f->offset), MSG_NOSIGNAL);
        if (n <= 0)
            return;
        if ((f->offset += (int)n) == f->line_len) {
            f->offset = 0;
            f->sent++;
        }
    }
}

/* Reply k must be the answer to line k: it repeats "NUMBER k". */
static void flooder_take_replies(struct flooder *f)
{
    char *nl, want[32];
    while ((nl = memchr(f->buf, '\n', f->len)) != NULL) {
        size_t used = (size_t)(nl - f->buf) + 1;
        *nl = '\0';
        snprintf(want, sizeof want, "NUMBER %05d ", f->replies);
        if (strstr(f->buf, want) == NULL && f->out_of_order++ == 0)
            note("reply %d was: %.80s", f->replies, f->buf);
        f->replies++;
        memmove(f->buf, f->buf + used, f->len - used);
        f->len -= used;
    }
}

static void flooder_read(struct flooder *f)
{
    long long allowed = (long long)(sizeof f->buf - f->len), t = now_ms();
    ssize_t n;
    if (f->closed || t < f->deaf_until_ms)
        return;
    if (f->rate > 0 && (t - f->deaf_until_ms) * f->rate / 1000 - f->read_total < allowed)
        allowed = (t - f->deaf_until_ms) * f->rate / 1000 - f->read_total;
    if (allowed <= 0)
        return;
    n = recv(f->fd, f->buf + f->len, (size_t)allowed, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
        f->closed = 1;
    if (n > 0) {
        f->len += (size_t)n;
        f->read_total += n;
        flooder_take_replies(f);
    }
}

static int flooder_step(struct flooder *f)
{
    struct pollfd p;
    p.fd = f->fd;
    p.events = (short)(POLLIN | (f->sent < f->lines ? POLLOUT : 0));
    poll(&p, 1, 5);
    flooder_send(f);
    flooder_read(f);
    return !f->closed && f->replies < f->lines;
}

/* "127.0.0.1:PORT", as the server's log names this patient. */
static const char *log_name(int fd, char *out, size_t cap)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    snprintf(out, cap, "127.0.0.1:%d ", ntohs(a.sin_port));
    return out;
}

static void expect_every_reply(const struct flooder *f, const char *who)
{
    expect(!f->closed, "%s (who reads) to keep its seat", who);
    expect(f->replies == f->lines, "%s to get one reply per line: %d lines, %d replies",
           who, f->lines, f->replies);
    expect(f->out_of_order == 0, "%s to get them in order (%d out of place)", who, f->out_of_order);
}

/* 20,000 lines sent at once, 7 MB of answers read at 1 MB/s (a console
 * that draws slowly): the doctor answers at that pace (TCP holds the paste
 * back) and lets nobody go. Under wine the doctor itself answers at about
 * 1 MB/s, so that reader would not fall behind: there it reads 300 KB/s
 * (26 s; the old server let it go after 0.9 MB). */
static void doctor_paces_a_pasted_flood_to_its_patients_reading(void)
{
    struct proc server;
    static struct flooder f;
    long long deadline;
    int port = server_start(&server, "05-doctor", NULL);
    if (!port || !flooder_open(&f, port, 20000, scaled(1000000, 300000), 0))
        return;
    deadline = now_ms() + timeout_ms(60000);
    while (flooder_step(&f) && now_ms() < deadline)
        ;
    note("%d lines sent, %d replies (%lld bytes) read at %d B/s in %lld ms", f.sent, f.replies,
         f.read_total, f.rate, now_ms() - f.start_ms);
    expect_every_reply(&f, "the patient");
    expect(strstr(server.buf, "stopped reading") == NULL && strstr(server.buf, " left") == NULL,
           "nobody let go in the server's log:\n%s", server.buf);
    close(f.fd);
    server_stop(&server);
}

/* Two patients paste 20,000 lines: one looks away for 3 s, then reads
 * everything; the other never reads. Only the second goes, after STALL_MS
 * (10 s), and a third patient is answered meanwhile. */
static void doctor_lets_go_only_a_patient_who_stops_reading(void)
{
    struct proc server;
    static struct flooder pauser, deaf;
    struct conn other;
    char deaf_name[64], want[100];
    long long start = now_ms(), gone_ms;
    int port = server_start(&server, "05-doctor", NULL), asked = 0;
    if (!port || !flooder_open(&pauser, port, 20000, 0, 3000) ||
        !flooder_open(&deaf, port, 20000, 0, 1000000000) || !open_patient(&other, port, "::1"))
        return;
    snprintf(want, sizeof want, "%sstopped reading", log_name(deaf.fd, deaf_name, sizeof deaf_name));
    while ((flooder_step(&pauser) | flooder_step(&deaf)) && now_ms() - start < timeout_ms(60000)) {
        if (now_ms() - start > 2000 && !asked++) {                 /* while both flood */
            long long t = now_ms();
            ask(&other, "Men are all alike.", "IN WHAT WAY");
            note("the third patient was answered in %lld ms", now_ms() - t);
            expect(now_ms() - t < timeout_ms(2000), "the third patient answered within 2 s");
        }
        if (proc_wait_for(&server, want, 1) && pauser.replies == pauser.lines)
            break;
    }
    note("the pauser: %d lines sent, %d replies; the deaf one: %d lines sent", pauser.sent,
         pauser.replies, deaf.sent);
    expect_every_reply(&pauser, "the patient who paused 3 s");
    expect(proc_wait_for(&server, want, timeout_ms(25000) - (int)(now_ms() - start)),
           "the server to let the one who never reads go within the bound, log:\n%s", server.buf);
    gone_ms = now_ms() - start;
    expect(gone_ms >= 9000, "not before 10 s without progress: let go after %lld ms", gone_ms);
    expect(wait_closed(deaf.fd, timeout_ms(5000)), "its connection closed");
    ask(&other, "They're always bugging us about something or other.",
        "CAN YOU THINK OF A SPECIFIC EXAMPLE");
    close(pauser.fd);
    close(deaf.fd);
    conn_close(&other);
    server_stop(&server);
}

/* ---- seats for people (issue 9): --per-address ----------------------------- */

/* Given on the command line, the limit counts this machine's connections
 * too: the third patient from 127.0.0.1 hears why and is closed, the first
 * two are still answered, and once one leaves, a newcomer gets in. */
static void doctor_seats_at_most_per_address_patients_from_one_address(void)
{
    struct proc server;
    struct conn a, b, c;
    const char *extra[] = {"--per-address", "2", NULL};
    char got[512] = "";
    int closed = 0, port = server_start(&server, "05-doctor", extra);
    if (!port || !open_patient(&a, port, "127.0.0.1") || !open_patient(&b, port, "127.0.0.1"))
        return;
    if (conn_open(&c, "127.0.0.1", port) == 0) {
        recv_all(c.fd, got, sizeof got, timeout_ms(5000), &closed);
        expect_has("what the third patient from one address hears", got,
                   "ONLY A FEW PATIENTS FROM ONE ADDRESS");
        expect(closed, "the third patient's connection closed");
        conn_close(&c);
    }
    expect(proc_wait_for(&server, "away: 2 patients already from that address", timeout_ms(5000)),
           "the log to say why, got:\n%s", server.buf);
    ask(&a, "Men are all alike.", "IN WHAT WAY");
    ask(&b, "Men are all alike.", "IN WHAT WAY");
    send_text(a.fd, "\n");
    expect(wait_closed(a.fd, timeout_ms(5000)), "the first patient to be let go after its goodbye");
    if (open_patient(&c, port, "127.0.0.1"))
        ask(&c, "Men are all alike.", "IN WHAT WAY");
    conn_close(&a);
    conn_close(&b);
    conn_close(&c);
    server_stop(&server);
}

/* Without the option, this machine's own connections (the instructor's
 * terminals, the tests) are not counted; bad values are refused. */
static void doctor_per_address_exempts_loopback_by_default_and_checks_its_value(void)
{
    static const char *const bad[] = {"-1", "two", "", "3x", "1000000", NULL};
    struct proc server, p;
    static struct conn c[6];
    char *argv[] = {"--per-address", NULL, "0", NULL};
    int i, rc, port = server_start(&server, "05-doctor", NULL);
    for (i = 0; port && i < 6; i++)
        if (!open_patient(&c[i], port, "127.0.0.1"))
            break;
    expect(i == 6, "6 patients from 127.0.0.1 greeted with the default limit (4), %d were", i);
    for (i = 0; i < 6; i++)
        conn_close(&c[i]);
    if (port)
        server_stop(&server);
    for (i = 0; bad[i] != NULL; i++) {
        argv[1] = (char *)bad[i];
        rc = run_program(&p, "05-doctor", "server", NULL, argv);
        expect(rc == 2, "--per-address '%s' to exit 2, got %d", bad[i], rc);
        expect_has("its message", p.buf, "--per-address takes a number");
        expect_has("then the usage", p.buf, "usage: server");
    }
}

/* The real script with its greeting changed: the same engine, other data. */
static int write_changed_script(const char *path)
{
    FILE *real = fopen("lessons/05-doctor/doctor.script", "r"), *f;
    static char buf[200000];
    char *at;
    size_t n;
    if (!expect(real != NULL, "to read lessons/05-doctor/doctor.script"))
        return 0;
    n = fread(buf, 1, sizeof buf - 1, real);
    buf[n] = '\0';
    fclose(real);
    at = strstr(buf, "\ngreeting HOW DO YOU DO. PLEASE TELL ME YOUR PROBLEM\n");
    if (!expect(at != NULL, "the greeting line in doctor.script") || !(f = fopen(path, "w")))
        return 0;
    fwrite(buf, 1, (size_t)(at - buf), f);
    fputs("\ngreeting GOOD AFTERNOON. WHAT BRINGS YOU HERE\n", f);
    fputs(at + strlen("\ngreeting HOW DO YOU DO. PLEASE TELL ME YOUR PROBLEM\n"), f);
    fclose(f);
    return 1;
}

static void doctor_runs_a_script_given_with_s_and_names_a_missing_one(void)
{
    struct proc server, bad;
    struct conn c;
    char path[] = "/tmp/socklab-script-XXXXXX", line[512];
    const char *extra[] = {"-s", path, NULL};
    char *missing[] = {"-s", "/nonexistent/doctor.script", "0", NULL};
    int port, fd, rc;
    rc = run_program(&bad, "05-doctor", "server", NULL, missing);
    expect(rc == 1, "a missing script to give exit 1, got %d", rc);
    expect_has("its message", bad.buf, "/nonexistent/doctor.script");
    if ((fd = mkstemp(path)) < 0)
        return;
    close(fd);
    if (write_changed_script(path) && (port = server_start(&server, "05-doctor", extra)) != 0) {
        if (conn_open(&c, "127.0.0.1", port) == 0) {
            conn_read_line(&c, line, sizeof line, timeout_ms(5000));
            expect_str("greeting from the given script", line, "GOOD AFTERNOON. WHAT BRINGS YOU HERE");
            ask(&c, "Men are all alike.", "IN WHAT WAY");
            conn_close(&c);
        }
        server_stop(&server);
    }
    unlink(path);
}

static void doctor_tells_patients_when_the_server_closes(void)
{
    struct proc server;
    struct conn c;
    char line[512];
    int port;
    if (on_wine)
        skip("under wine: Ctrl+C can't be sent to a console program from here, "
             "and SIGTERM kills a wine process outright");
    port = server_start(&server, "05-doctor", NULL);
    if (!port || !open_patient(&c, port, "127.0.0.1"))
        return;
    kill(server.pid, SIGTERM);
    conn_read_line(&c, line, sizeof line, timeout_ms(5000));
    expect_has("last words", line, "GOODBYE");
    expect(proc_wait_exit(&server, timeout_ms(5000)) == 0, "the server to exit 0 after SIGTERM");
    conn_close(&c);
}

/* telnet in character mode ends lines with CR NUL, old Macs with CR alone;
 * telnet's Ctrl+C asks for a timing mark and shows nothing until it comes. */
static void doctor_takes_telnet_line_ends_and_answers_its_ctrl_c(void)
{
    struct proc server;
    struct conn c;
    char line[512];
    int port = server_start(&server, "05-doctor", NULL);
    if (!port || !open_patient(&c, port, "127.0.0.1"))
        return;
    send_all(c.fd, "Men are all alike.\r\0", 20);
    conn_read_line(&c, line, sizeof line, timeout_ms(5000));
    expect_str("the answer to a line ended by CR NUL", line, "IN WHAT WAY");
    send_text(c.fd, "You don't argue with me.\r");
    conn_read_line(&c, line, sizeof line, timeout_ms(5000));
    expect_str("the answer to a line ended by CR alone", line, "WHY DO YOU THINK I DON'T ARGUE WITH YOU");
    send_text(c.fd, "\n");                 /* the LF of that CR came late: no empty line */
    send_text(c.fd, "\xff\xf4\xff\xfd\x06"); /* IAC IP, IAC DO TIMING-MARK */
    expect(recv_until(c.fd, line, sizeof line, "\xff\xfb\x06", timeout_ms(5000)) > 0 &&
           strstr(line, "\xff\xfb\x06") != NULL, "IAC WILL TIMING-MARK in answer to telnet's Ctrl+C");
    send_text(c.fd, "\r\n");            /* a line that held only telnet commands: no goodbye */
    send_text(c.fd, "You are afraid of me.\r\n");
    conn_read_line(&c, line, sizeof line, timeout_ms(5000));
    expect_str("the next answer", line, "WHAT MAKES YOU THINK I AM AFRAID OF YOU");
    conn_close(&c);
    server_stop(&server);
}

static void doctor_turns_patients_away_when_out_of_descriptors(void)
{
    struct proc server;
    struct conn c[14];
    char *argv[] = {"0", NULL}, *at, line[512];
    int i, port = 0, busy = 0, greeted = 0, failures = 0;
    if (on_wine)
        skip("under wine: RLIMIT_NOFILE limits wine's own descriptors, not the program's");
    /* 12 descriptors: 0-2, the listener, the spare, a few patients */
    if (proc_start_limited(&server, 12, bin_path("05-doctor", "server"), argv) != 0 ||
        !(port = server_port(&server)))
        return;
    for (i = 0; i < 14; i++) {
        if (conn_open(&c[i], "127.0.0.1", port) != 0)
            continue;
        conn_read_line(&c[i], line, sizeof line, timeout_ms(3000));
        greeted += strcmp(line, greeting) == 0;
        busy += strstr(line, "BUSY") != NULL;
    }
    expect(greeted >= 1 && greeted <= 7 && greeted + busy == 14,
           "a few patients greeted, every other one told the doctor is busy: %d greeted, %d busy",
           greeted, busy);
    proc_wait_for(&server, "accept() failed", timeout_ms(3000));
    proc_wait_for(&server, "(a line that never comes)", 500);     /* the rest of the log */
    for (at = server.buf; (at = strstr(at, "accept() failed")) != NULL; at++)
        failures++;
    expect(failures >= 1 && failures <= 14, "one accept() failure logged per patient turned "
           "away, not a busy loop: %d logged", failures);
    for (i = 0; i < 14; i++)
        conn_close(&c[i]);
    server_stop(&server);
}

const struct test doctor_tests[] = {
    {"doctor_reproduces_the_cacm_1966_conversation_over_a_socket",
     doctor_reproduces_the_cacm_1966_conversation_over_a_socket},
    {"doctor_talks_to_lesson_04s_client_with_piped_stdin", doctor_talks_to_lesson_04s_client_with_piped_stdin},
    {"doctor_keeps_each_patients_memory_apart", doctor_keeps_each_patients_memory_apart},
    {"doctor_serves_30_patients_at_once", doctor_serves_30_patients_at_once},
    {"doctor_survives_hostile_patients", doctor_survives_hostile_patients},
    {"doctor_echoes_no_escape_sequence_however_it_is_pieced",
     doctor_echoes_no_escape_sequence_however_it_is_pieced},
    {"doctor_says_goodbye_at_an_empty_line", doctor_says_goodbye_at_an_empty_line},
    {"doctor_paces_a_pasted_flood_to_its_patients_reading",
     doctor_paces_a_pasted_flood_to_its_patients_reading},
    {"doctor_lets_go_only_a_patient_who_stops_reading", doctor_lets_go_only_a_patient_who_stops_reading},
    {"doctor_seats_at_most_per_address_patients_from_one_address",
     doctor_seats_at_most_per_address_patients_from_one_address},
    {"doctor_per_address_exempts_loopback_by_default_and_checks_its_value",
     doctor_per_address_exempts_loopback_by_default_and_checks_its_value},
    {"doctor_runs_a_script_given_with_s_and_names_a_missing_one",
     doctor_runs_a_script_given_with_s_and_names_a_missing_one},
    {"doctor_tells_patients_when_the_server_closes", doctor_tells_patients_when_the_server_closes},
    {"doctor_takes_telnet_line_ends_and_answers_its_ctrl_c",
     doctor_takes_telnet_line_ends_and_answers_its_ctrl_c},
    {"doctor_turns_patients_away_when_out_of_descriptors",
     doctor_turns_patients_away_when_out_of_descriptors},
    {0, 0},
};
