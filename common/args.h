/*
 * args.h - the command lines every program shares ("server [PORT]",
 * "client [HOST [PORT]]", -h, -b) and the lines a server prints when it is
 * ready: its port, and the addresses students can connect to.
 *
 * Part of the compat layer: net.h includes it, so a lesson includes net.h.
 * Everything here starts with net_ like the rest of the layer.
 */
#ifndef SOCKLAB_ARGS_H
#define SOCKLAB_ARGS_H

#include "net.h"

/* ---- command lines ----------------------------------------------------- */

/* A port number 0..65535 written in decimal, or -1. */
static inline long net_parse_port(const char *text)
{
    long port = 0;
    if (text == NULL || *text == '\0' || strlen(text) > 5)
        return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        port = port * 10 + (*text - '0');
    }
    return port <= 65535 ? port : -1;
}

/* Bad command line: one line saying why, then the usage, and exit 2. */
static inline void net_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage);
    exit(2);
}

/* The command line every socklab program shares. -h or --help prints the
 * usage and exits 0. Each option named in `options` (a NULL-ended list such
 * as {"-b", NULL}) takes a value, stored at the same index in `values`. Up to
 * max_args other words go to `args`. Anything else is an error (exit 2).
 * Returns how many words went to args. */
static inline int net_parse_args(int argc, char **argv, const char *usage,
                                 const char *const options[], const char *values[],
                                 const char *args[], int max_args)
{
    int i, k, nargs = 0, only_args = 0;
    net_stdio_setup();
    for (i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (!only_args && (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0)) {
            printf("%s", usage);
            exit(0);
        }
        if (!only_args && strcmp(word, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (!only_args && word[0] == '-' && word[1] != '\0') {
            for (k = 0; options[k] != NULL && strcmp(options[k], word) != 0; k++)
                ;
            if (options[k] == NULL)
                net_usage_error(usage, "unknown option '%s'", word);
            if (i + 1 >= argc)
                net_usage_error(usage, "option %s needs a value", word);
            values[k] = argv[++i];
            continue;
        }
        if (nargs == max_args)
            net_usage_error(usage, "unexpected argument '%s'", word);
        args[nargs++] = word;
    }
    return nargs;
}

/* A whole-number option in [lowest, highest]; `fallback` when it was not
 * given (text NULL); otherwise exits 2 with the usage, naming the option. */
static inline long net_number_arg(const char *text, const char *option, long lowest,
                                  long highest, long fallback, const char *usage)
{
    char *end;
    long n;
    if (text == NULL)
        return fallback;
    n = strtol(text, &end, 10);
    if (end == text || *end != '\0' || n < lowest || n > highest)
        net_usage_error(usage, "%s takes a number from %ld to %ld, not '%s'", option, lowest,
                        highest, text);
    return n;
}

/* Checks a port argument (at least `lowest`: 0 for a server, which means
 * "any free port", 1 for a client); exits 2 with the usage if it is bad. */
static inline const char *net_port_arg(const char *text, long lowest, const char *usage)
{
    long port = net_parse_port(text);
    if (port < lowest)
        net_usage_error(usage, "'%s' is not a port number (%ld-65535)", text, lowest);
    return text;
}

/* "client 8802" would look for a machine named 8802: say what was meant. */
static inline void net_host_arg_check(const char *usage, const char *host)
{
    if (net_parse_port(host) >= 0)
        net_usage_error(usage, "'%s' looks like a port: the host comes first "
                        "(client localhost %s)", host, host);
}

/* The clients' command line, "client [HOST [PORT]]": what is given replaces
 * the default already in *host and *port; -h prints the usage and exits 0,
 * anything else exits 2 with it. */
static inline void net_client_args(int argc, char **argv, const char *usage,
                                   const char **host, const char **port)
{
    const char *options[] = {NULL}, *args[2];
    int nargs = net_parse_args(argc, argv, usage, options, NULL, args, 2);
    if (nargs == 1)
        net_host_arg_check(usage, args[0]);
    if (nargs >= 1)
        *host = args[0];
    if (nargs >= 2)
        *port = net_port_arg(args[1], 1, usage);
}

/* ---- addresses ---------------------------------------------------------- */

/* "127.0.0.1:5000" or "[::1]:5000". An IPv4 client of a dual-stack server
 * arrives as ::ffff:127.0.0.1; we print it as the IPv4 address it is. */
static inline const char *net_addr_text(const struct sockaddr *sa, char *buf, size_t cap)
{
    char host[64] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(buf, cap, "%s:%u", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        port = ntohs(in6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof host);
            snprintf(buf, cap, "%s:%u", host, port);
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
            snprintf(buf, cap, "[%s]:%u", host, port);
        }
    } else {
        snprintf(buf, cap, "(unknown address family %d)", (int)sa->sa_family);
    }
    return buf;
}

/* 1 for this machine's own addresses: 127.0.0.0/8, ::1, and an IPv4
 * loopback client of a dual-stack server (::ffff:127.x). */
static inline int net_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
    }
    return 0;
}

