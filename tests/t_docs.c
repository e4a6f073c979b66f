/*
 * t_docs.c - the documents can't rot: every command a README shows is run,
 * every transcript it shows is compared with what the programs print, every
 * C quote in it is found in the sources, and every slide deck is what
 * slides/build.c makes from today's sources.
 *
 * How a README marks what is run (an HTML comment just before a fence; on
 * GitHub it is invisible):
 *
 *   <!-- test: run -->            ```sh: each line is a command that must
 *                                 exit 0. ```console: "$ " lines are
 *                                 commands, the lines under each are what it
 *                                 prints; it must exit 0 and print just that.
 *   <!-- test: terminal=N -->     ```console in terminal N, which keeps
 *                                 running (a server, a chat): a "$ " first
 *                                 line starts its program; without one the
 *                                 block goes on with what terminal N already
 *                                 shows. The test waits for each line shown.
 *     options: status=N           the exit status expected (default 0)
 *              input="a\nb\n"     what the reader types (C escapes): those
 *                                 lines appear in the transcript where they
 *                                 are typed, and are typed when every line
 *                                 above them has appeared
 *              top                run from socklab's top folder
 *              mingw              gcc means x86_64-w64-mingw32-gcc
 *   In a terminal, a line "^C" presses Ctrl+C (SIGINT) and "^D" ends the
 *   input (Ctrl+D); the program must then exit.
 *   <!-- not tested: WHY -->      a block that can't run here (a second
 *                                 machine, MSVC, telnet's keyboard). Every
 *                                 sh, console and bat block has one of the two.
 *
 * The blocks run in a copy of the sources in a temporary folder, in order,
 * as a reader would run them: a lesson's folder is the current directory,
 * its binaries are the ones the README's own build commands make. The
 * lesson's port (8801 for lesson 01...) is replaced: a server in a terminal
 * gets port 0 and says which port it got; that port then replaces the
 * lesson's port in every later command. Before any server, a port where
 * nothing listens does.
 *
 * Transcript lines are compared after these changes, on both sides: any
 * number matches any number (ports, addresses, times) except a lone digit,
 * which must agree (a count); day and month names
 * match each other, [::1] is 127.0.0.1 (localhost is either), and one or
 * more "connect with:" lines match however many this machine prints.
 */
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

enum { MAX_LINES = 4000, MAX_TERMINALS = 5, MAX_ITEMS = 200 };

/* ---- files --------------------------------------------------------------- */

/* Splits text into lines in place (the newlines become NULs). */
static int split(char *text, char **line, int max)
{
    int n = 0;
    while (*text && n < max) {
        char *nl = strchr(text, '\n');
        line[n++] = text;
        if (nl == NULL)
            break;
        *nl = '\0';
        text = nl + 1;
    }
    return n;
}

