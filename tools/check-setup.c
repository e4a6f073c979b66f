/*
 * check-setup - is this laptop ready for class? Run it once before the first
 * session: `make check-setup` (Linux, macOS, MinGW) or
 * `nmake /f Makefile.win check-setup` (Visual C++), from socklab's top folder.
 *
 * Build:  make builds it as tools/check-setup beside the lessons, or by hand:
 *         cc check-setup.c -o check-setup                 (Linux, macOS)
 *         gcc check-setup.c -o check-setup.exe -lws2_32   (MinGW)
 *         cl check-setup.c                                (MSVC)
 * Run:    check-setup [--compiler NAME]      (from socklab's top folder)
 *
 * It checks, in order: the compiler (it built this program: make says which
 * one), that every lesson and tool is built, and a round trip over this
 * machine's own network (a server and a client in this one program, over
 * 127.0.0.1 and ::1). Then it prints the addresses classmates would use, and
 * what to do when a second machine can't connect (the firewall). Its last
 * line says whether the laptop is ready; it exits 0 only then.
 */
#include "../common/net.h"
#include "../common/system.h"

#define PROG "check-setup"
#define CLASS_PORT 8806                 /* the chat room's: the one classmates share */

static const char usage[] =
    "usage: check-setup [--compiler NAME]\n"
    "  Checks that this laptop is ready for class: the lessons and tools are\n"
    "  built (run it from socklab's top folder), and a server and a client on\n"
    "  this machine can talk. Prints this machine's addresses and the firewall\n"
    "  step for " NET_SYSTEM ". The last line says whether it is ready; the exit\n"
    "  status is 0 only then. `make check-setup` builds everything first.\n"
    "  --compiler NAME  the compiler that built it (make passes it)\n"
    "  -h, --help       show this help\n";

static const char *const programs[] = {
    "lessons/01-hello/server", "lessons/01-hello/client", "lessons/02-echo/server",
    "lessons/02-echo/client", "lessons/03-daytime/server", "lessons/03-daytime/client",
    "lessons/04-chat/server", "lessons/04-chat/client", "lessons/05-doctor/server",
    "lessons/05-doctor/client", "lessons/06-chatroom/server", "lessons/06-chatroom/client",
    "tools/flood", "tools/hexdump", "tools/slowreader", "tools/idle", NULL};

