#!/bin/sh
# lan.sh - the class on a LAN (make test-lan): a teacher and 30 students, each
# machine a Linux network namespace on one bridge, IPv4 and IPv6, at MTU
# 1280 (IPv6's smallest), and a router to a second subnet. What loopback
# can't show: the commands the servers and the finder print, typed as
# printed on another machine; the finder over broadcast, ff02::1 and across
# the router; a laptop that vanishes (its link cut, its namespace deleted).
#
#   sh tests/lan.sh            (root only: it makes network namespaces)
#   LAN_ONLY=trickle sh tests/lan.sh    only the checks whose name holds it
#
# Elsewhere it skips and says why. It makes its namespaces and addresses
# itself (names sl<PID>-..., so two runs never meet), touches nothing
# outside them (the lesson servers use their default ports inside the
# namespaces: a server on this machine is not in the way), and removes them
# at the end, even after a failed check or Ctrl+C. About 30-60 s. Like the
# other runs it ends with "N passed, N failed, N skipped".
#
# NAT_OPTION: what the teacher of a NAT'd class (40 students behind one
# address) types: the seats per address, which the join pacing follows
# (lesson 06's README, "A class behind one address").
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
ID=sl$$
STUDENTS=30
NAT_OPTION="--per-address 40"
PASSED=0 FAILED=0 SKIPPED=0

