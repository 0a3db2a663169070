# The guest half of LvsVmIT (busybox sh, as root, in the IPVS VM of test-harness/ipvs-vm, cwd /shared).
# Drives the REAL agent, /repo/ra/lvs with the jar built in /repo/target, in standalone mode: the replica
# health attributes are files in /tmp/cluster that this script rewrites between actions. After each
# action it records the exit code, the agent's log, and the kernel table (ipvsadm --save -n / -L -n)
# into /shared/report.txt for the host to check.
set -u
REPORT=/shared/report.txt
# The drain of steps 05-07 must not time out however slow the emulated CPU is (a run took over 4 s on a
# loaded machine); the drain of steps 10-11 is the one that ends at its timeout, DRAIN seconds.
DRAIN=4
DRAIN_LONG=600
: >"$REPORT"
ms() { awk '{printf "%d\n", $1 * 1000}' /proc/uptime; }
say() { echo "$*" >>"$REPORT"; }

# All addresses live on the guest's lo: the VIP, the three real servers, and a listener on :3306 that
# takes the connections IPVS forwards (direct routing to a local address is delivered locally).
for a in 10.0.0.1 10.0.0.11 10.0.0.12 10.0.0.13; do ip addr add "$a/32" dev lo; done
nc -ll -p 3306 -e /bin/cat &
listener=$!
# Someone else's service on the same director: it must survive everything below.
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.50:80 -m -w 1

mkdir -p /tmp/cluster
echo "node1 node2 node3" >/tmp/cluster/members
# the record the mysql agent's promote leaves: node1 is the primary
echo "mysqlha_db_master_info=node=node1;epoch=1;pos=;time=0" >/tmp/cluster/crm_config
attr() { # attr NAME NODE VALUE: sets node attribute db-NAME on NODE
    f=/tmp/cluster/attr-db-$1
    touch "$f"
    grep -v "^$2=" "$f" >"$f.new"
    echo "$2=$3" >>"$f.new"
    mv "$f.new" "$f"
}
health() { # health NODE READABLE LAG
    attr readable "$1" "$2"
    attr lag "$1" "$3"
}
health node1 0 -1
health node2 1 0
health node3 1 0

# The jar on the guest's tmpfs (9p reads are slow), with its own AppCDS archive beside it (below).
# -Xint: under software emulation generating JIT code costs more than it saves in a short-lived JVM
# (measured: about 1.6 s per agent run instead of 2.7 s or more).
JAR=/tmp/mysqlha.jar
cp /repo/target/mysqlha.jar "$JAR"
agent() { # agent ACTION [VAR=value ...]
    _a=$1; shift
    env -i PATH=/opt/java/bin:/sbin:/bin JAVA_HOME=/opt/java MYSQLHA_JAR="$JAR" \
        MYSQLHA_JAVA_OPTS="-Xint ${TRAIN:-}" OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=pool \
        OCF_RESKEY_virtual_service=10.0.0.1:3306 \
        OCF_RESKEY_node_addresses="node1=10.0.0.11 node2=10.0.0.12 node3=10.0.0.13" \
        OCF_RESKEY_rise=2 OCF_RESKEY_drain_timeout=${DRAIN_S:-$DRAIN_LONG} OCF_RESKEY_state_dir=/tmp/lvs-state \
        MYSQLHA_STANDALONE_DIR=/tmp/cluster MYSQLHA_NODE=node1 \
        OCF_RESKEY_CRM_meta_interval=${INTERVAL:-5000} OCF_RESKEY_CRM_meta_timeout=30000 "$@" /repo/ra/lvs "$_a"
}
step() { # step NAME ACTION [VAR=value ...]
    _n=$1; shift
    _act=$1
    t0=$(ms)
    agent "$@" >/tmp/out 2>/tmp/err
    rc=$?
    t1=$(ms)
    say "=== $_n"
    say "action $_act"
    say "rc $rc"
    say "ms $((t1 - t0))"
    say "--- log"
    cat /tmp/err >>"$REPORT"
    say "--- save"
    ipvsadm --save -n >>"$REPORT"
    say "--- list"
    ipvsadm -L -n >>"$REPORT"
    say "--- end"
}
active() { # active ENDPOINT: its ActiveConn in the pool service
    ipvsadm -L -n -t 10.0.0.1:3306 | awk -v e="$1" '$2 == e {print $5}'
}
await_idle() { # await_idle ENDPOINT: until its active connections have ended (at most 10 s)
    for _ in $(seq 50); do [ "$(active "$1")" = 0 ] && return 0; usleep 200000; done
    say "note connections of $1 did not end"
}

# An AppCDS archive for the guest's JVM, made by one real agent run (a start of a scratch service):
# it cuts every later JVM start, which the emulated CPU makes slow.
t0=$(ms)
TRAIN=-XX:ArchiveClassesAtExit=/tmp/mysqlha.jsa agent start OCF_RESKEY_virtual_service=10.0.0.1:9 \
    OCF_RESKEY_state_dir=/tmp/train >/dev/null 2>/tmp/train.err
say "cds-ms $(( $(ms) - t0 )) $(ls -l /tmp/mysqlha.jsa 2>/dev/null | awk '{print $5}')"
ipvsadm -D -t 10.0.0.1:9

INTERVAL=0 step 00-probe monitor
step 01-start start
step 02-start-again start
step 03-monitor monitor
health node3 0 0
step 04-node3-unreadable monitor
# a client holds a connection to node2 (the only server left) when node2 starts lagging
sleep 600 | nc 10.0.0.1 3306 >/dev/null &
client=$!
usleep 300000
health node2 1 500
step 05-node2-lagging-busy monitor
step 06-still-draining monitor
kill "$client"
await_idle 10.0.0.12:3306
step 07-connection-ended monitor
health node2 1 0
health node3 1 0
step 08-rise-1 monitor
step 09-rise-2 monitor
# a second drain, this one ended by drain_timeout: whichever server takes the connection turns unreadable
sleep 600 | nc 10.0.0.1 3306 >/dev/null &
client=$!
usleep 300000
busy=node2; idle=node3
[ "$(active 10.0.0.13:3306)" = 1 ] && { busy=node3; idle=node2; }
say "busy $busy"
health "$busy" 0 0
DRAIN_S=$DRAIN step 10-busy-unreadable monitor
sleep "$DRAIN"
DRAIN_S=$DRAIN step 11-drain-timeout monitor
kill "$client"
# the idle one leaves the partition; its attributes stay behind, stale
for n in node1 node2 node3; do [ "$n" = "$idle" ] || printf '%s ' "$n"; done >/tmp/cluster/members
step 12-node-left monitor
echo "node1 node2 node3" >/tmp/cluster/members
health "$busy" 1 0
step 13-back-1 monitor
step 14-back-2 monitor
# behind the agent's back: scheduler, a weight, a stranger
ipvsadm -E -t 10.0.0.1:3306 -s rr
ipvsadm -e -t 10.0.0.1:3306 -r 10.0.0.12:3306 -g -w 7
ipvsadm -a -t 10.0.0.1:3306 -r 10.0.0.99:3306 -g -w 1
step 15-tampered monitor
ipvsadm -D -t 10.0.0.1:3306
step 16-deleted monitor
step 17-restart start
# node1, where the agent runs, is one of the real servers: with forwarding=dr it checks its ARP sysctls
step 18-arp-unset validate-all
step 19-stop stop
step 20-stop-again stop
kill "$listener" 2>/dev/null
say "=== done"
