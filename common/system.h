/*
 * system.h - what the helper programs in tools/ need beyond sockets:
 * sleeping (a slow reader keeps a pace; net.h has the clock,
 * net_now_ms()), the system's name (the setup check gives the firewall
 * step for it), and their shared command line (HOST PORT; flags are
 * args.h's net_take_flag()). The lessons don't need it: they wait in select()
 * and recv().
 *
 * Part of the compat layer: Windows and POSIX each have their own calls.
 * C99's clock() is no use here: on POSIX it counts CPU time, and a program
 * that waits on the network uses almost none.
 */
#ifndef SOCKLAB_SYSTEM_H
#define SOCKLAB_SYSTEM_H

#include "net.h"

#ifndef _WIN32
#  include <time.h>
#endif

/* The system the program was built for, as a student would name it. */
#if defined(_WIN32)
#  define NET_SYSTEM "Windows"
#elif defined(__APPLE__)
#  define NET_SYSTEM "macOS"
#elif defined(__linux__)
#  define NET_SYSTEM "Linux"
#else
#  define NET_SYSTEM "this system"
#endif

/* Sleeps about ms milliseconds (0 or less: returns at once). */
static inline void net_sleep_ms(long long ms)
{
#ifdef _WIN32
    if (ms > 0)
        Sleep((DWORD)ms);
#else
    struct timespec ts;
    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
#endif
}

/* A tool's "HOST PORT [options]" into args[0] and args[1]; a usage error
 * (exit 2) when either is missing or wrong. */
static inline void net_host_port_args(int argc, char **argv, const char *usage,
                                      const char *options[], const char *values[],
                                      const char *args[])
{
    if (net_parse_args(argc, argv, usage, options, values, args, 2) != 2)
        net_usage_error(usage, "HOST and PORT are needed");
    net_host_arg_check(usage, args[0]);
    net_port_arg(args[1], 1, usage);
}

#endif
