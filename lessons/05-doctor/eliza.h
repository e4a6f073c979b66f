/*
 * eliza.h - Weizenbaum's 1966 ELIZA, as a small library.
 *
 * A script (for example doctor.script) is read once and then shared,
 * read-only, by any number of conversations. Each conversation keeps its
 * own state: the LIMIT counter, which reply each rule gives next, and the
 * memory queue. So one server process can talk to many clients at once.
 *
 * Plain C99 with the standard library only; no global state.
 */
#ifndef SOCKLAB_ELIZA_H
#define SOCKLAB_ELIZA_H

#include <stddef.h>

typedef struct eliza_script eliza_script;  /* parsed script, read-only, shared */
typedef struct eliza eliza;                /* one conversation's state */

/* Parses a script from text (len bytes). On error returns NULL and writes
 * "line N: what is wrong" into err (errcap bytes; err may be NULL). */
eliza_script *eliza_script_parse(const char *text, size_t len,
                                 char *err, size_t errcap);
/* Reads and parses a file. On error returns NULL and writes a message that
 * names the file, with the system's reason or the line that is wrong. */
eliza_script *eliza_script_load(const char *path, char *err, size_t errcap);
void eliza_script_free(eliza_script *s);
/* The file `name` in the folder of the program `argv0` (into path), so
 * "./server" finds its script from any directory; just `name` if too long. */
const char *eliza_script_beside(const char *argv0, const char *name, char *path, size_t cap);

/* The script's opening line, e.g. "HOW DO YOU DO. PLEASE TELL ME YOUR PROBLEM". */
const char *eliza_greeting(const eliza_script *s);

/* Starts a conversation; NULL if out of memory. The script must outlive it. */
eliza *eliza_new(const eliza_script *s);

/* Answers one line of input: len bytes, any values (a trailing CR/LF is
 * ignored; NUL bytes and invalid UTF-8 are safe). Only the first
 * ELIZA_MAX_INPUT bytes are read. Writes a NUL-terminated one-line reply into
 * out (cap bytes, truncated to fit) and returns out. */
const char *eliza_reply(eliza *e, const char *line, size_t len,
                        char *out, size_t cap);
void eliza_free(eliza *e);

#define ELIZA_MAX_INPUT 4096   /* bytes of a line that are read */

/* For tests only: the SLIP HASH used to choose a memory. BCD-codes the last
 * 6-character chunk of word into 36 bits, and hashes d to n bits (n <= 15). */
unsigned long long eliza_bcd_chunk(const char *word);
unsigned eliza_slip_hash(unsigned long long d, int n);

#endif
