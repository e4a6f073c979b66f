#!/bin/sh
# tests/msvc-makefile.sh - checks Makefile.win (the MSVC/nmake build) on Linux.
# Run by "make test-msvc-makefile". The last line is "N passed, N failed";
# the exit status is 1 if anything failed.
#
# What it does:
#   1. Asks the GNU Makefile for its programs ("make print-programs") and
#      checks that Makefile.win's "all" names each of them (as .exe), no
#      more, and that its lesson targets (hello ... chatroom) match the GNU
#      Makefile's.
#   2. Copies lessons/, common/, tools/ and Makefile.win to a temporary directory and
#      builds there with GNU make, "make -f Makefile.win CC=<shim>", where the
#      shim is a small script named cl that does what cl.exe would: it
#      compiles each .c with clang's MSVC-compatible driver (clang-cl, target
#      x86_64-w64-windows-gnu, the mingw-w64 headers), taking the cl flags
#      Makefile.win gives it (/nologo /W4 /D... /c /Fo) plus /WX, so that
#      any warning fails the build; and it links the .obj files into the .exe
#      named by /Fe with x86_64-w64-mingw32-gcc and ws2_32. It logs what it
#      compiles and links, and the test checks, per program: the .exe was
#      built, from the same .c files as the GNU Makefile builds it from, each
#      compile had /W4, and the objects landed in the lesson directories.
#      Then: a second make has nothing left to do (every rule makes the file
#      it names).
#   3. Runs every .exe with -h under wine (tests/wine.sh sets wine up, with a
#      prefix of this test's own) and checks it prints "usage:" and exits 0.
#   4. Runs "make -f Makefile.win clean" and checks no .exe or .obj is left.
#   The work tree is never built in: the shim's .obj and .exe files can't mix
#   with the mingw build of "make test-windows" (same .exe names), and the
#   temporary directory is removed at the end (KEEP=1 keeps it).
#
# What that proves: Makefile.win's syntax works under a make (GNU make, with
# only the syntax nmake shares); its rules name every program, with the right
# sources, and write the files they name; the code compiles at /W4 with
# cl-style flags through clang's MSVC driver with no warning, links against
# Winsock, and runs under wine.
#
# What it does NOT prove:
#   - Microsoft's cl.exe and nmake are not run. nmake's reading of this file
#     (its "clean" uses del with "\" paths, through the $(S) macro) is
#     checked against nmake's documentation only, never executed.
#   - clang's cl driver is not cl: MSVC warnings clang doesn't implement
#     (C4267 and C4244 in general, C4706 with extra parentheses, C4996 on
#     deprecated functions, C4127 ...) are not checked. The shim adds
#     clang's -Wshorten-64-to-32, the nearest thing to C4267 (size_t to int),
#     which catches some of them (MSVC_EXTRA_WARNINGS="" turns it off).
#   - With the mingw target the compiler defines __MINGW32__, not _MSC_VER:
#     the headers are mingw-w64's, not the Windows SDK's, and code under
#     #ifdef _MSC_VER (the #pragma comment(lib, "ws2_32.lib") in
#     common/net.h) is not compiled; the shim always links ws2_32 instead.
#   - The runtime is msvcrt.dll under wine, not the UCRT, and -h is all that
#     is run. The behaviour tests (make test-windows) run the mingw build.
#
# Environment:
#   LESSONS="01 02 03"   build and run only these lessons (while others are
#                        being written). The full check is without it.
#   CLANG_CL             the cl-style compiler (default: clang-cl, else
#                        "clang --driver-mode=cl")
#   MINGW_INCLUDE        mingw-w64 headers (/usr/x86_64-w64-mingw32/include)
#   MSVC_EXTRA_WARNINGS  clang warnings added to /W4 (-Wshorten-64-to-32)
#   KEEP=1               keep the temporary directory, and say where it is
#
# Debian packages: make clang gcc-mingw-w64-x86-64-win32 (it brings the
# headers, mingw-w64-x86-64-dev, and libssp) wine wine64, and coreutils'
# timeout. Not lld: the shim links with mingw-w64's gcc and GNU ld.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$ROOT" || exit 1

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL $*"; }
note() { echo "     $*"; }
finish() {
    echo
    if [ -n "${LESSONS:-}" ]; then
        echo "NOTE: LESSONS=\"$LESSONS\": only those lessons were built and run;"
        echo "      this is not the full check."
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# GNU make must not inherit the flags of the make that runs this script
# (make test-msvc-makefile CC=...): it gets exactly what is written here.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
MAKE_CMD=${MAKE_CMD:-make}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/socklab-msvc.XXXXXX") || exit 1
if [ "${KEEP:-0}" = 1 ]; then
    trap 'echo "(kept $tmp)"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

echo "== Makefile.win: the MSVC (nmake) build, checked with GNU make + a cl shim"

# ---- 0. tools ---------------------------------------------------------------

missing=
command -v "$MAKE_CMD" >/dev/null 2>&1 || missing="$missing make"
if [ -z "${CLANG_CL:-}" ]; then
    if command -v clang-cl >/dev/null 2>&1; then
        CLANG_CL=clang-cl
    elif command -v clang >/dev/null 2>&1; then
        CLANG_CL="clang --driver-mode=cl"
    else
        missing="$missing clang"
    fi
fi
MINGW_GCC=x86_64-w64-mingw32-gcc
command -v $MINGW_GCC >/dev/null 2>&1 || missing="$missing gcc-mingw-w64-x86-64"
MINGW_INCLUDE=${MINGW_INCLUDE:-/usr/x86_64-w64-mingw32/include}
[ -f "$MINGW_INCLUDE/winsock2.h" ] || missing="$missing mingw-w64-x86-64-dev($MINGW_INCLUDE/winsock2.h)"
have_wine=1
command -v wine >/dev/null 2>&1 || { have_wine=0; missing="$missing wine"; }
command -v timeout >/dev/null 2>&1 || { have_wine=0; missing="$missing coreutils(timeout)"; }
if [ -n "$missing" ]; then
    bad "tools: missing:$missing (Debian: apt-get install make clang gcc-mingw-w64-x86-64-win32 wine wine64)"
else
    ok "tools: $($MAKE_CMD --version | head -n 1); $CLANG_CL ($(${CLANG_CL%% *} --version | head -n 1)); $MINGW_GCC $($MINGW_GCC -dumpversion); $(wine --version 2>/dev/null)"
fi
MSVC_EXTRA_WARNINGS=${MSVC_EXTRA_WARNINGS--Wshorten-64-to-32}

# ---- 1. the programs: GNU Makefile vs Makefile.win ----------------------------

echo "-- 1. Makefile.win names the GNU Makefile's programs"

# "make -p -q" prints the rules as make read them, without building anything.
# $1: makefile. Prints "target: prerequisites" for the lesson targets.
rules() {
    $MAKE_CMD -r -p -q -f "$1" all 2>/dev/null |
        grep -E '^(all|hello|echo|daytime|chat|doctor|chatroom):'
}
# The programs of a rule line, one per line, without .exe, sorted.
progs_of() { sed 's/^[^:]*://' | tr ' ' '\n' | sed -e '/^$/d' -e 's/\.exe$//' | sort; }

programs=$($MAKE_CMD -s -f Makefile print-programs 2>/dev/null | tr ' ' '\n' | sed -e '/^$/d' -e 's/\.exe$//')
if [ -z "$programs" ]; then
    bad "the GNU Makefile has no print-programs target (or it printed nothing); using its 'all'"
    programs=$(rules Makefile | grep '^all:' | progs_of)
fi
nprog=$(printf '%s\n' $programs | grep -c .)
note "the GNU Makefile builds $nprog programs:" $programs

rules Makefile >"$tmp/rules.gnu"
rules Makefile.win >"$tmp/rules.win"
win_all=$(grep '^all:' "$tmp/rules.win" | progs_of)
if [ -z "$win_all" ]; then
    bad "Makefile.win: GNU make can't read an 'all' target in it"
    $MAKE_CMD -r -p -q -f Makefile.win all 2>&1 | grep -i -E 'error|\*\*\*' | head -n 5 | sed 's/^/     /'
else
    absent=$(printf '%s\n' $programs | while read -r p; do
        printf '%s\n' $win_all | grep -qxF "$p" || printf ' %s.exe' "$p"; done)
    extra=$(printf '%s\n' $win_all | while read -r p; do
        printf '%s\n' $programs | grep -qxF "$p" || printf ' %s.exe' "$p"; done)
    if [ -z "$absent$extra" ]; then
        ok "Makefile.win 'all' names all $nprog programs"
    else
        bad "Makefile.win 'all' does not match the GNU Makefile:${absent:+ missing$absent}${extra:+; not in the GNU Makefile:$extra}"
    fi
fi
differ=
for t in hello echo daytime chat doctor chatroom; do
    g=$(grep "^$t:" "$tmp/rules.gnu" | progs_of | tr '\n' ' ')
    w=$(grep "^$t:" "$tmp/rules.win" | progs_of | tr '\n' ' ')
    [ "$g" = "$w" ] || differ="$differ $t (GNU: ${g:-none}; Makefile.win: ${w:-none})"
done
if [ -z "$differ" ]; then
    ok "Makefile.win lesson targets hello echo daytime chat doctor chatroom match the GNU Makefile's"
else
    bad "Makefile.win lesson targets differ:$differ"
fi

# The sources the GNU Makefile compiles into each program: its commands,
# printed (-n) for everything (-B), with "-o PROGRAM ... FILE.c ...".
$MAKE_CMD -n -B -k -f Makefile CC=cc all >"$tmp/gnu.n" 2>"$tmp/gnu.err"
awk '{ out = ""; for (i = 1; i < NF; i++) if ($i == "-o") out = $(i + 1)
       if (out == "") next
       for (i = 1; i <= NF; i++) if ($i ~ /\.c$/) print out, $i }' \
    "$tmp/gnu.n" >"$tmp/sources.gnu"