static int run_shell(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* A copy of the sources (no binaries) in a new temporary folder. */
static int copy_sources(char *tmp, size_t cap)
{
    snprintf(tmp, cap, "/tmp/socklab-docs-XXXXXX");
    if (mkdtemp(tmp) == NULL)
        return expect(0, "a temporary folder: %s", strerror(errno)), -1;
    if (run_shell("find lessons common tools -type f \\( -name '*.c' -o -name '*.h' -o -name '*.script' "
                  "-o -name '*.md' \\) -exec cp --parents {} '%s' \\; && cp Makefile '%s'",
                  tmp, tmp) != 0)
        return expect(0, "the sources copied to %s", tmp), -1;
    return 0;
}

static void remove_tree(const char *tmp)
{
    if (strncmp(tmp, "/tmp/socklab-docs-", 18) == 0)
        run_shell("rm -rf '%s'", tmp);
}

/* ---- comparing transcript lines ----------------------------------------- */

static const char *const names[] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", NULL};

/* The line as compared: no trailing blanks or CR, [::1] as 127.0.0.1, day
 * and month names as "NAME". */
static void normalize(const char *in, char *out, size_t cap)
{
    size_t n = 0, len;
    int k;
    while (*in && n + 12 < cap) {
        if (strncmp(in, "[::1]", 5) == 0) {
            memcpy(out + n, "127.0.0.1", 9);
            n += 9;
            in += 5;
            continue;
        }
        for (k = 0; names[k] != NULL; k++) {
            len = strlen(names[k]);
            if (strncmp(in, names[k], len) == 0 && !isalpha((unsigned char)in[len]))
                break;
        }
        if (names[k] != NULL) {
            memcpy(out + n, "NAME", 4);
            n += 4;
            in += strlen(names[k]);
            continue;
        }
        out[n++] = *in++;
    }
    while (n > 0 && isspace((unsigned char)out[n - 1]))
        n--;
    out[n] = '\0';
}

/* 1 if the printed line `got` is the transcript line `want`. */
static int same_line(const char *want, const char *got)
{
    char w[2048], g[2048];
    const char *a = w, *b = g;
    normalize(want, w, sizeof w);
    normalize(got, g, sizeof g);
    while (*a && *b) {
        /* a number is any number, except a lone digit that is not part of
         * an address or a time: counts such as "(1 patients)" must agree */
        size_t digits = strspn(a, "0123456789");
        int lone = digits == 1 && (a == w || (a[-1] != '.' && a[-1] != ':')) &&
                   a[1] != '.' && a[1] != ':';
        if (digits > 0 && !lone) {
            if (!isdigit((unsigned char)*b))
                return 0;
            while (isdigit((unsigned char)*a))
                a++;
            while (isdigit((unsigned char)*b))
                b++;
        } else if (*a++ != *b++) {
            return 0;
        }
    }
    return *a == '\0' && *b == '\0';
}

static int is_connect_line(const char *line)
{
    return strncmp(line, "connect with:", 13) == 0;
}

/* ---- a README's blocks --------------------------------------------------- */

struct block {
    int line_no;                /* of the opening fence, for messages */
    char lang[32];
    int run, terminal, status, top, mingw, has_status;
    char input[2048];
    char **line;                /* the lines inside the fence */
    int nlines;
};

/* Reads key=value options from the text after "test:". */
static int parse_options(struct block *b, const char *p, const char *where)
{
    while (*p) {
        char key[32];
        size_t n = 0;
        while (*p == ' ')
            p++;
        if (strncmp(p, "-->", 3) == 0 || *p == '\0')
            break;
        while (*p && *p != ' ' && *p != '=' && n + 1 < sizeof key)
            key[n++] = *p++;
        key[n] = '\0';
        if (strcmp(key, "run") == 0) {
            b->run = 1;
        } else if (strcmp(key, "top") == 0) {
            b->top = 1;
        } else if (strcmp(key, "mingw") == 0) {
            b->mingw = 1;
        } else if (strcmp(key, "terminal") == 0 && *p == '=') {
            b->terminal = atoi(++p);
            while (isdigit((unsigned char)*p))
                p++;
        } else if (strcmp(key, "status") == 0 && *p == '=') {
            b->status = atoi(++p);
            b->has_status = 1;
            while (isdigit((unsigned char)*p))
                p++;
        } else if (strcmp(key, "input") == 0 && p[0] == '=' && p[1] == '"') {
            n = 0;
            for (p += 2; *p && *p != '"'; p++) {
                char c = *p;
                if (c == '\\' && p[1]) {
                    c = *++p;
                    c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
                }
                if (n + 1 < sizeof b->input)
                    b->input[n++] = c;
            }
            b->input[n] = '\0';
            if (*p == '"')
                p++;
        } else {
            return expect(0, "%s: a known test option, got \"%s\"", where, key), -1;
        }
    }
    if (!b->run && b->terminal == 0)
        return expect(0, "%s: \"run\" or \"terminal=N\" in the test comment", where), -1;
    if (b->terminal < 0 || b->terminal >= MAX_TERMINALS)
        return expect(0, "%s: a terminal number 1-%d", where, MAX_TERMINALS - 1), -1;
    return 0;
}

struct doc {
    const char *path;
    char *text;
    char **line;
    int nlines;
    struct block block[60];
    int nblocks;
    int untested;               /* blocks marked "not tested" */
    int quote_first[40], quote_last[40], nquotes;
};

static int needs_marker(const char *lang)
{
    return strcmp(lang, "sh") == 0 || strcmp(lang, "console") == 0 || strcmp(lang, "bat") == 0;
}

/* Finds the fenced blocks and their markers. Returns 0, or -1 after failing. */
static int read_doc(struct doc *d, const char *path)
{
    int i, pending = 0, untested = 0, pending_line = 0;
    struct block options;
    char where[300];
    memset(d, 0, sizeof *d);
    d->path = path;
    if ((d->text = slurp(path)) == NULL)
        return expect(0, "%s to exist", path), -1;
    d->line = malloc(sizeof *d->line * MAX_LINES);
    d->nlines = split(d->text, d->line, MAX_LINES);
    memset(&options, 0, sizeof options);
    for (i = 0; i < d->nlines; i++) {
        const char *l = d->line[i] + strspn(d->line[i], " ");  /* markers may be indented */
        if (strncmp(l, "<!-- test:", 10) == 0) {
            memset(&options, 0, sizeof options);
            snprintf(where, sizeof where, "%s:%d", path, i + 1);
            if (parse_options(&options, l + 10, where) != 0)
                return -1;
            pending = 1;
            pending_line = i + 1;
        } else if (strncmp(l, "<!-- not tested:", 16) == 0) {
            untested = 1;
        } else if (strncmp(l, "```", 3) == 0) {
            /* a fence, perhaps indented inside a list: its lines lose the indent */
            size_t indent = strspn(d->line[i], " ");
            int start = i + 1;
            char lang[32];
            snprintf(lang, sizeof lang, "%s", l + 3);
            for (i = start; i < d->nlines; i++) {
                size_t k;
                for (k = 0; k < indent && d->line[i][k] == ' '; k++)
                    ;
                d->line[i] += k;
                if (strncmp(d->line[i], "```", 3) == 0)
                    break;
            }
            if (strcmp(lang, "c") == 0 && d->nquotes < 40) {
                d->quote_first[d->nquotes] = start;
                d->quote_last[d->nquotes++] = i - 1;
            }
            if (pending) {
                struct block *b = &d->block[d->nblocks++];
                *b = options;
                b->line_no = start;
                snprintf(b->lang, sizeof b->lang, "%s", lang);
                b->line = d->line + start;
                b->nlines = i - start;
                if (strcmp(lang, "sh") != 0 && strcmp(lang, "console") != 0)
                    return expect(0, "%s:%d: a tested block to be ```sh or ```console", path,
                                  start), -1;
            } else if (untested) {
                d->untested++;
            } else if (needs_marker(lang)) {
                return expect(0, "%s:%d: a ```%s block marked <!-- test: ... --> or "
                              "<!-- not tested: WHY -->", path, start, lang), -1;
            }
            pending = untested = 0;
        } else if (l[0] != '\0' && pending) {
            return expect(0, "%s:%d: the test comment right before its ``` block", path,
                          pending_line), -1;
        }
    }
    return 0;
}

static void free_doc(struct doc *d)
{
    free(d->text);
    free(d->line);
}

/* ---- running a README ----------------------------------------------------- */

struct terminal {
    struct proc p;
    int running;                /* a program was started here and not yet waited for */
    size_t pos;                 /* how much of p.buf the transcript has matched */
    int after_connect;          /* just matched "connect with:" lines */
    char command[600];
};

struct runner {
    const char *doc;
    char tmp[256];              /* the copy of the sources */
    char dir[512];              /* the lesson's folder in it */
    char lesson_port[8];        /* "8802" */
    char port[8];               /* what replaces it */
    struct terminal term[MAX_TERMINALS];
};

/* The command with the lesson's port replaced by `port`. */
static void substitute(const char *cmd, const char *from, const char *to, char *out, size_t cap)
{
    size_t n = 0, flen = strlen(from), tlen = strlen(to);
    while (*cmd && n + tlen + 1 < cap) {
        if (strncmp(cmd, from, flen) == 0 && !isdigit((unsigned char)cmd[flen])) {
            memcpy(out + n, to, tlen);
            n += tlen;
            cmd += flen;
        } else {
            out[n++] = *cmd++;
        }
    }
    out[n] = '\0';
}

static int start_command(struct runner *r, struct proc *p, const struct block *b, const char *cmd)
{
    char full[2048], real[700];
    char *argv[] = {"-c", full, NULL};
    if (b->mingw && strncmp(cmd, "gcc ", 4) == 0) {
        snprintf(real, sizeof real, "x86_64-w64-mingw32-gcc %s", cmd + 4);
    } else {
        substitute(cmd, r->lesson_port, r->port, real, sizeof real);
    }
    snprintf(full, sizeof full, "cd '%s' && exec %s", b->top ? r->tmp : r->dir, real);
    return proc_start_native(p, "/bin/sh", argv);
}

/* The next whole line the program printed (without its newline), waiting
 * up to ms for it; NULL if none came. The text stays in p->buf. */
static const char *next_output_line(struct terminal *t, char *out, size_t cap, int ms)
{
    long long deadline = now_ms() + ms;
    for (;;) {
        char *start = t->p.buf + t->pos, *nl = strchr(start, '\n');
        size_t len;
        if (nl != NULL || (t->p.out < 0 && *start != '\0')) {
            len = nl ? (size_t)(nl - start) : strlen(start);
            snprintf(out, cap, "%.*s", (int)(len < cap ? len : cap - 1), start);
            t->pos += len + (nl != NULL);
            return out;
        }
        if (t->p.out < 0 || now_ms() >= deadline)
            return NULL;
        proc_wait_for(&t->p, "\001never printed\001", 50);
    }
}

/* Follows the transcript lines of a block in terminal t: types what the
 * reader types, waits for each line shown. Returns 0 or -1 (failed). */
static int follow(struct runner *r, struct terminal *t, const struct block *b, int first)
{
    const char *input = b->input;
    char got[2048], typed[1024];
    int i;
    for (i = first; i < b->nlines; i++) {
        const char *want = b->line[i];
        const char *nl = strchr(input, '\n');
        size_t tlen = nl ? (size_t)(nl - input) : 0;
        if (nl != NULL && strlen(want) == tlen && strncmp(want, input, tlen) == 0) {
            snprintf(typed, sizeof typed, "%.*s\n", (int)tlen, input);
            proc_write(&t->p, typed);
            input = nl + 1;
            continue;
        }
        if (strcmp(want, "^C") == 0) {
            kill(t->p.pid, SIGINT);
            continue;
        }
        if (strcmp(want, "^D") == 0) {
            proc_close_stdin(&t->p);
            continue;
        }
        if (is_connect_line(want)) {
            if (t->after_connect)
                continue;           /* one or more: matched by the first */
            if (!next_output_line(t, got, sizeof got, timeout_ms(10000)) || !is_connect_line(got))
                break;
            t->after_connect = 1;
            continue;
        }
        for (;;) {
            if (!next_output_line(t, got, sizeof got, timeout_ms(10000))) {
                snprintf(got, sizeof got, "(nothing more within %d s)", timeout_ms(10000) / 1000);
                break;
            }
            if (!(t->after_connect && is_connect_line(got)))
                break;
        }
        t->after_connect = 0;
        if (!same_line(want, got))
            break;
    }
    if (i < b->nlines) {
        expect(0, "%s:%d: `%s` to print the line \"%s\"\n      it printed \"%s\"\n"
               "      its whole output: %s", r->doc, b->line_no + i + 1, t->command, b->line[i],
               got, t->p.buf);
        return -1;
    }
    if (*input != '\0') {
        expect(0, "%s:%d: every typed line of input=\"...\" in the transcript; left: \"%s\"",
               r->doc, b->line_no, input);
        return -1;
    }
    return 0;
}

static int wait_exit(struct runner *r, struct terminal *t, const struct block *b, int ms)
{
    int rc = proc_wait_exit(&t->p, timeout_ms(ms));
    t->running = 0;
    if (b->has_status || rc != 128 + SIGINT)
        if (!expect(rc == b->status, "%s:%d: `%s` to exit with status %d, got %d; it printed: %s",
                    r->doc, b->line_no, t->command, b->status, rc, t->p.buf))
            return -1;
    return 0;
}

/* A ```sh block: every line a command that must succeed. */
static int run_sh_block(struct runner *r, const struct block *b)
{
    struct terminal *t = &r->term[0];
    int i;
    for (i = 0; i < b->nlines; i++) {
        const char *cmd = b->line[i];
        if (cmd[0] == '\0' || cmd[0] == '#')
            continue;
        if (b->mingw && system("command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1") != 0) {
            note("%s:%d: x86_64-w64-mingw32-gcc is not installed: `%s` not run", r->doc,
                 b->line_no + i + 1, cmd);
            continue;
        }
        snprintf(t->command, sizeof t->command, "%s", cmd);
        if (start_command(r, &t->p, b, cmd) != 0)
            return -1;
        proc_close_stdin(&t->p);
        if (wait_exit(r, t, b, 120000) != 0)
            return -1;
    }
    return 0;
}

/* Starts the command on line i of a console block in terminal t. A server
 * in a terminal gets port 0 (in place of the lesson's port, or added), and
 * the port it reports replaces the lesson's port from then on. */
static int start_in_terminal(struct runner *r, struct terminal *t, const struct block *b, int i)
{
    char cmd[700], *at;
    const char *line = b->line[i] + 2;
    /* a server that stays: "./server ..." (or "lessons/NN/server") in a terminal */
    size_t word = strcspn(line, " ");
    int server = b->terminal > 0 && word >= 6 && strncmp(line + word - 6, "server", 6) == 0;
    snprintf(t->command, sizeof t->command, "%s", line);
    snprintf(cmd, sizeof cmd, "%s", line);
    if (server) {
        if ((at = strstr(cmd, r->lesson_port)) != NULL && !isdigit((unsigned char)at[4])) {
            char rest[700];
            snprintf(rest, sizeof rest, "0%s", at + 4);
            strcpy(at, rest);
        } else {
            strncat(cmd, " 0", sizeof cmd - strlen(cmd) - 1);
        }
    }
    if (t->running && proc_alive(&t->p))
        proc_stop(&t->p);
    t->pos = 0;
    t->after_connect = 0;
    if (start_command(r, &t->p, b, cmd) != 0)
        return -1;
    t->running = 1;
    if (server) {
        const char *port;
        if (!proc_wait_for(&t->p, "\n", timeout_ms(10000)) ||
            (port = strstr(t->p.buf, "port ")) == NULL || strchr(t->p.buf, '\n') < port) {
            expect(0, "%s:%d: `%s` to say its port on its first line, it printed: %s", r->doc,
                   b->line_no + i + 1, line, t->p.buf);
            return -1;
        }
        snprintf(r->port, sizeof r->port, "%d", atoi(port + 5));
    }
    return 0;
}

/* A ```console block: "$ command" lines and what each prints. */
static int run_console_block(struct runner *r, const struct block *b)
{
    struct terminal *t = &r->term[b->terminal];
    int i = 0, has_keys = 0, k;
    for (k = 0; k < b->nlines; k++)
        has_keys |= strcmp(b->line[k], "^C") == 0 || strcmp(b->line[k], "^D") == 0;
    if (b->terminal > 0) {
        if (b->nlines > 0 && strncmp(b->line[0], "$ ", 2) == 0) {
            if (start_in_terminal(r, t, b, 0) != 0)
                return -1;
            i = 1;
        } else if (!t->running) {
            return expect(0, "%s:%d: terminal %d to have a program running", r->doc, b->line_no,
                          b->terminal), -1;
        }
        if (follow(r, t, b, i) != 0)
            return -1;
        return has_keys || b->has_status ? wait_exit(r, t, b, 10000) : 0;
    }
    while (i < b->nlines) {
        struct block one = *b;
        int end;
        if (strncmp(b->line[i], "$ ", 2) != 0)
            return expect(0, "%s:%d: a \"$ \" command first", r->doc, b->line_no + i + 1), -1;
        for (end = i + 1; end < b->nlines && strncmp(b->line[end], "$ ", 2) != 0; end++)
            ;
        one.line = b->line + i;
        one.nlines = end - i;
        one.line_no = b->line_no + i;
        if (start_in_terminal(r, t, &one, 0) != 0 || follow(r, t, &one, 1) != 0)
            return -1;
        proc_close_stdin(&t->p);
        if (wait_exit(r, t, &one, 60000) != 0)
            return -1;
        {   /* and nothing more than the transcript shows */
            char extra[2048];
            if (next_output_line(t, extra, sizeof extra, 0) &&
                !(t->after_connect && is_connect_line(extra))) {
                expect(0, "%s:%d: `%s` to print no more than shown; then it printed \"%s\"",
                       r->doc, one.line_no, t->command, extra);
                return -1;
            }
        }
        i = end;
    }
    return 0;
}

/* The first block that starts an optional program (nc, telnet...) this
 * machine lacks, or d->nblocks; `why` then says which and where. A fresh
 * machine may have only a compiler, make and a shell: the blocks before it
 * still run, and the test is then skipped, not passed. */
static int first_block_needing_a_missing_program(const struct doc *d, char *why, size_t cap)
{
    static const char *const optional[] = {"nc", "ncat", "telnet", "socat", NULL};
    int i, k, j;
    for (i = 0; i < d->nblocks; i++) {
        const struct block *b = &d->block[i];
        for (k = 0; k < b->nlines; k++) {
            const char *at = b->line[k];
            int command_word = 1;
            if (strcmp(b->lang, "console") == 0 && strncmp(at, "$ ", 2) != 0)
                continue;
            at += strcmp(b->lang, "console") == 0 ? 2 : 0;
            while (*at != '\0') {
                size_t len = strcspn(at, " ");
                for (j = 0; command_word && optional[j] != NULL; j++)
                    if (strlen(optional[j]) == len && strncmp(at, optional[j], len) == 0 &&
                        !have_program(optional[j])) {
                        snprintf(why, cap, "%s not installed: %s:%d and the blocks after it "
                                 "not run (the ones before ran and passed)", optional[j],
                                 d->path, b->line_no + k + 1);
                        return i;
                    }
                command_word = (len == 1 && (*at == '|' || *at == ';')) ||
                               (len == 2 && (strncmp(at, "&&", 2) == 0 || strncmp(at, "||", 2) == 0));
                at += len;
                at += strspn(at, " ");
            }
        }
    }
    return d->nblocks;
}

/* Runs every marked block of a document, in order, in a fresh copy of the
 * sources; `dir` is the folder its commands start in (relative to the top). */
static void run_doc(const char *path, const char *dir, const char *lesson_port)
{
    struct doc d;
    struct runner r;
    char why[600];
    int i, k, ok = 0, runnable;
    if (read_doc(&d, path) != 0)
        return;
    runnable = first_block_needing_a_missing_program(&d, why, sizeof why);
    memset(&r, 0, sizeof r);
    r.doc = path;
    snprintf(r.lesson_port, sizeof r.lesson_port, "%s", lesson_port);
    snprintf(r.port, sizeof r.port, "%d", unused_port());
    expect(d.nblocks >= 4, "%s: at least 4 tested blocks, found %d", path, d.nblocks);
    if (copy_sources(r.tmp, sizeof r.tmp) != 0) {
        free_doc(&d);
        return;
    }
    snprintf(r.dir, sizeof r.dir, "%s/%s", r.tmp, dir);
    ok = 1;
    for (i = 0; i < runnable && ok; i++) {
        const struct block *b = &d.block[i];
        if (strcmp(b->lang, "sh") == 0)
            ok = run_sh_block(&r, b) == 0;
        else
            ok = run_console_block(&r, b) == 0;
    }
    if (ok && runnable == d.nblocks)
        note("%s: %d blocks run as written (%d marked not tested)", path, d.nblocks, d.untested);
    else if (ok)
        note("%s: %d of %d blocks run as written", path, runnable, d.nblocks);
    for (k = 0; k < MAX_TERMINALS; k++)
        if (r.term[k].p.pid > 0)
            proc_stop(&r.term[k].p);
    remove_tree(r.tmp);
    free_doc(&d);
    if (ok && runnable < d.nblocks)
        skip(why);
}

static void docs_readme_01_hello_runs_as_written(void)
{
    run_doc("lessons/01-hello/README.md", "lessons/01-hello", "8801");
}

static void docs_readme_02_echo_runs_as_written(void)
{
    run_doc("lessons/02-echo/README.md", "lessons/02-echo", "8802");
}

static void docs_readme_03_daytime_runs_as_written(void)
{
    run_doc("lessons/03-daytime/README.md", "lessons/03-daytime", "8803");
}

static void docs_readme_04_chat_runs_as_written(void)
{
    run_doc("lessons/04-chat/README.md", "lessons/04-chat", "8804");
}

static void docs_readme_05_doctor_runs_as_written(void)
{
    run_doc("lessons/05-doctor/README.md", "lessons/05-doctor", "8805");
}

static void docs_readme_06_chatroom_runs_as_written(void)
{
    run_doc("lessons/06-chatroom/README.md", "lessons/06-chatroom", "8806");
}

/* 1 if something accepts connections on 127.0.0.1 at one of the lesson
 * ports 8801-8806: a lesson server running on this machine. */
static int a_lesson_server_runs_here(void)
{
    struct sockaddr_in a;
    int port, fd, up = 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (port = 8801; port <= 8806 && !up; port++) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        a.sin_port = htons((unsigned short)port);
        up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
    }
    return up;
}