/* Two net_addr_text() results name the same machine, whatever their ports:
 * "192.168.1.7:50312" and "192.168.1.7:50313". */
static inline int net_same_host(const char *a, const char *b)
{
    const char *ca = strrchr(a, ':'), *cb = strrchr(b, ':');
    size_t la = ca != NULL ? (size_t)(ca - a) : strlen(a);
    size_t lb = cb != NULL ? (size_t)(cb - b) : strlen(b);
    return la == lb && memcmp(a, b, la) == 0;
}

/* Writes the address of sa into host if another machine could reach it
 * there (not loopback, not IPv6 link-local); returns 1 if so. */
static inline int net_reachable_host(const struct sockaddr *sa, char *host, size_t cap)
{
    if (sa != NULL && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        if ((ntohl(in->sin_addr.s_addr) >> 24) == 127)
            return 0;
        return inet_ntop(AF_INET, &in->sin_addr, host, (socklen_t)cap) != NULL;
    }
    if (sa != NULL && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return 0;
        return inet_ntop(AF_INET6, &in6->sin6_addr, host, (socklen_t)cap) != NULL;
    }
    return 0;
}

/* Prints "connect with: CLIENT ADDRESS PORT" for up to four addresses of
 * this machine that students on the same network could use; only those of
 * `family` unless it is AF_UNSPEC (a listener on 0.0.0.0 has no IPv6). */
static inline void net_print_local_addresses(const char *client, int port, int family)
{
    char host[64];
    int shown = 0;
#ifdef _WIN32
    /* Windows resolves its own host name to every adapter's address. */
    char name[256];
    struct addrinfo hints, *list = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (gethostname(name, (int)sizeof name) == 0 && getaddrinfo(name, NULL, &hints, &list) == 0) {
        for (ai = list; ai != NULL && shown < 4; ai = ai->ai_next)
            if ((family == AF_UNSPEC || ai->ai_family == family)
                && net_reachable_host(ai->ai_addr, host, sizeof host))
                shown += printf("connect with: %s %s %d\n", client, host, port) > 0;
        freeaddrinfo(list);
    }
#else
    struct ifaddrs *list = NULL, *ifa;
    if (getifaddrs(&list) == 0) {
        for (ifa = list; ifa != NULL && shown < 4; ifa = ifa->ifa_next)
            if ((ifa->ifa_flags & IFF_UP) && ifa->ifa_addr != NULL
                && (family == AF_UNSPEC || ifa->ifa_addr->sa_family == family)
                && net_reachable_host(ifa->ifa_addr, host, sizeof host))
                shown += printf("connect with: %s %s %d\n", client, host, port) > 0;
        freeifaddrs(list);
    }
#endif
    if (shown == 0)
        printf("connect with: %s %s %d (this machine only: no network address found)\n",
               client, family == AF_INET6 ? "::1" : "127.0.0.1", port);
}

/* The line a server prints when it is ready, then where to connect. The
 * first line always holds "port N": scripts and tests wait for it. */
static inline void net_announce(const char *prog, net_socket listener, const char *bind_addr)
{
    struct sockaddr_storage addr;
    socklen_t len = (socklen_t)sizeof addr;
    int port = 0;
    memset(&addr, 0, sizeof addr);
    if (getsockname(listener, (struct sockaddr *)&addr, &len) == 0)
        port = addr.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&addr)->sin6_port)
                                          : ntohs(((struct sockaddr_in *)&addr)->sin_port);
    if (bind_addr != NULL)
        printf("%s: listening on %s port %d\n", prog, bind_addr, port);
    else
        printf("%s: listening on port %d (%s)\n", prog, port,
               addr.ss_family == AF_INET6 ? "IPv4 and IPv6" : "IPv4 only");
    /* "::" and "0.0.0.0" mean every address (of their family): nobody can
     * connect to them as such */
    if (bind_addr == NULL)
        net_print_local_addresses("client", port, AF_UNSPEC);
    else if (strcmp(bind_addr, "::") == 0 || strcmp(bind_addr, "0.0.0.0") == 0)
        net_print_local_addresses("client", port, addr.ss_family);
    else
        printf("connect with: client %s %d\n", bind_addr, port);
    fflush(stdout);
}

#endif