skip_all() { echo "skip lan: $1"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
[ "$(id -u)" = 0 ] || skip_all "needs root: it makes network namespaces (ip netns)"
command -v ip >/dev/null 2>&1 || skip_all "needs ip (iproute2)"
ip netns add "$ID-try" 2>/dev/null && ip netns del "$ID-try" ||
    skip_all "this machine can't make network namespaces (a container without the right?)"
for p in 02-echo/client 06-chatroom/server 07-find/client; do
    [ -x "lessons/$p" ] || { echo "lan: lessons/$p is not built (make all)"; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/socklab-lan.XXXXXX") || exit 1
cleanup() {
    for ns in $(ip netns list 2>/dev/null | awk -v id="$ID-" 'index($1, id) == 1 { print $1 }'); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "lan: interrupted"; exit 130' INT TERM HUP

ok() { echo "ok   $1 [$(( $(date +%s) - BEGAN )) s]"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $1"; shift; for why in "$@"; do echo "    $why"; done; FAILED=$((FAILED + 1)); }
skip() { echo "skip $1"; echo "    skipped: $2"; SKIPPED=$((SKIPPED + 1)); }

# Waits (0.1 s steps, `seconds` at most) until `file` holds `text`; 1 if not.
wait_for() {
    file=$1 text=$2 tries=$(($3 * 10))
    while [ "$tries" -gt 0 ]; do
        grep -q -e "$text" "$file" 2>/dev/null && return 0
        tries=$((tries - 1))
        sleep 0.1
    done
    return 1
}
# Runs a command in namespace NAME, in lessons/LESSON, in the background.
run_in() { ns=$1 dir=$2; shift 2; (cd "lessons/$dir" && exec ip netns exec "$ID-$ns" "$@") & }
# The same, waiting for it (20 s at most).
run_now() { ns=$1 dir=$2; shift 2; (cd "lessons/$dir" && exec timeout 20 ip netns exec "$ID-$ns" "$@"); }

# ---- the network --------------------------------------------------------------

PORTS=0
# A machine: namespace NAME with eth0 on the bridge, 10.231.0.N and fd31::N.
machine() {
    name=$1 n=$2 ns=$ID-$1
    PORTS=$((PORTS + 1))
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip -n "$ns" link add eth0 mtu 1280 type veth peer name "p$PORTS" mtu 1280 netns "$ID-sw"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "10.231.0.$n/24" broadcast 10.231.0.255 dev eth0
    ip -n "$ns" -6 addr add "fd31::$n/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    ip -n "$ID-sw" link set "p$PORTS" master br0 up
    echo "p$PORTS" > "$WORK/port.$name"
    [ "$name" = router ] || ip -n "$ns" route add default via 10.231.0.254
}

ip netns add "$ID-sw"
ip -n "$ID-sw" link add br0 type bridge
ip -n "$ID-sw" link set br0 up
machine teacher 1
machine teacher2 2
machine router 254
i=1
while [ $i -le $STUDENTS ]; do machine "s$i" $((10 + i)); i=$((i + 1)); done
machine nat 200
# the second subnet, 10.232.0.0/24, behind the router: one student there
ip netns add "$ID-far"
ip -n "$ID-far" link add eth0 mtu 1280 type veth peer name eth1 mtu 1280 netns "$ID-router"
ip -n "$ID-far" link set lo up
ip -n "$ID-far" addr add 10.232.0.2/24 broadcast 10.232.0.255 dev eth0
ip -n "$ID-far" link set eth0 up
ip -n "$ID-far" route add default via 10.232.0.1
ip -n "$ID-router" addr add 10.232.0.1/24 dev eth1
ip -n "$ID-router" link set eth1 up
ip netns exec "$ID-router" sysctl -qw net.ipv4.ip_forward=1

# Cuts a machine off the bridge: frames to and from it are lost, as when a
# laptop leaves the Wi-Fi. Nothing it sends (not even a reset) gets out.
cut_off() { ip -n "$ID-sw" link set "$(cat "$WORK/port.$1")" down; }

# ---- the teacher's servers, on their default ports -----------------------------

run_in teacher 02-echo ./server > "$WORK/echo.log" 2>&1
run_in teacher 06-chatroom ./server > "$WORK/room.log" 2>&1
run_in teacher 01-hello ./server -b 127.0.0.1 > "$WORK/hello.log" 2>&1
run_in teacher 03-daytime ./server -b 10.231.0.1 > "$WORK/daytime.log" 2>&1
run_in teacher 07-find ./server -l "Ms Lovelace" > "$WORK/beacon.log" 2>&1
for log in echo room hello daytime beacon; do
    wait_for "$WORK/$log.log" "port" 10 || echo "lan: $log did not start: $(cat "$WORK/$log.log")"
done

# ---- the checks --------------------------------------------------------------------

# A student in the chat room: joins as NAME, waits for $WORK/go, says three
# lines, and stays until $WORK/done (60 s at most).
cat > "$WORK/student.sh" <<'EOF'
name=$1 work=$2
printf '%s\n' "$name"
n=0; while [ ! -f "$work/go" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
for k in 1 2 3; do printf 'line %s of %s\n' "$k" "$name"; sleep 0.2; done
n=0; while [ ! -f "$work/done" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
EOF

class_of_30_in_the_chat_room_over_ipv4_and_ipv6() {
    i=1
    while [ $i -le $STUDENTS ]; do
        host=10.231.0.1; [ $((i % 2)) -eq 0 ] && host=fd31::1
        run_in "s$i" 06-chatroom sh -c "sh '$WORK/student.sh' s$i '$WORK' | ./client $host 8806" \
            > "$WORK/s$i.out" 2>&1
        i=$((i + 1))
    done
    wait_for "$WORK/room.log" "($STUDENTS here)" 30 || { fail "$1" "not all $STUDENTS joined: $(tail -n 3 "$WORK/room.log")"; touch "$WORK/go" "$WORK/done"; return; }
    touch "$WORK/go"
    want=$((3 * (STUDENTS - 1))) short="" tries=300
    while [ $tries -gt 0 ]; do
        short=""
        i=1
        while [ $i -le $STUDENTS ]; do
            got=$(grep -c ': line [123] of s[0-9]*$' "$WORK/s$i.out")
            [ "$got" -eq $want ] || short="$short s$i:$got"
            i=$((i + 1))
        done
        [ -z "$short" ] && break
        tries=$((tries - 1)); sleep 0.1
    done
    v6=$(grep -c 'joined from \[fd31::' "$WORK/room.log")
    touch "$WORK/done"
    if [ -n "$short" ]; then
        fail "$1" "every student to get the $want lines of the others; short:$short"
    elif [ "$v6" -ne $((STUDENTS / 2)) ]; then
        fail "$1" "half the class to join over IPv6, $v6 did"
    else
        ok "$1 ($want lines each, $v6 over IPv6)"
    fi
}

# Runs the "./client ..." after `prefix` in `log`, in lessons/02-echo of
# student s1, as typed; 0 if the echo came back.
typed_works() {
    cmd=$(grep -e "$2" "$1" | head -n 1 | sed "s/.*$2//")
    [ -n "$cmd" ] || { echo "no line with '$2' in $(cat "$1")"; return 1; }
    out=$(echo "typed as printed" | run_now s1 02-echo sh -c "$cmd" 2>&1)
    case "$out" in *"typed as printed"*) return 0 ;; esac
    echo "'$cmd' typed on a student's machine: $out"
    return 1
}

typed_connect_with_and_finder_commands_work() {
    run_now s2 07-find ./client > "$WORK/find.s2" 2>&1
    why=$(typed_works "$WORK/echo.log" "connect with: " 2>&1) || { fail "$1" "$why"; return; }
    why=$(typed_works "$WORK/find.s2" "echo (lesson 02) at 10.231.0.1 \[Ms Lovelace\]: " 2>&1) ||
        { fail "$1" "$why"; return; }
    ok "$1"
}

finder_hears_broadcast_and_ff02_1_and_announces_only_what_is_reachable() {
    out=$(cat "$WORK/find.s2")
    case "$out" in
    *"chat room (lesson 06) at 10.231.0.1 [Ms Lovelace]: ./client 10.231.0.1 8806"*) ;;
    *) fail "$1" "the chat room found over IPv4 broadcast, with the label: $out"; return ;;
    esac
    case "$out" in
    *"chat room (lesson 06) at fe80::"*) ;;
    *) fail "$1" "the chat room found over ff02::1 (at the teacher's fe80:: address): $out"; return ;;
    esac
    case "$out" in
    *"hello (lesson 01)"*) fail "$1" "a server on -b 127.0.0.1 announced to a student: $out"; return ;;
    esac
    case "$out" in
    *"daytime (lesson 03) at 10.231.0.1 [Ms Lovelace]: ./client 10.231.0.1 8803"*) ;;
    *) fail "$1" "a server on -b 10.231.0.1 announced to the students: $out"; return ;;
    esac
    ok "$1"
}

