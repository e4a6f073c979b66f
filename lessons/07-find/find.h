/*
 * find.h - lesson 07's protocol: the question the finder asks and the answer
 * the beacon gives. Both programs include it, and so does the fuzzer
 * (tests/fuzz/fuzz_find.c): there is no socket in here, only bytes.
 *
 * The question is one datagram of exactly FIND_QUESTION_SIZE bytes:
 *     "socklab find 1\n", then padding (dots) up to 512 bytes.
 * The answer is one datagram, never longer than the question it answers:
 *     "socklab here 1\n", then one line per lesson server that is up:
 *     "lesson 06 port 8806\n"
 * and, last, if the beacon was given one (-l) and it fits, its label:
 *     "label Ms Lovelace, room 101\n"
 *
 * Text, so that a packet capture (or tools/hexdump) reads like the lesson.
 * One datagram is one message: UDP keeps the boundaries that TCP, a byte
 * stream, does not (lesson 02), so neither side looks for the end.
 */
#ifndef SOCKLAB_FIND_H
#define SOCKLAB_FIND_H

#include <stdio.h>
#include <string.h>

#define FIND_QUESTION "socklab find 1\n"
#define FIND_ANSWER "socklab here 1\n"
enum {
    /* The question is padded to 512 bytes so that the answer, which must
     * not be bigger, has room for every service (a line is 20 bytes at
     * most). 512 is also what any network carries in one piece: IPv4
     * promises 576-byte packets, and DNS kept its answers to 512 for that. */
    FIND_QUESTION_SIZE = 512,
    FIND_MOST_SERVICES = 16,    /* lines in one answer: 15 + 16 * 20 bytes fit in 512 */
    FIND_LINE_MAX = 32,         /* "lesson 99 port 65535\n" with room to spare */
    FIND_LABEL_MAX = 40         /* a beacon's label, in bytes: a name and a room */
};

/* A lesson server the beacon announces: its lesson number and TCP port. */
struct find_service {
    int lesson;
    int port;
};

/* The lessons a beacon can announce, with their default ports. */
static const struct find_lesson {
    int number;
    const char *name;
    int port;
} find_lessons[] = {
    {1, "hello", 8801}, {2, "echo", 8802}, {3, "daytime", 8803},
    {4, "chat", 8804}, {5, "doctor", 8805}, {6, "chat room", 8806},
    {0, NULL, 0}
};

/* The lesson's name ("chat room" for 6), or NULL for a number we don't know. */
static inline const char *find_lesson_name(int number)
{
    int i;
    for (i = 0; find_lessons[i].name != NULL; i++)
        if (find_lessons[i].number == number)
            return find_lessons[i].name;
    return NULL;
}

/* A decimal number of 1 to `digits` digits at *p, at most `most`; moves *p
 * past it. -1 if there is none. */
