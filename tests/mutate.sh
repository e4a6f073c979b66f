#!/bin/sh
# mutate.sh - would the behaviour tests see a broken program? (make mutate)
#
#   sh tests/mutate.sh [SAMPLE]
#
# tests/mutations.txt lists small edits of the kind a careless change makes
# (a while that became an if, a <= that became a <, a check left out). For
# each one this script copies the tree to a temporary directory, makes the
# edit there, builds, and runs the behaviour tests (tests/run --behaviour:
# not the document and slide tests, which fail on any edit to a quoted line,
# right or wrong). An edit is
#   killed     a behaviour test failed: the suite sees the break;
#   survived   every behaviour test passed: a gap in the tests, or an edit
#              that changes nothing a user can see (the list says which);
#   error      its text is not in the file, or is there more than once, or
#              the edit does not build: the list needs fixing.
# The source tree itself is never edited, so neither a failure nor Ctrl+C
# can leave a broken source behind.
#
# With SAMPLE=N only N edits run, spread evenly over the list, starting at
# an offset that changes with the day (MUTATE_OFFSET=K repeats a run), and
# without the first run of the unchanged tree. Exit status: 0 when there is
# no error and every survivor is listed as one with its reason (and, in a
# full run, at least 90% are killed); 1 otherwise.
set -u
LIST=${MUTATE_LIST:-tests/mutations.txt}   # MUTATE_LIST=FILE: edits of your own
SAMPLE=${1:-}
TARGET=90

[ -f "$LIST" ] || { echo "mutate: $LIST not found (run from the top of the tree)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/socklab-mutate.XXXXXX") || exit 1
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'echo; echo "mutate: interrupted (the source tree was never changed)"; exit 130' INT TERM HUP

# The tree as it is now, uncommitted changes too, but no binaries.
tar cf - Makefile common lessons tools tests | (cd "$TMP" && tar xf -) || exit 1
make -C "$TMP" clean >/dev/null 2>&1