finder_across_the_router_asks_the_teacher_by_address() {
    run_now far 07-find ./client > "$WORK/find.far" 2>&1
    rc=$?
    if [ $rc -ne 1 ] || ! grep -q "client TEACHER_ADDRESS" "$WORK/find.far"; then
        fail "$1" "no beacon beyond the router: exit 1 and the hint to ask the teacher's address (exit $rc): $(cat "$WORK/find.far")"
        return
    fi
    run_now far 07-find ./client 10.231.0.1 > "$WORK/find.far" 2>&1
    if grep -q "chat room (lesson 06) at 10.231.0.1 \[Ms Lovelace\]: ./client 10.231.0.1 8806" "$WORK/find.far"; then
        ok "$1"
    else
        fail "$1" "asked by address across the router, the teacher's chat room: $(cat "$WORK/find.far")"
    fi
}

echo_is_byte_exact_at_mtu_1280() {
    awk 'BEGIN { srand(20); for (i = 1; i <= 400; i++) { n = 1 + int(rand() * 4000); s = "";
         while (length(s) < n) s = s sprintf("%08x", int(rand() * 2147483647)); print i ":" substr(s, 1, n) } }' \
        > "$WORK/lines.in"
    run_now s3 02-echo ./client 10.231.0.1 8802 < "$WORK/lines.in" > "$WORK/lines.out" 2>&1
    if cmp -s "$WORK/lines.in" "$WORK/lines.out"; then
        ok "$1 ($(wc -c < "$WORK/lines.in") bytes)"
    else
        fail "$1" "the echo to be the $(wc -c < "$WORK/lines.in") bytes sent, got $(wc -c < "$WORK/lines.out"): $(cmp "$WORK/lines.in" "$WORK/lines.out" 2>&1 | head -n 1)"
    fi
}

# Keepalive waits 60 s, then probes 6 times 10 s apart: 2 minutes, and the
# user timeout is the same 2 minutes. Too long for a test, so these servers
# and clients run on SOCKLAB_KEEPALIVE=2,1,3 (common/sockopt.h): the same
# mechanism in 5 s. Only the processes in this test's namespaces get it.
SHORT=SOCKLAB_KEEPALIVE=2,1,3

vanished_student_is_freed_while_the_room_talks() {
    run_in teacher 06-chatroom env $SHORT ./server 9806 > "$WORK/room2.log" 2>&1
    wait_for "$WORK/room2.log" "port 9806" 10 || { fail "$1" "a second room: $(cat "$WORK/room2.log")"; return; }
    run_in s4 06-chatroom sh -c "(echo ghost; sleep 60) | env $SHORT ./client 10.231.0.1 9806" > "$WORK/ghost.out" 2>&1
    run_in s5 06-chatroom sh -c "(echo talker; i=0; while [ \$i -lt 200 ]; do echo \"line \$i\"; i=\$((i+1)); sleep 0.2; done) | env $SHORT ./client 10.231.0.1 9806" > "$WORK/talker.out" 2>&1
    wait_for "$WORK/room2.log" "talker joined" 10 && wait_for "$WORK/room2.log" "ghost joined" 10 ||
        { fail "$1" "ghost and talker to join: $(cat "$WORK/room2.log")"; return; }
    sleep 1                             # lines flow to the ghost
    cut_off s4
    ip netns pids "$ID-s4" | xargs -r kill -9
    ip netns del "$ID-s4"
    start=$(date +%s)
    if ! wait_for "$WORK/room2.log" "^ghost [^j].*here)" 30; then
        fail "$1" "the ghost's seat freed within 30 s (5 s timers) while the talker talks: $(tail -n 3 "$WORK/room2.log")"
        return
    fi
    took=$(( $(date +%s) - start ))
    out=$(printf 'ghost\n' | run_now s6 06-chatroom ./client 10.231.0.1 9806 2>&1)
    case "$out" in
    *"hello ghost, you are in"*) ok "$1 (freed after ${took} s: $(grep '^ghost [^j]' "$WORK/room2.log" | head -n 1))" ;;
    *) fail "$1" "the name ghost free again after ${took} s: $out" ;;
    esac
}

