#!/bin/bash
# Regenerates the binlog / relay-log fixtures of io.mysqlha.binlog from real mariadbd runs.
#
# For every scenario it starts, under a fresh temporary directory and on 127.0.0.1 only:
#   primary  (port BASE+0)  log_bin, the scenario's binlog_checksum / binlog_format
#   replica  (port BASE+1)  the most advanced replica, relay_log_purge=0: its relay logs are the fixture
#   lagging  (port BASE+2)  a replica whose SQL thread and then IO thread are stopped part-way
# runs a small workload, waits for the replica to have received and applied everything, stops the
# three servers by PID and copies the primary's binlogs, the replica's relay logs + index and an
# expected.properties file into <outdir>/<scenario>/.
#
# usage: make-fixtures.sh [outdir]          (default: the directory of this script)
# env:   PORT_BASE (default 34100, must stay inside 34000-34997), MARIADBD, KEEP_TMP=1
set -euo pipefail

OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
BASE=${PORT_BASE:-34100}
if [ "$BASE" -lt 34000 ] || [ "$BASE" -gt 34997 ]; then
    echo "PORT_BASE must be in 34000-34997" >&2; exit 2
fi
MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}
TMP=$(mktemp -d /tmp/mysqlha-binlog-fixtures.XXXXXX)
PIDS=""

# stop_servers: SIGTERM (a clean mariadbd shutdown) to each server this script started, by PID. The
# PIDs are unreaped children of this shell, so they cannot have been reused by another process.
stop_servers() {
    for p in $PIDS; do
        kill "$p" 2>/dev/null || true
    done
    for p in $PIDS; do
        for _ in $(seq 1 300); do
            grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && break
            [ -e "/proc/$p" ] || break
            sleep 0.1
        done
        kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    PIDS=""
}

cleanup() {
    stop_servers
    if [ "${KEEP_TMP:-0}" != 1 ]; then rm -rf "$TMP"; else echo "kept $TMP" >&2; fi
}
trap cleanup EXIT

# sql <node> <statement...>: run statements as root over the node's unix socket, tab-separated output
sql() {
    local node=$1; shift
    mariadb --no-defaults -uroot -S "$TMP/$node/sock" -N -B -e "$*"
}

# start <node> <port> <server_id> [mariadbd options...]
start() {
    local node=$1 port=$2 id=$3; shift 3
    local d=$TMP/$node
    mkdir -p "$d/data"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$d/data" --skip-test-db \
        --auth-root-authentication-method=normal >"$d/install.log" 2>&1
    "$MARIADBD" --no-defaults --user="$(id -un)" --datadir="$d/data" --socket="$d/sock" \
        --port="$port" --bind-address=127.0.0.1 --pid-file="$d/pid" --log-error="$d/error.log" \
        --server-id="$id" --skip-name-resolve --performance-schema=OFF \
        --innodb-buffer-pool-size=16M --innodb-log-file-size=8M --key-buffer-size=1M \
        --log-bin="$d/data/$node-bin" --relay-log="$d/data/$node-relay-bin" --relay-log-purge=0 "$@" &
    PIDS="$PIDS $!"
    for _ in $(seq 1 300); do
        if sql "$node" "SELECT 1" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "$node did not start; see $d/error.log" >&2; cat "$d/error.log" >&2; exit 1
}

# field <node> <SHOW SLAVE STATUS column>
field() {
    mariadb --no-defaults -uroot -S "$TMP/$1/sock" -e "SHOW SLAVE STATUS\G" \
        | sed -n "s/^ *$2: //p"
}

primary_coords() { sql primary "SHOW MASTER STATUS" | cut -f1,2; }

# wait_received <node>: until the node's IO thread has everything the primary has written
wait_received() {
    local want; want=$(primary_coords)
    for _ in $(seq 1 300); do
        if [ "$(field "$1" Master_Log_File)	$(field "$1" Read_Master_Log_Pos)" = "$want" ]; then return 0; fi
        sleep 0.1
    done
    echo "$1 did not receive up to $want" >&2; exit 1
}

# wait_applied <node>: until the node's SQL thread has applied everything the primary has written
wait_applied() {
    local want; want=$(primary_coords)
    for _ in $(seq 1 300); do
        if [ "$(field "$1" Relay_Master_Log_File)	$(field "$1" Exec_Master_Log_Pos)" = "$want" ]; then
            return 0
        fi
        sleep 0.1
    done
    echo "$1 did not apply up to $want" >&2; exit 1
}

next_tmp() {
    cleanup
    TMP=$(mktemp -d /tmp/mysqlha-binlog-fixtures.XXXXXX)
}

