/*
 * Lesson 05 - doctor server: Weizenbaum's 1966 ELIZA, for a whole class.
 *
 * Lesson 04 put a person at the server's keyboard. Here a program answers
 * instead: ELIZA running the DOCTOR script from the January 1966 CACM paper
 * (the engine is eliza.c and the files it names; the rules are
 * doctor.script, data you can edit). This file is the select() loop;
 * outbox.c keeps the replies a patient hasn't read yet, and admission.c
 * decides who may take a seat.
 * Every patient gets the greeting, then one answer per line, until they send
 * an empty line (we say goodbye) or disconnect. Use lesson 04's client.
 *
 * Build:  cc *.c -o server                      (Linux, macOS)
 *         gcc *.c -o server.exe -lws2_32        (MinGW)
 *         cl *.c /Feserver.exe                  (MSVC)
 * Run:    ./server            then, in other terminals: ./client localhost 8805
 *
 * Notice:
 *   - ONE thread serves MANY patients: select() says which sockets have
 *     something to read, and we only ever recv() from those, so a silent
 *     patient never keeps the others waiting;
 *   - each patient has their own line buffer AND their own ELIZA: two
 *     conversations never share memories;
 *   - the read set is a policy: a patient whose last reply is still waiting
 *     to be sent goes in the WRITE set instead, and is neither read nor
 *     answered until it is gone. TCP then slows a patient who pastes
 *     thousands of lines to the pace they read; one who stops reading is
 *     let go after STALL_MS.
 */
#include "../../common/tcp.h"
#include "../../common/telnet.h"
#include "../../common/text.h"
#include "../../common/trace.h"
#include "../../common/log.h"
#include "patient.h"

NET_LOG_HERE;                   /* the log every file writes to (log.h) */
#define PROG "doctor server"
#define DEFAULT_PORT "8805"
#define SCRIPT_NAME "doctor.script"

static const char usage[] =
    "usage: server [-b ADDRESS] [-s SCRIPT] [--per-address N] [--trace] [PORT]\n"
    "  ELIZA with the DOCTOR script, for many patients at once. PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -s SCRIPT        the script to run (default: " SCRIPT_NAME " beside this program)\n"
    "  -b ADDRESS       listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  --per-address N  at most N patients per address, a routed IPv6 /64 as one (default 4, not\n"
    "                   this machine's; given: all; 0: no limit; a class behind NAT: 40)\n"
    "  --trace          tell on stderr what each select() round does (for a projector)\n"
    "  -h, --help       show this help\n";

static struct waiting_room room;
static net_socket spare;        /* a descriptor to give up when we run out */
static const char busy[] = "THE DOCTOR IS BUSY. PLEASE COME BACK LATER.\n";

/* A newcomer: a free seat, a fresh ELIZA, and the script's greeting. */
static void admit(net_socket listener, const eliza_script *script)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    char who[NET_ADDR_TEXT];
    const char *refusal;
    struct patient *p;
    int i;
    net_socket s = accept(listener, (struct sockaddr *)&addr, &len);
    if (s == NET_INVALID) {
        int err = net_error();
        net_log_often("accept() failures:", net_strerror(err),
                      "accept() failed: %s (still serving)", net_strerror(err));
        tcp_turn_away_when_out_of_descriptors(listener, &spare, err, busy);
        return;
    }
    net_addr_text((struct sockaddr *)&addr, who, sizeof who);
    TRACE(room.trace, "accepted %s as socket %d", who, (int)s);
    refusal = admission_refusal(&room.rules, room.seats, MAX_PATIENTS, s, who, room.now);
    if (refusal != NULL) {
        tcp_turn_away(s, refusal);
        return;
    }
    for (i = 0; i < MAX_PATIENTS && room.seats[i].sock != NET_INVALID; i++)
        ;
    /* No seat, or a descriptor too big for an fd_set: say so, don't crash. */
    if (i == MAX_PATIENTS || !net_fits_fd_set(s, room.count + 1) ||
        (room.seats[i].doctor = eliza_new(script)) == NULL) {
        tcp_turn_away(s, busy);
        net_log_often("patients turned away: the waiting room was full", "",
                      "turned a patient away: the waiting room is full");
        return;
    }
    p = &room.seats[i];
    p->sock = s;
    net_set_nonblocking(s);
    net_keepalive(s, NET_KEEPALIVE_IDLE_S, NET_KEEPALIVE_INTERVAL_S, NET_KEEPALIVE_COUNT);
    line_init(&p->in);
    strcpy(p->who, who);
    p->leave_by = p->out_len = p->ended = 0;
    net_log("%s arrived (%d patients)", who, ++room.count);
    if (outbox_reply(p, eliza_greeting(script), room.now) != 0)
        discharge(&room, p, "left before the greeting");
}

/* Answers the patient's whole lines while each reply goes out whole: a reply
 * that waits stops us, the lines after it wait in the line buffer. Once the
 * patient has closed (ended), a last line without a newline counts too. */
