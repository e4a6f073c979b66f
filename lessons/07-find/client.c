/*
 * Lesson 07 - find client, the finder: which lesson servers run on this
 * network, and the command to reach each.
 *
 * Build:  cc client.c -o client                    (Linux, macOS)
 *         gcc client.c -o client.exe -lws2_32      (MinGW)
 *         cl client.c                              (MSVC)
 * Run:    ./client              asks everyone on this machine's networks
 *         ./client HOST [PORT]  asks that one host
 *
 * Notice:
 *   - one socket can ask many: sendto() names the destination each time,
 *     and recvfrom() says who answered. No connect(), no accept();
 *   - broadcast needs permission (SO_BROADCAST): one datagram to
 *     192.168.1.255 reaches every machine on the network;
 *   - UDP promises nothing: a question or an answer can be lost, and nobody
 *     says so. Hence the question asked twice and a deadline for answers:
 *     silence is the only "no" there is.
 */
#include "../../common/net.h"
#include "../../common/udp.h"
#include "../../common/text.h"
#include "find.h"

#define PROG "find client"
#define DEFAULT_PORT "8807"
enum {
    DATAGRAM_MAX = 65536,       /* more than the largest datagram: read whole */
    RETRY_MS = 400,             /* no answer is no news: ask once more after this */
    LISTEN_MS = 1000,           /* a local network answers in milliseconds; wait a second */
    MOST_PLACES = 2 * UDP_MOST_INTERFACES + 2,  /* addresses asked */
    MOST_BEACONS = 64           /* beacons told apart: more answers from one are dropped */
};

static const char usage[] =
    "usage: client [-p PORT] [HOST [PORT]]\n"
    "  Finds the lesson servers running on this network, and prints the command\n"
    "  that connects to each. Without HOST it asks everyone on this machine's\n"
    "  networks (IPv4 broadcast, IPv6 all-nodes multicast); with HOST, that host.\n"
    "  PORT is the beacon's UDP port, " DEFAULT_PORT " by default.\n"
    "  -p PORT     the beacon's port, when asking everyone\n"
    "  -h, --help  show this help\n";

struct finder {
    net_socket s4, s6;                          /* one socket per family */
    struct sockaddr_storage place[MOST_PLACES]; /* where the question goes */
    int nplaces, sent;
    char seen[MOST_BEACONS][NET_ADDR_TEXT];     /* beacons that answered */
    int nseen;
};

/* ---- where to ask ---------------------------------------------------------- */

static void add_place(struct finder *f, const struct sockaddr *sa, size_t len)
{
    if (f->nplaces < MOST_PLACES && len <= sizeof f->place[0])
        memcpy(&f->place[f->nplaces++], sa, len);
}

/* Everyone: 255.255.255.255 (this network, as the system picks it), the
 * broadcast address of each network we are on (the system sends the first
 * on one interface only), and ff02::1, all IPv6 nodes, on each interface. */
static void ask_everyone(struct finder *f, unsigned short port)
{
    struct sockaddr_in v4[UDP_MOST_INTERFACES], all;
    struct sockaddr_in6 v6;
    unsigned ifs[UDP_MOST_INTERFACES];
    int i, n;
    memset(&all, 0, sizeof all);
    all.sin_family = AF_INET;
    all.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    all.sin_port = htons(port);
    add_place(f, (struct sockaddr *)&all, sizeof all);
    n = udp_ipv4_broadcasts(v4, UDP_MOST_INTERFACES, port);
    for (i = 0; i < n; i++)
        add_place(f, (struct sockaddr *)&v4[i], sizeof v4[i]);
    n = f->s6 != NET_INVALID ? udp_ipv6_interfaces(ifs, UDP_MOST_INTERFACES) : 0;
    if (f->s6 != NET_INVALID && n == 0)
        ifs[n++] = 0;                   /* none listed (wine lists none): the system's pick */
    memset(&v6, 0, sizeof v6);
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    inet_pton(AF_INET6, "ff02::1", &v6.sin6_addr);
    for (i = 0; i < n; i++) {
        v6.sin6_scope_id = ifs[i];
        add_place(f, (struct sockaddr *)&v6, sizeof v6);
    }
}

/* One host: every address its name has. */
static void ask_host(struct finder *f, const char *host, const char *port)
{
    struct addrinfo hints, *list, *ai;
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0)
        net_fail_lookup(PROG, host, rc);
    for (ai = list; ai != NULL; ai = ai->ai_next)
        add_place(f, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(list);
}

/* ---- asking and hearing ---------------------------------------------------- */

/* The question to every place, each with the socket of its family. */
static void ask(struct finder *f)
{
    char question[FIND_QUESTION_SIZE], to_text[NET_ADDR_TEXT], where[NET_ADDR_TEXT + 16];
    int i, err = 0;
    find_make_question(question);
    for (i = 0; i < f->nplaces; i++) {
        const struct sockaddr *to = (const struct sockaddr *)&f->place[i];
        int v6 = to->sa_family == AF_INET6;
        net_socket s = v6 ? f->s6 : f->s4;
        socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        if (s != NET_INVALID && sendto(s, question, FIND_QUESTION_SIZE, 0, to, len) == FIND_QUESTION_SIZE)
            f->sent++;
        else
            err = s != NET_INVALID ? net_error() : NET_ENETUNREACH;
    }
    if (f->sent == 0) {                 /* not one place took it: say why, for the last */
        net_addr_text((struct sockaddr *)&f->place[f->nplaces - 1], to_text, sizeof to_text);
        snprintf(where, sizeof where, "sendto() %s", to_text);
        net_fail(PROG, where, err);
    }
}

