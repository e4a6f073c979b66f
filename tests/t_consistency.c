/*
 * t_consistency.c - a fact the documents state in more than one place is
 * stated the same way everywhere, and agrees with the code it describes:
 *   - the number of sessions: docs/COURSE.md's title, its "## Session N"
 *     headings, every "N sessions" elsewhere, SETUP.md's table of sessions;
 *   - the firewall rules: every rule in the documents opens the lessons'
 *     TCP ports (their DEFAULT_PORTs) or lesson 07's UDP port, and
 *     COURSE.md#firewalls, where lesson 07 sends the reader, has both;
 *   - lesson 03: how long the server drains (from DRAIN_SECONDS) and how
 *     long its line is, in the README's diagram, its text and server.c;
 *   - docs/REFERENCE.md lists every helper of common/ a lesson or a model
 *     solution calls, under the header that defines it, and each lesson's
 *     README links it and, at its exercises, its model solutions.
 *   - lesson 06's README quotes what the room shows of a junk line: the
 *     room, run, shows exactly that.
 * A student who finds two documents disagreeing stops trusting both.
 */
#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { PATH_CAP = 512, MAX_DOCS = 40 };

static const char *const number_words[] = {"zero", "one", "two", "three", "four", "five",
                                           "six", "seven", "eight", "nine", "ten", NULL};

/* "eight" or "8" as 8; -1 for anything else. */
static int number_of(const char *word, size_t len)
{
    int i;
    if (len > 0 && len < 3 && isdigit((unsigned char)word[0]))
        return atoi(word);
    for (i = 0; number_words[i] != NULL; i++)
        if (strlen(number_words[i]) == len && strncasecmp(word, number_words[i], len) == 0)
            return i;
    return -1;
}

/* The word that ends just before `at` (skipping spaces and '-'): its start. */
static const char *word_before(const char *text, const char *at, size_t *len)
{
    const char *end = at, *start;
    while (end > text && (end[-1] == ' ' || end[-1] == '-' || end[-1] == '\n'))
        end--;
    for (start = end; start > text && isalnum((unsigned char)start[-1]); start--)
        ;
    *len = (size_t)(end - start);
    return start;
}

/* The documents a student or an instructor reads: paths into docs[]. */
static int documents(char docs[][PATH_CAP])
{
    static const char *const fixed[] = {"README.md", "DEVELOPERS.md", "docs/COURSE.md",
                                        "docs/SETUP.md", "docs/GLOSSARY.md", "docs/REFERENCE.md",
                                        NULL};
    DIR *d = opendir("lessons");
    struct dirent *e;
    int n = 0;
    for (; fixed[n] != NULL; n++)
        snprintf(docs[n], PATH_CAP, "%s", fixed[n]);
    while (d != NULL && (e = readdir(d)) != NULL && n < MAX_DOCS)
        if (isdigit((unsigned char)e->d_name[0]))
            snprintf(docs[n++], PATH_CAP, "lessons/%s/README.md", e->d_name);
    if (d != NULL)
        closedir(d);
    return n;
}

/* ---- the number of sessions ---------------------------------------------- */

static void consistency_the_number_of_sessions_is_the_course_plans_everywhere(void)
{
    static char docs[MAX_DOCS][PATH_CAP];
    char *course = slurp("docs/COURSE.md"), *setup = slurp("docs/SETUP.md"), *text, *p, *table;
    int i, n, sessions = 0, title, said, k;
    size_t len;
    const char *w;
    if (!expect(course != NULL && setup != NULL, "docs/COURSE.md and docs/SETUP.md"))
        return;
    for (p = course; (p = strstr(p, "\n## Session ")) != NULL; p++)
        sessions++;
    w = strstr(course, "course plan: ");
    title = w ? number_of(w + 13, strcspn(w + 13, " ")) : -1;
    expect(title == sessions, "COURSE.md's title to count its %d \"## Session\" headings "
           "(it says %d)", sessions, title);
    n = documents(docs);
    for (i = 0; i < n; i++) {
        if ((text = slurp(docs[i])) == NULL)
            continue;
        for (p = text; (p = strstr(p, "session")) != NULL; p++) {
            if (p > text && (p[-1] != ' ' && p[-1] != '-'))
                continue;
            w = word_before(text, p, &len);
            if (len == 6 && strncmp(w, "minute", 6) == 0)     /* "seven 90-minute sessions" */
                w = word_before(text, word_before(text, w, &len), &len);
            if ((said = number_of(w, len)) > 0 && p[7] == 's')
                expect(said == sessions, "%s: \"%.*s ... sessions\": the course has %d (COURSE.md)",
                       docs[i], (int)len, w, sessions);
            else if (said > 0 && p[-1] == '-')
                expect(said == sessions, "%s: \"%.*s-session\": the course has %d (COURSE.md)",
                       docs[i], (int)len, w, sessions);
        }
        free(text);
    }
    table = strstr(setup, "### Which sessions change");
    if (expect(table != NULL, "SETUP.md's \"Which sessions change\" table"))
        for (k = 0; k < sessions; k++) {
            char row[32], first[32], second[32];     /* "| 6 (chat room)", "| 0, 1 (..." */
            snprintf(row, sizeof row, "\n| %d (", k);
            snprintf(first, sizeof first, "\n| %d, ", k);
            snprintf(second, sizeof second, ", %d (", k);
            expect(strstr(table, row) || strstr(table, first) || strstr(table, second),
                   "SETUP.md's table of sessions to have a row for session %d", k);
        }
    free(course);
    free(setup);
}