# "No rule to make target 'X', needed by 'Y'": a source not written yet.
sed -n "s/.*No rule to make target '\([^']*\)', needed by '\([^']*\)'.*/\2 \1/p" \
    "$tmp/gnu.err" >"$tmp/absent.gnu"

# ---- 2. build with GNU make and the cl shim ------------------------------------

echo "-- 2. GNU make -f Makefile.win CC=<cl shim> (clang-cl /W4 /WX, mingw-w64 link)"

# Which programs to build: all of them, or those of $LESSONS.
selected=
for p in $programs; do
    if [ -z "${LESSONS:-}" ]; then
        selected="$selected $p"
    else
        for n in $LESSONS; do
            case $p in lessons/$n-*|lessons/$n/*) selected="$selected $p"; break ;; esac
        done
    fi
done
for p in $programs; do
    case " $selected " in *" $p "*) ;; *) note "SKIP $p.exe (not in LESSONS=\"$LESSONS\")" ;; esac
done

mkdir -p "$tmp/bin" "$tmp/tree" "$tmp/wine"
cat >"$tmp/bin/cl" <<'EOF'
#!/bin/sh
# cl - stands in for MSVC's cl.exe, for tests/msvc-makefile.sh: compiles with
# clang's cl driver for x86_64-w64-windows-gnu, links with mingw-w64 gcc.
# Understands: /c, /Fo<obj>, /Fe<exe> (also /Fo: /Fe:), FILE.c, FILE.obj,
# NAME.lib; other /options go to the compiler. Logs to $CL_SHIM_LOG.
set -u
die() { echo "cl shim: $*" >&2; exit 2; }
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

compile_only=0 fo= fe= srcs= objs= objlist= libs= cflags= cflaglist= next=
for a do
    if [ -n "$next" ]; then eval "$next=\$a"; next=; continue; fi
    case $a in
        /c|-c)              compile_only=1 ;;
        /Fo:|-Fo:)          next=fo ;;
        /Fe:|-Fe:)          next=fe ;;
        /Fo:*|-Fo:*)        fo=${a#????} ;;
        /Fo*|-Fo*)          fo=${a#???} ;;
        /Fe:*|-Fe:*)        fe=${a#????} ;;
        /Fe*|-Fe*)          fe=${a#???} ;;
        /link|-link)        die "/link is not supported here" ;;
        *.c)                srcs="$srcs $(q "$a")" ;;
        *.obj)              objs="$objs $(q "$a")"; objlist="$objlist $a" ;;
        *.lib)              n=${a##*/}; libs="$libs -l${n%.lib}" ;;
        /*|-*)              cflags="$cflags $(q "$a")"; cflaglist="$cflaglist $a" ;;
        *)                  die "unexpected argument: $a" ;;
    esac
done
[ -z "$next" ] || die "/F$next: needs a file name"

eval "set -- $srcs"
for src do
    base=${src##*/}; base=${base%.c}
    if [ -z "$fo" ]; then
        obj=$base.obj                       # cl: in the current directory
    else
        case $fo in
            */|*\\) obj=$fo$base.obj ;;     # a directory
            *)  [ $# -eq 1 ] || die "/Fo$fo names one file for $# sources (cl: D8036)"
                obj=$fo
                case ${obj##*/} in *.*) ;; *) obj=$obj.obj ;; esac ;;
        esac
    fi
    # /X: no system include directories (not even /usr/include); then the
    # mingw-w64 headers after clang's own, as system headers. /Zl: no
    # "/DEFAULTLIB:libcmt" in the object (GNU ld can't read it). /WX last.
    extra=
    for w in ${MSVC_EXTRA_WARNINGS-}; do extra="$extra /clang:$w"; done
    eval "$CL_SHIM_CLANG_CL --target=x86_64-w64-windows-gnu /X \
        -Xclang -internal-isystem -Xclang \"\$CL_SHIM_MINGW_INCLUDE\" /Zl \
        $cflags $extra /WX /c \"\$src\" \"/Fo\$obj\"" || exit
    printf 'compile\t%s\t%s\t%s\n' "$src" "$obj" "$cflaglist" >>"$CL_SHIM_LOG"
    objs="$objs $(q "$obj")"; objlist="$objlist $obj"
done

[ "$compile_only" = 1 ] && exit 0
[ -n "$objlist" ] || die "nothing to link"
if [ -z "$fe" ]; then
    set -- $objlist; fe=${1##*/}; fe=${fe%.obj}.exe
else
    case $fe in */|*\\) set -- $objlist; b=${1##*/}; fe=$fe${b%.obj}.exe ;; esac
    case ${fe##*/} in *.*) ;; *) fe=$fe.exe ;; esac
fi
# ws2_32 always: on MSVC, common/net.h's #pragma comment(lib) asks for it.
# /GS (on by default) needs __stack_chk_fail: libssp, linked in statically.
eval "\"\$CL_SHIM_MINGW_GCC\" -o \"\$fe\" $objs $libs -lws2_32 \
    -Wl,-Bstatic -lssp -Wl,-Bdynamic" || exit
printf 'link\t%s\t%s\n' "$fe" "$objlist" >>"$CL_SHIM_LOG"
EOF
chmod +x "$tmp/bin/cl"
CL_SHIM_LOG=$tmp/cl.log
CL_SHIM_CLANG_CL=${CLANG_CL:-clang-cl}
CL_SHIM_MINGW_GCC=$MINGW_GCC
CL_SHIM_MINGW_INCLUDE=$MINGW_INCLUDE
export CL_SHIM_LOG CL_SHIM_CLANG_CL CL_SHIM_MINGW_GCC CL_SHIM_MINGW_INCLUDE MSVC_EXTRA_WARNINGS
: >"$CL_SHIM_LOG"

# A copy of the sources, without anything built (the work tree may hold the
# native build and the mingw one).
tree=$tmp/tree
cp -R lessons common tools Makefile.win "$tree"/ || bad "copying the sources to $tree"
find "$tree/lessons" "$tree/tools" -type f \( -name '*.exe' -o -name '*.obj' -o -name '*.o' \
    -o -name '*.pdb' -o -name '*.ilk' -o -name server -o -name client -o ! -name '*.*' \) -exec rm -f {} +

targets=
for p in $selected; do targets="$targets $p.exe"; done
(cd "$tree" && $MAKE_CMD -k -f Makefile.win CC="$tmp/bin/cl" RM="rm -f" S=/ $targets) \
    >"$tmp/build.log" 2>&1
rc=$?
sed 's/^/     | /' "$tmp/build.log"
if [ $rc -eq 0 ]; then
    ok "make -f Makefile.win: $(echo $selected | wc -w) programs built, no warning at /W4 /WX"
else
    bad "make -f Makefile.win failed (exit $rc): see the compiler's messages above"
fi

# Per program: built, from the GNU Makefile's sources.
for p in $selected; do
    gnu_src=$(awk -v p="$p" '$1 == p { print $2 }' "$tmp/sources.gnu" | sort | tr '\n' ' ')
    objs=$(awk -F '\t' -v e="$p.exe" '$1 == "link" && $2 == e { print $3 }' "$CL_SHIM_LOG" | tail -n 1)
    win_src=$(for o in $objs; do
        awk -F '\t' -v o="$o" '$1 == "compile" && $3 == o { print $2 }' "$CL_SHIM_LOG" | tail -n 1
    done | sort | tr '\n' ' ')
    gnu_src=${gnu_src% } win_src=${win_src% }
    if [ ! -f "$tree/$p.exe" ] || [ -z "$objs" ]; then
        why=$(awk -v p="$p" '$1 == p { printf " %s", $2 }' "$tmp/absent.gnu")
        if [ -n "$why" ]; then
            bad "$p.exe not built: not there yet:$why"
        else
            bad "$p.exe not built (see the build's messages above)"
        fi
    elif [ -z "$gnu_src" ]; then
        bad "$p.exe built from $win_src but the GNU Makefile doesn't say what it compiles $p from"
    elif [ "$gnu_src" != "$win_src" ]; then
        bad "$p.exe built from ${win_src:-nothing} but the GNU Makefile builds $p from $gnu_src"
    else
        ok "$p.exe built from $win_src"
    fi
done

# Every compile had /W4; every object is in a lesson's directory.
if [ -s "$CL_SHIM_LOG" ]; then
    no_w4=$(awk -F '\t' '$1 == "compile" && (" " $4 " ") !~ / [\/-]W4 / { printf " %s", $2 }' "$CL_SHIM_LOG")
    astray=$(awk -F '\t' '$1 == "compile" && $3 !~ /^(lessons\/[^\/]+(\/steps)?|tools)\/[^\/]+\.obj$/ { printf " %s", $3 }' "$CL_SHIM_LOG")
    astray=$( (printf '%s\n' $astray; cd "$tree" && find . -maxdepth 1 -type f \
        \( -name '*.obj' -o -name '*.exe' \) | sed 's|^\./||') | sed '/^$/d' | sort -u | tr '\n' ' ')
    if [ -z "$no_w4" ]; then ok "every compile had /W4"; else bad "compiled without /W4:$no_w4"; fi
    if [ -z "$astray" ]; then
        ok "every .obj is next to its source (lessons/NN/, lessons/NN/steps/ or tools/)"
    else
        bad "objects or programs outside lessons/NN/ and tools/: ${astray% }"
    fi
    if [ $rc -ne 0 ]; then
        note "SKIP the second make (the first one failed)"
    elif (cd "$tree" && $MAKE_CMD -q -f Makefile.win CC="$tmp/bin/cl" RM="rm -f" S=/ $targets) >/dev/null 2>&1; then
        ok "a second make has nothing to do (each rule makes the file it names)"
    else
        bad "a second make would run commands again: some rule doesn't make the file it names"
    fi
fi

# STRICT=/WX (warnings are errors) reaches cl; without it, no /WX: a student's
# unused variable warns but builds. (-n: printed, not run.)
strict=$(cd "$tree" && $MAKE_CMD -n -B -f Makefile.win STRICT=/WX lessons/01-hello/server.obj 2>&1)
plain=$(cd "$tree" && $MAKE_CMD -n -B -f Makefile.win lessons/01-hello/server.obj 2>&1)
case " $strict " in
    *" /WX "*) case " $plain " in
                   *"/WX"*) bad "Makefile.win passes /WX without STRICT=/WX: $plain" ;;
                   *) ok "STRICT=/WX adds /WX to cl's flags; without it there is none" ;;
               esac ;;
    *) bad "Makefile.win STRICT=/WX: no /WX in: $strict" ;;