static void docs_readme_07_find_runs_as_written(void)
{
    if (a_lesson_server_runs_here())    /* the beacon would rightly announce it */
        skip("a lesson server runs on this machine (8801-8806): the README's beacon, "
             "started with the defaults, shows that none does");
    run_doc("lessons/07-find/README.md", "lessons/07-find", "8807");
}

static void docs_top_readme_runs_as_written(void)
{
    run_doc("README.md", ".", "8802");
}

static void docs_course_plan_runs_as_written(void)
{
    run_doc("docs/COURSE.md", ".", "8806");
}

static void docs_setup_runs_as_written(void)
{
    run_doc("docs/SETUP.md", ".", "8801");
}

/* ---- what every lesson README holds ---------------------------------------- */

static const char *const readmes[] = {
    "lessons/01-hello/README.md", "lessons/02-echo/README.md", "lessons/03-daytime/README.md",
    "lessons/04-chat/README.md", "lessons/05-doctor/README.md", "lessons/06-chatroom/README.md",
    "lessons/07-find/README.md",
    NULL};

static void docs_lesson_readmes_have_every_part_and_3_to_5_exercises(void)
{
    static const char *const parts[] = {
        "## What you will learn", "## Build it", "## Run it", "## From another machine",
        "## Things to try", "## Mistakes this code avoids", "## Exercises", NULL};
    int i, k;
    for (i = 0; readmes[i] != NULL; i++) {
        char *text = slurp(readmes[i]), *ex, *next;
        int n = 0;
        if (!expect(text != NULL, "%s to exist", readmes[i]))
            continue;
        for (k = 0; parts[k] != NULL; k++)
            if (strstr(text, parts[k]) == NULL)
                expect(0, "%s to have a section \"%s\"", readmes[i], parts[k]);
        if ((ex = strstr(text, "## Exercises")) != NULL) {
            next = strstr(ex + 3, "\n## ");
            if (next)
                *next = '\0';
            for (k = 1; k <= 9; k++) {
                char item[16];
                snprintf(item, sizeof item, "\n%d. ", k);
                n += strstr(ex, item) != NULL;
            }
            expect(n >= 3 && n <= 5, "%s: 3 to 5 numbered exercises, found %d", readmes[i], n);
        }
        free(text);
    }
}

