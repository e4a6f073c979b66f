/*
 * fuzz_find.c - libFuzzer target for lesson 07's protocol (find.h): every
 * datagram the beacon or the finder can receive, of any size and content.
 *
 * The beacon's side: find_is_question() says yes only to 512 bytes that
 * begin with the question's line; the answer it then builds, for any list
 * of services (made from the input), is never longer than the question
 * (the rule that keeps the beacon from amplifying a flood), and the finder
 * reads back every line that fitted. The finder's side: find_read_answer()
 * on the raw input gives only lessons 1-99 and ports 1-65535, never more
 * than it was given room for. The SERVICE argument parser gets the input
 * as text, and whatever it accepts names a known lesson and a real port.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilessons/07-find \
 *     tests/fuzz/fuzz_find.c -o /tmp/fuzz_find && /tmp/fuzz_find -max_total_time=60
 * (or simply: make fuzz)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "find.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The finder reading any datagram: only numbers in range come out. */
static void read_any_answer(const char *in, int len)
{
    struct find_service sv[4];
    int i, n = find_read_answer(in, len, sv, 4);
    if (n < -1 || n > 4)
        abort();
    for (i = 0; i < n; i++)
        if (sv[i].lesson < 1 || sv[i].lesson > 99 || sv[i].port < 1 || sv[i].port > 65535)
            abort();
}

/* The beacon answering: services made from the input's bytes, an answer
 * capped at the question's length, read back whole by the finder. */
static void answer_within_the_question(const uint8_t *data, size_t size)
{
    struct find_service sv[FIND_MOST_SERVICES], back[FIND_MOST_SERVICES];
    char answer[FIND_QUESTION_SIZE * 2];
    int n = 0, cap, len, got, i;
    size_t k;
    for (k = 0; k + 3 <= size && n < FIND_MOST_SERVICES; k += 3) {
        sv[n].lesson = 1 + data[k] % 99;
        sv[n].port = 1 + ((data[k + 1] << 8) | data[k + 2]) % 65535;
        n++;
    }
    cap = size > 0 ? data[0] * 2 + (size > 1 ? data[1] % 2 : 0) : 0;  /* 0..511 */
    if (cap > FIND_QUESTION_SIZE)
        cap = FIND_QUESTION_SIZE;
    memset(answer, 'X', sizeof answer);
    len = find_make_answer(answer, cap, sv, n);
    if (len < 0 || len > cap || answer[cap] != 'X')
        abort();                        /* the size rule, and nothing written past it */
    if (len == 0)
        return;
    got = find_read_answer(answer, len, back, FIND_MOST_SERVICES);
    if (got < 0 || got > n)
        abort();
    for (i = 0, k = 0; i < got; i++, k++) {     /* the lines that fitted, in order */
        while (k < (size_t)n && (back[i].lesson != sv[k].lesson || back[i].port != sv[k].port))
            k++;
        if (k == (size_t)n)
            abort();
    }
    if (cap == FIND_QUESTION_SIZE && got != n)
        abort();                        /* a real question has room for every service */
}

static void parse_any_service(const char *in, size_t size)
{
    char text[16];
    struct find_service sv;
    size_t len = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, in, len);
    text[len] = '\0';
    if (find_parse_service(text, &sv) == 0 &&
        (find_lesson_name(sv.lesson) == NULL || sv.port < 1 || sv.port > 65535))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    int len = size > 70000 ? 70000 : (int)size;     /* a datagram is at most 65,507 */
    char question[FIND_QUESTION_SIZE];
    if (find_is_question(in, len) != (len == FIND_QUESTION_SIZE &&
                                      memcmp(in, FIND_QUESTION, strlen(FIND_QUESTION)) == 0))
        abort();
    find_make_question(question);
    if (!find_is_question(question, FIND_QUESTION_SIZE))
        abort();
    read_any_answer(in, len);
    answer_within_the_question(data, size);
    parse_any_service(in, size);
    return 0;
}