static inline long find_number(const char **p, const char *end, int digits, long most)
{
    long n = 0;
    int k = 0;
    while (*p < end && **p >= '0' && **p <= '9' && k < digits) {
        n = n * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k == 0 || n > most ? -1 : n;
}

/* The beacon's SERVICE argument: "8806", a lesson's own port, or "6:9000",
 * lesson 6 on port 9000. 0, or -1 if it is neither. */
static inline int find_parse_service(const char *text, struct find_service *sv)
{
    const char *p = text, *end = text + strlen(text);
    long n = find_number(&p, end, 5, 65535);
    int i;
    sv->lesson = 0;
    sv->port = (int)n;
    if (*p == ':' && find_lesson_name((int)n) != NULL) {
        sv->lesson = (int)n;
        p++;
        sv->port = (int)find_number(&p, end, 5, 65535);
    } else {
        for (i = 0; find_lessons[i].name != NULL; i++)
            if (find_lessons[i].port == n)
                sv->lesson = find_lessons[i].number;
    }
    return sv->lesson != 0 && sv->port > 0 && p == end ? 0 : -1;
}

/* The question, FIND_QUESTION_SIZE bytes, into buf (which holds as many). */
static inline void find_make_question(char *buf)
{
    size_t head = strlen(FIND_QUESTION);
    memcpy(buf, FIND_QUESTION, head);
    memset(buf + head, '.', FIND_QUESTION_SIZE - head);
}

/* 1 if the datagram is a question: the right size and the right first line.
 * Anything else (empty, 7 bytes, 65,507 bytes, the right size with other
 * words) is not, and gets no answer. */
static inline int find_is_question(const char *data, int len)
{
    return len == FIND_QUESTION_SIZE &&
           memcmp(data, FIND_QUESTION, strlen(FIND_QUESTION)) == 0;
}

/* The answer for these services into out, in at most `cap` bytes: the
 * length of the question it answers. A line that would not fit is left
 * out, whole. Returns the answer's length, or 0 if not even its first line
 * fits: then there is no answer at all, never a longer one. */
static inline int find_make_answer(char *out, int cap, const struct find_service *services, int n)
{
    char line[FIND_LINE_MAX];
    int len = (int)strlen(FIND_ANSWER), i, k;
    if (cap < len)
        return 0;
    memcpy(out, FIND_ANSWER, (size_t)len);
    for (i = 0; i < n; i++) {
        k = snprintf(line, sizeof line, "lesson %02d port %d\n", services[i].lesson,
                     services[i].port);
        if (k > 0 && k < (int)sizeof line && len + k <= cap) {
            memcpy(out + len, line, (size_t)k);
            len += k;
        }
    }
    return len;
}

/* Adds the label line to an answer of `len` bytes if it fits in `cap`;
 * returns the new length. */
static inline int find_add_label(char *out, int len, int cap, const char *label)
{
    int k = (int)strlen(label);
    if (k == 0 || k > FIND_LABEL_MAX || len + 7 + k > cap)
        return len;
    memcpy(out + len, "label ", 6);
    memcpy(out + len + 6, label, (size_t)k);
    out[len + 6 + k] = '\n';
    return len + 7 + k;
}

/* The label in an answer, into out (FIND_LABEL_MAX + 1 bytes), as it came:
 * the caller makes it printable. 0 if there is none. */
static inline int find_read_label(const char *data, int len, char *out)
{
    const char *p = data, *end = data + (len > 0 ? len : 0), *nl;
    for (; p < end; p = nl + 1) {
        nl = (const char *)memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return 0;
        if (nl - p > 6 && nl - p <= 6 + FIND_LABEL_MAX && memcmp(p, "label ", 6) == 0) {
            memcpy(out, p + 6, (size_t)(nl - p - 6));
            out[nl - p - 6] = '\0';
            return 1;
        }
    }
    return 0;
}

/* Reads the services from an answer (from anyone on the network: trust
 * nothing). Returns how many went to out (at most max), or -1 if the
 * datagram is not an answer. Lines it can't read are skipped: only numbers
 * come out of here, so nothing a stranger sends reaches the screen. */
static inline int find_read_answer(const char *data, int len, struct find_service *out, int max)
{
    const char *p = data, *end = data + (len > 0 ? len : 0), *nl;
    size_t head = strlen(FIND_ANSWER);
    int n = 0;
    long lesson, port;
    if (len < (int)head || memcmp(data, FIND_ANSWER, head) != 0)
        return -1;
    for (p += head; p < end && n < max; p = nl + 1) {
        nl = (const char *)memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            break;                      /* a line cut short: not a line */
        if (nl - p < 7 || memcmp(p, "lesson ", 7) != 0)
            continue;
        p += 7;
        lesson = find_number(&p, nl, 2, 99);
        if (lesson < 1 || nl - p < 6 || memcmp(p, " port ", 6) != 0)
            continue;
        p += 6;
        port = find_number(&p, nl, 5, 65535);
        if (port < 1 || p != nl)
            continue;
        out[n].lesson = (int)lesson;
        out[n].port = (int)port;
        n++;
    }
    return n;
}

#endif
