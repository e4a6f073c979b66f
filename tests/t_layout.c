/*
 * t_layout.c - every slide of every deck, in a real browser (headless
 * Chromium), at 1280x720 and at 1024x768 (an old projector), driven by the
 * keyboard as a presenter drives it: nothing runs past the stage, no code
 * block cuts a line, code is 18 px or more at 1280x720, the help box fits,
 * the console shows no error, and nothing is fetched but the deck itself.
 * A failure names the deck, the slide and what is wrong.
 *
 * How: this test is the browser's HTTP proxy (--proxy-server, loopback
 * included), so it sees every request the browser makes. It serves each
 * deck as http://deck.test/NN-name.html with a small script added: at
 * load it presses the keys (End, Home, then ArrowRight slide after slide,
 * ? and Escape for the help), measures, and posts a report to
 * /__report; then it opens the next deck. Any other request is a failure.
 * One browser per window size, about 5 s each.
 */
#include "harness.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const decks[] = {"00-intro", "01-hello", "02-echo", "03-daytime",
                                    "04-chat", "05-doctor", "06-chatroom", NULL};

/* Added at the top of <head>: catches console errors before the deck runs,
 * then, at load, walks the deck by keyboard and reports. */
static const char probe[] =
    "<script>(function () {\n"
    "var realW = window.innerWidth, realH = window.innerHeight;\n"
    "Object.defineProperty(window, 'innerWidth', {get: function () { return socklabScreen[0]; }});\n"
    "Object.defineProperty(window, 'innerHeight', {get: function () { return socklabScreen[1]; }});\n"
    "var problems = [];\n"
    "function say(t) { problems.push(t); }\n"
    "var error = console.error;\n"
    "console.error = function () { say('console error: ' + [].join.call(arguments, ' '));\n"
    "  error.apply(console, arguments); };\n"
    "window.addEventListener('error', function (e) {\n"
    "  say('error: ' + (e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))));\n"
    "}, true);\n"
    "function key(k) { document.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true})); }\n"
    "function out(el, box) { var r = el.getBoundingClientRect();\n"
    "  return r.width > 0 && (r.bottom > box.bottom + 0.5 || r.right > box.right + 0.5 ||\n"
    "                         r.top < box.top - 0.5 || r.left < box.left - 0.5); }\n"
    "function check(n, s, minPx) {\n"
    "  var where = 'slide ' + n + ' (' + ((s.querySelector('h1') || {}).textContent || '') + ')';\n"
    "  var box = s.getBoundingClientRect(), scale = box.width / 1280, all = s.querySelectorAll('*'), i;\n"
    "  if (!s.classList.contains('current')) say(where + ': the key did not show it');\n"
    "  if (s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1)\n"
    "    say(where + ': content runs past the stage (' + s.scrollHeight + ' px high of ' + s.clientHeight + ')');\n"
    "  for (i = 0; i < all.length; i++)\n"
    "    if (!all[i].closest('.notes') && out(all[i], box)) {\n"
    "      say(where + ': a <' + all[i].tagName.toLowerCase() + '> runs past the stage'); break; }\n"
    "  var pres = s.querySelectorAll('pre');\n"
    "  for (i = 0; i < pres.length; i++) {\n"
    "    var p = pres[i], px = parseFloat(getComputedStyle(p).fontSize) * scale;\n"
    "    if (p.scrollWidth > p.clientWidth + 1) say(where + ': code block ' + (i + 1) + ' cuts its lines (' + p.scrollWidth + ' px wide in ' + p.clientWidth + ')');\n"
    "    if (p.scrollHeight > p.clientHeight + 1) say(where + ': code block ' + (i + 1) + ' cuts lines off at the bottom');\n"
    "    if (px < minPx - 0.01) say(where + ': code at ' + px.toFixed(1) + ' px, under ' + minPx);\n"
    "  }\n"
    "}\n"
    "window.addEventListener('load', function () {\n"
    "  var slides = document.querySelectorAll('.slide'), i, help = document.getElementById('help');\n"
    "  var minPx = window.innerWidth === 1280 && window.innerHeight === 720 ? 18 : 0;\n"
    "  key('End'); if (!slides[slides.length - 1].classList.contains('current')) say('End did not show the last slide');\n"
    "  key('Home');\n"
    "  for (i = 0; i < slides.length; i++) { if (i > 0) key('ArrowRight'); check(i + 1, slides[i], minPx); }\n"
    "  key('?'); if (!help || !help.classList.contains('open')) say('? did not open the help');\n"
    "  else if (help.scrollHeight > help.clientHeight + 1) say('the help box cuts its keys off');\n"
    "  key('Escape'); if (help && help.classList.contains('open')) say('Escape did not close the help');\n"
    "  var x = new XMLHttpRequest();\n"
    "  x.open('POST', '/__report', false);\n"
    "  performance.getEntriesByType('resource').forEach(function (e) { say('fetched ' + e.name); });\n"
    "  x.send(location.pathname + ' at ' + window.innerWidth + 'x' + window.innerHeight +\n"
    "         ' (window ' + realW + 'x' + realH + '): ' + slides.length + ' slides\\n' + problems.join('\\n'));\n"
    "  if (window.socklabNext) location.href = window.socklabNext;\n"
    "});\n"
    "})();</script>\n";