build() { make -C "$TMP" all tests/run >"$TMP/build.log" 2>&1; }
# Runs the behaviour tests (those whose names hold one of the words given,
# or all); prints the first that failed and returns 1 if one did.
run_tests() {
    (cd "$TMP" && timeout 1800 ./tests/run --behaviour --first-failure "$@") >"$TMP/run.log" 2>&1
    rc=$?
    [ $rc -ne 0 ] || return 0
    if grep -q '^FAIL ' "$TMP/run.log"; then
        sed -n 's/^FAIL \([^ ]*\).*/\1/p' "$TMP/run.log" | head -n 1
    else
        echo "tests/run exited $rc: $(tail -n 1 "$TMP/run.log")"
    fi
    return 1
}
# Most edits are caught by their own lesson's tests in seconds: those first,
# then all of them.
behaviour_tests() {
    # shellcheck disable=SC2086
    if [ -n "$1" ]; then run_tests $1 || return 1; fi
    run_tests
}
# The tests that a file's edits meet first.
words_for() {
    case "$1" in
        lessons/01-hello/*) echo "hello every_ bad_arguments server_ client_" ;;
        lessons/02-echo/*) echo "echo every_ bad_arguments server_ client_" ;;
        lessons/03-daytime/*) echo "daytime every_ bad_arguments server_ client_" ;;
        lessons/04-chat/*) echo "chat_ every_ bad_arguments" ;;
        lessons/05-doctor/*) echo "doctor eliza every_" ;;
        lessons/06-chatroom/*) echo "chatroom every_" ;;
        lessons/07-find/*) echo "find every_" ;;
        *) echo "" ;;
    esac
}
# How many times $OLD occurs in file $1.
count_text() {
    awk 'BEGIN { RS = "\001" } { s = $0; n = 0
         while ((i = index(s, ENVIRON["OLD"])) > 0) { n++; s = substr(s, i + length(ENVIRON["OLD"])) }
         print n; exit }' "$1"
}
# Replaces the one occurrence of $OLD in file $1 with $NEW.
replace_text() {
    awk 'BEGIN { RS = "\001" } { i = index($0, ENVIRON["OLD"])
         printf "%s%s%s", substr($0, 1, i - 1), ENVIRON["NEW"], substr($0, i + length(ENVIRON["OLD"])) }' \
        "$1" >"$1.mutant" && mv "$1.mutant" "$1"
}
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }
say() { printf '%s\n' "$1"; }     # echo would turn the \n of a C text into a newline

if [ -z "$SAMPLE" ]; then
    echo "mutate: the unchanged tree first (its behaviour tests must pass)"
    if ! build; then
        tail -n 20 "$TMP/build.log"; echo "mutate: the unchanged tree does not build"; exit 1
    fi
    if failed=$(behaviour_tests ""); then :; else
        echo "mutate: the unchanged tree fails $failed; fix that first"; exit 1
    fi
fi

total=$(grep -cv '^[[:space:]]*\(#\|$\)' "$LIST")
step=1 offset=0
if [ -n "$SAMPLE" ] && [ "$SAMPLE" -lt "$total" ]; then
    step=$(( (total + SAMPLE - 1) / SAMPLE ))    # rounded up: every edit has its day
    offset=${MUTATE_OFFSET:-$(( $(date +%j | sed 's/^0*//') % step ))}
    echo "mutate: a sample of $SAMPLE of $total edits: every ${step}th from number $((offset + 1)) (MUTATE_OFFSET=$offset repeats it)"
fi

n=0 ran=0 killed=0 survived=0 expected=0 errors=0
SURVIVORS="" ERRORS=""
while IFS= read -r entry; do
    case "$entry" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    [ $(( (n - 1) % step )) -eq "$offset" ] || continue
    [ -z "$SAMPLE" ] || [ "$ran" -lt "$SAMPLE" ] || continue
    ran=$((ran + 1))
    rest=$entry
    file=$(trim "${rest%% | *}"); rest=${rest#* | }
    OLD=$(trim "${rest%% | *}"); rest=${rest#* | }
    case "$rest" in *' | '*) NEW=$(trim "${rest%% | *}"); why=$(trim "${rest#* | }") ;;
                    *) NEW=$(trim "$rest"); why="" ;; esac
    [ "$NEW" = "(nothing)" ] && NEW=""
    export OLD NEW
    label="$n. $file: '$OLD' -> '$NEW'"
    fate="" by=""
    if [ ! -f "$TMP/$file" ]; then
        fate=error by="no such file"
    else
        times=$(count_text "$TMP/$file")
        if [ "$times" -ne 1 ]; then
            fate=error by="the text is there $times times, not once"
        else
            cp "$TMP/$file" "$TMP/original"
            replace_text "$TMP/$file"
            if ! build; then
                fate=error by="the edit does not build: $(grep -m1 'error:' "$TMP/build.log")"
            elif by=$(behaviour_tests "$(words_for "$file")"); then
                fate=survived
            else
                fate=killed
            fi
            cp "$TMP/original" "$TMP/$file"
            touch "$TMP/$file"
        fi
    fi
    case $fate in
        killed) killed=$((killed + 1)); say "killed    $label  (by $by)" ;;
        survived)
            survived=$((survived + 1))
            if [ -n "$why" ]; then
                expected=$((expected + 1)); say "survived  $label  (listed: $why)"
            else
                say "survived  $label  (a GAP: no test sees it, and the list gives no reason)"
            fi
            SURVIVORS="$SURVIVORS
  $label: ${why:-a GAP in the tests}" ;;
        error) errors=$((errors + 1)); say "ERROR     $label  ($by)"
            ERRORS="$ERRORS
  $label: $by" ;;
    esac
done <"$LIST"

valid=$((ran - errors))
echo
echo "mutate: $killed of $ran edits killed by the behaviour tests ($(( valid > 0 ? killed * 100 / ran : 0 ))%), $survived survived ($expected of them listed with a reason), $errors errors"
[ -z "$SURVIVORS" ] || say "survivors:$SURVIVORS"
[ -z "$ERRORS" ] || say "errors (fix the list):$ERRORS"
status=0
[ "$errors" -eq 0 ] || status=1
[ "$survived" -eq "$expected" ] || status=1
if [ -z "$SAMPLE" ] && [ $((killed * 100)) -lt $((TARGET * ran)) ]; then
    echo "mutate: below the target of $TARGET% killed"; status=1
fi
exit $status