static void answer_lines(struct patient *p)
{
    char line[LINE_LIMIT + 1], reply[REPLY_MAX];
    int len, cut = 0;
    while (p->out_len == 0 && ((len = line_next(&p->in, line, &cut)) >= 0 ||
                               (p->ended && (len = line_rest(&p->in, line)) > 0))) {
        if (len > 0 && (len = line_drop_telnet_commands(line, len)) == 0)
            continue;                           /* it held only telnet commands */
        text_replace_unprintable(line, len, ' '); /* after: ELIZA reads them as spaces */
        if (len == 0) {         /* an empty line: the session is over */
            outbox_reply(p, "GOODBYE. THANK YOU FOR TALKING TO ME.", room.now);
            discharge(&room, p, "said goodbye");
            return;
        }
        if (cut)                /* the rest of it is dropped by line_next */
            strcpy(reply, "PLEASE KEEP YOUR LINES SHORTER. I ONLY READ THE FIRST 1024 CHARACTERS.");
        else
            eliza_reply(p->doctor, line, (size_t)len, reply, sizeof reply);
        if (outbox_reply(p, reply, room.now) != 0) {
            discharge(&room, p, "was cut off");
            return;
        }
        TRACE(room.trace, "%d %s: a line of %d bytes; queued an answer, %d bytes of it wait",
              (int)p->sock, p->who, len, p->out_len);
    }
    if (p->ended && p->out_len == 0)
        discharge(&room, p, "left");
}

static void hear_patient(struct patient *p)
{
    int space_left, n;
    char *space = line_space(&p->in, &space_left);
    n = recv(p->sock, space, space_left, 0);
    TRACE(room.trace, "%d %s: recv() gave %d (0: closed)", (int)p->sock, p->who, n);
    if (n > 0) {
        line_added(&p->in, n);
        tcp_answer_telnet_mark(p->sock, space, n);
    } else if (n == 0) {
        p->ended = 1;                   /* its last lines are still answered */
    } else if (!net_would_block(net_error())) {
        discharge(&room, p, "was cut off");
        return;
    }
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
    for (i = 0; i < MAX_PATIENTS; i++) {
        struct patient *p = &room.seats[i];
        if (p->sock == NET_INVALID)
            continue;
        if (p->out_len > 0)
            FD_SET(p->sock, writable);  /* a reply waits: no more lines till it's gone */
        else if (!p->ended)
            FD_SET(p->sock, readable);
        if (p->sock > top)
            top = p->sock;
    }
    return top;
}

/* One round: wait until the listener or some patients are ready, then serve
 * exactly those. A waiting reply is served every round, with no FD_ISSET: one
 * who stopped reading is never writable, and its stall clock must run. */
static void serve_round(net_socket listener, const eliza_script *script)
{
    fd_set readable, writable;
    struct timeval second = {1, 0};     /* wake up now and then to notice Ctrl+C */
    net_socket top = watch(listener, &readable, &writable);
    int i, ready = select((int)(top + 1), &readable, &writable, NULL, &second);
    trace_round(room.trace, ready, &readable, &writable, top, listener);
    if (ready < 0) {
        if (net_error() != NET_EINTR)
            net_log("select() failed: %s", net_strerror(net_error()));
        return;
    }
    room.now = net_now_ms();
    for (i = 0; i < MAX_PATIENTS; i++) {
        struct patient *p = &room.seats[i];
        if (p->sock != NET_INVALID && p->out_len > 0) {     /* writable or not: above */
            TRACE(room.trace, "%d %s: not read: %d bytes of a reply wait", (int)p->sock, p->who,
                  p->out_len);
            if (keep_sending(&room, p))
                answer_lines(p);        /* the lines that waited for it */
        } else if (p->sock != NET_INVALID && FD_ISSET(p->sock, &readable)) {
            hear_patient(p);
        }
    }
    if (FD_ISSET(listener, &readable))
        admit(listener, script);
}

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "-s", "--per-address", NULL}, *values[3] = {NULL, NULL, NULL};
    const char *port = DEFAULT_PORT, *script_path;
    char path[1024], err[512];
    eliza_script *script;
    net_socket listener;
    int i;

    room.trace = trace_wanted(&argc, argv);
    if (net_parse_args(argc, argv, usage, options, values, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    admission_configure(&room.rules, values[2], usage);
    script_path = values[1] ? values[1] : eliza_script_beside(argv[0], SCRIPT_NAME, path, sizeof path);
    if ((script = eliza_script_load(script_path, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s: %s -- %s\n", PROG, err, values[1] ? "check the file given with -s "
                "(a fresh copy: cp doctor.script my.script)" : "give the script with -s FILE");
        return 1;
    }
    if (net_init() != 0)
        return 1;
    for (i = 0; i < MAX_PATIENTS; i++)
        room.seats[i].sock = NET_INVALID;
    listener = tcp_listen(PROG, values[0], port);
    net_announce(PROG, listener, values[0]);
    spare = tcp_spare();
    printf("script: %s; up to %d patients at once\n", script_path, MAX_PATIENTS);
    net_catch_interrupt();
    net_log_start();            /* from now on, the log never makes us wait */

    while (!*net_stop_flag())
        serve_round(listener, script);

    room.now = net_now_ms();
    send_everyone_home(&room);
    net_log_stop();             /* every line kept is out */
    printf("the server is closing\n");
    net_close(listener);
    eliza_script_free(script);
    net_cleanup();
    return 0;
}