# scenario <name> <description> <primary options> -- <replica options>; then run workload_<name>
scenario() {
    local name=$1 desc=$2 popts=$3 ropts=$4
    echo "== $name" >&2
    # shellcheck disable=SC2086
    start primary $((BASE)) 1 $popts
    # shellcheck disable=SC2086
    start replica $((BASE + 1)) 2 $ropts
    # shellcheck disable=SC2086
    start lagging $((BASE + 2)) 3 $ropts
    sql primary "CREATE USER repl@'127.0.0.1' IDENTIFIED BY 'repl';
                 GRANT REPLICATION SLAVE ON *.* TO repl@'127.0.0.1'"
    for n in replica lagging; do
        # file/position mode: the mode the differential relay log exists for
        sql "$n" "CHANGE MASTER TO master_host='127.0.0.1', master_port=$BASE, master_user='repl',
                  master_password='repl', master_log_file='primary-bin.000001', master_log_pos=4,
                  master_use_gtid=no; START SLAVE"
    done
    sql primary "CREATE DATABASE fx; CREATE TABLE fx.t (id INT PRIMARY KEY, note VARCHAR(200),
                 data LONGBLOB) ENGINE=InnoDB"

    "workload_$name"

    wait_received replica
    wait_applied replica
    local dir=$OUT/$name
    rm -rf "$dir"; mkdir -p "$dir"
    sql replica "STOP SLAVE"
    local final; final=$(primary_coords)
    {
        echo "# $desc"
        echo "primary.files=$(sql primary "SHOW BINARY LOGS" | cut -f1 | tr '\n' ',' | sed 's/,$//')"
        echo "primary.end.file=$(echo "$final" | cut -f1)"
        echo "primary.end.pos=$(echo "$final" | cut -f2)"
        echo "relay.files=$(sed 's#.*/##' "$TMP/replica/data/replica-relay-bin.index" | tr '\n' ',' | sed 's/,$//')"
        echo "lagging.master_log_file=$(field lagging Master_Log_File)"
        echo "lagging.read_master_log_pos=$(field lagging Read_Master_Log_Pos)"
        echo "lagging.relay_master_log_file=$(field lagging Relay_Master_Log_File)"
        echo "lagging.exec_master_log_pos=$(field lagging Exec_Master_Log_Pos)"
        echo "lagging.gtid_slave_pos=$(sql lagging "SELECT @@gtid_slave_pos")"
        echo "primary.gtid_binlog_pos=$(sql primary "SELECT @@gtid_binlog_pos")"
        echo "primary.checksum=$(sql primary "SELECT @@binlog_checksum")"
        echo "primary.binlog_format=$(sql primary "SELECT @@binlog_format")"
        echo "replica.max_relay_log_size=$(sql replica "SELECT @@max_relay_log_size")"
        # without log_slave_updates the primary does not send Annotate_rows events: the relay log has gaps
        echo "replica.log_slave_updates=$(sql replica "SELECT IF(@@log_slave_updates, 'ON', 'OFF')")"
        echo "checksum.fx.t=$(sql primary "CHECKSUM TABLE fx.t EXTENDED" | cut -f2)"
        echo "server.version=$(sql primary "SELECT VERSION()")"
    } >"$dir/expected.properties"
    # copied while the servers run: both logs are written through to the file after every event, and a
    # shutdown would append a STOP event to the primary's binlog that the replica never received
    for f in $(sql primary "SHOW BINARY LOGS" | cut -f1); do
        cp "$TMP/primary/data/$f" "$dir/"
    done
    for f in $(sed 's#.*/##' "$TMP/replica/data/replica-relay-bin.index"); do
        cp "$TMP/replica/data/$f" "$dir/"
    done
    sed 's#.*/##' "$TMP/replica/data/replica-relay-bin.index" >"$dir/replica-relay-bin.index"
    next_tmp
}

# lag_sql / lag_io: freeze the lagging replica's SQL thread, later its IO thread, at the current point
lag_sql() { wait_applied lagging; sql lagging "STOP SLAVE SQL_THREAD"; }
lag_io()  { wait_received lagging; sql lagging "STOP SLAVE IO_THREAD"; }

# rows with the word ROLLBACK in them and binary data (all 256 byte values)
ALLBYTES="UNHEX(CONCAT($(for i in $(seq 0 15); do printf "'%s'," "$(printf '%02X' $(seq $((i*16)) $((i*16+15))) )"; done | sed 's/,$//')))"

