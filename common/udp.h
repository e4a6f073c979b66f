/*
 * udp.h - where "everyone on this network" is, for lesson 07's finder: the
 * IPv4 broadcast address of each network this machine is on, and the IPv6
 * interfaces on which to ask the all-nodes group ff02::1 (and the beacon
 * joins that group on each, to hear it).
 *
 * Part of the compat layer: POSIX lists interfaces with getifaddrs(),
 * Winsock with WSAIoctl(). Only the listing differs between them; socket(),
 * SO_BROADCAST, sendto() and recvfrom() stay in the lesson, where they are
 * taught. Everything here starts with udp_.
 */
#ifndef SOCKLAB_UDP_H
#define SOCKLAB_UDP_H

#include "net.h"

/* Interfaces looked at: a laptop has two or three, a lab PC with virtual
 * machines a dozen. Past this many, the rest are left out. */
enum { UDP_MOST_INTERFACES = 16 };

/* Adds addr to list (of *n) unless it is there already; 1 if added. Two
 * addresses on one network share one broadcast address. */
static inline int udp_add_once(struct sockaddr_in *list, int *n, int max, struct in_addr addr)
{
    int i;
    for (i = 0; i < *n; i++)
        if (list[i].sin_addr.s_addr == addr.s_addr)
            return 0;
    if (*n >= max)
        return 0;
    memset(&list[*n], 0, sizeof list[*n]);
    list[*n].sin_family = AF_INET;
    list[*n].sin_addr = addr;
    (*n)++;
    return 1;
}

/* The broadcast address (192.168.1.255 on 192.168.1.0/24) of each IPv4
 * network this machine is on, loopback left out; returns how many, with
 * the port set to `port`. A datagram sent there reaches every machine on
 * that network, and only that network: routers do not pass it on. */
static inline int udp_ipv4_broadcasts(struct sockaddr_in *out, int max, unsigned short port)
{
    int n = 0, i;
#ifdef _WIN32
    /* Windows lists each address with its mask; the broadcast address is
     * the address with every host bit set (its own field is unreliable). */
    INTERFACE_INFO list[UDP_MOST_INTERFACES];
    DWORD bytes = 0;
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s != INVALID_SOCKET && WSAIoctl(s, SIO_GET_INTERFACE_LIST, NULL, 0, list, sizeof list,
                                        &bytes, NULL, NULL) == 0) {
        for (i = 0; i < (int)(bytes / sizeof list[0]); i++) {
            struct in_addr b;
            u_long flags = list[i].iiFlags;
            if (!(flags & IFF_UP) || !(flags & IFF_BROADCAST) || (flags & IFF_LOOPBACK))
                continue;
            b.s_addr = list[i].iiAddress.AddressIn.sin_addr.s_addr
                       | ~list[i].iiNetmask.AddressIn.sin_addr.s_addr;
            udp_add_once(out, &n, max, b);
        }
    }
    if (s != INVALID_SOCKET)
        closesocket(s);
#else
    struct ifaddrs *list = NULL, *ifa;
    if (getifaddrs(&list) == 0) {
        for (ifa = list; ifa != NULL; ifa = ifa->ifa_next)
            if ((ifa->ifa_flags & IFF_UP) && (ifa->ifa_flags & IFF_BROADCAST)
                && !(ifa->ifa_flags & IFF_LOOPBACK) && ifa->ifa_addr != NULL
                && ifa->ifa_addr->sa_family == AF_INET && ifa->ifa_broadaddr != NULL)
                udp_add_once(out, &n, max, ((struct sockaddr_in *)ifa->ifa_broadaddr)->sin_addr);
        freeifaddrs(list);
    }
#endif
    for (i = 0; i < n; i++)
        out[i].sin_port = htons(port);
    return n;
}

/* Adds an interface number to list unless it is there already. */
static inline void udp_add_index(unsigned *list, int *n, int max, unsigned index)
{
    int i;
    for (i = 0; i < *n && list[i] != index; i++)
        ;
    if (i == *n && *n < max && index != 0)
        list[(*n)++] = index;
}

/* The numbers of the interfaces that have IPv6 (loopback left out): those
 * with a link-local address fe80::..., whose scope id is the interface's
 * number. ff02::1 ("all nodes") means nothing without one: every link has
 * its own. Returns how many. */
static inline int udp_ipv6_interfaces(unsigned *out, int max)
{
    int n = 0;
#ifdef _WIN32
    char buf[4096];
    DWORD bytes = 0;
    SOCKET s = socket(AF_INET6, SOCK_DGRAM, 0);
    if (s != INVALID_SOCKET && WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, NULL, 0, buf, sizeof buf,
                                        &bytes, NULL, NULL) == 0) {
        SOCKET_ADDRESS_LIST *list = (SOCKET_ADDRESS_LIST *)buf;
        int i;
        for (i = 0; i < list->iAddressCount; i++) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)list->Address[i].lpSockaddr;
            if (a->sin6_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
                udp_add_index(out, &n, max, (unsigned)a->sin6_scope_id);
        }
    }
    if (s != INVALID_SOCKET)
        closesocket(s);
#else
    struct ifaddrs *list = NULL, *ifa;
    if (getifaddrs(&list) == 0) {
        for (ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ifa->ifa_addr;
            if ((ifa->ifa_flags & IFF_UP) && !(ifa->ifa_flags & IFF_LOOPBACK) && a != NULL
                && a->sin6_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
                udp_add_index(out, &n, max, (unsigned)a->sin6_scope_id);
        }
        freeifaddrs(list);
    }
#endif
    return n;
}

/* A socket hears IPv6 multicast only for the groups it joined. Joins the
 * all-nodes group ff02::1 on every IPv6 interface (each machine is in it
 * anyway, but Windows still wants the socket to ask); best effort. */
static inline void udp_join_all_nodes(net_socket s)
{
    unsigned ifs[UDP_MOST_INTERFACES];
    int i, n = udp_ipv6_interfaces(ifs, UDP_MOST_INTERFACES);
    struct ipv6_mreq group;
    memset(&group, 0, sizeof group);
    inet_pton(AF_INET6, "ff02::1", &group.ipv6mr_multiaddr);
    for (i = 0; i < n; i++) {
        group.ipv6mr_interface = ifs[i];
        setsockopt(s, IPPROTO_IPV6, IPV6_JOIN_GROUP, (const char *)&group, sizeof group);
    }
}

#endif
