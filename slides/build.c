/*
 * slides/build.c - turns slides/src/NN-name.md into slides/NN-name.html: one
 * self-contained page per deck (CSS, script and diagrams inline, nothing
 * fetched), for a projector in a room with no internet.
 *
 *   build [--check] [--root DIR] [--out DIR] DECK.md...
 *
 * Every piece of code on a slide is copied, at build time, from a lesson
 * source: a slide names the file and a function, or a start and an end line,
 * and never holds code of its own. When a lesson changes, `make slides`
 * copies the new code; --check (run by `make test`) rebuilds in memory and
 * fails if a quoted region is gone or a built deck differs from what the
 * sources give now.
 *
 * The source format, one deck per file:
 *
 *   deck: Lesson 02 - echo          the deck's title (first line)
 *   ---                             starts a slide (also between slides)
 *   # Title                         the slide's heading (## for a subtitle)
 *   - point                         a bullet ("  - " for a second level)
 *   text                            a paragraph (blank lines separate them)
 *   code: lessons/02-echo/server.c send_all
 *                                   the function send_all, from its first
 *                                   line to the "}" at column 0
 *   code: FILE from "TEXT" to "TEXT"
 *                                   from the first line holding the first
 *                                   TEXT to the next line holding the second
 *                                   (^ at the start of TEXT: at line start;
 *                                   $ at its end: at line end)
 *       ... mark "TEXT"             (after either form) highlight the one
 *                                   line holding TEXT (^ and $ as above);
 *                                   may be repeated. TEXT on no line, or on
 *                                   more than one, is an error: a mark
 *                                   names the line it means, not a word
 *
 * Code is sized for the back row: the biggest font (26 px at most) at which
 * the quote fits the room the title, bullets and text leave on the 1280x720
 * stage; under 18 px is an error (quote less, or split the slide). A quote
 * from a README is one console block, without its fences.
 *   svg: NAME                       the diagram slides/src/NAME.svg, inline
 *   notes:                          the rest of the slide: presenter notes
 *
 * In text, `code` and **bold** work. Plain C99 and the standard library:
 * builds on any machine with a C compiler (cc slides/build.c -o build).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MARKS 8
#define MIN_CODE_PX 18      /* readable from the back row of a classroom */
#define MAX_CODE_PX 26
#define CODE_WIDTH 1108     /* the stage's 1280 px less the slide's and the block's padding */

static const char *root = ".";      /* where lesson sources and slides/src are */
static const char *src_name;        /* the .md being read, for messages */
static int src_line;
static int failed;
static int code_room = 520;         /* px of the stage left for each code block */

/* ---- small tools ------------------------------------------------------ */

static void error_at(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", src_name, src_line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failed = 1;
}

static void *grow(void *p, size_t size)
{
    p = realloc(p, size);
    if (p == NULL) {
        fprintf(stderr, "build: out of memory\n");
        exit(2);
    }
    return p;
}

/* A growing string: the page being built. */
struct text {
    char *s;
    size_t len, cap;
};

static void put_n(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = grow(t->s, t->cap);
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void put(struct text *t, const char *s)
{
    put_n(t, s, strlen(s));
}

static void putf(struct text *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(t, buf);
}

/* Text as HTML: &, <, >, " escaped; tabs become 4 spaces. */
static void put_escaped_n(struct text *t, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': put(t, "&amp;"); break;
        case '<': put(t, "&lt;"); break;
        case '>': put(t, "&gt;"); break;
        case '"': put(t, "&quot;"); break;
        case '\t': put(t, "    "); break;
        default: put_n(t, s + i, 1);
        }
    }
}

static void put_escaped(struct text *t, const char *s)
{
    put_escaped_n(t, s, strlen(s));
}

