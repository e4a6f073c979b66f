/*
 * t_links.c - the documents' links lead somewhere: every relative link in
 * the READMEs and docs/ names a file that exists, and an #anchor in the
 * glossary or another document names one of its headings. And the course
 * plan's minutes add up: every session's table makes 90.
 */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const documents[] = {
    "README.md", "DEVELOPERS.md", "docs/COURSE.md", "docs/SETUP.md", "docs/GLOSSARY.md",
    "lessons/01-hello/README.md", "lessons/02-echo/README.md", "lessons/03-daytime/README.md",
    "lessons/04-chat/README.md", "lessons/05-doctor/README.md",
    "lessons/06-chatroom/README.md", "lessons/07-find/README.md", "docs/REFERENCE.md", NULL};

/* GitHub's anchor for a heading: lower case, spaces to '-', and only
 * letters, digits, '-' and '_' kept. */
static void anchor_of(const char *heading, size_t len, char *out, size_t cap)
{
    size_t i, n = 0;
    for (i = 0; i < len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)heading[i];
        if (c == ' ')
            out[n++] = '-';
        else if (isalnum(c) || c == '-' || c == '_')
            out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
}

static int has_anchor(const char *text, const char *anchor)
{
    const char *p = text;
    char got[256];
    while ((p = strstr(p, "\n#")) != NULL) {
        const char *start = p + 1, *end = strchr(start, '\n');
        start += strspn(start, "#");
        start += strspn(start, " ");
        if (end == NULL)
            end = start + strlen(start);
        anchor_of(start, (size_t)(end - start), got, sizeof got);
        if (strcmp(got, anchor) == 0)
            return 1;
        p = end;
    }
    return 0;
}

/* Checks one link target, relative to the document's folder. */
static void check_target(const char *doc, const char *target)
{
    char path[1100], file[512], *hash;
    const char *slash = strrchr(doc, '/');
    char *text;
    snprintf(file, sizeof file, "%s", target);
    hash = strchr(file, '#');
    if (hash != NULL)
        *hash++ = '\0';
    if (file[0] == '\0')
        snprintf(path, sizeof path, "%s", doc);
    else
        snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - doc + 1) : 0, doc, file);
    if (!expect(access(path, F_OK) == 0, "%s: the link (%s) to lead to a file (%s)", doc, target,
                path))
        return;
    if (hash == NULL || strstr(path, ".md") == NULL)
        return;
    text = slurp(path);
    expect(text != NULL && has_anchor(text, hash), "%s: the link (%s) to name a heading of %s",
           doc, target, path);
    free(text);
}

static void docs_links_lead_to_files_and_headings_that_exist(void)
{
    int i, links = 0;
    for (i = 0; documents[i] != NULL; i++) {
        char *text = slurp(documents[i]), *p;
        if (!expect(text != NULL, "%s to exist", documents[i]))
            continue;
        for (p = text; (p = strstr(p, "](")) != NULL; p += 2) {
            char target[512];
            size_t len = strcspn(p + 2, ") \n");
            if (len == 0 || len >= sizeof target || strncmp(p + 2, "http", 4) == 0 ||
                strncmp(p + 2, "mailto:", 7) == 0)
                continue;
            memcpy(target, p + 2, len);
            target[len] = '\0';
            check_target(documents[i], target);
            links++;
        }
        free(text);
    }
    note("%d relative links checked", links);
    expect(links >= 20, "the documents to link to each other (found %d links)", links);
}

/* docs/COURSE.md: each "## Session" has a table of "| min | activity |"
 * rows whose minutes make 90. */
static void docs_course_sessions_add_up_to_90_minutes(void)
{
    char *text = slurp("docs/COURSE.md"), *p;
    int sessions = 0;
    if (!expect(text != NULL, "docs/COURSE.md to exist"))
        return;
    for (p = text; (p = strstr(p, "\n## Session ")) != NULL; p++) {
        const char *end = strstr(p + 1, "\n## "), *row = p;
        int minutes = 0, m;
        char title[80];
        sscanf(p + 4, "%79[^\n]", title);
        while ((row = strstr(row + 1, "\n| ")) != NULL && (end == NULL || row < end))
            if (sscanf(row, "\n| %d |", &m) == 1)
                minutes += m;
        expect(minutes == 90, "%s: activities of 90 minutes, found %d", title, minutes);
        sessions++;
    }
    expect(sessions >= 7, "docs/COURSE.md to plan at least 7 sessions, found %d", sessions);
    free(text);
}

const struct test links_tests[] = {
    {"docs_links_lead_to_files_and_headings_that_exist",
     docs_links_lead_to_files_and_headings_that_exist},
    {"docs_course_sessions_add_up_to_90_minutes", docs_course_sessions_add_up_to_90_minutes},
    {NULL, NULL},
};