esac

# ---- 3. under wine: PROGRAM.exe -h --------------------------------------------

echo "-- 3. under wine: each .exe -h prints its usage"
built=
for p in $selected; do [ -f "$tree/$p.exe" ] && built="$built $p.exe"; done
if [ -z "$built" ]; then
    note "(nothing built to run)"
elif [ $have_wine = 0 ]; then
    for e in $built; do bad "$e -h: wine (or timeout) is not installed"; done
else
    # One wine session for all: tests/wine.sh starts wineserver once. The
    # prefix is this test's own, apart from the one "make test-windows" uses,
    # so the two can run at once (wine.sh stops the wineserver at the end).
    printf '%s\n' $built >"$tmp/wine/list"
    cat >"$tmp/wine/run.sh" <<'EOF'
while IFS= read -r exe; do
    id=$(printf '%s' "$exe" | tr '/' '_')
    timeout 60 wine "$exe" -h </dev/null >"$WINE_OUT/$id.out" 2>&1
    echo $? >"$WINE_OUT/$id.rc"
done <"$WINE_OUT/list"
EOF
    SOCKLAB_WINEPREFIX=${SOCKLAB_WINEPREFIX:-${TMPDIR:-/tmp}/socklab-wine-msvc-$(id -u)}
    WINE_OUT=$tmp/wine
    export SOCKLAB_WINEPREFIX WINE_OUT
    (cd "$tree" && sh "$ROOT/tests/wine.sh" sh "$WINE_OUT/run.sh") >"$tmp/wine/wine.log" 2>&1
    for e in $built; do
        id=$(printf '%s' "$e" | tr '/' '_')
        rc=$(cat "$tmp/wine/$id.rc" 2>/dev/null || echo '?')
        if [ "$rc" = 0 ] && grep -q 'usage:' "$tmp/wine/$id.out" 2>/dev/null; then
            ok "$e -h: $(grep -m 1 'usage:' "$tmp/wine/$id.out" | tr -d '\r')"
        else
            case $rc in 124) rc="124: killed after 60 s" ;; esac
            bad "$e -h: exit $rc, output:"
            sed -e 's/\r$//' -e 's/^/     | /' "$tmp/wine/$id.out" 2>/dev/null | head -n 10
            sed 's/^/     | wine.sh: /' "$tmp/wine/wine.log" | head -n 5
        fi
    done
