# mysqlha launcher, sourced by the agent shims in ra/ (installed as $OCF_ROOT/lib/mysqlha/launch.sh).
# An action goes to the node's warm service (mysqlhad) through its Unix socket when one answers; otherwise
# this finds a Java 17+ runtime and the mysqlha jar and execs a fresh JVM with flags tuned for a
# short-lived process (the fallback: the agents never depend on the service being up).

# Pacemaker may run us with an almost empty environment (meta-data must still answer).
PATH=${PATH:-/usr/sbin:/usr/bin:/sbin:/bin}
export PATH

mysqlha_find_java() {
    if [ -n "${MYSQLHA_JAVA:-}" ] && [ -x "$MYSQLHA_JAVA" ]; then echo "$MYSQLHA_JAVA"; return 0; fi
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; return 0; fi
    for j in /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/java-*-openjdk-*/bin/java; do
        [ -x "$j" ] && { echo "$j"; return 0; }
    done
    command -v java 2>/dev/null
}

mysqlha_find_jar() {
    if [ -n "${MYSQLHA_JAR:-}" ]; then echo "$MYSQLHA_JAR"; return 0; fi
    for j in "$1/../target/mysqlha.jar" /usr/share/mysqlha/mysqlha.jar; do
        [ -r "$j" ] && { echo "$j"; return 0; }
    done
    return 1
}

mysqlha_find_client() {
    if [ -n "${MYSQLHA_CLIENT:-}" ]; then echo "$MYSQLHA_CLIENT"; return 0; fi
    for c in "$1/../target/mysqlha-client" "${OCF_ROOT:-/usr/lib/ocf}/lib/mysqlha/mysqlha-client"; do
        [ -x "$c" ] && { echo "$c"; return 0; }
    done
    return 1
}

# mysqlha_exec HERE ARGS...: never returns. The service first: its client exits 250 only when the service
# did not accept the request (nothing ran), and only then does the action run in a fresh JVM; a request
# the service accepted is never run twice. MYSQLHA_SERVICE=off skips the service (benchmarks, tests).
mysqlha_exec() {
    _here=$1; shift
    # meta-data from the file written beside the jar at build time (ra/mysqlha-metadata), when it is not
    # older than the jar: Pacemaker's controller asks for it before every start, as an unprivileged user
    # that cannot reach the service's socket. Without the file the jar answers, as before.
    if [ "${1:-}" = ocf ] && [ "${3:-}" = meta-data ] && _jar=$(mysqlha_find_jar "$_here"); then
        _md=${_jar%/*}/metadata/$2.xml
        if [ -r "$_md" ] && ! [ "$_md" -ot "$_jar" ]; then
            cat "$_md" && exit 0
        fi
    fi
    _sock=${MYSQLHA_SOCKET:-/run/mysqlha/agent.sock}
    if [ "${MYSQLHA_SERVICE:-}" != off ] && [ -S "$_sock" ] && _client=$(mysqlha_find_client "$_here"); then
        "$_client" "$_sock" "$@"
        _rc=$?
        [ "$_rc" = 250 ] || exit "$_rc"
    fi
    mysqlha_exec_jvm "$_here" "$@"
}

# mysqlha_exec_jvm HERE ARGS...: the action in a fresh JVM; never returns.
mysqlha_exec_jvm() {
    _here=$1; shift
    _java=$(mysqlha_find_java)
    if [ -z "$_java" ]; then
        echo "ocf-exit-reason:no Java runtime found (install a JRE 17+ or set JAVA_HOME)" >&2
        exit 5
    fi
    _jar=$(mysqlha_find_jar "$_here") && _jar=$(readlink -f "$_jar")
    if [ -z "$_jar" ]; then
        echo "ocf-exit-reason:mysqlha.jar not found (looked in $_here/../target and /usr/share/mysqlha)" >&2
        exit 5
    fi
    # The CDS archive is only valid for the exact jar path it was made for; a stale or foreign one is
    # ignored silently by -Xshare:auto.
    _jsa=${_jar%.jar}.jsa
    _cds=-Xshare:auto
    [ -r "$_jsa" ] && _cds=-XX:SharedArchiveFile=$_jsa
    # MYSQLHA_JAVA_OPTS: extra JVM options (diagnostics; recording the CDS class list)
    # shellcheck disable=SC2086
    set -- -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -Xms8m -Xmx256m \
        -XX:CICompilerCount=1 -Xshare:auto "$_cds" -Xlog:disable -Xlog:all=error:stderr ${MYSQLHA_JAVA_OPTS:-} \
        -cp "$_jar" io.mysqlha.cli.Main "$@"
    exec "$_java" "$@"
}

# mysqlha_service_exec HERE ARGS...: the node service, in the foreground; never returns. A long-lived JVM:
# the C1 compiler only (the actions are I/O-bound; C2 would spend a core compiling for nothing), a small
# heap, SerialGC (one service per node, pauses of a few ms on a heap this size).
mysqlha_service_exec() {
    _here=$1; shift
    _java=$(mysqlha_find_java)
    [ -n "$_java" ] || { echo "mysqlhad: no Java runtime found (install a JRE 17+ or set JAVA_HOME)" >&2; exit 1; }
    _jar=$(mysqlha_find_jar "$_here") && _jar=$(readlink -f "$_jar")
    [ -n "$_jar" ] || { echo "mysqlhad: mysqlha.jar not found" >&2; exit 1; }
    _jsa=${_jar%.jar}.jsa
    _cds=-Xshare:auto
    [ -r "$_jsa" ] && _cds=-XX:SharedArchiveFile=$_jsa
    # shellcheck disable=SC2086
    exec "$_java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xms32m -Xmx256m \
        -XX:CICompilerCount=1 -Xshare:auto "$_cds" -Xlog:disable -Xlog:all=error:stderr ${MYSQLHA_SERVICE_JAVA_OPTS:-} \
        -cp "$_jar" io.mysqlha.cli.Main service run "$@"
}