/* ---- firewall rules ---------------------------------------------------- */

/* The lessons' ports from their servers: TCP range and the UDP port. */
static void lesson_ports(int *tcp_low, int *tcp_high, int *udp)
{
    DIR *d = opendir("lessons");
    struct dirent *e;
    char path[PATH_CAP], *src, *at;
    *tcp_low = 65536, *tcp_high = 0, *udp = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        int port;
        snprintf(path, sizeof path, "lessons/%s/server.c", e->d_name);
        if (!isdigit((unsigned char)e->d_name[0]) || (src = slurp(path)) == NULL)
            continue;
        if ((at = strstr(src, "#define DEFAULT_PORT \"")) != NULL && (port = atoi(at + 22)) > 0) {
            if (strstr(src, "SOCK_DGRAM") != NULL || strstr(src, "udp_") != NULL)
                *udp = port;
            else {
                *tcp_low = port < *tcp_low ? port : *tcp_low;
                *tcp_high = port > *tcp_high ? port : *tcp_high;
            }
        }
        free(src);
    }
    if (d != NULL)
        closedir(d);
}

/* Checks the port spec of one rule ("8801-8806" or "8801:8806", then
 * protocol); returns 1 for a UDP rule. */
static int check_rule(const char *doc, const char *spec, int tcp, int low, int high, int udp)
{
    char want[32];
    size_t len = strspn(spec, "0123456789-:");
    if (tcp)
        snprintf(want, sizeof want, "%d%c%d", low, memchr(spec, ':', len) ? ':' : '-', high);
    else
        snprintf(want, sizeof want, "%d", udp);
    expect(strlen(want) == len && strncmp(spec, want, len) == 0,
           "%s: a firewall rule for %s port %s, as the lessons' servers use; it says %.*s", doc,
           tcp ? "TCP" : "UDP", want, (int)len, spec);
    return !tcp;
}

static void consistency_firewall_rules_open_the_ports_the_lessons_use(void)
{
    static char docs[MAX_DOCS][PATH_CAP];
    static const char *const kinds[] = {"localport=", "ufw allow ", "--add-port=", NULL};
    int i, k, n = documents(docs), low, high, udp, rules = 0;
    char *text, *p, *section, *end;
    lesson_ports(&low, &high, &udp);
    if (!expect(low < high && udp > 0, "the lessons' TCP ports and lesson 07's UDP port"))
        return;
    for (i = 0; i < n; i++) {
        if ((text = slurp(docs[i])) == NULL)
            continue;
        for (k = 0; kinds[k] != NULL; k++)
            for (p = text; (p = strstr(p, kinds[k])) != NULL; p++) {
                const char *spec = p + strlen(kinds[k]);
                size_t len = strspn(spec, "0123456789-:");
                int tcp = k == 0 ? strncmp(p - 13, "protocol=TCP ", 13) == 0
                                 : strncmp(spec + len, "/tcp", 4) == 0;
                check_rule(docs[i], spec, tcp, low, high, udp);
                rules++;
            }
        free(text);
    }
    note("%d firewall rules checked: TCP %d-%d, UDP %d", rules, low, high, udp);
    text = slurp("docs/COURSE.md");
    section = text ? strstr(text, "\n### Firewalls") : NULL;
    if (!expect(section != NULL, "COURSE.md to have a \"### Firewalls\" section"))
        return;
    end = strstr(section + 1, "\n### ");
    if (end != NULL)
        *end = '\0';
    for (k = 0; kinds[k] != NULL; k++) {
        char rule[64];
        snprintf(rule, sizeof rule, k == 0 ? "protocol=UDP %s%d" : "%s%d/udp", kinds[k], udp);
        expect(strstr(section, rule) != NULL, "COURSE.md#firewalls (lesson 07 links it for "
               "UDP) to give the UDP rule '%s'", rule);
    }
    free(text);
}

/* ---- lesson 03's bounds ------------------------------------------------ */

/* Every "N s at most", "N seconds at most", "N s in all at most" in text
 * says `want`. */
