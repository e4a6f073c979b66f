/*
 * Lesson 05, step 2 - replies that wait: step 1 plus an outbox per patient,
 * and the write set.
 *
 * A patient who pastes thousands of lines and reads none of the answers
 * fills the system's buffers between us; step 1's send() then waits, and
 * while it waits the ONE thread serves nobody: the whole class freezes.
 * Here sockets are non-blocking: send() takes what fits and returns, and
 * the rest waits in the patient's outbox. A patient whose outbox holds
 * bytes goes in the WRITE set instead of the read set: we neither read nor
 * answer them until it is gone, so TCP makes their own pasting wait.
 *
 * Build:  make steps (at the top of socklab), or here, with the ELIZA engine:
 *         cc 2-outbox.c ../eliza.c ../text.c ../match.c ../memory.c ../script.c \
 *            ../keys.c ../patterns.c -o 2-outbox
 * Run:    ./2-outbox      then, in other terminals: ../client localhost 8805
 *
 * Notice:
 *   - watch(): who goes into which set is the policy; a reply waiting means
 *     no more lines from that patient until it is gone;
 *   - a reply goes into send() whole, in ONE call: text and newline sent
 *     apart make two packets, and Nagle's rule may hold the second back;
 *   - still wrong: a patient who never reads keeps their seat forever (step 3).
 */
#include "../../../common/net.h"
#include "../../../common/tcp.h"
#include "../../04-chat/line.h"
#include "../eliza.h"

#define PROG "doctor server (step 2)"
#define DEFAULT_PORT "8805"
#define SCRIPT_NAME "../doctor.script"  /* beside ../server.c */

enum {
    MAX_PATIENTS = FD_SETSIZE - 8,      /* stdin/out/err, the listener, a few spare */
    REPLY_MAX = 1024,
    OUTBOX_SIZE = 2 * (REPLY_MAX + 1)   /* a reply's unsent rest, and a goodbye */
};

static const char usage[] =
    "usage: 2-outbox [PORT]     (lesson 05's doctor server, one of its steps)\n"
    "  PORT defaults to " DEFAULT_PORT "; 0 picks a free one. -h, --help: this help\n";
static const char busy[] = "THE DOCTOR IS BUSY. PLEASE COME BACK LATER.\n";

struct patient {
    net_socket sock;            /* NET_INVALID while the seat is free */
    char who[NET_ADDR_TEXT];    /* "host:port", for the log */
    struct line_buffer in;      /* TCP is a byte stream: lines are ours to find */
    eliza *doctor;              /* this patient's own conversation */
    char out[OUTBOX_SIZE];      /* what send() has not taken yet */
    int out_len;
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

/* One send() of what waits; the rest stays for the next round. Returns 0,
 * or -1 if the patient is gone. */
static int outbox_send(struct patient *p)
{
    int n;
    if (p->out_len == 0)
        return 0;
    n = send(p->sock, p->out, p->out_len, 0);
    if (n < 0)
        return net_would_block(net_error()) ? 0 : -1;
    memmove(p->out, p->out + n, (size_t)(p->out_len - n));
    p->out_len -= n;
    return 0;
}

/* One answer into the outbox, whole, and send() takes what fits. */
static int reply(struct patient *p, const char *text)
{
    char line[REPLY_MAX + 1];
    int len = snprintf(line, sizeof line, "%s\n", text);
    if (len < 0 || len >= (int)sizeof line || p->out_len + len > OUTBOX_SIZE)
        return -1;
    memcpy(p->out + p->out_len, line, (size_t)len);
    p->out_len += len;
    return outbox_send(p);
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
    net_set_nonblocking(s);             /* send() never waits */
    p->out_len = 0;
    net_addr_text((struct sockaddr *)&addr, p->who, sizeof p->who);
    line_init(&p->in);
    printf("%s arrived (%d patients)\n", p->who, ++count);
    if (reply(p, eliza_greeting(script)) != 0)
        leave(p, "left before the greeting");
}

/* Answers the patient's complete lines while each answer goes out whole;
 * an answer that waits stops us, and the lines after it wait in the line
 * buffer. */
static void answer_lines(struct patient *p)
{
    char line[LINE_LIMIT + 1], answer[REPLY_MAX];
    int len, cut;
    while (p->out_len == 0 && (len = line_next(&p->in, line, &cut)) >= 0) {
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
    if (n < 0 && net_would_block(net_error()))
        return;
    if (n <= 0) {
        leave(p, n == 0 ? "left" : "was cut off");
        return;
    }
    line_added(&p->in, n);
    answer_lines(p);
}

/* Who is in which set: that is the policy. Returns the highest descriptor. */
static net_socket watch(net_socket listener, fd_set *readable, fd_set *writable)
{
    net_socket top = listener;
    int i;
    FD_ZERO(readable);
    FD_ZERO(writable);
    FD_SET(listener, readable);
    for (i = 0; i < MAX_PATIENTS; i++)
        if (seats[i].sock != NET_INVALID) {
            if (seats[i].out_len > 0)
                FD_SET(seats[i].sock, writable);    /* an answer waits: no more lines */
            else
                FD_SET(seats[i].sock, readable);
            top = seats[i].sock > top ? seats[i].sock : top;
        }
    return top;
}

/* The rest of a waiting answer; once it is gone, the lines that waited. */
static void keep_sending(struct patient *p)
{
    if (outbox_send(p) != 0)
        leave(p, "was cut off");
    else if (p->out_len == 0)
        answer_lines(p);
}

/* One round: wait until the listener or some patients are ready, then
 * serve exactly those. */
static void serve_round(net_socket listener)
{
    fd_set readable, writable;
    net_socket top = watch(listener, &readable, &writable);
    int i;
    if (select((int)(top + 1), &readable, &writable, NULL, NULL) < 0) {
        if (net_error() != NET_EINTR)
            printf("select() failed: %s\n", net_strerror(net_error()));
        return;
    }
    for (i = 0; i < MAX_PATIENTS; i++) {
        struct patient *p = &seats[i];
        if (p->sock != NET_INVALID && FD_ISSET(p->sock, &writable))
            keep_sending(p);
        else if (p->sock != NET_INVALID && FD_ISSET(p->sock, &readable))
            hear_patient(p);
    }
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
