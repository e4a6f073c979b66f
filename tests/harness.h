/*
 * harness.h - socklab's test harness: no framework, just what the tests need.
 *
 * The harness is a Linux program. It starts the real lesson binaries as child
 * processes (directly, or through wine for the Windows build), talks to them
 * over real sockets on 127.0.0.1 and ::1, and pipes their standard input.
 *
 * A test is a function. It calls expect()/expect_str()/expect_has(); the first
 * failed expectation marks the test failed and prints what was expected and
 * what was got. The runner prints one line per test and, last, the line
 * "N passed, N failed".
 */
#ifndef SOCKLAB_HARNESS_H
#define SOCKLAB_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

/* ---- tests and expectations ------------------------------------------ */

struct test {
    const char *name;         /* names the behaviour it proves */
    void (*run)(void);
};

/* Every test file exports a table ending in {0, 0}; main.c lists the tables. */

/* Records a failure (printf-style message) unless cond holds; returns cond. */
int expect(int cond, const char *fmt, ...);
/* Equal strings; label says what was compared. */
int expect_str(const char *label, const char *got, const char *want);
/* got contains want (case-insensitive when nocase). */
int expect_has(const char *label, const char *got, const char *want);
int expect_has_nocase(const char *label, const char *got, const char *want);
/* Printed under the current test, for context; not a failure. */
void note(const char *fmt, ...);
/* Ends the current test as skipped, saying why (printed, and counted as
 * skipped in the last line): never a silent pass. */
void skip(const char *why);
/* 1 if `program` (a name, looked up in PATH, or a path) can be run. */
int have_program(const char *program);
/* Skips the current test unless `program` is installed: an optional tool
 * (nc, telnet, socat, a browser...) that a fresh machine may lack. `what`
 * says what the test needed it for, e.g. need_program("nc", "nc as a client"). */
void need_program(const char *program, const char *what);

/* Set when the tests run against the Windows build under wine. */
extern int on_wine;
/* Set by --strict (make test STRICT=1, as CI runs it): the project's own
 * code rules (t_rules.c) are checked too; a student's make test leaves them
 * out, so an exercise that grows a file never fails it. */
extern int strict_rules;
/* Scale a count down where wine is slow ("smaller counts where wine needs it"). */
int scaled(int linux_count, int wine_count);
/* A time limit for one step, longer under wine (its processes start slowly). */
int timeout_ms(int linux_ms);
/* Set by a failed expectation in the current test (the runner reads it). */
extern int test_failed;

/* ---- child processes ------------------------------------------------- */

struct proc {
    pid_t pid;
    int in;                   /* write end of its stdin, -1 once closed */
    int out;                  /* read end of its stdout+stderr merged */
    char buf[65536];          /* everything it printed so far, NUL-terminated */
    size_t len;
    size_t dropped;           /* older output dropped to make room */
    int exited;               /* set once waited for */
    int status;               /* exit code, or 128+signal */
};

/* Path of a lesson binary, e.g. bin_path("02-echo", "server"); adds .exe on wine. */
const char *bin_path(const char *lesson, const char *program);

/* Starts argv[0] (a bin_path) with the given arguments; NULL-terminated list.
 * Returns 0 on success. stdin is a pipe; stdout and stderr go to one pipe. */
int proc_start(struct proc *p, const char *path, ...);
int proc_startv(struct proc *p, const char *path, char *const argv[]);
/* Starts a Linux program (nc, socat...) as it is, even in the --wine run. */
int proc_start_native(struct proc *p, const char *path, char *const argv[]);
/* The same with RLIMIT_NOFILE lowered to max_fds in the child (0: unchanged). */
int proc_start_limited(struct proc *p, int max_fds, const char *path, char *const argv[]);

/* Reads output until `text` appears or timeout_ms passes; 1 if it appeared. */
int proc_wait_for(struct proc *p, const char *text, int timeout_ms);
/* Waits until a whole line containing `text` has arrived (a program may
 * write a line in pieces, and wine's console often does); copies what
 * follows `text` on that line into out. 1 if it came in time. */