/* A whole file, NUL-terminated, CR LF read as LF; NULL if unreadable. */
static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t len = 0, cap = 0, n, i, j;
    char buf[8192];
    if (f == NULL)
        return NULL;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            data = grow(data, cap);
        }
        memcpy(data + len, buf, n);
        len += n;
    }
    fclose(f);
    data = grow(data, len + 1);
    for (i = j = 0; i < len; i++)
        if (!(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
            data[j++] = data[i];
    data[j] = '\0';
    if (len_out)
        *len_out = j;
    return data;
}

static char *path_join(const char *a, const char *b)
{
    char *p = grow(NULL, strlen(a) + strlen(b) + 2);
    sprintf(p, "%s/%s", a, b);
    return p;
}

/* ---- a file as lines ---------------------------------------------------- */

struct lines {
    char *data;
    char **line;
    int n;
};

static int split_lines(struct lines *l, char *data)
{
    char *p = data;
    int cap = 0;
    l->data = data;
    l->line = NULL;
    l->n = 0;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (l->n == cap) {
            cap = cap ? cap * 2 : 256;
            l->line = grow(l->line, sizeof *l->line * (size_t)cap);
        }
        l->line[l->n++] = p;
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return l->n;
}

static void free_lines(struct lines *l)
{
    free(l->data);
    free(l->line);
}

/* ---- finding a region in a source file --------------------------------- */

/* Does `line` hold `pat`? A leading ^ anchors it at the start, a trailing $
 * at the end. */
static int line_has(const char *line, const char *pat)
{
    size_t plen = strlen(pat), llen = strlen(line);
    int at_start = plen > 0 && pat[0] == '^';
    int at_end = plen > 1 && pat[plen - 1] == '$';
    const char *core = pat + at_start;
    size_t clen = plen - (size_t)at_start - (size_t)at_end;
    if (at_start && at_end)
        return clen == llen && strncmp(line, core, clen) == 0;
    if (at_start)
        return strncmp(line, core, clen) == 0;
    if (at_end)
        return llen >= clen && strncmp(line + llen - clen, core, clen) == 0;
    return strstr(line, core) != NULL;
}

/* The line where function `name` is defined: at column 0, holding "name("
 * after a space, a '*' or nothing, and not a declaration ending in ';'. */
static int find_function(const struct lines *l, const char *name)
{
    size_t n = strlen(name);
    int i;
    for (i = 0; i < l->n; i++) {
        const char *line = l->line[i], *p;
        if (!isalpha((unsigned char)line[0]) || line[strlen(line) - 1] == ';')
            continue;
        for (p = line; (p = strstr(p, name)) != NULL; p += n)
            if ((p == line || p[-1] == ' ' || p[-1] == '*') && p[n] == '(')
                return i;
    }
    return -1;
}

struct region {
    int first, last;    /* line indexes, inclusive */
};

/* The region a code: line names, or first = -1 after an error. */
static struct region find_region(const struct lines *l, const char *file, const char *func,
                                 const char *from, const char *to)
{
    struct region r = {-1, -1};
    int i;
    if (func != NULL) {
        r.first = find_function(l, func);
        if (r.first < 0) {
            error_at("no function %s() in %s: was it renamed? change the slide", func, file);
            return r;
        }
        for (i = r.first + 1; i < l->n && strcmp(l->line[i], "}") != 0; i++)
            ;
        if (i == l->n) {
            error_at("function %s() in %s has no \"}\" at column 0", func, file);
            r.first = -1;
            return r;
        }
        r.last = i;
        return r;
    }
    for (i = 0; i < l->n && !line_has(l->line[i], from); i++)
        ;
    if (i == l->n) {
        error_at("no line holding \"%s\" in %s: was it changed? change the slide", from, file);
        return r;
    }
    r.first = i;
    for (; i < l->n && !line_has(l->line[i], to); i++)
        ;
    if (i == l->n) {
        error_at("no line holding \"%s\" after \"%s\" in %s", to, from, file);
        r.first = -1;
        return r;
    }
    r.last = i;
    return r;
}

/* ---- reading a "code:" line ---------------------------------------------- */

/* The next word, or the next "quoted text" (with \" and \\), into out. */
static const char *next_arg(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            if (n + 1 < cap)
                out[n++] = *p;
        }
        if (*p == '"')
            p++;
    } else {
        while (*p && *p != ' ' && *p != '\t') {
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
    }
    out[n] = '\0';
    return p;
}

