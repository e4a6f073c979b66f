#!/bin/sh
# tests/minimal-path.sh - runs a command (default: make test) with a PATH that
# holds only what a fresh machine with build-essential has: the compiler,
# make, a shell and the basic shell tools. No nc, ncat, telnet, socat, wine,
# mingw, clang or browser: the tests that need one must skip, saying why,
# and the run must still pass. .ci/run uses it; by hand:
#   sh tests/minimal-path.sh            (make test)
#   sh tests/minimal-path.sh tests/run chat
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$ROOT" || exit 1

bin=$(mktemp -d "${TMPDIR:-/tmp}/socklab-minpath.XXXXXX") || exit 1
trap 'rm -rf "$bin"' EXIT
trap 'exit 130' INT TERM

# The compiler (and the assembler and linker it calls), make, the shells and
# the tools the tests and the Makefile use (coreutils, findutils, sed, grep,
# awk, diff: what Debian installs on every machine; not procps).
wanted="cc gcc cpp as ld make sh dash bash env
    cat cp mv rm ln mkdir rmdir mktemp ls chmod touch test [ true false echo printf
    head tail wc tr cut sort uniq od cmp diff tee sleep timeout id date
    basename dirname pwd uname expr seq readlink realpath stat nproc
    find xargs sed grep awk"
# The files, not `command -v` (it names builtins such as printf, which a
# command line starting with `exec printf` does not use).
for prog in $wanted; do
    for dir in /usr/local/bin /usr/bin /bin; do
        if [ -x "$dir/$prog" ]; then ln -s "$dir/$prog" "$bin/$prog"; break; fi
    done
done
# gcc's own programs (cc1, collect2) are found by gcc itself, not through PATH.
for banned in nc netcat ncat socat telnet wine wine64 x86_64-w64-mingw32-gcc clang chromium firefox; do
    if PATH=$bin command -v "$banned" >/dev/null 2>&1; then
        echo "minimal-path: $banned is in the minimal PATH: this run would prove nothing" >&2
        exit 1
    fi
done
echo "minimal PATH ($bin): $(ls "$bin" | tr '\n' ' ')"
[ $# -gt 0 ] || set -- make test
PATH=$bin exec "$@"