static int screen[2];           /* the size the page is told it has */

struct run {
    char report[32768];         /* what the decks reported, one block each */
    char fetched[2048];         /* requests that were not for a deck */
    int reports;
};

static void respond(int fd, const char *status, const char *type, const char *body, size_t len)
{
    char head[256];
    snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
             "Cache-Control: no-store\r\nConnection: close\r\n\r\n", status, type,
             (unsigned long)len);
    send_all(fd, head, strlen(head));
    send_all(fd, body, len);
}

/* A deck with the probe at the top of <head> and the next deck's address. */
static void serve_deck(int fd, int index)
{
    char path[64], next[128], *text, *at, *page;
    size_t len;
    FILE *f;
    snprintf(path, sizeof path, "slides/%s.html", decks[index]);
    if ((f = fopen(path, "rb")) == NULL) {
        respond(fd, "404 Not Found", "text/plain", "", 0);
        return;
    }
    if ((text = malloc(1 << 20)) == NULL) {
        fclose(f);
        respond(fd, "500 Out of memory", "text/plain", "", 0);
        return;
    }
    len = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[len] = '\0';
    snprintf(next, sizeof next, "<script>window.socklabNext = %s%s%s; "
             "var socklabScreen = [%d, %d];</script>\n",
             decks[index + 1] ? "'/" : "", decks[index + 1] ? decks[index + 1] : "''",
             decks[index + 1] ? ".html'" : "", screen[0], screen[1]);
    if ((page = malloc(len + sizeof probe + sizeof next + 16)) == NULL) {
        free(text);
        respond(fd, "500 Out of memory", "text/plain", "", 0);
        return;
    }
    at = strstr(text, "<head>");
    at = at ? at + 6 : text;
    sprintf(page, "%.*s\n%s%s%s", (int)(at - text), text, next, probe, at);
    respond(fd, "200 OK", "text/html; charset=utf-8", page, strlen(page));
    free(page);
    free(text);
}

/* Chromium's own calls home (component updates, sign-in), which flags do
 * not all stop: made whatever the page holds, refused, and not the deck's.
 * What the deck fetches is caught by the host deck.test, by the page's own
 * list of what it loaded (performance entries), and by load errors. */
static int browsers_own(const char *url)
{
    static const char *const hosts[] = {"update.googleapis.com", "accounts.google.com",
                                        "clients2.google.com", NULL};
    const char *host = strstr(url, "://") ? strstr(url, "://") + 3 : url;
    int i;
    for (i = 0; hosts[i] != NULL; i++)
        if (strncmp(host, hosts[i], strlen(hosts[i])) == 0 &&
            strchr("/:", host[strlen(hosts[i])]) != NULL)
            return 1;
    return 0;
}

