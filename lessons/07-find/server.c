/*
 * Lesson 07 - find server, the beacon (over UDP).
 *
 * It runs on the instructor's machine beside the lesson servers. Students run
 * the finder (./client), which asks the whole network "who is there?" in one
 * datagram; the beacon answers with the lesson servers running here, and the
 * finder prints the command to connect to each. Nobody types an address.
 *
 * Build:  cc server.c -o server                    (Linux, macOS)
 *         gcc server.c -o server.exe -lws2_32      (MinGW)
 *         cl server.c                              (MSVC)
 * Run:    ./server            then, on any machine of the network: ./client
 *
 * Notice:
 *   - SOCK_DGRAM: no listen(), no accept(), no connection. One socket hears
 *     every asker; recvfrom() says who asked, sendto() answers there;
 *   - a datagram arrives whole or not at all: one recvfrom() is one
 *     question, with its boundaries (lesson 02's TCP keeps none);
 *   - the answer is never bigger than the question. UDP trusts the source
 *     address a datagram claims: a server that answered 10 bytes with 1000
 *     would let anyone flood a victim by asking in the victim's name.
 */
#include "../../common/net.h"
#include "../../common/udp.h"
#include "../../common/log.h"
#include "find.h"
#include "probe.h"
#include "tally.h"

NET_LOG_HERE;                   /* the log: it never makes the beacon wait (log.h) */

#define PROG "find server"
#define DEFAULT_PORT "8807"
enum {
    DATAGRAM_MAX = 65536,       /* more than the largest UDP datagram (65,507 bytes):
                                   every datagram is read whole, however big */
    PROBE_WAIT_MS = 300         /* a lesson server here accepts within a millisecond;
                                   Windows takes a second to refuse (probe.h) */
};

static const char usage[] =
    "usage: server [-b ADDRESS] [-l LABEL] [PORT [SERVICE...]]\n"
    "  The beacon: tells the finder (client) which lesson servers run on this machine.\n"
    "  PORT (UDP) defaults to " DEFAULT_PORT "; 0 picks a free one.\n"
    "  SERVICE: a lesson server's TCP port, 8801-8806 (lessons 1-6), or LESSON:PORT\n"
    "  (6:9000 is a chat room on port 9000). Default: lessons 1-6 on 8801-8806.\n"
    "  Each is announced while it accepts connections at the address the question\n"
    "  came in on: a server that students can't reach (-b 127.0.0.1) is not.\n"
    "  -b ADDRESS  answer on this address only; default: all, IPv4 and IPv6\n"
    "  -l LABEL    shown beside this beacon's servers: the teacher's name, a room\n"
    "  -h, --help  show this help\n";

struct beacon {
    net_socket s[2];            /* IPv4 and IPv6 (one with -b) */
    int nsockets, has_ipv6;
    struct find_service wanted[FIND_MOST_SERVICES];
    int nwanted;
    struct probe_place places[PROBE_MOST_PLACES];   /* what was up where, and when */
    const char *label;          /* -l, or "" */
    struct tally junk;          /* datagrams that were not questions */
};

/* ---- start-up ------------------------------------------------------------ */

/* socket() + bind() on one address, and on `*port` unless it is 0 (then
 * any free port, which becomes *port). 1 if the beacon has one more socket. */
static int add_socket(struct beacon *b, const struct addrinfo *ai, int *port, const char **failed,
                      int *err)
{
    struct sockaddr_storage at;
    socklen_t len = (socklen_t)ai->ai_addrlen;
    int on = 1, v6 = ai->ai_family == AF_INET6;
    net_socket s = socket(ai->ai_family, SOCK_DGRAM, 0);
    *failed = s == NET_INVALID ? "socket()" : "bind()";
    /* One socket per family on the same port: the IPv6 one must leave IPv4
     * alone. (No SO_REUSEADDR: UDP has no TIME_WAIT, and on Linux it would
     * let a second beacon share the port and take half the questions.) */
    if (s != NET_INVALID && v6)
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&on, sizeof on);
    memcpy(&at, ai->ai_addr, ai->ai_addrlen);
    if (*port != 0 && v6)
        ((struct sockaddr_in6 *)&at)->sin6_port = htons((unsigned short)*port);
    else if (*port != 0)
        ((struct sockaddr_in *)&at)->sin_port = htons((unsigned short)*port);
    if (s == NET_INVALID || bind(s, (struct sockaddr *)&at, len) != 0
        || getsockname(s, (struct sockaddr *)&at, &len) != 0) {
        *err = net_error();
        if (s != NET_INVALID)
            net_close(s);
        return 0;
    }
    if (v6)                     /* to hear the finder's ff02::1, "all IPv6 nodes" */
        udp_join_all_nodes(s);
    b->has_ipv6 |= v6;
    *port = ntohs(v6 ? ((struct sockaddr_in6 *)&at)->sin6_port : ((struct sockaddr_in *)&at)->sin_port);
    b->s[b->nsockets++] = s;
    return 1;
}

/* A socket for IPv4, then one for IPv6 on the port IPv4 got (port 0: any
 * free one); IPv6 alone if IPv4 is missing, but not if the port is taken.
 * With -b, the address's own. Returns the port. */
