/*
 * outbox.c - a patient's replies wait here until send() takes them; and
 * leaving, which waits for the goodbye to go out.
 *
 * A patient's socket is non-blocking: send() takes what fits in the
 * system's buffer now and returns. A patient who pastes thousands of lines
 * reads the replies slower than ELIZA writes them, so sooner or later a
 * reply goes out only in part. Its rest waits in the patient's outbox, and
 * server.c stops answering (and reading) that patient until the outbox is
 * empty: TCP then makes the patient's own sending wait, and a flood goes at
 * the pace its sender reads. Nobody else is slowed.
 *
 * Notice:
 *   - a reply goes into send() whole, in ONE call: text and newline sent
 *     apart make two packets, and Nagle's rule may hold the second back;
 *   - the stall clock runs only while bytes wait, and restarts whenever
 *     send() takes any: slow is fine, stopped is not;
 *   - a patient who leaves is told why (GOODBYE) and the seat closes once
 *     that has gone out: close() right after a send() that took only part
 *     would lose the rest.
 */
#include "../../common/tcp.h"
#include "../../common/text.h"
#include "../../common/log.h"
#include "patient.h"

/* ELIZA repeats the patient's words, and may cut them anywhere: the reply
 * is made printable last (common/text.h), a terminal obeys what it gets. */
static int outbox_send(struct patient *p, long long now);

int outbox_reply(struct patient *p, const char *text, long long now)
{
    char line[REPLY_MAX + 1];
    int len = snprintf(line, sizeof line, "%s\n", text);
    if (len < 0 || len >= (int)sizeof line || p->out_len + len > OUTBOX_SIZE)
        return -1;
    text_make_printable(line, len - 1);
    if (p->out_len == 0)
        p->progress_ms = now;           /* the stall clock starts with the first byte */
    memcpy(p->out + p->out_len, line, (size_t)len);
    p->out_len += len;
    return outbox_send(p, now);
}

/* One send() of what waits; the rest stays for the next round. */
static int outbox_send(struct patient *p, long long now)
{
    int n;
    if (p->out_len == 0)
        return 0;
    n = send(p->sock, p->out, p->out_len, 0);
    if (n < 0)
        return net_would_block(net_error()) ? 0 : -1;
    if (n > 0)
        p->progress_ms = now;
    memmove(p->out, p->out + n, (size_t)(p->out_len - n));
    p->out_len -= n;
    return 0;
}

/* Bytes have waited STALL_MS and send() took none of them. */
static int outbox_stalled(const struct patient *p, long long now)
{
    return p->out_len > 0 && now - p->progress_ms >= STALL_MS;
}

/* ---- leaving ------------------------------------------------------------ */

static void close_seat(struct patient *p)
{
    tcp_close_after_reading(p->sock);
    eliza_free(p->doctor);
    p->sock = NET_INVALID;
    p->doctor = NULL;
}

/* The seat stays GOODBYE_MS at most, and holds nobody up meanwhile. */
void discharge(struct waiting_room *w, struct patient *p, const char *why)
{
    net_log("%s %s (%d patients)", p->who, why, --w->count);
    p->leave_by = w->now + GOODBYE_MS;
    if (outbox_stalled(p, w->now) || outbox_send(p, w->now) != 0 || p->out_len == 0)
        close_seat(p);
}

/* send() takes what fits, whether select() said "writable" or the second
 * went by: a reader frees a little room at a time. */
int keep_sending(struct waiting_room *w, struct patient *p)
{
    if (outbox_send(p, w->now) != 0) {
        if (p->leave_by)
            close_seat(p);              /* gone before the goodbye: fine */
        else
            discharge(w, p, "was cut off");
    } else if (p->leave_by) {
        if (p->out_len == 0 || w->now >= p->leave_by)
            close_seat(p);
    } else if (outbox_stalled(p, w->now)) {
        discharge(w, p, "stopped reading the replies for 10 s: let go");
    }
    return p->sock != NET_INVALID && !p->leave_by && p->out_len == 0;
}

void send_everyone_home(struct waiting_room *w)
{
    int i, open;
    for (i = 0; i < MAX_PATIENTS; i++)
        if (w->seats[i].sock != NET_INVALID && !w->seats[i].leave_by) {
            outbox_reply(&w->seats[i], "THE DOCTOR HAS TO GO NOW. GOODBYE.", w->now);
            discharge(w, &w->seats[i], "was sent home: the server is closing");
        }
    do {
        fd_set writable;
        struct timeval tick = {0, 100000};
        net_socket top = 0;
        FD_ZERO(&writable);
        for (i = open = 0; i < MAX_PATIENTS; i++)
            if (w->seats[i].sock != NET_INVALID) {
                FD_SET(w->seats[i].sock, &writable);
                top = w->seats[i].sock > top ? w->seats[i].sock : top;
                open++;
            }
        if (open > 0)
            select((int)(top + 1), NULL, &writable, NULL, &tick);
        w->now = net_now_ms();
        for (i = 0; i < MAX_PATIENTS; i++)
            if (w->seats[i].sock != NET_INVALID)
                keep_sending(w, &w->seats[i]);
    } while (open > 0);
}
