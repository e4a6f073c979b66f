#!/bin/sh
# check-solutions.sh - no exercise check can pass on untouched code
# (make check-solutions; CI runs it).
#
#   sh tests/check-solutions.sh [--wine]
#
# For every checked exercise (tests/exercises/check --list) it proves both
# directions, in a copy of the tree:
#   1. the check FAILS on the unchanged lesson (and says what is missing);
#   2. the model solution, solutions/NN-name/NN.K.diff, applies to the
#      lesson (git apply, which works outside a repository too);
#   3. the lesson with the solution builds with STRICT=1 and passes the
#      project's code rules, run by the rules test itself (tests/run
#      --strict: the line budget, no platform #if), so a model solution
#      never makes make test STRICT=1 fail;
#   4. the check PASSES on it.
# Then the solution is taken out again (git apply -R) before the next one.
# A solution that no longer applies (the lesson moved under it) is named,
# with the file git could not patch: update the diff, the check may be fine.
# One whose surrounding lines moved but whose change still fits applies
# with one line of context (git apply -C1): it is proved all the same, and
# listed at the end as a diff to refresh.
# It also checks that the READMEs mark exactly these exercises "checked",
# that each lesson's HINTS.md has a section for each of its exercises, and
# that each README has its objectives (3-5, at the top) and quiz (4-6).
#
# With --wine (run it through tests/wine.sh: make check-solutions-wine;
# SOCKLAB_WINEPREFIX=DIR for a wine of one's own) the lessons are cross-built with mingw-w64 and the
# checks drive the .exe files under wine. EXERCISES="01.1 02.2" runs only
# those. The source tree itself is never edited.
set -u
# The code rules a solution must keep: the rules test's own (tests/t_rules.c).
RULES="rules_common_lesson_and_tool_files rules_no_platform_if_outside_common"
WINE=""
BUILD_CC=""
if [ "${1:-}" = "--wine" ]; then
    WINE="--wine"
    BUILD_CC="CC=x86_64-w64-mingw32-gcc"
fi