/* A ```c block in a README quotes a lesson: its lines must be found, in
 * order and together, in one of the sources it could come from. */
static int quote_found(char **q, int nq, const char *file)
{
    char *text = slurp(file), *line[MAX_LINES];
    int n, i, k, found = 0;
    if (text == NULL)
        return 0;
    n = split(text, line, MAX_LINES);
    for (i = 0; i + nq <= n && !found; i++) {
        for (k = 0; k < nq && strcmp(line[i + k], q[k]) == 0; k++)
            ;
        found = k == nq;
    }
    free(text);
    return found;
}

static void docs_readme_code_quotes_are_found_in_the_sources(void)
{
    static const char *const sources[] = {
        "server.c", "client.c", "chat.h", "clients.c", "server.h", "room.c", "room.h", "commands.c", "names.c", "door.c",
        "eliza.c",
        "eliza.h", "script.c",
        "doctor.script", "../../common/net.h", "../../common/args.h", "../../common/console.h", "../../common/tcp.h", "../../common/telnet.h",
        "../../common/errors.h", "../../common/sockopt.h", "line.h", "../04-chat/line.h",
        "../04-chat/client.c", "../04-chat/chat.h", "find.h", "probe.h", "../../common/udp.h", NULL};
    int i, q, s, total = 0;
    for (i = 0; readmes[i] != NULL; i++) {
        struct doc d;
        char dir[256], file[400];
        snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(readmes[i], '/') - readmes[i]),
                 readmes[i]);
        if (access(readmes[i], R_OK) != 0 || read_doc(&d, readmes[i]) != 0)
            continue;
        for (q = 0; q < d.nquotes; q++) {
            char **lines = d.line + d.quote_first[q];
            int n = d.quote_last[q] - d.quote_first[q] + 1, found = 0;
            for (s = 0; sources[s] != NULL && !found; s++) {
                snprintf(file, sizeof file, "%s/%s", dir, sources[s]);
                found = quote_found(lines, n, file);
            }
            expect(found, "%s:%d: the quoted C (%d lines, from \"%s\") to be in the lesson's "
                   "sources as it is", readmes[i], d.quote_first[q], n, lines[0]);
            total++;
        }
        free_doc(&d);
    }
    note("%d C quotes checked", total);
}