static void time_bounds_say(const char *name, const char *text, int want)
{
    const char *p, *w;
    size_t len;
    char flat[64];
    for (p = text; (p = strstr(p, " at most")) != NULL; p++) {
        int i, j = 0, said;
        for (i = p - text > 40 ? -40 : (int)(text - p); i < 0 && j < 63; i++)
            flat[j++] = p[i] == '\n' || p[i] == '*' ? ' ' : p[i];
        flat[j] = '\0';
        for (i = j; i > 0 && flat[i - 1] == ' '; i--)
            flat[--j] = '\0';
        if (j > 7 && strcmp(flat + j - 7, " in all") == 0)
            flat[j -= 7] = '\0';
        if (j > 8 && strcmp(flat + j - 8, " seconds") == 0)
            flat[j -= 8] = '\0';
        else if (j > 2 && strcmp(flat + j - 2, " s") == 0)
            flat[j -= 2] = '\0';
        else
            continue;                   /* not a time: "64 KiB at most" */
        w = word_before(flat, flat + j, &len);
        if ((said = number_of(w, len)) >= 0)
            expect(said == want, "%s: \"%.*s ... at most\": the drain lasts %d s at most "
                   "(3 x DRAIN_SECONDS in server.c)", name, (int)len, w, want);
    }
}

static void consistency_lesson_03_states_its_drain_and_line_as_the_code_does(void)
{
    char *readme = slurp("lessons/03-daytime/README.md"), *server =
        slurp("lessons/03-daytime/server.c"), *at, *p;
    int drain;
    if (!expect(readme != NULL && server != NULL, "lesson 03's README.md and server.c"))
        return;
    at = strstr(server, "DRAIN_SECONDS = ");
    drain = at ? atoi(at + 16) : 0;
    if (expect(drain > 0, "server.c's DRAIN_SECONDS")) {
        time_bounds_say("lessons/03-daytime/README.md", readme, 3 * drain);
        time_bounds_say("lessons/03-daytime/server.c", server, 3 * drain);
    }
    /* "Monday, May 1, 2026 10:00:00 UTC\r\n" is 34 bytes, "Wednesday,
     * September 27, ..." 44: the names of the day and month vary. */
    for (p = readme; *p; p++)
        if (*p == '\n')
            *p = ' ';
    expect(strstr(readme, "from 34 to 44 bytes") != NULL, "lesson 03's README to say the "
           "line is from 34 to 44 bytes long (it varies with the date)");
    expect(strstr(server, "34 to 44 bytes") != NULL, "server.c to say its line is 34 to 44 "
           "bytes long");
    free(readme);
    free(server);
}

/* ---- the helpers' reference ---------------------------------------------- */

/* The header of common/ that defines `name`, or NULL. */
static const char *defining_header(const char *name)
{
    static char found[PATH_CAP];
    char want[128], *text;
    DIR *d = opendir("common");
    struct dirent *e;
    const char *result = NULL;
    snprintf(want, sizeof want, " %s(", name);
    while (d != NULL && result == NULL && (e = readdir(d)) != NULL) {
        char *at;
        snprintf(found, sizeof found, "common/%s", e->d_name);
        if (strstr(e->d_name, ".h") == NULL || (text = slurp(found)) == NULL)
            continue;
        for (at = text; (at = strstr(at, want)) != NULL; at++) {
            const char *line = at;
            while (line > text && line[-1] != '\n')
                line--;
            if (strncmp(line, "static inline ", 14) == 0)
                result = e->d_name;
        }
        free(text);
    }
    if (d != NULL)
        closedir(d);
    return result ? found + 7 : NULL;
}

/* Checks each helper of common/ that `text` calls against the reference. */
static int check_calls(const char *where, const char *text, const char *reference)
{
    static const char *const prefixes[] = {"net_", "tcp_", "text_", "udp_", "trace_", NULL};
    const char *p, *header;
    char quoted[PATH_CAP];
    int k, checked = 0;
    for (k = 0; prefixes[k] != NULL; k++)
        for (p = text; (p = strstr(p, prefixes[k])) != NULL; p++) {
            char name[64], row[80];
            size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
            const char *entry, *section;
            if ((p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) || p[len] != '(' ||
                len >= sizeof name)
                continue;
            memcpy(name, p, len);
            name[len] = '\0';
            if ((header = defining_header(name)) == NULL)
                continue;               /* a lesson's own function, or a macro */
            checked++;
            snprintf(row, sizeof row, "`%s()`", name);
            entry = strstr(reference, row);
            if (!expect(entry != NULL, "docs/REFERENCE.md to list %s (%s calls it; it is in "
                        "common/%s)", row, where, header))
                continue;
            for (section = entry; section > reference && strncmp(section, "\n## ", 4) != 0;)
                section--;
            snprintf(quoted, sizeof quoted, "`%s`", header);
            expect(strstr(section, quoted) != NULL && strstr(section, quoted) < entry,
                   "docs/REFERENCE.md to list %s under its header, common/%s", row, header);
        }
    return checked;
}