/* Emits the code block for `spec` (what follows "code:"). */
static void put_code(struct text *t, const char *spec)
{
    char file[512], word[512], func[256] = "", from[512] = "", to[512] = "";
    char marks[MAX_MARKS][256], *data, *path;
    struct lines l;
    struct region r;
    int nmarks = 0, i, k, cols = 0, nlines, px;
    const char *p = next_arg(spec, file, sizeof file);

    p = next_arg(p, word, sizeof word);
    if (strcmp(word, "from") == 0) {
        p = next_arg(p, from, sizeof from);
        p = next_arg(p, word, sizeof word);
        if (strcmp(word, "to") != 0 || from[0] == '\0') {
            error_at("write: code: FILE from \"TEXT\" to \"TEXT\"");
            return;
        }
        p = next_arg(p, to, sizeof to);
    } else if (word[0] != '\0') {
        strcpy(func, word);
    } else {
        error_at("write: code: FILE FUNCTION, or code: FILE from \"TEXT\" to \"TEXT\"");
        return;
    }
    for (;;) {
        p = next_arg(p, word, sizeof word);
        if (word[0] == '\0')
            break;
        if (strcmp(word, "mark") != 0 || nmarks == MAX_MARKS) {
            error_at("unexpected \"%s\" (only mark \"TEXT\" may follow, up to %d times)", word,
                     MAX_MARKS);
            return;
        }
        p = next_arg(p, marks[nmarks++], sizeof marks[0]);
    }
    path = path_join(root, file);
    data = read_file(path, NULL);
    free(path);
    if (data == NULL) {
        error_at("cannot read %s", file);
        return;
    }
    split_lines(&l, data);
    r = find_region(&l, file, func[0] ? func : NULL, from, to);
    if (r.first < 0) {
        free_lines(&l);
        return;
    }
    /* The biggest font (in px on a 1280x720 slide) that fits the code: lines
     * are 1.3 em high; a monospace character is 0.61 em wide at most; the
     * figure's caption, padding and margin take 61 px. */
    nlines = r.last - r.first + 1;
    for (i = r.first; i <= r.last; i++)
        if ((int)strlen(l.line[i]) > cols)
            cols = (int)strlen(l.line[i]);
    px = MAX_CODE_PX;
    if (nlines * 13 * px / 10 > code_room - 61)
        px = (code_room - 61) * 10 / (13 * nlines);
    if (cols * px * 61 / 100 > CODE_WIDTH)
        px = CODE_WIDTH * 100 / (61 * cols);
    if (px < MIN_CODE_PX)
        error_at("%d lines of up to %d columns: under %d px with what else is on the slide; "
                 "quote less, or split the slide", nlines, cols, MIN_CODE_PX);
    if (strstr(file, ".md") != NULL)
        for (i = r.first; i <= r.last; i++)
            if (strncmp(l.line[i], "```", 3) == 0 || strncmp(l.line[i], "<!--", 4) == 0)
                error_at("the quote from %s crosses a fence or a comment (line %d): quote one "
                         "console block", file, i + 1);
    /* a transcript quoted from a README looks like a terminal */
    putf(t, "<figure class=\"code%s\"><figcaption>%s",
         strstr(file, ".md") != NULL ? " term" : "", file);
    if (func[0])
        putf(t, " &mdash; %s()", func);
    putf(t, "</figcaption><pre data-src=\"%s\" data-first=\"%d\" data-last=\"%d\" "
            "style=\"font-size:%dpx\"><code>", file, r.first + 1, r.last + 1, px);
    for (i = r.first; i <= r.last; i++) {
        int marked = 0;
        for (k = 0; k < nmarks; k++)
            marked |= line_has(l.line[i], marks[k]);
        put(t, marked ? "<span class=\"hl\">" : "");
        put_escaped(t, l.line[i]);
        put(t, marked ? "</span>" : "");
        put(t, i < r.last ? "\n" : "");
    }
    put(t, "</code></pre></figure>\n");
    for (k = 0; k < nmarks; k++) {
        int on = 0;
        for (i = r.first; i <= r.last; i++)
            on += line_has(l.line[i], marks[k]);
        if (on != 1)
            error_at("mark \"%s\" is on %d lines of the quoted code: it must name one", marks[k],
                     on);
    }
    free_lines(&l);
}