/* ---- slides ------------------------------------------------------------------ */

static const char *const decks[] = {"00-intro", "01-hello", "02-echo", "03-daytime", "04-chat",
                                    "05-doctor", "06-chatroom", "07-find", NULL};

/* Builds slides/build.c with the strictest flags into tmp; 0 on success. */
static int build_generator(char *tmp, size_t cap, char *bin, size_t bincap)
{
    if (copy_sources(tmp, cap) != 0)
        return -1;
    snprintf(bin, bincap, "%s/build", tmp);
    return expect(run_shell("cc -std=c99 -Wall -Wextra -Wpedantic -Werror -O1 -o '%s' "
                            "slides/build.c > '%s/cc.log' 2>&1", bin, tmp) == 0,
                  "slides/build.c to compile as C99 without a warning (see %s/cc.log)", tmp)
               ? 0 : -1;
}

static void deck_sources(char *list, size_t cap)
{
    int i;
    list[0] = '\0';
    for (i = 0; decks[i] != NULL; i++) {
        char md[100];
        snprintf(md, sizeof md, "slides/src/%s.md", decks[i]);
        if (access(md, R_OK) == 0) {
            strncat(list, " ", cap - strlen(list) - 1);
            strncat(list, md, cap - strlen(list) - 1);
        }
    }
}