static int open_beacon(struct beacon *b, const char *address, const char *port)
{
    struct addrinfo hints, *list, *ai;
    const char *failed = "bind()";
    char what[128];
    int rc, pass, err = 0, got = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(address, port, &hints, &list);
    if (rc != 0)
        net_fail_lookup(PROG, address, rc);
    for (pass = 0; pass < 2 && !(b->nsockets == 0 && net_port_refused(err)); pass++)
        for (ai = list; ai != NULL; ai = ai->ai_next)
            if (ai->ai_family == (pass == 0 ? AF_INET : AF_INET6)
                && add_socket(b, ai, &got, &failed, &err))
                break;
    freeaddrinfo(list);
    if (b->nsockets == 0) {
        snprintf(what, sizeof what, "%s on %s%sUDP port %s", failed, address ? address : "",
                 address ? " " : "", port);
        net_fail(PROG, what, err);
    }
    return got;
}

/* ---- one datagram ----------------------------------------------------------- */

static void answer_one(struct beacon *b, net_socket s)
{
    static char data[DATAGRAM_MAX];
    char answer[FIND_QUESTION_SIZE], who[NET_ADDR_TEXT];
    struct sockaddr_storage asker, here;
    socklen_t asker_len = (socklen_t)sizeof asker;
    const struct find_service *up = NULL;
    int n, len, nup = 0;
    n = recvfrom(s, data, (int)sizeof data, 0, (struct sockaddr *)&asker, &asker_len);
    if (n < 0) {                /* Windows: an earlier answer's ICMP "port unreachable" */
        net_log("recvfrom() failed: %s (still answering)", net_strerror(net_error()));
        return;
    }
    net_addr_text((struct sockaddr *)&asker, who, sizeof who);
    if (!find_is_question(data, n)) {
        tally_junk(&b->junk, who, n);
        return;
    }
    /* announce what the asker can reach: what accepts where it asked */
    if (address_facing(&asker, asker_len, &here) == 0)
        nup = probe_cached(b->places, &here, b->wanted, b->nwanted, &up, PROBE_WAIT_MS);
    len = find_make_answer(answer, n, up, nup);         /* never more than the n asked */
    len = find_add_label(answer, len, n, b->label);
    if (len > 0 && sendto(s, answer, len, 0, (struct sockaddr *)&asker, asker_len) != len) {
        net_log("sendto() %s failed: %s", who, net_strerror(net_error()));
        return;
    }
    net_log("question from %s: %d server%s up, answered %d bytes for %d", who, nup,
            nup == 1 ? "" : "s", len, n);
}

/* One select() over the beacon's sockets (one, or IPv4 and IPv6), then a
 * datagram from each that has one. It waits no longer than the junk tally's
 * period: its summary is due then. */
static void wait_and_answer(struct beacon *b)
{
    fd_set readable;
    net_socket top = 0;
    long long due = tally_due(&b->junk);
    struct timeval wait;
    int i;
    wait.tv_sec = (long)(due / 1000);
    wait.tv_usec = (long)(due % 1000) * 1000;
    FD_ZERO(&readable);
    for (i = 0; i < b->nsockets; i++) {
        FD_SET(b->s[i], &readable);
        top = b->s[i] > top ? b->s[i] : top;
    }
    if (select((int)top + 1, &readable, NULL, NULL, due >= 0 ? &wait : NULL) < 0) {
        if (net_error() != NET_EINTR)
            net_fail(PROG, "select()", net_error());
        return;
    }
    for (i = 0; i < b->nsockets; i++)
        if (FD_ISSET(b->s[i], &readable))
            answer_one(b, b->s[i]);
    if (tally_due(&b->junk) == 0)
        tally_flush(&b->junk);
}

/* ---- main: the outline ---------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *options[] = {"-b", "-l", NULL}, *values[2] = {NULL, NULL};
    const char *address, *args[1 + FIND_MOST_SERVICES];
    static struct beacon b;
    int nargs, i, port;

    nargs = net_parse_args(argc, argv, usage, options, values, args, 1 + FIND_MOST_SERVICES);
    address = values[0];
    b.label = values[1] != NULL ? values[1] : "";
    if (strlen(b.label) > FIND_LABEL_MAX || strchr(b.label, '\n') != NULL)
        net_usage_error(usage, "the label is one line of %d bytes at most", FIND_LABEL_MAX);
    if (nargs >= 1)
        net_port_arg(args[0], 0, usage);
    for (i = 1; i < nargs; i++)
        if (find_parse_service(args[i], &b.wanted[b.nwanted++]) != 0)
            net_usage_error(usage, "'%s' is not a lesson port (8801-8806) or LESSON:PORT", args[i]);
    for (i = 0; nargs <= 1 && find_lessons[i].name != NULL; i++) {
        b.wanted[b.nwanted].lesson = find_lessons[i].number;
        b.wanted[b.nwanted++].port = find_lessons[i].port;
    }
    if (net_init() != 0)
        return 1;
    port = open_beacon(&b, address, nargs >= 1 ? args[0] : DEFAULT_PORT);

    printf("%s: answering on UDP port %d (%s)\n", PROG, port,
           address != NULL ? address : b.nsockets == 2 ? "IPv4 and IPv6"
                                     : b.has_ipv6 ? "IPv6 only" : "IPv4 only");
    printf("announcing, while they accept connections here:");
    for (i = 0; i < b.nwanted; i++)
        printf(" %s %d%s", find_lesson_name(b.wanted[i].lesson), b.wanted[i].port,
               i + 1 < b.nwanted ? "," : "\n");
    net_print_local_addresses("client", port, AF_UNSPEC);
    net_log_start();

    for (;;)
        wait_and_answer(&b);
}
