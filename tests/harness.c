/*
 * harness.c - processes, sockets and expectations for socklab's tests.
 * See harness.h for what each function promises.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int on_wine;
int strict_rules;         /* --strict: the project's own code rules too */
int test_failed;            /* set by a failed expectation in the current test */

/* ---- expectations ------------------------------------------------------ */

/* Failure messages quote what was got; keep them readable and short. */
static void print_quoted(const char *s, size_t max)
{
    size_t i;
    putchar('"');
    for (i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    if (s[i])
        printf("...(%zu more bytes)", strlen(s + i));
    putchar('"');
}

int expect(int cond, const char *fmt, ...)
{
    va_list ap;
    if (cond)
        return 1;
    test_failed = 1;
    fputs("    expected: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    return 0;
}

int expect_str(const char *label, const char *got, const char *want)
{
    if (got != NULL && strcmp(got, want) == 0)
        return 1;
    test_failed = 1;
    printf("    %s: expected ", label);
    print_quoted(want, 400);
    fputs("\n      got ", stdout);
    print_quoted(got ? got : "(nothing)", 400);
    putchar('\n');
    fflush(stdout);
    return 0;
}

static int has_text(const char *got, const char *want, int nocase)
{
    size_t n = strlen(want);
    if (got == NULL)
        return 0;
    if (!nocase)
        return strstr(got, want) != NULL;
    for (; *got; got++)
        if (strncasecmp(got, want, n) == 0)
            return 1;
    return n == 0;
}

static int expect_has_impl(const char *label, const char *got, const char *want, int nocase)
{
    if (has_text(got, want, nocase))
        return 1;
    test_failed = 1;
    printf("    %s: expected it to contain ", label);
    print_quoted(want, 400);
    fputs("\n      got ", stdout);
    print_quoted(got ? got : "(nothing)", 1500);
    putchar('\n');
    fflush(stdout);
    return 0;
}

int expect_has(const char *label, const char *got, const char *want)
{
    return expect_has_impl(label, got, want, 0);
}

int expect_has_nocase(const char *label, const char *got, const char *want)
{
    return expect_has_impl(label, got, want, 1);
}

void note(const char *fmt, ...)
{
    va_list ap;
    fputs("    note: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

void skip(const char *why)
{
    printf("    skipped: %s\n", why);
    fflush(stdout);
    proc_stop_all();
    _exit(test_failed ? 1 : 77);
}

int have_program(const char *program)
{
    const char *path = getenv("PATH"), *end;
    char full[1024];
    if (strchr(program, '/') != NULL)
        return access(program, X_OK) == 0;
    for (; path != NULL && *path != '\0'; path = *end ? end + 1 : end) {
        size_t len;
        end = strchr(path, ':');
        if (end == NULL)
            end = path + strlen(path);
        len = (size_t)(end - path);
        snprintf(full, sizeof full, "%.*s/%s", (int)len, len ? path : ".", program);
        if (access(full, X_OK) == 0)
            return 1;
    }
    return 0;
}

void need_program(const char *program, const char *what)
{
    char why[300];
    if (have_program(program))
        return;
    snprintf(why, sizeof why, "%s not installed: %s needs it (see the README's optional tools)",
             program, what);
    skip(why);
}

int scaled(int linux_count, int wine_count)
{
    return on_wine ? wine_count : linux_count;
}

int timeout_ms(int linux_ms)
{
    return on_wine ? linux_ms * 4 : linux_ms;
}

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ms_left(long long deadline)
{
    long long left = deadline - now_ms();
    return left < 0 ? 0 : (int)left;
}

/* ---- child processes --------------------------------------------------- */

/* Every process a test starts, so none outlives the test. */
static struct proc *started[64];
static int nstarted;

const char *bin_path(const char *lesson, const char *program)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "lessons/%s/%s%s", lesson, program, on_wine ? ".exe" : "");
    return p;
}

static int start_native;     /* set while starting a Linux tool under --wine */

int proc_startv(struct proc *p, const char *path, char *const argv[])
{
    return proc_start_limited(p, 0, path, argv);
}

int proc_start_native(struct proc *p, const char *path, char *const argv[])
{
    int rc;
    start_native = 1;
    rc = proc_start_limited(p, 0, path, argv);
    start_native = 0;
    return rc;
}

int proc_start_limited(struct proc *p, int max_fds, const char *path, char *const argv[])
{
    int in[2], out[2], i, n = 0;
    char *args[40];

    memset(p, 0, sizeof *p);
    p->in = p->out = -1;
    if (on_wine && !start_native)
        args[n++] = "wine";
    args[n++] = (char *)path;
    for (i = 0; argv[i] != NULL && n < 39; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    if (pipe(in) != 0 || pipe(out) != 0)
        return expect(0, "pipe() to work: %s", strerror(errno)), -1;
    p->pid = fork();
    if (p->pid < 0)
        return expect(0, "fork() to work: %s", strerror(errno)), -1;
    if (p->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* dies with the test */
        if (max_fds > 0) {
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = (rlim_t)max_fds;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);        /* even when the tests were started in the background */
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        execvp(args[0], args);
        fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    p->in = in[1];
    p->out = out[0];
    fcntl(p->out, F_SETFL, O_NONBLOCK);
    fcntl(p->in, F_SETFD, FD_CLOEXEC);
    fcntl(p->out, F_SETFD, FD_CLOEXEC);
    if (nstarted < 64)
        started[nstarted++] = p;
    return 0;
}

int proc_start(struct proc *p, const char *path, ...)
{
    char *argv[32];
    int n = 0;
    va_list ap;
    va_start(ap, path);
    while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    return proc_startv(p, path, argv);
}

/* Moves whatever the process printed into p->buf; waits up to ms for the
 * first bytes. Returns 0 once its output is closed. */
static int proc_read(struct proc *p, int ms)
{
    struct pollfd pfd;
    char tmp[8192];
    ssize_t n;
    if (p->out < 0)
        return 0;
    pfd.fd = p->out;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, ms) <= 0)
        return 1;
    while ((n = read(p->out, tmp, sizeof tmp)) > 0) {
        size_t room = sizeof p->buf - 1 - p->len;
        if ((size_t)n > room) {         /* keep the newest output */
            size_t drop = (size_t)n - room + sizeof p->buf / 4;
            if (drop > p->len)
                drop = p->len;
            memmove(p->buf, p->buf + drop, p->len - drop);
            p->len -= drop;
            p->dropped += drop;
        }
        memcpy(p->buf + p->len, tmp, (size_t)n);
        p->len += (size_t)n;
        p->buf[p->len] = '\0';
    }
    if (n == 0) {
        close(p->out);
        p->out = -1;
        return 0;
    }
    return 1;
}

int proc_wait_for(struct proc *p, const char *text, int ms)
{
    long long deadline = now_ms() + ms;
    for (;;) {
        if (strstr(p->buf, text) != NULL)
            return 1;
        /* reads at least once: with no time left, what is there already */
        if (!proc_read(p, ms_left(deadline) < 50 ? ms_left(deadline) : 50) || ms_left(deadline) == 0)
            return strstr(p->buf, text) != NULL;
    }
}

int proc_wait_for_line(struct proc *p, const char *text, char *out, size_t cap, int ms)
{
    long long deadline = now_ms() + ms;
    int last = 0;
    for (;;) {
        const char *at = strstr(p->buf, text), *end = at ? strchr(at, '\n') : NULL;
        if (end != NULL) {
            at += strlen(text);
            snprintf(out, cap, "%.*s", (int)(end - at), at);
            if (cap > 0 && strchr(out, '\r') != NULL)
                *strchr(out, '\r') = '\0';
            return 1;
        }
        if (last)
            return 0;
        last = !proc_read(p, ms_left(deadline) < 50 ? ms_left(deadline) : 50) || ms_left(deadline) == 0;
    }
}

int proc_write(struct proc *p, const char *text)
{
    size_t len = strlen(text), done = 0;
    while (done < len && p->in >= 0) {
        ssize_t n = write(p->in, text + done, len - done);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return done == len ? 0 : -1;
}

void proc_close_stdin(struct proc *p)
{
    if (p->in >= 0)
        close(p->in);
    p->in = -1;
}

static void record_status(struct proc *p, int status)
{
    p->exited = 1;
    p->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int proc_alive(struct proc *p)
{
    int status;
    if (p->exited)
        return 0;
    if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
        record_status(p, status);
        return 0;
    }
    return 1;
}

/* The fields of /proc/PID/stat after the command name, in `after`. */
static int proc_stat(struct proc *p, char *stat, size_t cap, char **after)
{
    char path[64], *end;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)p->pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    n = fread(stat, 1, cap - 1, f);
    fclose(f);
    stat[n] = '\0';
    if ((end = strrchr(stat, ')')) == NULL || end[1] != ' ')
        return -1;
    *after = end + 2;                   /* the name may hold spaces and ")" */
    return 0;
}

long proc_cpu_ms(struct proc *p)
{
    char stat[1024], *f;
    unsigned long utime, stime;
    if (proc_stat(p, stat, sizeof stat, &f) != 0 ||   /* fields 14 and 15 */
        sscanf(f, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (long)((utime + stime) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

void proc_pause(struct proc *p)
{
    char stat[1024], *f;
    int i;
    kill(p->pid, SIGSTOP);
    for (i = 0; i < 200; i++) {
        if (proc_stat(p, stat, sizeof stat, &f) != 0 || f[0] == 'T')
            return;
        usleep(10000);
    }
}

int proc_wait_exit(struct proc *p, int ms)
{
    long long deadline = now_ms() + ms;
    while (proc_alive(p)) {
        if (ms_left(deadline) == 0) {
            proc_stop(p);
            return -1;
        }
        if (!proc_read(p, 20))
            usleep(10000);              /* output closed: just wait for exit */
    }
    while (proc_read(p, 200) && p->out >= 0)
        ;                               /* what it printed last */
    return p->status;
}

/* Runs a lesson program with `input` piped to it and waits for it to exit.
 * Returns its exit status (-1 if it had to be killed). */
int run_program(struct proc *p, const char *lesson, const char *program,
                const char *input, char *const argv[])
{
    if (proc_startv(p, bin_path(lesson, program), argv) != 0)
        return -1;
    if (input != NULL)
        proc_write(p, input);
    proc_close_stdin(p);
    return proc_wait_exit(p, timeout_ms(15000));
}

void proc_stop(struct proc *p)
{
    int status, i;
    if (p->pid > 0 && !p->exited) {
        kill(p->pid, on_wine ? SIGKILL : SIGTERM);
        for (i = 0; i < 100 && waitpid(p->pid, &status, WNOHANG) == 0; i++)
            usleep(20000);
        if (i == 100) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
        }
        record_status(p, status);
    }
    if (p->pid > 0)
        proc_read(p, 0);
    proc_close_stdin(p);
    if (p->out >= 0)
        close(p->out);
    p->out = -1;
}

void proc_stop_all(void)
{
    int i;
    for (i = 0; i < nstarted; i++)
        if (started[i]->pid > 0 && !started[i]->exited)
            kill(started[i]->pid, SIGKILL);
    nstarted = 0;
}

int server_start(struct proc *p, const char *lesson, const char *const extra[])
{
    return program_start(p, lesson, "server", extra);
}

int program_start(struct proc *p, const char *lesson, const char *program,
                  const char *const extra[])
{
    char *argv[24];
    int n = 0;
    while (extra != NULL && extra[n] != NULL && n < 22) {
        argv[n] = (char *)extra[n];
        n++;
    }
    argv[n++] = "0";
    argv[n] = NULL;
    if (proc_startv(p, bin_path(lesson, program), argv) != 0)
        return 0;
    return server_port(p);
}

int server_port(struct proc *p)
{
    const char *line;
    int port = 0;
    if (!proc_wait_for(p, "\n", timeout_ms(10000)) || (line = strstr(p->buf, "port ")) == NULL ||
        strchr(p->buf, '\n') < line || sscanf(line, "port %d", &port) != 1 || port <= 0) {
        expect_has("the server's first line", p->buf, "port N");
        proc_stop(p);
        return 0;
    }
    return port;
}

int server_stop(struct proc *p)
{
    int alive = proc_alive(p);
    expect(alive, "the server still running at the end of the test (it exited with status %d)",
           p->status);
    proc_stop(p);
    return alive;
}

/* ---- sockets ------------------------------------------------------------ */

int tcp_connect(const char *host, int port)
{
    struct addrinfo hints, *res;
    char service[16];
    int fd, rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    snprintf(service, sizeof service, "%d", port);
    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
        expect(0, "getaddrinfo(%s) to work: %s", host, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        expect(0, "to connect to %s port %d: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int send_text(int fd, const char *text)
{
    return send_all(fd, text, strlen(text));
}

static size_t recv_some(int fd, char *buf, size_t cap, size_t *have, int ms, int *closed)
{
    struct pollfd pfd;
    ssize_t n;
    pfd.fd = fd;
    pfd.events = POLLIN;
    if (*have + 1 >= cap || poll(&pfd, 1, ms) <= 0)
        return 0;
    n = recv(fd, buf + *have, cap - 1 - *have, 0);
    if (n <= 0) {
        *closed = 1;
        return 0;
    }
    *have += (size_t)n;
    buf[*have] = '\0';
    return (size_t)n;
}

size_t recv_until(int fd, char *buf, size_t cap, const char *text, int ms)
{
    long long deadline = now_ms() + ms;
    size_t have = strlen(buf);
    int closed = 0;
    while (strstr(buf, text) == NULL && !closed && ms_left(deadline) > 0)
        recv_some(fd, buf, cap, &have, ms_left(deadline), &closed);
    return have;
}

size_t recv_all(int fd, char *buf, size_t cap, int ms, int *closed)
{
    long long deadline = now_ms() + ms;
    size_t have = 0;
    *closed = 0;
    buf[0] = '\0';
    while (!*closed && ms_left(deadline) > 0 && have + 1 < cap)
        recv_some(fd, buf, cap, &have, ms_left(deadline), closed);
    return have;
}

int wait_closed(int fd, int ms)
{
    char buf[4096];
    int closed = 0;
    long long deadline = now_ms() + ms;
    while (!closed && ms_left(deadline) > 0) {
        size_t have = 0;
        buf[0] = '\0';
        recv_some(fd, buf, sizeof buf, &have, ms_left(deadline), &closed);
    }
    return closed;
}

char *port_text(int port)
{
    static char text[4][16];
    static int next;
    char *t = text[next++ % 4];
    snprintf(t, 16, "%d", port);
    return t;
}

int unused_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

void close_with_reset(int fd)
{
    struct linger lg;
    lg.l_onoff = 1;
    lg.l_linger = 0;
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* ---- line-by-line connections --------------------------------------------- */

int conn_open(struct conn *c, const char *host, int port)
{
    c->len = 0;
    c->fd = tcp_connect(host, port);
    return c->fd >= 0 ? 0 : -1;
}

int conn_read_line(struct conn *c, char *out, size_t cap, int ms)
{
    long long deadline = now_ms() + ms;
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->len);
        struct pollfd pfd;
        ssize_t n;
        if (nl != NULL) {
            size_t len = (size_t)(nl - c->buf), keep = len;
            if (keep > 0 && c->buf[keep - 1] == '\r')
                keep--;
            if (keep >= cap)
                keep = cap - 1;
            memcpy(out, c->buf, keep);
            out[keep] = '\0';
            memmove(c->buf, nl + 1, c->len - len - 1);
            c->len -= len + 1;
            return 1;
        }
        pfd.fd = c->fd;
        pfd.events = POLLIN;
        if (c->len == sizeof c->buf || ms_left(deadline) == 0 ||
            poll(&pfd, 1, ms_left(deadline)) <= 0)
            break;
        n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
        if (n <= 0)
            break;
        c->len += (size_t)n;
    }
    snprintf(out, cap, "(no line: %s)", c->len ? "an unfinished line" : "nothing came");
    return 0;
}

void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* 1 if a terminal shown these bytes would only show text: valid UTF-8 with
 * no control character but tab, CR and LF (no ESC, no C1 such as CSI
 * U+009B, no raw byte from 0x80 that is not part of a character). */
int terminal_safe(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        unsigned long c = *p;
        int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
              : (c & 0xF8) == 0xF0 ? 4 : 0, i;
        if (n == 0 || end - p < n)
            return 0;
        if (n > 1)
            c &= 0x3Fu >> (n - 1);
        for (i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[i] & 0x3Fu);
        }
        if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
            c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || (c >= 0x7F && c <= 0x9F))
            return 0;
        p += n;
    }
    return 1;
}

/* A whole file as a NUL-terminated string (free it), or NULL. */
char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long len;
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)len + 1);
    if (data == NULL || fread(data, 1, (size_t)len, f) != (size_t)len) {
        free(data);
        fclose(f);
        return NULL;
    }
    data[len] = '\0';
    fclose(f);
    return data;
}

int chatroom_join(int port, const char *name)
{
    char got[2048], line[128];
    int fd = tcp_connect("127.0.0.1", port);
    if (fd < 0)
        return -1;
    got[0] = '\0';
    recv_until(fd, got, sizeof got, "your name?", timeout_ms(5000));
    snprintf(line, sizeof line, "%s\n", name);
    send_text(fd, line);
    recv_until(fd, got, sizeof got, "you are in", timeout_ms(5000));
    expect_has("joining", got, "you are in");
    return fd;
}