/* ---- text, bullets, diagrams ------------------------------------------ */

/* A line of slide text: `code` and **bold**, the rest escaped. */
static void put_inline(struct text *t, const char *s)
{
    while (*s) {
        const char *end;
        if (*s == '`' && (end = strchr(s + 1, '`')) != NULL) {
            put(t, "<code>");
            put_escaped_n(t, s + 1, (size_t)(end - s - 1));
            put(t, "</code>");
            s = end + 1;
        } else if (s[0] == '*' && s[1] == '*' && (end = strstr(s + 2, "**")) != NULL) {
            put(t, "<strong>");
            put_escaped_n(t, s + 2, (size_t)(end - s - 2));
            put(t, "</strong>");
            s = end + 2;
        } else {
            put_escaped_n(t, s, 1);
            s++;
        }
    }
}

static void put_svg(struct text *t, const char *name)
{
    char file[300], *path, *data, *start;
    size_t len;
    snprintf(file, sizeof file, "slides/src/%s.svg", name);
    path = path_join(root, file);
    data = read_file(path, &len);
    free(path);
    if (data == NULL) {
        error_at("cannot read %s", file);
        return;
    }
    start = strstr(data, "<svg");
    if (start == NULL || strstr(data, "<script") != NULL) {
        error_at("%s: expected an <svg> element and no script", file);
    } else {
        while (len > 0 && isspace((unsigned char)data[len - 1]))
            data[--len] = '\0';
        put(t, "<div class=\"diagram\">");
        put(t, start);
        put(t, "</div>\n");
    }
    free(data);
}

/* ---- the page ------------------------------------------------------------ */

/* The page's style and script live in slides/src/deck.css and deck.js, and
 * are copied into every deck: a deck is one file, with nothing to fetch. */
static void put_file(struct text *t, const char *file)
{
    char *path = path_join(root, file), *data = read_file(path, NULL);
    free(path);
    if (data == NULL) {
        error_at("cannot read %s", file);
        return;
    }
    put(t, data);
    free(data);
}

/* The arrowheads the diagrams use (marker-end="url(#arrow)"), defined once a
 * page: #arrow is black, #arrow-blue, #arrow-red and #arrow-green match the
 * colours in deck.css. */
#define ARROW(id, color) \
    "<marker id=\"" id "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" " \
    "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" " \
    "fill=\"" color "\"/></marker>"
static const char svg_defs[] =
    "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
    ARROW("arrow", "#222") ARROW("arrow-blue", "#1f5fbf") ARROW("arrow-red", "#b3261e")
    ARROW("arrow-green", "#1b7f3b")
    "</defs></svg>\n";

/* What is open while reading a slide. */
struct state {
    int in_slide, in_para, list_depth, in_notes, nslides;
};

static void close_para(struct text *t, struct state *st)
{
    if (st->in_para)
        put(t, "</p>\n");
    st->in_para = 0;
}

static void close_lists(struct text *t, struct state *st, int depth)
{
    close_para(t, st);
    while (st->list_depth > depth) {
        put(t, st->list_depth == 2 ? "</li></ul>" : "</li></ul>\n");
        st->list_depth--;
    }
}

static void close_slide(struct text *t, struct state *st)
{
    close_lists(t, st, 0);
    if (st->in_notes)
        put(t, "</aside>\n");
    if (st->in_slide)
        put(t, "</section>\n");
    st->in_notes = st->in_slide = 0;
}

static void open_slide(struct text *t, struct state *st)
{
    close_slide(t, st);
    st->nslides++;
    putf(t, "<section class=\"slide%s\" id=\"s%d\">\n", st->nslides == 1 ? " title" : "",
         st->nslides);
    st->in_slide = 1;
}

