# mysqlha launcher, sourced by the agent shims in ra/ (installed as $OCF_ROOT/lib/mysqlha/launch.sh).
# It finds a Java 17+ runtime and the mysqlha jar, then execs the JVM with flags tuned for a short-lived
# process: Pacemaker forks an agent for every action, so start-up time is most of an action's cost.

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

# mysqlha_exec HERE ARGS...: never returns.
mysqlha_exec() {
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