int proc_wait_for_line(struct proc *p, const char *text, char *out, size_t cap, int timeout_ms);
/* Writes to its stdin; returns 0 when all was written. */
int proc_write(struct proc *p, const char *text);
void proc_close_stdin(struct proc *p);
/* Waits for exit up to timeout_ms; returns the exit code, or -1 on time-out
 * (the process is then killed). Output is drained into buf meanwhile. */
int proc_wait_exit(struct proc *p, int timeout_ms);
/* Runs a lesson program (bin_path(lesson, program)) with `input` piped to
 * it (NULL: none), closes its stdin and waits for it to exit, 15 s at most.
 * Returns its exit status (-1 if it had to be killed). */
int run_program(struct proc *p, const char *lesson, const char *program,
                const char *input, char *const argv[]);
/* 1 while the process is still running. */
int proc_alive(struct proc *p);
/* CPU time it has used so far (user + system) in ms, from /proc; -1 if unknown.
 * Under wine the process is the program itself (wine runs it in place). */
long proc_cpu_ms(struct proc *p);
/* SIGSTOP, and waits (2 s at most) until the process has really stopped:
 * kill() returns before the process stops, and it may run a little more. */
void proc_pause(struct proc *p);
/* Stops it (SIGTERM, then SIGKILL) and reaps it. Safe to call twice. */
void proc_stop(struct proc *p);
/* Kills every process the current test started (the runner calls it). */
void proc_stop_all(void);

/* Starts a lesson server on port 0 (plus extra args) and reads "port N" from
 * its first line. Returns the port, or 0 after recording a failure. */
int server_start(struct proc *p, const char *lesson, const char *const extra[]);
/* The same for another program of the lesson, e.g. "steps/1-select". */
int program_start(struct proc *p, const char *lesson, const char *program,
                  const char *const extra[]);
/* For a server started otherwise: waits for its first line and returns the
 * port it names, or 0 after recording a failure (the server is stopped). */
int server_port(struct proc *p);
/* Expects the server to be still running (a server never exits because of a
 * client), then stops it. Returns 1 if it was running. */
int server_stop(struct proc *p);

/* ---- sockets --------------------------------------------------------- */

/* Connects to host ("127.0.0.1" or "::1") and port; -1 after a failure. */
int tcp_connect(const char *host, int port);
/* Sends all bytes; 0 on success. */
int send_all(int fd, const void *data, size_t len);
int send_text(int fd, const char *text);
/* Reads until `text` appears, the peer closes or timeout_ms passes.
 * Appends to buf (NUL-terminated, capacity cap); returns bytes held. */
size_t recv_until(int fd, char *buf, size_t cap, const char *text, int timeout_ms);
/* Reads until the peer closes or timeout_ms; returns bytes held, sets *closed. */
size_t recv_all(int fd, char *buf, size_t cap, int timeout_ms, int *closed);
/* 1 if the peer closed the connection within timeout_ms (reading and
 * discarding anything that comes first). */
int wait_closed(int fd, int timeout_ms);
/* A port where nothing listens (bound then released). */
int unused_port(void);
/* A port number as text, for argv; four calls may be in use at once. */
char *port_text(int port);
/* Closes with SO_LINGER 0, so the peer gets a reset instead of a FIN. */
void close_with_reset(int fd);
/* Joins lesson 06's chat room on 127.0.0.1 as `name` (waits for the
 * question, answers, expects "you are in"); the socket, or -1. */
int chatroom_join(int port, const char *name);

/* A connection read line by line (what arrives after a line is kept). */
struct conn {
    int fd;
    char buf[65536];
    size_t len;
};
int conn_open(struct conn *c, const char *host, int port);
/* The next line without CR LF into out; 1, or 0 (out then says why) if none
 * came within ms or the peer closed first. */
int conn_read_line(struct conn *c, char *out, size_t cap, int ms);
void conn_close(struct conn *c);

/* 1 if a terminal shown these bytes would only show text: valid UTF-8,
 * no control character but tab, CR and LF (issue 9: no forged lines). */
int terminal_safe(const char *text, size_t len);

/* Milliseconds on a monotonic clock. */
long long now_ms(void);

/* A whole file as a NUL-terminated string (the caller frees it), or NULL. */
char *slurp(const char *path);

#endif