command -v git >/dev/null 2>&1 || { echo "check-solutions: git is needed to apply the solutions (Debian: apt-get install git)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/socklab-solutions.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'echo; echo "check-solutions: interrupted (the source tree was never changed)"; exit 130' INT TERM HUP
# git must never take $TMP for a part of some repository above it: git
# apply would then skip the paths "outside" it without a word.
GIT_CEILING_DIRECTORIES=$(dirname "$TMP")
export GIT_CEILING_DIRECTORIES

# The tree as it is now, uncommitted changes too, but no binaries.
tar cf - Makefile common lessons tools tests solutions | (cd "$TMP" && tar xf -) || exit 1
make -C "$TMP" clean >/dev/null 2>&1
if ! make -C "$TMP" tests/exercises/check tests/run >"$TMP/build.log" 2>&1; then
    tail -n 20 "$TMP/build.log"; echo "check-solutions: the checks do not build"; exit 1
fi

problems=0 proved=0 total=0 refresh=""
problem() { echo "  PROBLEM  $*"; problems=$((problems + 1)); }

# ---- the READMEs, the hints and the list of checks agree --------------------
listed=$(cd "$TMP" && ./tests/exercises/check --list)
marked=$(cd "$TMP" && awk -f tests/exercises/list.awk lessons/*/README.md | awk '$1 ~ /^[0-9][0-9]\./ && $5 == "checked" { print $1 }')
for id in $(echo "$listed" | cut -d' ' -f1); do
    echo "$marked" | grep -qx "$id" || problem "$id has a check, but its README does not mark it \"checked\""
done
for id in $marked; do
    echo "$listed" | grep -q "^$id " || problem "$id is marked \"checked\" in its README, but tests/exercises has no check for it"
done
for readme in "$TMP"/lessons/*/README.md; do
    dir=$(dirname "$readme")
    for id in $(awk -f "$TMP/tests/exercises/list.awk" "$readme" | awk '$1 ~ /^[0-9][0-9]\./ { print $1 }'); do
        grep -q "^## $id " "$dir/HINTS.md" 2>/dev/null ||
            problem "$id: no section \"## $id ...\" in lessons/$(basename "$dir")/HINTS.md"
    done
done

# Each README: 3-5 lines of objectives under the title, a quiz of 4-6.
for readme in "$TMP"/lessons/*/README.md; do
    name=lessons/$(basename "$(dirname "$readme")")/README.md
    objectives=$(awk 'NR == 3 && !/^\*\*Objectives\.\*\*/ { exit } NR > 3 && /^$/ { exit }
                      NR > 3 && /^- / { n++ } END { print n + 0 }' "$readme")
    [ "$objectives" -ge 3 ] && [ "$objectives" -le 5 ] ||
        problem "$name: 3 to 5 objectives (\"- \" lines) under \"**Objectives.**\" right under the title, found $objectives"
    questions=$(awk '/^## / { quiz = ($0 == "## Self-check quiz") } quiz && /^[0-9]+\. / { n++ }
                     END { print n + 0 }' "$readme")
    [ "$questions" -ge 4 ] && [ "$questions" -le 6 ] ||
        problem "$name: a \"## Self-check quiz\" of 4 to 6 questions, found $questions"
done

# ---- each check, both ways ---------------------------------------------------
# Builds the programs of lesson $1 (those of "make print-programs" in its
# folder; .exe with --wine); $2: STRICT=1 or "".
build() {
    # shellcheck disable=SC2086
    programs=$(make -s -C "$TMP" print-programs $BUILD_CC | tr ' ' '\n' | grep "^lessons/$1/")
    # shellcheck disable=SC2086
    make -C "$TMP" $programs $2 $BUILD_CC >"$TMP/build.log" 2>&1
}
check() { (cd "$TMP" && timeout 600 ./tests/exercises/check $WINE "$1") >"$TMP/check.log" 2>&1; }

echo "$listed" | while read -r id lesson; do
    [ -z "${EXERCISES:-}" ] || case " $EXERCISES " in *" $id "*) ;; *) continue ;; esac
    echo "$id $lesson"
done >"$TMP/todo"

while read -r id lesson; do
    total=$((total + 1))
    diff="solutions/$lesson/$id.diff"
    echo "$id  lessons/$lesson, $diff"
    # 1. the unchanged lesson
    if ! build "$lesson" ""; then
        problem "$id: the unchanged lesson does not build: $(grep -m1 'error' "$TMP/build.log")"; continue
    fi
    if check "$id"; then
        problem "$id: the check PASSES on the unchanged lesson: it proves nothing"; continue
    fi
    echo "  fails on the lesson, as it must: $(grep -m1 'not yet' "$TMP/check.log" | sed 's/^ *not yet *//' | cut -c1-150)"
    # 2. the solution applies
    if [ ! -f "$TMP/$diff" ]; then
        problem "$id: no model solution $diff"; continue
    fi
    outside=$(sed -n 's|^+++ b/||p' "$TMP/$diff" | grep -v "^lessons/$lesson/")
    if [ -n "$outside" ]; then
        problem "$id: the solution changes files outside lessons/$lesson/: $outside"; continue
    fi
    # The lines around a change may have moved while the change still fits:
    # then it applies with one line of context (-C1), and the run says the
    # diff wants refreshing; the check below still proves it.
    context=""
    if ! (cd "$TMP" && git apply --check "$diff") >"$TMP/apply.log" 2>&1; then
        if (cd "$TMP" && git apply -C1 --check "$diff") >/dev/null 2>&1; then
            context="-C1"
            refresh="$refresh $diff"
            echo "  NOTE     the lines around the solution changed: it applies only with less context (git apply -C1); refresh $diff"
        else
            problem "$id: the solution NO LONGER APPLIES to the lesson (the lesson changed under it): $(grep -m1 'error' "$TMP/apply.log"); update $diff"
            continue
        fi
    fi
    # shellcheck disable=SC2086
    (cd "$TMP" && git apply $context "$diff" 2>/dev/null)
    # 3. strict build, the code rules (line budget, no platform #if)
    if ! build "$lesson" STRICT=1; then
        problem "$id: the lesson with its solution does not build with STRICT=1: $(grep -m1 'error' "$TMP/build.log")"
    else
        # shellcheck disable=SC2086
        (cd "$TMP" && ./tests/run --strict $RULES) >"$TMP/rules.log" 2>&1 ||
            problem "$id: with the solution the rules test fails: $(grep -m1 'expected' "$TMP/rules.log" | sed 's/^ *//')"
        # 4. the check passes
        if check "$id"; then
            proved=$((proved + 1))
            echo "  passes with the solution"
        else
            problem "$id: the check FAILS on the lesson with its solution:"
            grep 'not yet' "$TMP/check.log" | sed 's/^/           /'
        fi
    fi
    # shellcheck disable=SC2086
    (cd "$TMP" && git apply -R $context "$diff" 2>/dev/null) || { problem "$id: the solution does not come out again"; break; }
done <"$TMP/todo"

echo
[ -z "$refresh" ] || echo "check-solutions: to refresh (they apply only with less context):$refresh"
echo "check-solutions: $proved of $total checks proved both ways (fail on the lesson, pass with its solution)${WINE:+, under wine}; $problems problems"
[ "$problems" -eq 0 ] && [ "$proved" -eq "$total" ] && [ "$total" -gt 0 ]