fi

# ---- 4. clean --------------------------------------------------------------------

echo "-- 4. make -f Makefile.win clean"
(cd "$tree" && $MAKE_CMD -f Makefile.win RM="rm -f" S=/ clean) >"$tmp/clean.log" 2>&1
rc=$?
left=$(cd "$tree" && find . -type f \( -name '*.exe' -o -name '*.obj' \) | sed 's|^\./||' | sort | tr '\n' ' ')
left=${left% }
if [ $rc -ne 0 ]; then
    bad "clean failed (exit $rc)"
    sed 's/^/     | /' "$tmp/clean.log"
elif [ -n "$left" ]; then
    bad "clean left: $left"
else
    ok "clean removed every .exe and .obj"
fi

# ---- 5. exercises ------------------------------------------------------------------

echo "-- 5. make -f Makefile.win exercises (grep standing in for findstr)"
want=$(awk -f tests/exercises/list.awk lessons/*/README.md | grep -c '^[0-9][0-9]\.')
got=$(cd "$tree" && $MAKE_CMD -s -f Makefile.win S=/ \
      FINDSTR="grep -E '^[0-9]+\. \*\*[0-9][0-9]\.[0-9]'" exercises 2>/dev/null | grep -c '^[0-9]')
if [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then
    ok "exercises lists the $got exercises that make exercises lists"
else
    bad "exercises listed $got exercises; make exercises lists $want"
fi

finish