/* A program is built if NAME (POSIX) or NAME.exe (Windows) is there. */
static int is_built(const char *name)
{
    char path[300];
    FILE *f = fopen(name, "rb");
    if (f == NULL) {
        snprintf(path, sizeof path, "%s.exe", name);
        f = fopen(path, "rb");
    }
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

/* How many programs are missing; each is named. */
static int count_missing(void)
{
    int i, missing = 0;
    for (i = 0; programs[i] != NULL; i++)
        if (!is_built(programs[i])) {
            printf("  missing: %s\n", programs[i]);
            missing++;
        }
    return missing;
}

/* Sends `text` on one socket and reads it back on the other: 1 if it came
 * whole within the receive time-out. */
static int passes_through(net_socket from, net_socket to, const char *text)
{
    char got[64];
    int len = (int)strlen(text), have = 0, n = 0;
    if (send(from, text, len, 0) != len)
        return 0;
    while (have < len && (n = recv(to, got + have, len - have, 0)) > 0)
        have += n;
    return have == len && memcmp(got, text, (size_t)len) == 0;
}

/* A server and a client in this program: listen on `address` (port 0: any
 * free one), connect to it, a line each way. Returns 1 on success, or prints
 * the failed step and returns 0. */
static int round_trip(const char *address, int family)
{
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage bound;      /* the address and port the listener got */
    socklen_t len = (socklen_t)sizeof bound;
    net_socket listener = NET_INVALID, client = NET_INVALID, server = NET_INVALID;
    const char *step = "getaddrinfo()";
    char where[NET_ADDR_TEXT] = "";
    int ok = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(address, "0", &hints, &ai) != 0)
        goto done;
    step = "socket()";
    if ((listener = socket(ai->ai_family, SOCK_STREAM, 0)) == NET_INVALID)
        goto done;
    step = "bind() and listen()";
    if (bind(listener, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0 || listen(listener, 4) != 0 ||
        getsockname(listener, (struct sockaddr *)&bound, &len) != 0)
        goto done;
    net_addr_text((struct sockaddr *)&bound, where, sizeof where);
    step = "connect()";         /* completes at once: the listener's queue takes it */
    if ((client = socket(ai->ai_family, SOCK_STREAM, 0)) == NET_INVALID ||
        connect(client, (struct sockaddr *)&bound, len) != 0)
        goto done;
    step = "accept()";
    if ((server = accept(listener, NULL, NULL)) == NET_INVALID)
        goto done;
    net_set_recv_timeout(client, 5);
    net_set_recv_timeout(server, 5);
    step = "a line each way (send() and recv())";
    ok = passes_through(client, server, "ping\n") && passes_through(server, client, "pong\n");
done:
    if (ok)
        printf("  %s: a server and a client talked (%s)\n", address, where);
    else
        printf("  %s: %s failed: %s\n", address, step, net_strerror(net_error()));
    if (server != NET_INVALID) net_close(server);
    if (client != NET_INVALID) net_close(client);
    if (listener != NET_INVALID) net_close(listener);
    if (ai != NULL)
        freeaddrinfo(ai);
    return ok;
}

/* What a student does when a classmate's client can't reach their server. */
static void print_firewall_step(void)
{
    const char *sys = NET_SYSTEM;
    printf("If a second machine can't connect (it waits, then \"timed out\"), the firewall\n"
           "is the usual cause. On %s:\n", sys);
    if (strcmp(sys, "Windows") == 0)
        printf("  the first time a server runs, Windows asks whether to allow it: tick\n"
               "  \"Private networks\" and press Allow. Missed it? In an administrator cmd.exe:\n"
               "  netsh advfirewall firewall add rule name=socklab dir=in action=allow"
               " protocol=TCP localport=8801-8806\n"
               "  and, for lesson 07's beacon (the finder asks it over UDP):\n"
               "  netsh advfirewall firewall add rule name=\"socklab find\" dir=in action=allow"
               " protocol=UDP localport=8807\n");
    else if (strcmp(sys, "macOS") == 0)
        printf("  System Settings > Network > Firewall > Options: allow incoming connections\n"
               "  for server (or turn the firewall off during class).\n");
    else
        printf("  sudo ufw allow 8801:8806/tcp                  (Ubuntu, Debian with ufw)\n"
               "  sudo ufw allow 8807/udp                       (lesson 07's beacon)\n"
               "  sudo firewall-cmd --add-port=8801-8806/tcp    (Fedora, with firewalld)\n"
               "  sudo firewall-cmd --add-port=8807/udp         (lesson 07's beacon)\n");
    printf("  Also: both machines on the same network (not a guest Wi-Fi that keeps\n"
           "  its devices apart).\n");
}

int main(int argc, char **argv)
{
    const char *options[] = {"--compiler", NULL};
    const char *values[] = {NULL}, *args[1];
    int missing, ipv4, ipv6;

    net_parse_args(argc, argv, usage, options, values, args, 0);
    if (net_init() != 0)
        return 1;

    printf("socklab setup check (%s)\n", NET_SYSTEM);
    printf("1. compiler: %s (it built this program)\n", values[0] ? values[0] : "found");
    printf("2. lessons and tools built:\n");
    missing = count_missing();
    if (missing == 0)
        printf("  all %d programs are there\n", (int)(sizeof programs / sizeof programs[0]) - 1);
    printf("3. a round trip on this machine:\n");
    ipv4 = round_trip("127.0.0.1", AF_INET);
    ipv6 = round_trip("::1", AF_INET6);
    if (!ipv6)
        printf("  (IPv6 is off on this machine: the lessons work over IPv4 alone)\n");
    printf("4. this machine's addresses, for classmates:\n");
    net_print_local_addresses("client", CLASS_PORT, AF_UNSPEC);
    print_firewall_step();
    net_cleanup();

    if (missing > 0) {
        printf("NOT READY: %d program%s not built: run make (or nmake /f Makefile.win) and "
               "read its first error\n", missing, missing == 1 ? "" : "s");
        return 1;
    }
    if (!ipv4) {
        printf("NOT READY: a server and a client on this machine can't talk over 127.0.0.1: "
               "security software may block it\n");
        return 1;
    }
    printf("READY: this laptop is ready for class\n");
    return 0;
}