static void slides_built_decks_match_the_lesson_sources(void)
{
    char tmp[256], bin[300], list[1024];
    struct proc p;
    char *argv[] = {"-c", NULL, NULL}, cmd[2000];
    int rc;
    if (build_generator(tmp, sizeof tmp, bin, sizeof bin) != 0)
        return;
    deck_sources(list, sizeof list);
    snprintf(cmd, sizeof cmd, "'%s' --check%s", bin, list);
    argv[1] = cmd;
    proc_start_native(&p, "/bin/sh", argv);
    rc = proc_wait_exit(&p, timeout_ms(30000));
    expect(rc == 0, "every deck in slides/ to be what slides/build.c makes from today's "
           "sources (run make slides); the generator said:\n%s", p.buf);
    remove_tree(tmp);
}

/* Independent of the generator: the code on every slide, unescaped, is a run
 * of whole lines of the file its caption names, at the lines it names. */
static void slides_code_is_copied_verbatim_from_the_named_lines(void)
{
    int i, blocks = 0;
    for (i = 0; decks[i] != NULL; i++) {
        char html[100], *text, *at;
        snprintf(html, sizeof html, "slides/%s.html", decks[i]);
        if (!expect((text = slurp(html)) != NULL, "%s to exist (run make slides)", html))
            continue;
        for (at = text; (at = strstr(at, "<pre data-src=\"")) != NULL;) {
            char file[300], *src, *line[MAX_LINES], *code, *end, *o, *w;
            int first = 0, last = 0, n, k;
            if (sscanf(at, "<pre data-src=\"%299[^\"]\" data-first=\"%d\" data-last=\"%d\"", file,
                       &first, &last) != 3) {
                expect(0, "%s: a code block naming its file and lines", html);
                break;
            }
            code = strstr(at, "<code>") + 6;
            end = strstr(code, "</code></pre>");
            *end = '\0';
            /* undo the HTML: tags (highlights) out, entities back */
            for (o = w = code; *o;) {
                if (*o == '<') {
                    o = strchr(o, '>') + 1;
                } else if (*o == '&') {
                    const char *ent[] = {"&amp;", "&lt;", "&gt;", "&quot;"}, chr[] = "&<>\"";
                    for (k = 0; k < 4 && strncmp(o, ent[k], strlen(ent[k])) != 0; k++)
                        ;
                    *w++ = k < 4 ? chr[k] : '&';
                    o += k < 4 ? strlen(ent[k]) : 1;
                } else {
                    *w++ = *o++;
                }
            }
            *w = '\0';
            src = slurp(file);
            if (!expect(src != NULL, "%s: the quoted file %s to exist", html, file)) {
                at = end + 1;
                continue;
            }
            n = split(src, line, MAX_LINES);
            {
                size_t size = 1;
                char *want, *p;
                for (k = first - 1; k >= 0 && k < last && k < n; k++)
                    size += strlen(line[k]) + 1;
                want = p = malloc(size);
                *want = '\0';
                for (k = first - 1; k >= 0 && k < last && k < n; k++)
                    p += sprintf(p, "%s%s", line[k], k + 1 < last ? "\n" : "");
                expect(first >= 1 && last <= n && strcmp(want, code) == 0,
                       "%s: the code quoted from %s lines %d-%d to be those lines as they are "
                       "(run make slides)", html, file, first, last);
                free(want);
            }
            free(src);
            blocks++;
            at = end + 1;
        }
        free(text);
    }
    note("%d code blocks checked against their sources", blocks);
}