/* One request, in proxy form ("GET http://deck.test/01-hello.html HTTP/1.1"). */
static void handle(struct run *r, int fd, char *req, size_t len)
{
    char method[16] = "", url[512] = "", *path, *body = strstr(req, "\r\n\r\n");
    int i;
    (void)len;
    sscanf(req, "%15s %511s", method, url);
    path = strstr(url, "://") ? strchr(strstr(url, "://") + 3, '/') : url;
    if (path == NULL)
        path = "/";
    if (strcmp(method, "POST") == 0 && strcmp(path, "/__report") == 0 && body != NULL) {
        size_t used = strlen(r->report);
        snprintf(r->report + used, sizeof r->report - used, "%s\n", body + 4);
        r->reports++;
        respond(fd, "204 No Content", "text/plain", "", 0);
        return;
    }
    for (i = 0; decks[i] != NULL; i++)
        if (strncmp(path + 1, decks[i], strlen(decks[i])) == 0 &&
            strcmp(path + 1 + strlen(decks[i]), ".html") == 0 && strcmp(method, "GET") == 0) {
            serve_deck(fd, i);
            return;
        }
    if (browsers_own(url)) {
        respond(fd, "404 Not Found", "text/plain", "", 0);
        return;
    }
    if (strlen(r->fetched) + strlen(url) + 40 < sizeof r->fetched)
        sprintf(r->fetched + strlen(r->fetched), "  %s %s\n", method, url);
    respond(fd, "404 Not Found", "text/plain", "", 0);
}

/* Is the request in buf whole (headers, and a body of Content-Length)? */
static int complete(const char *buf, size_t len)
{
    const char *end = strstr(buf, "\r\n\r\n"), *cl = strstr(buf, "Content-Length:");
    unsigned long want = 0;
    if (end == NULL)
        return 0;
    if (cl != NULL && cl < end)
        sscanf(cl + 15, "%lu", &want);
    return (size_t)(end + 4 - buf) + want <= len;
}

/* Serves the browser until every deck has reported, or the time is up. */
static void serve(struct run *r, int listener, struct proc *browser, int limit_ms)
{
    enum { MAX_CONNS = 32 };
    static char buf[MAX_CONNS][65536];
    size_t got[MAX_CONNS];
    int conn[MAX_CONNS], i, n, ndecks = 0;
    long long stop = now_ms() + limit_ms;
    while (decks[ndecks] != NULL)
        ndecks++;
    for (i = 0; i < MAX_CONNS; i++)
        conn[i] = -1;
    while (r->reports < ndecks && now_ms() < stop && proc_alive(browser)) {
        fd_set readable;
        struct timeval tick = {0, 100000};
        int top = listener;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        for (i = 0; i < MAX_CONNS; i++)
            if (conn[i] >= 0) {
                FD_SET(conn[i], &readable);
                top = conn[i] > top ? conn[i] : top;
            }
        if (select(top + 1, &readable, NULL, NULL, &tick) <= 0)
            continue;
        for (i = 0; i < MAX_CONNS; i++) {
            if (conn[i] < 0 || !FD_ISSET(conn[i], &readable))
                continue;
            n = (int)recv(conn[i], buf[i] + got[i], sizeof buf[i] - 1 - got[i], 0);
            if (n > 0) {
                got[i] += (size_t)n;
                buf[i][got[i]] = '\0';
            }
            if (n > 0 && !complete(buf[i], got[i]) && got[i] + 1 < sizeof buf[i])
                continue;
            if (n > 0)
                handle(r, conn[i], buf[i], got[i]);
            close(conn[i]);
            conn[i] = -1;
        }
        if (FD_ISSET(listener, &readable)) {
            int fd = accept(listener, NULL, NULL);
            for (i = 0; i < MAX_CONNS && conn[i] >= 0; i++)
                ;
            if (fd >= 0 && i < MAX_CONNS) {
                conn[i] = fd;
                got[i] = 0;
            } else if (fd >= 0) {
                close(fd);
            }
        }
    }
    for (i = 0; i < MAX_CONNS; i++)
        if (conn[i] >= 0)
            close(conn[i]);
}

static const char *browser_program(void)
{
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome", NULL};
    int i;
    for (i = 0; names[i] != NULL; i++)
        if (have_program(names[i]))
            return names[i];
    return NULL;
}

