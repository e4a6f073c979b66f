/*
 * t_rules.c - the project's stated rules about its code, checked on the
 * files themselves (DEVELOPERS.md, "Code"):
 *   - a file in common/, lessons/ or tools/ is at most LINE_BUDGET lines,
 *     so a student reads it in one sitting;
 *   - no platform #if (_WIN32, __linux__, __APPLE__, ...) outside common/:
 *     platform differences live in the compat layer, never in a lesson.
 * A failure names the file, and the line for the second rule.
 */
#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { LINE_BUDGET = 250, MAX_FILES = 400, PATH_CAP = 512 };

/* The macros that say which system or compiler builds the code. */
static const char *const platform_macros[] = {
    "_WIN32", "_WIN64", "__CYGWIN__", "__MINGW32__", "__MINGW64__", "_MSC_VER",
    "__linux__", "__linux", "__gnu_linux__", "__APPLE__", "__MACH__", "__unix__", "__unix",
    "__FreeBSD__", "__NetBSD__", "__OpenBSD__", "__sun", "_POSIX_VERSION", NULL};

/* Adds the .c and .h files under `dir` (and its folders) to `files`. */
static int find_sources(const char *dir, char files[][PATH_CAP], int n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    char path[PATH_CAP];
    if (d == NULL)
        return n;
    while ((e = readdir(d)) != NULL && n < MAX_FILES) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            n = find_sources(path, files, n);
        else if (len > 2 && (strcmp(e->d_name + len - 2, ".c") == 0 ||
                             strcmp(e->d_name + len - 2, ".h") == 0))
            snprintf(files[n++], PATH_CAP, "%s", path);
    }
    closedir(d);
    return n;
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    int c, lines = 0, last = '\n';
    if (f == NULL)
        return -1;
    while ((c = getc(f)) != EOF) {
        lines += c == '\n';
        last = c;
    }
    fclose(f);
    return lines + (last != '\n');     /* a last line without its newline counts */
}

static void rules_common_lesson_and_tool_files_are_at_most_250_lines(void)
{
    static char files[MAX_FILES][PATH_CAP];
    int i, n = 0, lines;
    n = find_sources("common", files, n);
    n = find_sources("lessons", files, n);
    n = find_sources("tools", files, n);
    if (!expect(n >= 30, "to find the sources of common/, lessons/ and tools/ (found %d files)", n))
        return;
    for (i = 0; i < n; i++) {
        lines = count_lines(files[i]);
        expect(lines >= 0 && lines <= LINE_BUDGET,
               "%s: at most %d lines (it has %d): split it where its topics part", files[i],
               LINE_BUDGET, lines);
    }
    note("%d files checked", n);
}

/* The platform macro a preprocessor condition on this line tests, or NULL. */
static const char *platform_condition(const char *line)
{
    int i;
    while (*line == ' ' || *line == '\t')
        line++;
    if (*line++ != '#')
        return NULL;
    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, "if", 2) != 0 && strncmp(line, "elif", 4) != 0)
        return NULL;
    for (i = 0; platform_macros[i] != NULL; i++)
        if (strstr(line, platform_macros[i]) != NULL)
            return platform_macros[i];
    return NULL;
}

static void rules_no_platform_if_outside_common(void)
{
    static const char *const roots[] = {"lessons", "tools", "tests", "slides", NULL};
    static char files[MAX_FILES][PATH_CAP];
    char line[1024];
    const char *macro;
    int i, n = 0, number;
    for (i = 0; roots[i] != NULL; i++)
        n = find_sources(roots[i], files, n);
    if (!expect(n >= 40, "to find the sources outside common/ (found %d files)", n))
        return;
    for (i = 0; i < n; i++) {
        FILE *f = fopen(files[i], "r");
        if (!expect(f != NULL, "%s: to be readable", files[i]))
            continue;
        for (number = 1; fgets(line, sizeof line, f) != NULL; number++)
            if ((macro = platform_condition(line)) != NULL)
                expect(0, "%s:%d: no platform #if outside common/ (it tests %s): "
                       "hide the difference in common/", files[i], number, macro);
        fclose(f);
    }
    note("%d files checked", n);
}

const struct test rules_tests[] = {
    {"rules_common_lesson_and_tool_files_are_at_most_250_lines",
     rules_common_lesson_and_tool_files_are_at_most_250_lines},
    {"rules_no_platform_if_outside_common", rules_no_platform_if_outside_common},
    {0, 0},
};