static void consistency_the_reference_lists_every_helper_the_lessons_call(void)
{
    char *reference = slurp("docs/REFERENCE.md"), *text;
    char cmd[] = "ls lessons/*/*.c lessons/*/*.h lessons/*/steps/*.c solutions/*/*.diff "
                 "2>/dev/null", path[PATH_CAP];
    FILE *list;
    int calls = 0, files = 0;
    if (!expect(reference != NULL, "docs/REFERENCE.md, the helpers the lessons call"))
        return;
    if ((list = popen(cmd, "r")) == NULL)
        return;
    while (fgets(path, sizeof path, list) != NULL) {
        path[strcspn(path, "\n")] = '\0';
        if ((text = slurp(path)) == NULL)
            continue;
        files++;
        calls += check_calls(path, text, reference);
        free(text);
    }
    pclose(list);
    note("%d calls of common/'s helpers in %d files", calls, files);
    expect(calls > 100, "to find the lessons' calls of common/ (found %d)", calls);
    free(reference);
}

static void consistency_each_lesson_readme_links_the_reference_and_its_solutions(void)
{
    static char docs[MAX_DOCS][PATH_CAP];
    int i, n = documents(docs), lessons = 0;
    for (i = 0; i < n; i++) {
        char *text, *exercises, want[PATH_CAP];
        if (strncmp(docs[i], "lessons/", 8) != 0 || (text = slurp(docs[i])) == NULL)
            continue;
        lessons++;
        expect(strstr(text, "](../../docs/REFERENCE.md") != NULL,
               "%s to link docs/REFERENCE.md where it first names a helper", docs[i]);
        snprintf(want, sizeof want, "solutions/%.*s/", (int)(strlen(docs[i]) - 18), docs[i] + 8);
        exercises = strstr(text, "\n## Exercises");
        expect(exercises != NULL && strstr(exercises, want) != NULL,
               "%s: its exercises to say where the model solutions are (%s)", docs[i], want);
        free(text);
    }
    expect(lessons >= 7, "to find the lessons' READMEs (found %d)", lessons);
}

/* ---- what lesson 06's README says the room shows ---------------------- */

/* "Send junk": the README quotes what the others see of a line holding an
 * escape sequence; the room must show exactly that. */
static void consistency_lesson_06_shows_a_junk_line_as_its_readme_says(void)
{
    struct proc server;
    char *readme = slurp("lessons/06-chatroom/README.md"), *at, said[128] = "", got[4096] = "";
    char *line;
    int port, bob, eve;
    if (!expect(readme != NULL, "lessons/06-chatroom/README.md"))
        return;
    at = strstr(readme, "**Send junk.**");
    at = at ? strstr(at, "others see `") : NULL;
    if (!expect(at != NULL, "lesson 06's README to say what the others see of the junk line"))
        return;
    snprintf(said, sizeof said, "%.*s", (int)strcspn(at + 12, "`"), at + 12);
    free(readme);
    if (!(port = server_start(&server, "06-chatroom", NULL)))
        return;
    bob = chatroom_join(port, "bob");
    eve = chatroom_join(port, "eve");
    if (!expect(bob >= 0 && eve >= 0, "bob and eve to join the room"))
        return;
    send_text(eve, "\033[2Jclear?\n");
    recv_until(bob, got, sizeof got, "clear?", timeout_ms(5000));
    line = strstr(got, "eve: ");
    if (line != NULL)
        line[strcspn(line, "\r\n")] = '\0';
    expect(line != NULL && strcmp(line, said) == 0, "the room to show eve's line as the README "
           "says, '%s'; bob got '%s'", said, line ? line : got);
    server_stop(&server);
}

const struct test consistency_tests[] = {
    {"consistency_the_number_of_sessions_is_the_course_plans_everywhere",
     consistency_the_number_of_sessions_is_the_course_plans_everywhere},
    {"consistency_firewall_rules_open_the_ports_the_lessons_use",
     consistency_firewall_rules_open_the_ports_the_lessons_use},
    {"consistency_lesson_03_states_its_drain_and_line_as_the_code_does",
     consistency_lesson_03_states_its_drain_and_line_as_the_code_does},
    {"consistency_the_reference_lists_every_helper_the_lessons_call",
     consistency_the_reference_lists_every_helper_the_lessons_call},
    {"consistency_each_lesson_readme_links_the_reference_and_its_solutions",
     consistency_each_lesson_readme_links_the_reference_and_its_solutions},
    {"consistency_lesson_06_shows_a_junk_line_as_its_readme_says",
     consistency_lesson_06_shows_a_junk_line_as_its_readme_says},
    {0, 0},
};