workload_rotate-crc32() {
    sql primary "INSERT INTO fx.t VALUES (1, 'plain', 'abc');
                 BEGIN; INSERT INTO fx.t VALUES (2, 'ROLLBACK', $ALLBYTES);
                        INSERT INTO fx.t VALUES (3, 'ROLLBACK; -- not a rollback', REPEAT(0x00FF, 300)); COMMIT"
    lag_sql
    sql primary "UPDATE fx.t SET note='after ROLLBACK' WHERE id=1"
    sql primary "FLUSH BINARY LOGS"
    sql primary "BEGIN; INSERT INTO fx.t VALUES (4, 'four', $ALLBYTES); DELETE FROM fx.t WHERE id=3; COMMIT"
    lag_io
    sql primary "INSERT INTO fx.t VALUES (5, 'five', REVERSE($ALLBYTES))"
    # an IO thread restart: the replica starts a new relay file with a Rotate to the middle of a binlog
    wait_received replica
    sql replica "STOP SLAVE IO_THREAD"
    sql primary "INSERT INTO fx.t VALUES (7, 'while the replica was away', 'z')"
    sql replica "START SLAVE IO_THREAD"
    sql primary "FLUSH BINARY LOGS"
    sql primary "BEGIN; UPDATE fx.t SET data=CONCAT(data, 0x00) WHERE id IN (1,2,4); INSERT INTO fx.t VALUES (6, 'ROLLBACK', NULL); COMMIT"
}

workload_sizerot-crc32() {
    sql primary "INSERT INTO fx.t VALUES (1, 'small', 'x')"
    lag_sql
    # one transaction of ~30 KB in row events of at most 8 KB: the replica's relay log, limited to
    # 8 KB, rotates several times inside it, so relay files start in the middle of a transaction
    sql primary "BEGIN; INSERT INTO fx.t SELECT seq+100, 'ROLLBACK', REPEAT($ALLBYTES, 4) FROM fx.seq_1_to_30; COMMIT"
    lag_io
    # one row event bigger than max_relay_log_size
    sql primary "INSERT INTO fx.t VALUES (2, 'big', REPEAT($ALLBYTES, 48))"
    sql primary "FLUSH BINARY LOGS"
    sql primary "BEGIN; DELETE FROM fx.t WHERE id BETWEEN 101 AND 110; UPDATE fx.t SET note='ROLLBACK' WHERE id=1; COMMIT"
    sql primary "INSERT INTO fx.t VALUES (3, 'tail', $ALLBYTES)"
}

workload_nochecksum() {
    sql primary "INSERT INTO fx.t VALUES (1, 'ROLLBACK', 'abc'); INSERT INTO fx.t VALUES (2, 'two', $ALLBYTES)"
    lag_sql
    sql primary "BEGIN; INSERT INTO fx.t SELECT seq+100, 'ROLLBACK', REPEAT($ALLBYTES, 6) FROM fx.seq_1_to_12; COMMIT"
    sql primary "FLUSH BINARY LOGS"
    lag_io
    sql primary "BEGIN; UPDATE fx.t SET note='x ROLLBACK y' WHERE id > 100; DELETE FROM fx.t WHERE id=2; COMMIT"
    sql primary "INSERT INTO fx.t VALUES (3, 'three', REVERSE($ALLBYTES))"
}

workload_mixed-checksum() {
    sql primary "INSERT INTO fx.t VALUES (1, 'one', $ALLBYTES)"
    lag_sql
    sql primary "INSERT INTO fx.t VALUES (2, 'ROLLBACK', REPEAT($ALLBYTES, 2))"
    lag_io
    sql primary "FLUSH BINARY LOGS"
    sql primary "BEGIN; INSERT INTO fx.t SELECT seq+100, 'r', REPEAT($ALLBYTES, 8) FROM fx.seq_1_to_6; COMMIT"
}

scenario rotate-crc32 \
    "binlog_checksum=CRC32, ROW; two FLUSH BINARY LOGS on the primary between the lagging coordinates and the end; the replica IO thread restarted once" \
    "--binlog-checksum=CRC32 --binlog-format=ROW" \
    "--binlog-checksum=CRC32 --log-slave-updates"
scenario sizerot-crc32 \
    "binlog_checksum=CRC32, ROW; replica max_relay_log_size=8192 with transactions and one event larger than that; one FLUSH BINARY LOGS" \
    "--binlog-checksum=CRC32 --binlog-format=ROW" \
    "--binlog-checksum=CRC32 --max-relay-log-size=8192 --log-slave-updates"
scenario nochecksum \
    "binlog_checksum=NONE everywhere, MIXED (statements); max_relay_log_size=8192; one FLUSH BINARY LOGS" \
    "--binlog-checksum=NONE --binlog-format=MIXED" \
    "--binlog-checksum=NONE --max-relay-log-size=8192 --log-slave-updates"
scenario mixed-checksum \
    "primary binlog_checksum=NONE, replicas binlog_checksum=CRC32 (their first relay-log file carries CRCs, the primary's events do not); ROW; max_relay_log_size=8192; replicas without log_slave_updates, so the primary does not send them Annotate_rows events" \
    "--binlog-checksum=NONE --binlog-format=ROW" \
    "--binlog-checksum=CRC32 --max-relay-log-size=8192"

du -sh "$OUT" >&2