static void put_bullet(struct text *t, struct state *st, int depth, const char *text)
{
    close_para(t, st);
    if (depth > st->list_depth + 1)
        depth = st->list_depth + 1;
    if (depth > st->list_depth) {
        put(t, "<ul>");
        st->list_depth = depth;
    } else {
        close_lists(t, st, depth);
        put(t, "</li>");
    }
    put(t, "<li>");
    put_inline(t, text);
}

/* Lines of text, about, for the characters a reader sees of `s` (no
 * marker, no ` or *) at `per_line` a line. */
static int text_lines(const char *s, int per_line)
{
    int chars = 0;
    for (s += strspn(s, "#- "); *s; s++)
        chars += *s != '`' && *s != '*';
    return chars > 0 ? (chars + per_line - 1) / per_line : 1;
}

/* What the slide starting after line `i` leaves for its code, per block, in
 * px of the 1280x720 stage (deck.css's sizes: 636 px inside the padding; a
 * title line 58 px plus 22 of margin, a bullet line 41 plus 12, a paragraph
 * line 41 plus 18). Notes are not on the stage. */
static int room_for_code(const struct lines *src, int i)
{
    int room = 636, blocks = 0, lists = 0;
    for (; i < src->n && strcmp(src->line[i], "---") != 0; i++) {
        const char *line = src->line[i];
        if (strcmp(line, "notes:") == 0)
            break;
        if (strncmp(line, "# ", 2) == 0)
            room -= 58 * text_lines(line, 40) + 22;
        else if (strncmp(line, "## ", 3) == 0)
            room -= 38 * text_lines(line, 60) + 18;
        else if (strncmp(line, "- ", 2) == 0)
            room -= 41 * text_lines(line, 66) + 12 + (lists++ ? 0 : 14);
        else if (strncmp(line, "  - ", 4) == 0)
            room -= 35 * text_lines(line, 76) + 6;
        else if (strncmp(line, "code:", 5) == 0)
            blocks++;
        else if (strncmp(line, "svg:", 4) == 0)
            room -= 200;
        else if (line[0] != '\0')
            room -= 41 * text_lines(line, 70) + 18;
        else
            lists = 0;
    }
    return blocks > 1 ? room / blocks : room;
}