/* Prints what one answer announces; a beacon already heard is skipped. */
static void hear(struct finder *f, const char *data, int n, const struct sockaddr *from,
                 socklen_t from_len, int *found)
{
    struct find_service sv[FIND_MOST_SERVICES];
    char host[NET_ADDR_TEXT], label[FIND_LABEL_MAX + 1], at[NET_ADDR_TEXT + FIND_LABEL_MAX + 4];
    int i, count = find_read_answer(data, n, sv, FIND_MOST_SERVICES);
    if (count < 0 || getnameinfo(from, from_len, host, sizeof host, NULL, 0, NI_NUMERICHOST) != 0)
        return;                         /* not an answer: someone else's datagram */
    for (i = 0; i < f->nseen; i++)
        if (strcmp(f->seen[i], host) == 0)
            return;                     /* the same beacon again: our retry, or broadcast twice */
    if (f->nseen < MOST_BEACONS)
        strcpy(f->seen[f->nseen++], host);
    strcpy(at, host);
    if (find_read_label(data, n, label)) {  /* a stranger's text: made printable */
        text_make_printable(label, (int)strlen(label));
        snprintf(at, sizeof at, "%s [%s]", host, label);
    }
    if (count == 0)
        printf("beacon at %s: no lesson server is running there yet\n", at);
    for (i = 0; i < count; i++) {
        const char *name = find_lesson_name(sv[i].lesson);
        printf("%s (lesson %02d) at %s: " NET_HERE "client %s %d\n", name != NULL ? name : "a server",
               sv[i].lesson, at, host, sv[i].port);
    }
    (*found)++;
}

/* Reads answers from both sockets until `until` (on net_now_ms()). */
static void listen_until(struct finder *f, long long until, int *found)
{
    static char data[DATAGRAM_MAX];
    struct sockaddr_storage from;
    socklen_t from_len;
    long long left;
    int n, k;
    while ((left = until - net_now_ms()) > 0) {
        fd_set readable;
        struct timeval wait;
        net_socket s[2];
        s[0] = f->s4;
        s[1] = f->s6;
        wait.tv_sec = (long)(left / 1000);
        wait.tv_usec = (long)(left % 1000) * 1000;
        FD_ZERO(&readable);
        for (k = 0; k < 2; k++)
            if (s[k] != NET_INVALID)
                FD_SET(s[k], &readable);
        if (select((int)(f->s4 > f->s6 ? f->s4 : f->s6) + 1, &readable, NULL, NULL, &wait) <= 0)
            continue;                   /* the deadline (or EINTR): the loop checks */
        for (k = 0; k < 2; k++) {
            if (s[k] == NET_INVALID || !FD_ISSET(s[k], &readable))
                continue;
            from_len = (socklen_t)sizeof from;
            n = recvfrom(s[k], data, (int)sizeof data, 0, (struct sockaddr *)&from, &from_len);
            if (n >= 0)                 /* < 0 on Windows after "port unreachable": go on */
                hear(f, data, n, (struct sockaddr *)&from, from_len, found);
        }
    }
}

/* ---- main: the outline ------------------------------------------------------ */

int main(int argc, char **argv)
{
    const char *options[] = {"-p", NULL}, *values[1] = {NULL}, *args[2];
    const char *port = DEFAULT_PORT;
    static struct finder f;
    int nargs, on = 1, found = 0;
    long long start;

    nargs = net_parse_args(argc, argv, usage, options, values, args, 2);
    if (values[0] != NULL)
        port = net_port_arg(values[0], 1, usage);
    if (nargs == 1)
        net_host_arg_check(usage, args[0]);
    if (nargs == 2)
        port = net_port_arg(args[1], 1, usage);
    if (net_init() != 0)
        return 1;

    f.s4 = socket(AF_INET, SOCK_DGRAM, 0);
    f.s6 = socket(AF_INET6, SOCK_DGRAM, 0);  /* NET_INVALID where there is no IPv6 */
    if (f.s4 == NET_INVALID && f.s6 == NET_INVALID)
        net_fail(PROG, "socket()", net_error());
    if (f.s4 != NET_INVALID)            /* without it, sendto() a broadcast address fails */
        setsockopt(f.s4, SOL_SOCKET, SO_BROADCAST, (const char *)&on, sizeof on);
    if (nargs == 0)
        ask_everyone(&f, (unsigned short)atoi(port));
    else
        ask_host(&f, args[0], port);

    start = net_now_ms();
    ask(&f);
    listen_until(&f, start + RETRY_MS, &found);
    ask(&f);                            /* once more: the first may have been lost */
    listen_until(&f, start + LISTEN_MS, &found);

    if (found == 0)                     /* a router stops broadcasts, not a question to one host */
        fprintf(stderr, "%s: no beacon answered within %d s -- is its server running, on UDP "
                "port %s? on the same network (guest Wi-Fi keeps laptops apart)? does its "
                "firewall let UDP %s in?%s\n", PROG, LISTEN_MS / 1000, port, port,
                nargs > 0 ? "" : " On another network, ask the teacher's machine itself: "
                NET_HERE "client TEACHER_ADDRESS");
    net_cleanup();
    return found > 0 ? 0 : 1;
}
