/*
 * t_rules.c - the project's stated rules about its code, checked on the
 * files themselves (DEVELOPERS.md, "Code"):
 *   - a file in common/, lessons/ or tools/ is at most LINE_BUDGET lines,
 *     so a student reads it in one sitting;
 *   - no platform #if (_WIN32, __linux__, __APPLE__, ...) outside common/:
 *     platform differences live in the compat layer, never in a lesson.
 * A failure names the file, and the line for the second rule. These two
 * guard the project's own tree, not a student's edits: they run with
 * --strict (make test STRICT=1, CI) and skip otherwise, so a correct
 * exercise that grows a file never fails a student's make test
 * (DEVELOPERS.md, "Code"; check-solutions holds the model solutions to the
 * same LINE_BUDGET, read from this file). And the one rule of net.h's
 * process-wide state a program could break: the Ctrl+C flag is read in the
 * file that set up Ctrl+C, or the program says so.
 */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Skips a rule of the project's own tree unless the run is --strict. */
static void only_when_strict(void)
{
    if (!strict_rules)
        skip("a rule for the project's own files: checked by make test STRICT=1 (CI), so that "
             "a student's exercise may grow a file");
}

static void rules_common_lesson_and_tool_files_are_at_most_250_lines(void)
{
    static char files[MAX_FILES][PATH_CAP];
    int i, n = 0, lines;
    only_when_strict();
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
    only_when_strict();
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

/* A student's make test (no STRICT=1) runs tests/run without --strict:
 * there the two rules above skip, and say why, rather than fail. */
static void rules_of_the_tree_skip_without_strict_so_a_students_exercise_never_fails(void)
{
    struct proc p;
    char *argv[] = {"rules_common_lesson_and_tool", "rules_no_platform_if", NULL};
    if (!expect(proc_start_native(&p, "tests/run", argv) == 0, "to start tests/run"))
        return;
    proc_wait_exit(&p, timeout_ms(60000));
    expect_has("tests/run without --strict", p.buf, "0 passed, 0 failed, 2 skipped");
    expect_has("the reason it gives", p.buf, "checked by make test STRICT=1");
}

/* Writes `text` to dir/name; 1 on success. */
static int write_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_CAP];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "w")) == NULL)
        return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

/* Two files, as lessons 05 and 06 have: main()'s sets up Ctrl+C and reads
 * the flag; the other reads its own copy, which nothing would ever set. */
static void rules_stop_flag_read_in_another_file_stops_the_program_and_says_so(void)
{
    char tmp[] = "/tmp/socklab-flag-XXXXXX", cmd[1024], root[400], a[1024], b[512];
    struct proc p;
    char *argv[] = {"-c", cmd, NULL};
    int rc;
    if (getcwd(root, sizeof root) == NULL || mkdtemp(tmp) == NULL) {
        expect(0, "the current and a temporary folder: %s", strerror(errno));
        return;
    }
    snprintf(a, sizeof a, "#include \"%s/common/net.h\"\n"
             "int other(void);\n"
             "int main(int argc, char **argv)\n{\n    (void)argv;\n    net_init();\n"
             "    net_catch_interrupt();\n    printf(\"main: %%d\\n\", (int)*net_stop_flag());\n"
             "    return argc > 1 ? other() : 0;\n}\n", root);
    snprintf(b, sizeof b, "#include \"%s/common/net.h\"\n"
             "int other(void)\n{\n    return (int)*net_stop_flag();\n}\n", root);
    if (!expect(write_file(tmp, "a.c", a) && write_file(tmp, "b.c", b), "to write %s/a.c, b.c", tmp))
        return;
    snprintf(cmd, sizeof cmd, "cd '%s' && cc -std=c99 -Wall -Wextra -Wpedantic -Werror a.c b.c "
             "-o flag 2>&1 && ./flag; echo rc=$?; ./flag other 2>&1; echo rc=$?", tmp);
    proc_start_native(&p, "/bin/sh", argv);
    rc = proc_wait_exit(&p, timeout_ms(60000));
    expect(rc == 0, "the script to run, got %d: %s", rc, p.buf);
    expect_has("main()'s file reading its flag", p.buf, "main: 0\nrc=0\nmain: 0\n");
    expect_has("another file reading its copy", p.buf,
               "net_stop_flag(): call it in the file that calls net_catch_interrupt()");
    expect(strstr(p.buf, "rc=0\nmain: 0\n") != NULL &&
           strstr(strstr(p.buf, "rc=0\nmain: 0\n") + 5, "rc=0") == NULL,
           "the second run to stop with a failure, not exit 0: %s", p.buf);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    rc = system(cmd);
    (void)rc;
}

const struct test rules_tests[] = {
    {"rules_common_lesson_and_tool_files_are_at_most_250_lines",
     rules_common_lesson_and_tool_files_are_at_most_250_lines},
    {"rules_no_platform_if_outside_common", rules_no_platform_if_outside_common},
    {"rules_of_the_tree_skip_without_strict_so_a_students_exercise_never_fails",
     rules_of_the_tree_skip_without_strict_so_a_students_exercise_never_fails},
    {"rules_stop_flag_read_in_another_file_stops_the_program_and_says_so",
     rules_stop_flag_read_in_another_file_stops_the_program_and_says_so},
    {0, 0},
};