client_says_when_the_server_can_no_longer_be_reached() {
    run_in teacher2 04-chat ./server > "$WORK/chat.log" 2>&1
    wait_for "$WORK/chat.log" "port 8804" 10 || { fail "$1" "lesson 04 on the second teacher: $(cat "$WORK/chat.log")"; return; }
    run_in s7 04-chat sh -c "sleep 60 | env $SHORT ./client 10.231.0.2 8804" > "$WORK/lost.out" 2>&1
    wait_for "$WORK/lost.out" "connected to" 10 || { fail "$1" "the client to connect: $(cat "$WORK/lost.out")"; return; }
    cut_off teacher2
    if wait_for "$WORK/lost.out" "can no longer be reached" 30; then
        ok "$1"
    else
        fail "$1" "the client to say the server can no longer be reached within 30 s (5 s timers): $(cat "$WORK/lost.out")"
    fi
}

# Nobody at that address on this subnet (or a guest Wi-Fi that keeps
# laptops apart): "No route to host", and the hint says what it may mean.
no_route_to_host_mentions_client_isolation() {
    out=$(echo hello | run_now s8 02-echo ./client 10.231.0.99 8802 2>&1)
    case "$out" in
    *"No route to host"*"client isolation"*) ok "$1" ;;
    *) fail "$1" "a connect to an empty address of the subnet: No route to host, and a word on client isolation: $out" ;;
    esac
}

# 40 students behind one address (a NAT'd class): all seated at once, with
# the option the README gives for it (NAT_OPTION, at the top).
nat_class_of_40_is_seated() {
    [ -n "$NAT_OPTION" ] || { skip "$1" "the server option for a NAT'd class is not there yet (NAT_OPTION in tests/lan.sh)"; return; }
    # shellcheck disable=SC2086
    run_in teacher 06-chatroom ./server $NAT_OPTION 9816 > "$WORK/nat.log" 2>&1
    wait_for "$WORK/nat.log" "port 9816" 10 || { fail "$1" "the server with $NAT_OPTION: $(cat "$WORK/nat.log")"; return; }
    i=1
    while [ $i -le 40 ]; do
        run_in nat 06-chatroom sh -c "(echo n$i; sleep 30) | ./client 10.231.0.1 9816" > "$WORK/n$i.out" 2>&1
        i=$((i + 1))
    done
    if wait_for "$WORK/nat.log" "(40 here)" 30; then
        ok "$1"
    else
        fail "$1" "40 students from 10.231.0.200 seated: $(grep -c joined "$WORK/nat.log") joined; $(grep -h '^\*' "$WORK"/n*.out | sort | uniq -c | sort -rn | head -n 3)"
    fi
}

# LAN_ONLY=WORD sh tests/lan.sh: only the checks whose name holds WORD (the
# finder's checks read what lan_typed_connect_with... left: run them with it).
check() { case "$2" in *"${LAN_ONLY:-}"*) "$@" ;; esac; }
BEGAN=$(date +%s)
echo "socklab LAN test: a bridge, a teacher, $STUDENTS students, a router (namespaces $ID-*)"
check class_of_30_in_the_chat_room_over_ipv4_and_ipv6 lan_class_of_30_in_the_chat_room_over_ipv4_and_ipv6
check typed_connect_with_and_finder_commands_work lan_typed_connect_with_and_finder_commands_work
check finder_hears_broadcast_and_ff02_1_and_announces_only_what_is_reachable lan_finder_hears_broadcast_and_ff02_1_and_announces_only_what_is_reachable
check finder_across_the_router_asks_the_teacher_by_address lan_finder_across_the_router_asks_the_teacher_by_address
check echo_is_byte_exact_at_mtu_1280 lan_echo_is_byte_exact_at_mtu_1280
check vanished_student_is_freed_while_the_room_talks lan_vanished_student_is_freed_while_the_room_talks
check client_says_when_the_server_can_no_longer_be_reached lan_client_says_when_the_server_can_no_longer_be_reached
check no_route_to_host_mentions_client_isolation lan_no_route_to_host_mentions_client_isolation
check nat_class_of_40_is_seated lan_nat_class_of_40_is_seated
echo "lan: $(( $(date +%s) - BEGAN )) s"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
