/*
 * datagram.h - UDP for the tests of lesson 07 (tests/t_find.c) and the
 * checks of its exercises (tests/exercises/ex_07.c): a socket aimed at a
 * beacon on 127.0.0.1 or ::1, and one datagram received with a time limit.
 */
#ifndef SOCKLAB_DATAGRAM_H
#define SOCKLAB_DATAGRAM_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>

/* A UDP socket of the host's family ("127.0.0.1" or "::1"), and in *to the
 * address host:port. -1 if there is no socket. */
static inline int udp_socket_to(const char *host, int port, struct sockaddr_storage *to,
                                socklen_t *len)
{
    memset(to, 0, sizeof *to);
    if (strchr(host, ':') != NULL) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)to;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short)port);
        inet_pton(AF_INET6, host, &a->sin6_addr);
        *len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)to;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short)port);
        inet_pton(AF_INET, host, &a->sin_addr);
        *len = sizeof *a;
    }
    return socket(to->ss_family, SOCK_DGRAM, 0);
}

/* The next datagram within ms, into buf; its length, or -1 if none came. */
static inline int receive_datagram(int fd, char *buf, size_t cap, int ms)
{
    fd_set readable;
    struct timeval wait;
    wait.tv_sec = ms / 1000;
    wait.tv_usec = (ms % 1000) * 1000;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    if (select(fd + 1, &readable, NULL, NULL, &wait) <= 0)
        return -1;
    return (int)recv(fd, buf, cap, 0);
}

#endif
