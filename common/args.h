/*
 * args.h - the command lines every program shares ("server [PORT]",
 * "client [HOST [PORT]]", -h, -b, and flags such as -t that take no
 * value): one way to read them, one way to fail (a line that says why, the
 * usage, exit 2).
 *
 * Part of the compat layer: net.h includes it, so a lesson includes net.h.
 * Everything here starts with net_ like the rest of the layer.
 */
#ifndef SOCKLAB_ARGS_H
#define SOCKLAB_ARGS_H

#include "net.h"

/* ---- command lines ----------------------------------------------------- */

/* A port number 0..65535 written in decimal, or -1. */
static inline long net_parse_port(const char *text)
{
    long port = 0;
    if (text == NULL || *text == '\0' || strlen(text) > 5)
        return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        port = port * 10 + (*text - '0');
    }
    return port <= 65535 ? port : -1;
}

/* Bad command line: one line saying why, then the usage, and exit 2. */
static inline void net_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage);
    exit(2);
}

/* The command line every socklab program shares. -h or --help prints the
 * usage and exits 0. Each option named in `options` (a NULL-ended list such
 * as {"-b", NULL}) takes a value, stored at the same index in `values`. Up to
 * max_args other words go to `args`. Anything else is an error (exit 2).
 * Returns how many words went to args. */
static inline int net_parse_args(int argc, char **argv, const char *usage,
                                 const char *const options[], const char *values[],
                                 const char *args[], int max_args)
{
    int i, k, nargs = 0, only_args = 0;
    net_stdio_setup();
    for (i = 1; i < argc; i++) {
        const char *word = argv[i];
        if (!only_args && (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0)) {
            printf("%s", usage);
            exit(0);
        }
        if (!only_args && strcmp(word, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (!only_args && word[0] == '-' && word[1] != '\0') {
            for (k = 0; options[k] != NULL && strcmp(options[k], word) != 0; k++)
                ;
            if (options[k] == NULL)
                net_usage_error(usage, "unknown option '%s'", word);
            if (i + 1 >= argc)
                net_usage_error(usage, "option %s needs a value", word);
            values[k] = argv[++i];
            continue;
        }
        if (nargs == max_args)
            net_usage_error(usage, "unexpected argument '%s'", word);
        args[nargs++] = word;
    }
    return nargs;
}

/* Removes a flag (an option without a value, such as "-t") from argv; 1
 * if it was there. Call it before net_parse_args(), which would take the
 * next word for the flag's value. */
static inline int net_take_flag(int *argc, char **argv, const char *flag)
{
    int i, found = 0;
    for (i = 1; i < *argc; i++)
        if (strcmp(argv[i], flag) == 0) {
            memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof *argv);
            (*argc)--;
            i--;
            found = 1;
        }
    return found;
}

/* A whole-number option in [lowest, highest]; `fallback` when it was not
 * given (text NULL); otherwise exits 2 with the usage, naming the option. */
static inline long net_number_arg(const char *text, const char *option, long lowest,
                                  long highest, long fallback, const char *usage)
{
    char *end;
    long n;
    if (text == NULL)
        return fallback;
    n = strtol(text, &end, 10);
    if (end == text || *end != '\0' || n < lowest || n > highest)
        net_usage_error(usage, "%s takes a number from %ld to %ld, not '%s'", option, lowest,
                        highest, text);
    return n;
}

/* Checks a port argument (at least `lowest`: 0 for a server, which means
 * "any free port", 1 for a client); exits 2 with the usage if it is bad. */
static inline const char *net_port_arg(const char *text, long lowest, const char *usage)
{
    long port = net_parse_port(text);
    if (port < lowest)
        net_usage_error(usage, "'%s' is not a port number (%ld-65535)", text, lowest);
    return text;
}

/* "client 8802" would look for a machine named 8802: say what was meant. */
static inline void net_host_arg_check(const char *usage, const char *host)
{
    if (net_parse_port(host) >= 0)
        net_usage_error(usage, "'%s' looks like a port: the host comes first "
                        "(client localhost %s)", host, host);
}

/* The clients' command line, "client [HOST [PORT]]": what is given replaces
 * the default already in *host and *port; -h prints the usage and exits 0,
 * anything else exits 2 with it. */
static inline void net_client_args(int argc, char **argv, const char *usage,
                                   const char **host, const char **port)
{
    const char *options[] = {NULL}, *args[2];
    int nargs = net_parse_args(argc, argv, usage, options, NULL, args, 2);
    if (nargs == 1)
        net_host_arg_check(usage, args[0]);
    if (nargs >= 1)
        *host = args[0];
    if (nargs >= 2)
        *port = net_port_arg(args[1], 1, usage);
}

#endif