static void slides_open_offline_and_navigate_by_keyboard(void)
{
    static const char *const must[] = {
        "<script>", "addEventListener(\"keydown\"", "\"ArrowRight\"", "\"ArrowLeft\"",
        "\"PageDown\"", "\"PageUp\"", "\"Home\"", "\"End\"", "k === \" \"", "\"n\"",
        "page-break-after: always", "@media print", "class=\"notes\"", NULL};
    static const char *const banned[] = {"http://", "https://", "src=\"//", "href=\"//",
                                         "@import", "url(http", NULL};
    int i, k;
    for (i = 0; decks[i] != NULL; i++) {
        char html[100], *text;
        snprintf(html, sizeof html, "slides/%s.html", decks[i]);
        if (!expect((text = slurp(html)) != NULL, "%s to exist (run make slides)", html))
            continue;
        for (k = 0; must[k] != NULL; k++)
            expect_has(html, strstr(text, must[k]) ? must[k] : "(missing)", must[k]);
        for (k = 0; banned[k] != NULL; k++)
            expect(strstr(text, banned[k]) == NULL, "%s to fetch nothing: it holds \"%s\"", html,
                   banned[k]);
        expect(strstr(text, " src=\"") == NULL && strstr(text, "<link") == NULL,
               "%s to load no other file (no src= or <link>)", html);
        expect(strstr(text, "<svg") != NULL && strstr(text, "<pre data-src=") != NULL,
               "%s to have diagrams and code", html);
        free(text);
    }
}

