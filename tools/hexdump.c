/*
 * hexdump - connects to a server and shows every byte it sends, in hex and
 * as text: the CR before each LF, a NUL, an escape sequence, all visible.
 *
 * Build:  make builds it as tools/hexdump beside the lessons, or by hand:
 *         cc hexdump.c -o hexdump                (Linux, macOS)
 *         gcc hexdump.c -o hexdump.exe -lws2_32  (MinGW)
 *         cl hexdump.c                           (MSVC)
 * Run:    hexdump HOST PORT [--send TEXT] [--stdin] [-t]
 *         hexdump localhost 8803                     (what daytime sends)
 *         hexdump localhost 8805 --send "I am sad.\n\n" -t
 *
 * It does in cmd.exe and a Linux terminal alike what `nc HOST PORT | od -c`
 * does on Linux only, and TEXT with \n, \r, \033 escapes replaces printf.
 *
 * Notice:
 *   - each recv() starts a new row: the dump shows how the bytes arrived,
 *     in as many pieces as TCP gave them (one send() may be two recv()s);
 *   - with --stdin it sends all its input, then half-closes (shutdown):
 *     "I send no more", while it still reads the answer to the end.
 */
#include "../common/net.h"
#include "../common/tcp.h"
#include "../common/system.h"

#define PROG "hexdump"
enum { ROW = 16, MAX_TEXT = 4096 };

static const char usage[] =
    "usage: hexdump HOST PORT [--send TEXT] [--stdin] [-t]\n"
    "  Connects, and prints every byte the server sends as a hex + text dump\n"
    "  (offset, 16 bytes in hex, the same bytes as text with . for the others),\n"
    "  a new row for each recv(), until the server closes (or Ctrl+C).\n"
    "  --send TEXT  send TEXT first; \\n \\r \\t \\\\ \\0 \\033 \\xHH are escapes\n"
    "               (write it in double quotes: the same in cmd.exe and sh)\n"
    "  --stdin      send all of standard input, then half-close (end of input:\n"
    "               Ctrl+D, or Ctrl+Z Enter on Windows)\n"
    "  -t           print the bytes as they are instead of a dump\n"
    "  -h, --help   show this help\n";

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* C escapes in `text` turned into the bytes they name; returns the length
 * (a \0 byte counts: the text may hold NULs). */
static int unescape(const char *text, char *out, int cap)
{
    int len = 0, k;
    while (*text && len < cap) {
        int c = (unsigned char)*text++;
        if (c == '\\' && *text) {
            c = (unsigned char)*text++;
            if (c == 'n') c = '\n';
            else if (c == 'r') c = '\r';
            else if (c == 't') c = '\t';
            else if (c == 'x' && hex_digit(*text) >= 0) {
                for (c = 0, k = 0; k < 2 && hex_digit(*text) >= 0; k++)
                    c = c * 16 + hex_digit(*text++);
            } else if (c >= '0' && c <= '7') {
                for (c -= '0', k = 1; k < 3 && *text >= '0' && *text <= '7'; k++)
                    c = c * 8 + (*text++ - '0');
            }
        }
        out[len++] = (char)c;
    }
    return len;
}

/* One recv()'s bytes as rows: "00000010  68 69 0d 0a   |hi..|". */
static void dump(const unsigned char *data, int n, long *offset)
{
    int row, i;
    for (row = 0; row < n; row += ROW) {
        printf("%08lx ", *offset + row);
        for (i = 0; i < ROW; i++) {
            if (i == ROW / 2)
                printf(" ");
            if (row + i < n)
                printf(" %02x", data[row + i]);
            else
                printf("   ");
        }
        printf("  |");
        for (i = 0; i < ROW && row + i < n; i++)
            putchar(data[row + i] >= 32 && data[row + i] < 127 ? data[row + i] : '.');
        printf("|\n");
    }
    *offset += n;
    fflush(stdout);
}

/* All of standard input, sent; then the half-close. */
static void send_stdin(net_socket s)
{
    char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (tcp_send_all(s, buf, n) != 0)
            net_fail(PROG, "send()", net_error());
    shutdown(s, NET_SHUT_WR);
}

int main(int argc, char **argv)
{
    const char *options[] = {"--send", NULL};
    const char *values[] = {NULL}, *args[2];
    static char text[MAX_TEXT];
    unsigned char buf[4096];
    int as_text = net_take_flag(&argc, argv, "-t"), with_stdin = net_take_flag(&argc, argv, "--stdin");
    long offset = 0;
    net_socket s;
    int n;

    net_host_port_args(argc, argv, usage, options, values, args);
    if (net_init() != 0)
        return 1;

    s = tcp_connect_to(PROG, args[0], args[1]);
    if (values[0] != NULL && tcp_send_all(s, text, (size_t)unescape(values[0], text, MAX_TEXT)) != 0)
        net_fail(PROG, "send()", net_error());
    if (with_stdin)
        send_stdin(s);
    while ((n = recv(s, (char *)buf, (int)sizeof buf, 0)) > 0) {
        if (as_text) {
            fwrite(buf, 1, (size_t)n, stdout);
            fflush(stdout);
        } else {
            dump(buf, n, &offset);
        }
    }
    if (n < 0)
        net_fail(PROG, "recv()", net_error());
    if (!as_text)
        printf("%08lx  (%ld bytes; the server closed the connection)\n", offset, offset);
    net_close(s);
    net_cleanup();
    return 0;
}
