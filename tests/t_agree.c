/*
 * t_agree.c - each lesson says its point once, and the places agree.
 *
 * A student opens a lesson's README and meets, before anything else, the
 * point of the lesson in one sentence ("**The point:** ...") and where to
 * start reading ("**Start reading:** `server.c`, `main()` ..."). The top
 * README's table of lessons gives the same sentence, word for word, so the
 * two can't drift apart; and every file and function the start line names
 * exists, so it can't send a student to code that moved.
 */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const lessons[] = {"01-hello", "02-echo", "03-daytime", "04-chat",
                                      "05-doctor", "06-chatroom", "07-find", NULL};

/* The rest of the line after `label` in text, copied to out; 0 if absent. */
static int line_after(const char *text, const char *label, char *out, size_t cap)
{
    const char *p = strstr(text, label), *end;
    size_t n;
    if (p == NULL)
        return 0;
    p += strlen(label);
    while (*p == ' ')
        p++;
    end = strchr(p, '\n');
    n = end ? (size_t)(end - p) : strlen(p);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

/* Each `name.c`/`name.h` and `function()` in the start line: the files
 * exist in the lesson's folder, and each function is defined in one of them. */
static void check_start_line(const char *lesson, const char *line)
{
    char files[8][96], path[400], word[96];
    int nfiles = 0, i, found;
    const char *p = line, *q;
    while ((p = strchr(p, '`')) != NULL && (q = strchr(p + 1, '`')) != NULL) {
        size_t n = (size_t)(q - p - 1);
        if (n > 0 && n < sizeof word) {
            memcpy(word, p + 1, n);
            word[n] = '\0';
            if (n > 2 && word[n - 1] == ')' && word[n - 2] == '(') {
                word[n - 2] = '\0';     /* a function: defined in a named file */
                for (i = 0, found = 0; i < nfiles && !found; i++) {
                    char *text, *def;
                    snprintf(path, sizeof path, "lessons/%.40s/%.90s", lesson, files[i]);
                    text = slurp(path);
                    def = text ? strstr(text, word) : NULL;
                    while (def != NULL && !(def[strlen(word)] == '(' && def > text &&
                                            (def[-1] == ' ' || def[-1] == '*')))
                        def = strstr(def + 1, word);
                    found = def != NULL;
                    free(text);
                }
                expect(found, "lesson %s: the start line names %s(), which none of its files "
                       "before it defines", lesson, word);
            } else if (nfiles < 8 && (strstr(word, ".c") || strstr(word, ".h"))) {
                char *text;
                snprintf(files[nfiles], sizeof files[nfiles], "%s", word);
                snprintf(path, sizeof path, "lessons/%.40s/%.90s", lesson, word);
                text = slurp(path);
                expect(text != NULL, "lesson %s: the start line names %s, which is not there",
                       lesson, path);
                free(text);
                nfiles++;
            }
        }
        p = q + 1;
    }
    expect(nfiles > 0, "lesson %s: the start line names no file: %s", lesson, line);
}

/* text holds sentence, its first letter in either case (a table cell
 * starts with a capital, the README's line may not). */
static int has_sentence(const char *text, const char *sentence)
{
    const char *p = text;
    if (sentence[0] == '\0')
        return 0;
    while ((p = strstr(p + 1, sentence + 1)) != NULL)
        if (tolower((unsigned char)p[-1]) == tolower((unsigned char)sentence[0]))
            return 1;
    return 0;
}

static void every_lesson_says_its_point_and_where_to_start_reading(void)
{
    char *top = slurp("README.md"), path[256], point[600], start[600];
    int i;
    if (!expect(top != NULL, "README.md can't be read"))
        return;
    for (i = 0; lessons[i]; i++) {
        char *text, *head;
        snprintf(path, sizeof path, "lessons/%s/README.md", lessons[i]);
        text = slurp(path);
        if (!expect(text != NULL, "%s can't be read", path))
            continue;
        head = strstr(text, "\n## ");   /* both before the first section */
        if (expect(line_after(text, "**The point:**", point, sizeof point) &&
                   strstr(text, "**The point:**") < (head ? head : text + strlen(text)),
                   "%s: no '**The point:** ...' line before its first section", path))
            expect(has_sentence(top, point), "README.md's table doesn't give lesson %s's "
                   "point as its README does: '%s'", lessons[i], point);
        if (expect(line_after(text, "**Start reading:**", start, sizeof start) &&
                   strstr(text, "**Start reading:**") < (head ? head : text + strlen(text)),
                   "%s: no '**Start reading:** ...' line before its first section", path))
            check_start_line(lessons[i], start);
        free(text);
    }
    free(top);
}

const struct test agree_tests[] = {
    {"docs_every_lesson_says_its_point_and_where_to_start_reading",
     every_lesson_says_its_point_and_where_to_start_reading},
    {0, 0}};
