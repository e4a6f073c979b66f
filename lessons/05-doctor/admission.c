/*
 * admission.c - who may take a seat: at most N patients from one machine,
 * joins paced per machine and for the whole waiting room.
 *
 * Every seat is a descriptor, a line buffer and an ELIZA. Without a limit,
 * one student's script (a loop of `nc`) can take every seat, and the class
 * hears "THE DOCTOR IS BUSY". The default, 4, leaves a student a few
 * terminals. A machine is an address, but behind a router an IPv6 /64 (one
 * laptop may use any address of its /64: common/addresses.h). Newcomers are also
 * paced (common/joins.h): 5 in a row from one machine, then one every 2 s;
 * 44 at once for the room, then 4 a second, however many addresses try.
 *
 * A class behind one NAT (a school's Wi-Fi often is) reaches the server
 * from ONE address: --per-address 40 gives it 40 seats and the joins to
 * take them at once. --per-address 0 switches the limits per address off.
 *
 * Notice:
 *   - connections from this machine (127.0.0.0/8, ::1, and IPv4's loopback
 *     seen through an IPv6 socket, ::ffff:127.x) are exempt by default: they
 *     are the instructor's own terminals and the tests. A --per-address given
 *     on the command line counts them too, so it can be shown on one machine;
 *   - refusals are counted in the log, one line per machine and 10 s
 *     (common/log.h), so a script that knocks all day can't fill it.
 */
#include "../../common/log.h"
#include "patient.h"

enum { DEFAULT_PER_ADDRESS = 4, MOST_PER_ADDRESS = 100000 };

static const char shared[] =
    "THE DOCTOR SEES ONLY A FEW PATIENTS FROM ONE ADDRESS. PLEASE COME BACK LATER. "
    "(A CLASS SHARING ONE ADDRESS, SCHOOL WI-FI OR NAT? THE TEACHER CAN START THE SERVER "
    "WITH --per-address 40)\n";

void admission_configure(struct admission *a, const char *per_address, const char *usage)
{
    a->per_address = (int)net_number_arg(per_address, "--per-address", 0, MOST_PER_ADDRESS,
                                         DEFAULT_PER_ADDRESS, usage);
    a->loopback_too = per_address != NULL;  /* given: this machine counts too */
}

/* Patients per machine (net_machine_key()), not per connection. */
static int patients_from(const struct patient *seats, int nseats, const char *machine)
{
    char key[NET_ADDR_TEXT];
    int i, already = 0;
    for (i = 0; i < nseats; i++)
        if (seats[i].sock != NET_INVALID && !seats[i].leave_by) {
            net_machine_key(seats[i].sock, key, sizeof key);
            already += strcmp(key, machine) == 0;
        }
    return already;
}

const char *admission_refusal(struct admission *a, const struct patient *seats, int nseats,
                              net_socket s, const char *who, long long now)
{
    char machine[NET_ADDR_TEXT];
    int already;
    enum net_join_answer join;
    struct sockaddr_storage peer;
    socklen_t len = (socklen_t)sizeof peer;
    if (getpeername(s, (struct sockaddr *)&peer, &len) != 0 ||
        (!a->loopback_too && net_is_loopback((struct sockaddr *)&peer)))
        return NULL;
    net_machine_key(s, machine, sizeof machine);
    if (a->per_address > 0 && (already = patients_from(seats, nseats, machine)) >= a->per_address) {
        net_log_often("patients turned away from", machine, "turned %s away: %d patients already "
                      "from that address (--per-address %d; a class behind one address: "
                      "--per-address 40)", who, already, a->per_address);
        return shared;
    }
    if ((join = net_join(&a->joins, machine, now, a->per_address)) == NET_JOIN_MACHINE_WAIT) {
        net_log_often("patients turned away from", machine, "turned %s away: arriving too often "
                      "from that address (--per-address %d; a class behind one address: "
                      "--per-address 40)", who, a->per_address);
        return "TOO MANY PATIENTS ARRIVING FROM YOUR ADDRESS. PLEASE WAIT A FEW SECONDS.\n";
    }
    if (join == NET_JOIN_ROOM_WAIT) {
        net_log_often("patients turned away from", machine,
                      "turned %s away: too many arriving at once, from all addresses", who);
        return "TOO MANY PATIENTS ARRIVING AT ONCE. PLEASE WAIT A FEW SECONDS.\n";
    }
    return NULL;
}
