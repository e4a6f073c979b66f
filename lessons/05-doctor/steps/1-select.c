/*
 * Lesson 05, step 1 - the bare doctor server: one select() loop over many
 * patients, ELIZA behind one call.
 *
 * Each patient has a seat: a socket, a line buffer (lesson 04's) and an
 * ELIZA of their own. One select() sleeps until the listener or some
 * patients have something to read; we serve exactly those, one whole line
 * at a time, so a patient who is thinking never keeps the others waiting.
 * ELIZA is a black box here: eliza_reply() turns a line into an answer.
 * Steps 2 to 4 add, one at a time, the defences a server for a class needs
 * (../README.md shows each failure live).
 *
 * Build:  make steps (at the top of socklab), or here, with the ELIZA engine:
 *         cc 1-select.c ../eliza.c ../text.c ../match.c ../memory.c ../script.c \
 *            ../keys.c ../patterns.c -o 1-select
 * Run:    ./1-select      then, in other terminals: ../client localhost 8805
 *
 * Notice:
 *   - serve_round(): every seat taken goes into the read set, the listener
 *     too; after select(), FD_ISSET says whom to recv() from;
 *   - what it still gets wrong: it answers with a blocking send(), so one
 *     patient who pastes and never reads freezes everybody (step 2).
 */
#include "../../../common/net.h"
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"
#include "../eliza.h"

#define PROG "doctor server (step 1)"
#define DEFAULT_PORT "8805"
#define SCRIPT_NAME "../doctor.script"  /* beside ../server.c */

enum {
    MAX_PATIENTS = FD_SETSIZE - 8,      /* stdin/out/err, the listener, a few spare */
    REPLY_MAX = 1024
};

static const char usage[] =
    "usage: 1-select [PORT]     (lesson 05's doctor server, one of its steps)\n"
    "  PORT defaults to " DEFAULT_PORT "; 0 picks a free one. -h, --help: this help\n";
static const char busy[] = "THE DOCTOR IS BUSY. PLEASE COME BACK LATER.\n";

struct patient {
    net_socket sock;            /* NET_INVALID while the seat is free */
    char who[NET_ADDR_TEXT];    /* "host:port", for the log */
    struct line_buffer in;      /* TCP is a byte stream: lines are ours to find */
    eliza *doctor;              /* this patient's own conversation */
};

static struct patient seats[MAX_PATIENTS];
static const eliza_script *script;
static int count;                       /* seats taken */

static void leave(struct patient *p, const char *why)
{
    printf("%s %s (%d patients)\n", p->who, why, --count);
    net_close(p->sock);
    eliza_free(p->doctor);
    p->sock = NET_INVALID;
}

/* One answer, sent whole (text and newline in one send()). */
static int reply(struct patient *p, const char *text)
{
    char line[REPLY_MAX + 1];
    int len = snprintf(line, sizeof line, "%s\n", text);
    return tcp_send_all(p->sock, line, (size_t)len);
}

/* A newcomer: a free seat, a fresh ELIZA, and the script's greeting. */
static void admit(net_socket listener)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    struct patient *p;
    int i;
    net_socket s = accept(listener, (struct sockaddr *)&addr, &len);
    if (s == NET_INVALID) {
        printf("accept() failed: %s (still serving)\n", net_strerror(net_error()));
        return;
    }
    for (i = 0; i < MAX_PATIENTS && seats[i].sock != NET_INVALID; i++)
        ;
    if (i == MAX_PATIENTS || (seats[i].doctor = eliza_new(script)) == NULL) {
        tcp_turn_away(s, busy);
        printf("turned a patient away: the waiting room is full\n");
        return;
    }
    p = &seats[i];
    p->sock = s;
    net_addr_text((struct sockaddr *)&addr, p->who, sizeof p->who);
    line_init(&p->in);
    printf("%s arrived (%d patients)\n", p->who, ++count);
    if (reply(p, eliza_greeting(script)) != 0)
        leave(p, "left before the greeting");
}

/* Answers every complete line the patient sent. */
static void answer_lines(struct patient *p)
{
    char line[LINE_LIMIT + 1], answer[REPLY_MAX];
    int len, cut;
    while ((len = line_next(&p->in, line, &cut)) >= 0) {
        if (len == 0) {                 /* an empty line: the session is over */
            reply(p, "GOODBYE. THANK YOU FOR TALKING TO ME.");
            leave(p, "said goodbye");
            return;
        }
        eliza_reply(p->doctor, line, (size_t)len, answer, sizeof answer);
        if (reply(p, answer) != 0) {
            leave(p, "was cut off");
            return;
        }
    }
}

static void hear_patient(struct patient *p)
{
    int room, n;
    char *space = line_space(&p->in, &room);
    n = recv(p->sock, space, room, 0);
    if (n <= 0) {
        leave(p, n == 0 ? "left" : "was cut off");
        return;
    }
    line_added(&p->in, n);
    answer_lines(p);
}

/* One round: every patient in the read set, the listener too; then serve
 * exactly those select() says are ready. */
static void serve_round(net_socket listener)
{
    fd_set readable;
    net_socket top = listener;
    int i;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    for (i = 0; i < MAX_PATIENTS; i++)
        if (seats[i].sock != NET_INVALID) {
            FD_SET(seats[i].sock, &readable);
            top = seats[i].sock > top ? seats[i].sock : top;
        }
    if (select((int)(top + 1), &readable, NULL, NULL, NULL) < 0) {
        if (net_error() != NET_EINTR)
            printf("select() failed: %s\n", net_strerror(net_error()));
        return;
    }
    for (i = 0; i < MAX_PATIENTS; i++)
        if (seats[i].sock != NET_INVALID && FD_ISSET(seats[i].sock, &readable))
            hear_patient(&seats[i]);
    if (FD_ISSET(listener, &readable))
        admit(listener);
}

int main(int argc, char **argv)
{
    const char *options[] = {NULL}, *port = DEFAULT_PORT;
    char path[1024], err[512];
    net_socket listener;
    eliza_script *loaded;
    int i;

    if (net_parse_args(argc, argv, usage, options, NULL, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    eliza_script_beside(argv[0], SCRIPT_NAME, path, sizeof path);
    if ((loaded = eliza_script_load(path, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s: %s -- doctor.script belongs one folder up from this program\n", PROG, err);
        return 1;
    }
    script = loaded;
    if (net_init() != 0)
        return 1;
    for (i = 0; i < MAX_PATIENTS; i++)
        seats[i].sock = NET_INVALID;
    listener = tcp_listen(PROG, NULL, port);
    net_announce(PROG, listener, NULL);
    for (;;)                            /* Ctrl+C stops it */
        serve_round(listener);
}