static void slides_generator_fails_when_a_quoted_region_is_gone(void)
{
    char tmp[256], bin[300], md[400];
    struct proc p;
    char *argv[] = {"-c", NULL, NULL}, cmd[1200];
    FILE *f;
    int rc;
    if (build_generator(tmp, sizeof tmp, bin, sizeof bin) != 0)
        return;
    run_shell("mkdir -p '%s/slides/src' && cp slides/src/deck.css slides/src/deck.js '%s/slides/src/'",
              tmp, tmp);
    snprintf(md, sizeof md, "%s/slides/src/99-test.md", tmp);
    f = fopen(md, "w");
    fputs("deck: test\n---\n# A renamed function\ncode: lessons/02-echo/server.c send_every_byte\n",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cd '%s' && ./build slides/src/99-test.md", tmp);
    argv[1] = cmd;
    proc_start_native(&p, "/bin/sh", argv);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 1, "the generator to fail (exit 1) for a function that is not there, got %d", rc);
    expect_has("its message", p.buf, "99-test.md:4: no function send_every_byte() in lessons/02-echo/server.c");
    expect(access(md, R_OK) == 0 && run_shell("test ! -e '%s/slides/99-test.html'", tmp) == 0,
           "no deck written after an error");
    /* and a lesson edited under a slide makes --check fail */
    f = fopen(md, "w");
    fputs("deck: test\n---\n# Quoted\ncode: lessons/02-echo/server.c send_all\n", f);
    fclose(f);
    run_shell("cd '%s' && ./build slides/src/99-test.md >/dev/null && "
              "sed -i 's/return -1;      \\/\\* the client is gone/return -2;      \\/* the client is gone/' "
              "lessons/02-echo/server.c", tmp);
    snprintf(cmd, sizeof cmd, "cd '%s' && ./build --check slides/src/99-test.md", tmp);
    proc_start_native(&p, "/bin/sh", argv);
    rc = proc_wait_exit(&p, timeout_ms(10000));
    expect(rc == 1, "--check to fail once the quoted function changed, got %d (%s)", rc, p.buf);
    expect_has("its message", p.buf, "run make slides");
    remove_tree(tmp);
}

const struct test docs_tests[] = {
    {"docs_lesson_readmes_have_every_part_and_3_to_5_exercises",
     docs_lesson_readmes_have_every_part_and_3_to_5_exercises},
    {"docs_readme_code_quotes_are_found_in_the_sources",
     docs_readme_code_quotes_are_found_in_the_sources},
    {"docs_readme_01_hello_runs_as_written", docs_readme_01_hello_runs_as_written},
    {"docs_readme_02_echo_runs_as_written", docs_readme_02_echo_runs_as_written},
    {"docs_readme_03_daytime_runs_as_written", docs_readme_03_daytime_runs_as_written},
    {"docs_readme_04_chat_runs_as_written", docs_readme_04_chat_runs_as_written},
    {"docs_readme_05_doctor_runs_as_written", docs_readme_05_doctor_runs_as_written},
    {"docs_readme_06_chatroom_runs_as_written", docs_readme_06_chatroom_runs_as_written},
    {"docs_readme_07_find_runs_as_written", docs_readme_07_find_runs_as_written},
    {"docs_top_readme_runs_as_written", docs_top_readme_runs_as_written},
    {"docs_course_plan_runs_as_written", docs_course_plan_runs_as_written},
    {"docs_setup_runs_as_written", docs_setup_runs_as_written},
    {"slides_built_decks_match_the_lesson_sources", slides_built_decks_match_the_lesson_sources},
    {"slides_code_is_copied_verbatim_from_the_named_lines",
     slides_code_is_copied_verbatim_from_the_named_lines},
    {"slides_open_offline_and_navigate_by_keyboard", slides_open_offline_and_navigate_by_keyboard},
    {"slides_generator_fails_when_a_quoted_region_is_gone",
     slides_generator_fails_when_a_quoted_region_is_gone},
    {0, 0},
};
