/*
 * admission.c - who may take a seat: at most N patients from one address.
 *
 * Every seat is a descriptor, a line buffer and an ELIZA. Without a limit,
 * one student's script (a loop of `nc`) can take every seat, and the class
 * hears "THE DOCTOR IS BUSY". The default, 4, leaves a student a few
 * terminals. A class behind one NAT (a school's Wi-Fi often is) reaches the
 * server from ONE address: raise it there (--per-address 40), or switch it
 * off (--per-address 0).
 *
 * Notice:
 *   - connections from this machine (127.0.0.0/8, ::1, and IPv4's loopback
 *     seen through an IPv6 socket, ::ffff:127.x) are exempt by default: they
 *     are the instructor's own terminals and the tests. A --per-address given
 *     on the command line counts them too, so it can be shown on one machine;
 *   - an address is compared as text without its port, as the log prints
 *     it: an IPv4 patient of a dual-stack server is printed, and counted, as
 *     the IPv4 address it is.
 */
#include "patient.h"

enum { DEFAULT_PER_ADDRESS = 4, MOST_PER_ADDRESS = 100000 };

void admission_configure(struct admission *a, const char *per_address, const char *usage)
{
    a->per_address = (int)net_number_arg(per_address, "--per-address", 0, MOST_PER_ADDRESS,
                                         DEFAULT_PER_ADDRESS, usage);
    a->loopback_too = per_address != NULL;  /* given: this machine counts too */
}

const char *admission_refusal(const struct admission *a, const struct patient *seats, int nseats,
                              const struct sockaddr *addr, const char *who,
                              char *log, size_t cap)
{
    int i, already = 0;
    if (a->per_address == 0 || (!a->loopback_too && net_is_loopback(addr)))
        return NULL;
    for (i = 0; i < nseats; i++)
        if (seats[i].sock != NET_INVALID && !seats[i].leave_by && net_same_host(seats[i].who, who))
            already++;
    if (already < a->per_address)
        return NULL;
    snprintf(log, cap, "turned %s away: %d patients already from that address (--per-address %d)",
             who, already, a->per_address);
    return "THE DOCTOR SEES ONLY A FEW PATIENTS FROM ONE ADDRESS. PLEASE COME BACK LATER.\n";
}
