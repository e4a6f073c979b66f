#!/bin/sh
# wine.sh COMMAND... - runs COMMAND (the test runner with --wine) with a
# private wine set up so that the Windows .exe files behave like programs:
#   - a private WINEPREFIX, so the tests never touch a user's own wine;
#   - WINEDEBUG=-all, so wine's own chatter does not mix with program output;
#   - the built-in debugger disabled (winedbg.exe=d), or a crashing program
#     would be "handled" by winedbg and exit 0, and its test would pass;
#   - one wineserver kept alive for the whole run (wineserver -p): starting
#     it costs seconds, and it is stopped at the end (wineserver -k).
set -u
WINEPREFIX=${SOCKLAB_WINEPREFIX:-${TMPDIR:-/tmp}/socklab-wine-$(id -u)}
WINEDEBUG=-all
WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES

if ! command -v wine >/dev/null 2>&1; then
    echo "wine.sh: wine is not installed (Debian: apt-get install wine wine64)"
    echo "0 passed, 1 failed"
    exit 1
fi
# Start the persistent wineserver first: a wine program started with no
# server running starts one that exits with its last program (-p0), and
# "wineserver -p" then fails, as a server is already running; every later
# program would pay for a new server and wineboot (seconds each). Then the
# first start creates the prefix (about 10 s), before any test's clock runs.
# The server's own output goes nowhere: when it is stopped it lists what
# its programs left behind, and the run must end with its "N passed" line.
wineserver -k 2>/dev/null
wineserver -p >/dev/null 2>&1
wine cmd.exe /c exit 0 >/dev/null 2>&1 || true
"$@"
rc=$?
wineserver -k 2>/dev/null
wineserver -w 2>/dev/null
exit $rc
