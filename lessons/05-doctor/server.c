/*
 * Lesson 05 - doctor server: Weizenbaum's 1966 ELIZA, for a whole class.
 *
 * Lesson 04 put a person at the server's keyboard. Here a program answers
 * instead: ELIZA running the DOCTOR script from the January 1966 CACM paper
 * (the engine is every other .c file here, starting at eliza.c; the rules
 * are doctor.script, data you can edit).
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
 *   - replies go out non-blocking: a patient who stops reading is let go,
 *     never waited for (lesson 06 queues output instead).
 */
#include "../../common/net.h"
#include "../../common/tcp.h"
#include "../../common/line.h"
#include "eliza.h"

#define PROG "doctor server"
#define DEFAULT_PORT "8805"
#define SCRIPT_NAME "doctor.script"
enum {
    RESERVED_FDS = 8,           /* stdin/out/err, the listener, a spare for "busy" */
    MAX_PATIENTS = FD_SETSIZE - RESERVED_FDS,
    REPLY_MAX = 1024
};

static const char usage[] =
    "usage: server [-b ADDRESS] [-s SCRIPT] [PORT]\n"
    "  ELIZA with the DOCTOR script, for many patients at once. PORT defaults to " DEFAULT_PORT
    "; 0 picks a free one.\n"
    "  -s SCRIPT   the script to run (default: " SCRIPT_NAME " beside this program)\n"
    "  -b ADDRESS  listen on this address only (e.g. 127.0.0.1); default: all, IPv4 and IPv6\n"
    "  -h, --help  show this help\n";

struct patient {
    net_socket sock;            /* NET_INVALID while the seat is free */
    char who[NET_ADDR_TEXT];
    struct line_buffer in;      /* TCP is a byte stream: lines are ours to find */
    eliza *doctor;              /* this patient's own conversation */
};

static struct patient patients[MAX_PATIENTS];
static int npatients;
static net_socket spare;        /* a descriptor to give up when we run out */
static const char busy[] = "THE DOCTOR IS BUSY. PLEASE COME BACK LATER.\n";

/* Sends one line in ONE send(): text and newline sent apart make two packets,
 * and Nagle's rule may hold the second back. A socket that can't take it now
 * belongs to a patient who is not reading: we won't wait. Returns 0 or -1.
 * ELIZA repeats the patient's words, and may cut them anywhere: the reply
 * is made printable last (common/text.h), a terminal obeys what it gets. */
static int send_line(struct patient *p, const char *text)
{
    char line[REPLY_MAX + 1];
    int len = snprintf(line, sizeof line, "%s\n", text);
    if (len < 0 || len >= (int)sizeof line)
        return -1;
    text_make_printable(line, len - 1);
    return tcp_send_all(p->sock, line, (size_t)len);
}

static void discharge(struct patient *p, const char *why)
{
    printf("%s %s (%d patients)\n", p->who, why, --npatients);
    tcp_close_after_reading(p->sock);
    eliza_free(p->doctor);
    p->sock = NET_INVALID;
    p->doctor = NULL;
}

/* A newcomer: a free seat, a fresh ELIZA, and the script's greeting. */
static void admit(net_socket listener, const eliza_script *script)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    int i;
    net_socket s = accept(listener, (struct sockaddr *)&addr, &len);
    if (s == NET_INVALID) {
        int err = net_error();
        printf("accept() failed: %s (still serving)\n", net_strerror(err));
        tcp_turn_away_when_out_of_descriptors(listener, &spare, err, busy);
        return;
    }
    for (i = 0; i < MAX_PATIENTS && patients[i].sock != NET_INVALID; i++)
        ;
    /* No seat, or a descriptor too big for an fd_set: say so, don't crash. */
    if (i == MAX_PATIENTS || !net_fits_fd_set(s, npatients + 1) ||
        (patients[i].doctor = eliza_new(script)) == NULL) {
        tcp_turn_away(s, busy);
        printf("turned a patient away: the waiting room is full\n");
        return;
    }
    patients[i].sock = s;
    net_set_nonblocking(s);
    net_keepalive(s, NET_KEEPALIVE_IDLE_S, NET_KEEPALIVE_INTERVAL_S, NET_KEEPALIVE_COUNT);
    line_init(&patients[i].in);
    net_addr_text((struct sockaddr *)&addr, patients[i].who, sizeof patients[i].who);
    printf("%s arrived (%d patients)\n", patients[i].who, ++npatients);
    if (send_line(&patients[i], eliza_greeting(script)) != 0)
        discharge(&patients[i], "left before the greeting");
}

/* Answers every complete line the patient has sent (at_end: they have
 * closed, and a last line without a newline counts too). Returns -1 once the
 * patient has been discharged. */