/* Opens every deck at width x height; the reports go to r. */
static void open_decks(struct run *r, const char *program, int width, int height)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    struct proc browser;
    char cmd[2048], profile[] = "/tmp/socklab-layout-XXXXXX";
    char *argv[] = {"-c", cmd, NULL};
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    screen[0] = width;
    screen[1] = height;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!expect(mkdtemp(profile) != NULL && listener >= 0 &&
                bind(listener, (struct sockaddr *)&addr, sizeof addr) == 0 &&
                listen(listener, 64) == 0 &&
                getsockname(listener, (struct sockaddr *)&addr, &len) == 0,
                "a proxy socket on 127.0.0.1 and a browser profile folder: %s", strerror(errno)))
        return;
    /* The browser's own chatter (dbus, GPU) goes to /dev/null: only the
     * requests and the reports tell. Headless Chromium keeps 90 to 150 px
     * of its window for bars it doesn't draw: the window is made taller,
     * and the page is told the screen's size (innerWidth, innerHeight),
     * which is what deck.js scales the stage to. */
    snprintf(cmd, sizeof cmd,
             "exec %s --headless --no-sandbox --disable-gpu --no-first-run "
             "--no-default-browser-check --disable-background-networking "
             "--disable-component-update --disable-sync --disable-extensions "
             "--disable-default-apps --force-device-scale-factor=1 --hide-scrollbars "
             "--disable-client-side-phishing-detection --disable-domain-reliability --no-pings "
             "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,"
             "MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
             "InfiniteSessionRestore,DialMediaRouteProvider "
             "--user-data-dir=%s --proxy-server=http://127.0.0.1:%d "
             "--proxy-bypass-list='<-loopback>' --window-size=%d,%d "
             "http://deck.test/%s.html >/dev/null 2>&1",
             program, profile, ntohs(addr.sin_port), width, height + 160, decks[0]);
    if (proc_start_native(&browser, "/bin/sh", argv) == 0) {
        serve(r, listener, &browser, timeout_ms(60000));
        proc_stop(&browser);
    }
    close(listener);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", profile);
    if (system(cmd) != 0)
        note("could not remove %s", profile);
}

/* The reports: "PATH at WxH: N slides" then one line per problem. */
static void judge(const struct run *r, int width, int height)
{
    const char *p = r->report, *deck = "";
    int problems = 0, i, deck_len = 0;
    for (i = 0; decks[i] != NULL; i++) {
        char head[64];
        snprintf(head, sizeof head, "/%s.html at ", decks[i]);
        expect(strstr(r->report, head) != NULL, "%s.html at %dx%d to be opened and measured "
               "(the reports that came:\n%s)", decks[i], width, height, r->report);
    }
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0 && strncmp(p, "/", 1) != 0) {
            expect(0, "no layout problem at %dx%d; got: %.*s %.*s", width, height, deck_len,
                   deck, (int)len, p);
            problems++;
        } else if (len > 0) {
            note("%.*s", (int)len, p);
            deck = p + 1;
            deck_len = (int)(strchr(p, ' ') - deck);
        }
        p += len + (end != NULL);
    }
    expect(r->fetched[0] == '\0', "nothing fetched but the decks at %dx%d; also fetched:\n%s",
           width, height, r->fetched);
    if (problems > 0)
        note("%d problems: see the slide named in each (make slides, then open the deck)",
             problems);
}

static void slides_layout_fits_the_stage_in_a_browser_at_18_px_or_more(void)
{
    static const int sizes[][2] = {{1280, 720}, {1024, 768}};
    const char *program = browser_program();
    int k;
    if (program == NULL)
        skip("no chromium (Debian: apt-get install chromium fonts-dejavu-core): the layout of "
             "the slides is checked in a real browser");
    for (k = 0; k < 2; k++) {
        static struct run r;
        memset(&r, 0, sizeof r);
        open_decks(&r, program, sizes[k][0], sizes[k][1]);
        judge(&r, sizes[k][0], sizes[k][1]);
    }
}

const struct test layout_tests[] = {
    {"slides_layout_fits_the_stage_in_a_browser_at_18_px_or_more",
     slides_layout_fits_the_stage_in_a_browser_at_18_px_or_more},
    {NULL, NULL},
};
