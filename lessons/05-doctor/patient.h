/*
 * patient.h - the waiting room: every patient's seat, shared by server.c
 * (the select() loop), outbox.c (replies that wait until the patient reads
 * them, and leaving) and admission.c (who may take a seat).
 */
#ifndef DOCTOR_PATIENT_H
#define DOCTOR_PATIENT_H

#include "../../common/net.h"
#include "../../common/joins.h"    /* joins paced per machine and for the room */
#include "../04-chat/line.h"      /* lesson 04's line_buffer */
#include "eliza.h"

enum {
    RESERVED_FDS = 8,           /* stdin/out/err, the listener, a spare for "busy" */
    MAX_PATIENTS = FD_SETSIZE - RESERVED_FDS,
    REPLY_MAX = 1024,
    /* We answer a patient's next line only once the last reply is gone, so
     * the outbox holds at most one reply's unsent rest, and the goodbye the
     * server may add after it when it closes. */
    OUTBOX_SIZE = 2 * (REPLY_MAX + 1),
    /* A patient who reads takes some bytes within a second or two, even
     * through a slow terminal; one who took nothing for 10 s has stopped.
     * Waiting costs nothing meanwhile: that patient is out of the read set,
     * nobody else waits, so the bound only decides when the seat is freed. */
    STALL_MS = 10000,
    GOODBYE_MS = 2000           /* how long a goodbye may take to go out */
};

struct patient {
    net_socket sock;            /* NET_INVALID while the seat is free */
    char who[NET_ADDR_TEXT];    /* "host:port", for the log and admission.c */
    struct line_buffer in;      /* TCP is a byte stream: lines are ours to find */
    eliza *doctor;              /* this patient's own conversation */
    char out[OUTBOX_SIZE];      /* what send() has not taken yet */
    int out_len;
    long long progress_ms;      /* when send() last took some of it */
    int ended;                  /* the patient closed: no more lines will come */
    long long leave_by;         /* discharged: the seat closes once out is sent, or then */
};

/* admission.c: at most `per_address` patients from one machine (0: no
 * limit); `loopback_too`: the limits apply to this machine's own
 * connections as well; `joins`: how often newcomers may come in. */
struct admission {
    int per_address;
    int loopback_too;
    struct net_joins joins;
};

struct waiting_room {
    struct patient seats[MAX_PATIENTS];
    int count;                  /* patients not yet discharged */
    long long now;              /* when select() last returned */
    struct admission rules;
    int trace;                  /* --trace: each select() round told on stderr */
};

/* outbox.c: a reply goes in whole (made printable), and send() takes what
 * fits; the rest waits. Returns 0, or -1 if the patient is gone. */
int outbox_reply(struct patient *p, const char *text, long long now);
/* Out of the log now; the seat closes once what it was told has gone. */
void discharge(struct waiting_room *w, struct patient *p, const char *why);
/* For a patient whose outbox holds bytes: returns 1 once it is empty and
 * the patient's waiting lines may be answered. */
int keep_sending(struct waiting_room *w, struct patient *p);
/* Ctrl+C: a goodbye to everyone, delivered within GOODBYE_MS. */
void send_everyone_home(struct waiting_room *w);
void admission_configure(struct admission *a, const char *per_address, const char *usage);
/* NULL if the newcomer may sit, else the line to tell them (and the log
 * counts why). */
const char *admission_refusal(struct admission *a, const struct patient *seats, int nseats,
                              net_socket s, const char *who, long long now);

#endif
