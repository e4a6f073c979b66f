/*
 * addresses.h - addresses as people read them: a peer's "host:port", this
 * machine's own, and the lines a server prints when it is ready (its port,
 * and where students can connect).
 *
 * Part of the compat layer: listing a machine's addresses is getifaddrs()
 * on POSIX, and a host-name lookup on Windows. net.h includes it, so a
 * lesson includes net.h. Everything here starts with net_ like the rest.
 */
#ifndef SOCKLAB_ADDRESSES_H
#define SOCKLAB_ADDRESSES_H

#include "net.h"

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

/* The machine behind a connection, for counting seats and joins per
 * machine: an IPv4 address as it is ("192.168.1.7"); an IPv6 address from
 * another network as its /64 ("2001:db8:1:2::/64"), and one from our own
 * network (the /64 of the address it reached us on) as it is. Why: behind a
 * router, one laptop owns a whole /64 (SLAAC, privacy addresses) and may use
 * any of its 2^64 addresses, so counting exact addresses would count
 * nothing; but on the class's own LAN the /64 is everyone's, and each
 * address there is a classmate. (On its own LAN a machine can add addresses
 * of either family; the room's join budget, joins.h, bounds how fast.)
 * Writes "" if the socket has no peer any more. */
static inline void net_machine_key(net_socket s, char *key, size_t cap)
{
    struct sockaddr_storage peer, here;
    socklen_t plen = (socklen_t)sizeof peer, hlen = (socklen_t)sizeof here;
    struct in6_addr a6;
    char text[NET_ADDR_TEXT];
    key[0] = '\0';
    if (getpeername(s, (struct sockaddr *)&peer, &plen) != 0 ||
        getsockname(s, (struct sockaddr *)&here, &hlen) != 0 ||
        net_addr_text((struct sockaddr *)&peer, text, sizeof text) == NULL)
        return;
    if (peer.ss_family == AF_INET6 &&
        !IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&peer)->sin6_addr)) {
        a6 = ((struct sockaddr_in6 *)&peer)->sin6_addr;
        if (here.ss_family != AF_INET6 ||
            memcmp(&a6, &((struct sockaddr_in6 *)&here)->sin6_addr, 8) != 0) {
            memset(&a6.s6_addr[8], 0, 8);               /* another network: its /64 */
            inet_ntop(AF_INET6, &a6, text, 48);         /* 39 at most */
            snprintf(key, cap, "%.48s/64", text);
            return;
        }
    }
    *strrchr(text, ':') = '\0';                         /* the address, no port */
    snprintf(key, cap, "%s", text);
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

/* How a command runs a program in the folder you are in, so that what a
 * program prints for people to type works as typed: cmd.exe looks in the
 * current folder first ("client"); a POSIX shell looks only in $PATH, and
 * "client" alone gives "command not found": it needs "./client". */
#ifdef _WIN32
#  define NET_HERE ""
#else
#  define NET_HERE "./"
#endif

/* Prints "connect with: ./CLIENT ADDRESS PORT" for up to four addresses of
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
                shown += printf("connect with: " NET_HERE "%s %s %d\n", client, host, port) > 0;
        freeaddrinfo(list);
    }
#else
    struct ifaddrs *list = NULL, *ifa;
    if (getifaddrs(&list) == 0) {
        for (ifa = list; ifa != NULL && shown < 4; ifa = ifa->ifa_next)
            if ((ifa->ifa_flags & IFF_UP) && ifa->ifa_addr != NULL
                && (family == AF_UNSPEC || ifa->ifa_addr->sa_family == family)
                && net_reachable_host(ifa->ifa_addr, host, sizeof host))
                shown += printf("connect with: " NET_HERE "%s %s %d\n", client, host, port) > 0;
        freeifaddrs(list);
    }
#endif
    if (shown == 0)
        printf("connect with: " NET_HERE "%s %s %d (this machine only: no network address found)\n",
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
        printf("connect with: " NET_HERE "client %s %d\n", bind_addr, port);
    fflush(stdout);
}

#endif