static int answer_lines(struct patient *p, int at_end)
{
    char line[LINE_LIMIT + 1], reply[REPLY_MAX];
    int len, cut = 0;
    while ((len = line_next(&p->in, line, &cut)) >= 0 ||
           (at_end && (len = line_rest(&p->in, line)) > 0)) {
        if (len > 0 && (len = line_drop_telnet_commands(line, len)) == 0)
            continue;                           /* it held only telnet commands */
        text_replace_unprintable(line, len, ' '); /* after: ELIZA reads them as spaces */
        if (len == 0) {         /* an empty line: the session is over */
            send_line(p, "GOODBYE. THANK YOU FOR TALKING TO ME.");
            discharge(p, "said goodbye");
            return -1;
        }
        if (cut)                /* the rest of it is dropped by line_next */
            strcpy(reply, "PLEASE KEEP YOUR LINES SHORTER. I ONLY READ THE FIRST 1024 CHARACTERS.");
        else
            eliza_reply(p->doctor, line, (size_t)len, reply, sizeof reply);
        if (send_line(p, reply) != 0) {
            discharge(p, "stopped reading the replies: let go");
            return -1;
        }
    }
    return 0;
}

static void hear_patient(struct patient *p)
{
    int room, n;
    char *space = line_space(&p->in, &room);
    n = recv(p->sock, space, room, 0);
    if (n > 0) {
        line_added(&p->in, n);
        tcp_answer_telnet_mark(p->sock, space, n);
        answer_lines(p, 0);
    } else if (n == 0 && answer_lines(p, 1) < 0) {
        return;                         /* already discharged */
    } else if (n == 0 || !net_would_block(net_error())) {
        discharge(p, n == 0 ? "left" : "was cut off");
    }
}

/* One round: wait until the listener or some patients have something, then
 * serve exactly those. */
static void serve_round(net_socket listener, const eliza_script *script)
{
    fd_set readable;
    net_socket top = listener;
    struct timeval second = {1, 0};     /* wake up now and then to notice Ctrl+C */
    int i;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    for (i = 0; i < MAX_PATIENTS; i++) {
        if (patients[i].sock == NET_INVALID)
            continue;
        FD_SET(patients[i].sock, &readable);
        if (patients[i].sock > top)
            top = patients[i].sock;
    }
    if (select((int)(top + 1), &readable, NULL, NULL, &second) < 0) {
        if (net_error() != NET_EINTR)
            printf("select() failed: %s\n", net_strerror(net_error()));
        return;
    }
    for (i = 0; i < MAX_PATIENTS; i++)
        if (patients[i].sock != NET_INVALID && FD_ISSET(patients[i].sock, &readable))
            hear_patient(&patients[i]);
    if (FD_ISSET(listener, &readable))
        admit(listener, script);
}

/* The script beside the program, so "./server" works from any directory. */
static const char *default_script_path(const char *argv0, char *path, size_t cap)
{
    const char *slash = strrchr(argv0, '/'), *backslash = strrchr(argv0, '\\');
    size_t dir_len;
    if (backslash != NULL && (slash == NULL || backslash > slash))
        slash = backslash;
    dir_len = slash != NULL ? (size_t)(slash - argv0) + 1 : 0;
    if (dir_len + sizeof SCRIPT_NAME > cap)
        dir_len = 0;
    memcpy(path, argv0, dir_len);
    strcpy(path + dir_len, SCRIPT_NAME);
    return path;
}

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "-s", NULL}, *values[2] = {NULL, NULL};
    const char *port = DEFAULT_PORT, *script_path;
    char path[1024], err[512];
    eliza_script *script;
    net_socket listener;
    int i;

    if (net_parse_args(argc, argv, usage, options, values, &port, 1) == 1)
        net_port_arg(port, 0, usage);
    script_path = values[1] ? values[1] : default_script_path(argv[0], path, sizeof path);
    if ((script = eliza_script_load(script_path, err, sizeof err)) == NULL) {
        fprintf(stderr, "%s: %s -- give the script with -s FILE\n", PROG, err);
        return 1;
    }
    if (net_init() != 0)
        return 1;
    for (i = 0; i < MAX_PATIENTS; i++)
        patients[i].sock = NET_INVALID;
    listener = tcp_listen(PROG, values[0], port);
    net_announce(PROG, listener, values[0]);
    spare = tcp_spare();
    printf("script: %s; up to %d patients at once\n", script_path, MAX_PATIENTS);
    net_catch_interrupt();

    while (!*net_stop_flag())
        serve_round(listener, script);

    for (i = 0; i < MAX_PATIENTS; i++)
        if (patients[i].sock != NET_INVALID) {
            send_line(&patients[i], "THE DOCTOR HAS TO GO NOW. GOODBYE.");
            discharge(&patients[i], "was sent home: the server is closing");
        }
    printf("the server is closing\n");
    net_close(listener);
    eliza_script_free(script);
    net_cleanup();
    return 0;
}