/* Builds one deck into `t`. */
static void build_deck(struct text *t, struct lines *src)
{
    struct state st = {0, 0, 0, 0, 0};
    const char *title = NULL;
    int i;

    for (i = 0; i < src->n; i++) {
        const char *line = src->line[i];
        src_line = i + 1;
        if (strncmp(line, "deck:", 5) == 0 && title == NULL) {
            for (title = line + 5; *title == ' '; title++)
                ;
            put(t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            put(t, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            put(t, "<meta name=\"generator\" content=\"socklab slides/build.c from slides/src\">\n");
            put(t, "<title>");
            put_escaped(t, title);
            put(t, "</title>\n");
            put(t, "<style>\n");
            put_file(t, "slides/src/deck.css");
            put(t, "</style>\n</head>\n<body>\n");
            put(t, svg_defs);
            put(t, "<main id=\"deck\">\n");
            continue;
        }
        if (title == NULL) {
            error_at("the first line must be \"deck: TITLE\"");
            return;
        }
        if (strcmp(line, "---") == 0) {
            open_slide(t, &st);
            code_room = room_for_code(src, i + 1);
            continue;
        }
        if (!st.in_slide) {
            if (line[0] != '\0' && line[0] != '#')
                error_at("text before the first ---");
            continue;
        }
        if (strcmp(line, "notes:") == 0) {
            close_lists(t, &st, 0);
            put(t, "<aside class=\"notes\">\n");
            st.in_notes = 1;
        } else if (line[0] == '\0') {
            close_lists(t, &st, 0);
        } else if (strncmp(line, "# ", 2) == 0 || strncmp(line, "## ", 3) == 0) {
            int h = line[1] == '#' ? 2 : 1;
            close_lists(t, &st, 0);
            putf(t, "<h%d>", h);
            put_inline(t, line + h + 1);
            putf(t, "</h%d>\n", h);
        } else if (strncmp(line, "- ", 2) == 0 || strncmp(line, "  - ", 4) == 0) {
            int depth = line[0] == '-' ? 1 : 2;
            put_bullet(t, &st, depth, line + 2 * depth);
        } else if (strncmp(line, "code:", 5) == 0) {
            close_lists(t, &st, 0);
            put_code(t, line + 5);
        } else if (strncmp(line, "svg:", 4) == 0) {
            char name[200];
            close_lists(t, &st, 0);
            next_arg(line + 4, name, sizeof name);
            put_svg(t, name);
        } else if (st.list_depth > 0 && (line[0] == ' ')) {
            put(t, " ");                /* a bullet continued on the next line */
            put_inline(t, line + strspn(line, " "));
        } else {
            if (st.list_depth > 0)
                close_lists(t, &st, 0);
            put(t, st.in_para ? "\n" : "<p>");
            st.in_para = 1;
            put_inline(t, line);
        }
    }
    close_slide(t, &st);
    if (title == NULL) {
        src_line = 1;
        error_at("empty deck: the first line must be \"deck: TITLE\"");
        return;
    }
    put(t, "</main>\n<script>\n");
    put_file(t, "slides/src/deck.js");
    put(t, "</script>\n</body>\n</html>\n");
}

/* slides/src/02-echo.md -> OUT/02-echo.html */
static char *output_path(const char *out_dir, const char *md)
{
    const char *base = strrchr(md, '/'), *dot;
    char name[300];
    base = base ? base + 1 : md;
    dot = strrchr(base, '.');
    snprintf(name, sizeof name, "%.*s.html", (int)(dot ? dot - base : (long)strlen(base)), base);
    return path_join(out_dir, name);
}

/* The first line where two texts differ, for the --check message. */
static int first_difference(const char *a, const char *b)
{
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

int main(int argc, char **argv)
{
    const char *out_dir = NULL;
    int i, check = 0, ndecks = 0, stale = 0, any_failed = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
            root = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out_dir = argv[++i];
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: build [--check] [--root DIR] [--out DIR] DECK.md...\n"
                            "  Builds slides/NN-name.html from each slides/src/NN-name.md.\n"
                            "  --check  build in memory and fail if a deck in OUT differs\n"
                            "  --root   the socklab folder (default: .)\n"
                            "  --out    where the decks go (default: ROOT/slides)\n");
            return 2;
        }
    }
    if (out_dir == NULL)
        out_dir = strcmp(root, ".") == 0 ? "slides" : path_join(root, "slides");
    for (i = 1; i < argc; i++) {
        struct text t = {NULL, 0, 0};
        struct lines src;
        char *data, *out, *old;
        if (argv[i][0] == '-') {
            i += strcmp(argv[i], "--check") != 0;
            continue;
        }
        ndecks++;
        any_failed |= failed;
        failed = 0;
        src_name = argv[i];
        src_line = 0;
        if ((data = read_file(argv[i], NULL)) == NULL) {
            fprintf(stderr, "%s: cannot read it\n", argv[i]);
            failed = 1;
            continue;
        }
        split_lines(&src, data);
        put(&t, "");
        build_deck(&t, &src);
        free_lines(&src);
        out = output_path(out_dir, argv[i]);
        old = read_file(out, NULL);
        if (failed) {
            /* the messages are out: write nothing */
        } else if (check) {
            if (old == NULL || strcmp(old, t.s) != 0) {
                fprintf(stderr, "%s is not what %s builds now (first difference at line %d): "
                                "run make slides and commit the deck\n",
                        out, argv[i], old ? first_difference(old, t.s) : 1);
                stale = 1;
            }
        } else if (old == NULL || strcmp(old, t.s) != 0) {
            FILE *f = fopen(out, "wb");
            if (f == NULL || fwrite(t.s, 1, t.len, f) != t.len || fclose(f) != 0) {
                fprintf(stderr, "%s: cannot write it\n", out);
                failed = 1;
            } else {
                printf("built %s\n", out);
            }
        }
        free(old);
        free(out);
        free(t.s);
    }
    if (ndecks == 0) {
        fprintf(stderr, "build: no deck given (slides/src/*.md)\n");
        return 2;
    }
    return any_failed || failed || stale ? 1 : 0;
}
