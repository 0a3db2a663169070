#!/bin/bash
# lvs.sh: the read pool (ocf:mysqlha:lvs) on top of the configuration mysqlha-cluster creates, and the
# kernel settings its direct-routing real servers need.
#
#   pcs-config/lvs.sh sysctl                      on EVERY node that may be a real server (every node that
#                                                 runs db), as root: ARP settings, now and at boot
#   pcs-config/lvs.sh resources [options]         once, on one cluster node: the pcs resources
#
# resources builds in a copy of the CIB (pcs -f), checks it with crm_verify, and applies it in one
# change (pcs cluster cib-push, or cibadmin --replace with --offline), like mysqlha-cluster.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: lvs.sh sysctl [--dry-run]
       lvs.sh resources --vip IP --node-addresses "n1=a1 n2=a2 ..." [options]

  --vip IP                  the virtual address clients read through: the reader VIP (required)
  --port N                  its port (default 3306)
  --node-addresses "..."    real-server address of every node that may serve reads (required)
  --forwarding dr|nat|tunnel (default dr; the loopback alias below is made for dr only)
  --reader-vip-resource R   the resource holding the VIP on the director (default reader-vip)
  --mysql-resource R        id of the ocf:mysqlha:mysql primitive (default mysql, as mysqlha-cluster names it)
  --lvs-params "k=v ..."    more ocf:mysqlha:lvs parameters (scheduler=, weights=, primary_policy=, rise=, ...)
  --interval T              monitor interval of the pool (default 5s)
  --offline                 apply with cibadmin instead of pcs (no pcsd)
  --cib-file F              build and verify in this CIB file only (tests); applies nothing
  --dry-run                 build, show and verify; apply nothing
  --recreate                replace read-pool and lvs-rs-vip if they exist
USAGE
}

die() { printf 'lvs.sh: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'lvs.sh: %s\n' "$*" >&2; }

# --- sysctl ----------------------------------------------------------------------------------------
# A direct-routing real server holds the VIP on lo to accept the packets the director forwards, and must
# neither answer ARP for it (arp_ignore=1: answer only for addresses of the interface the request came
# in on) nor use it as the source of its own ARP requests (arp_announce=2), or it steals the VIP from the
# director. Set for "all", which the kernel combines with each interface's value by maximum.
SYSCTL_FILE=/etc/sysctl.d/90-mysqlha-lvs-dr.conf
sysctl_cmd() {
    local dry=0
    [ "${1:-}" = --dry-run ] && dry=1
    local conf
    conf=$(printf '%s\n' "# mysqlha read pool: real servers of an LVS direct-routing service (pcs-config/lvs.sh)" \
        "net.ipv4.conf.all.arp_ignore = 1" "net.ipv4.conf.all.arp_announce = 2")
    if [ $dry = 1 ]; then
        printf '%s\n' "would write $SYSCTL_FILE:" "$conf"
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "sysctl must run as root"
    printf '%s\n' "$conf" >"$SYSCTL_FILE"
    sysctl -q -p "$SYSCTL_FILE"
    say "wrote $SYSCTL_FILE and applied it: $(sysctl -n net.ipv4.conf.all.arp_ignore)/$(sysctl -n net.ipv4.conf.all.arp_announce)"
}

# --- resources -------------------------------------------------------------------------------------
resources_cmd() {
    local VIP="" PORT=3306 NODE_ADDRESSES="" FORWARDING=dr READER=reader-vip MYSQL=mysql LVS_PARAMS=""
    local INTERVAL=5s MODE=live CIB_FILE="" DRY_RUN=0 RECREATE=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --vip) VIP=$2; shift 2;;
            --port) PORT=$2; shift 2;;
            --node-addresses) NODE_ADDRESSES=$2; shift 2;;
            --forwarding) FORWARDING=$2; shift 2;;
            --reader-vip-resource) READER=$2; shift 2;;
            --mysql-resource) MYSQL=$2; shift 2;;
            --lvs-params) LVS_PARAMS=$2; shift 2;;
            --interval) INTERVAL=$2; shift 2;;
            --offline) MODE=offline; shift;;
            --cib-file) CIB_FILE=$2; shift 2;;
            --dry-run) DRY_RUN=1; shift;;
            --recreate) RECREATE=1; shift;;
            -h|--help) usage; exit 0;;
            *) usage >&2; die "unknown option $1";;
        esac
    done
    [ -n "$VIP" ] || die "--vip is required"
    [ -n "$NODE_ADDRESSES" ] || die "--node-addresses is required"
    case "$FORWARDING" in dr|nat|tunnel) ;; *) die "--forwarding must be dr, nat or tunnel";; esac
    for t in pcs crm_verify crm_resource; do command -v "$t" >/dev/null || die "missing tool: $t"; done

    local FORCE=()
    if ! crm_resource --show-metadata ocf:mysqlha:lvs >/dev/null 2>&1; then
        say "warning: ocf:mysqlha:lvs gives no meta-data on this node; creating it with pcs --force (parameters unchecked)"
        FORCE=(--force)
    fi

    local orig new
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    orig=$work/orig.xml
    new=$work/new.xml
    if [ -n "$CIB_FILE" ]; then
        cp "$CIB_FILE" "$orig"
    elif [ "$MODE" = live ]; then
        pcs cluster cib >"$orig"
    else
        cibadmin --query >"$orig"
    fi
    cp "$orig" "$new"
    local P=(pcs -f "$new")

    "${P[@]}" resource config "$READER" >/dev/null 2>&1 \
        || die "no resource $READER (the reader VIP): create it first (pcs-config/mysqlha-cluster --reader-vip)"
    local r
    for r in read-pool lvs-rs-vip; do
        if "${P[@]}" resource config "$r" >/dev/null 2>&1; then
            [ $RECREATE = 1 ] || die "resource $r already exists (use --recreate)"
            say "removing existing $r"
            "${P[@]}" resource delete "$r" --force >/dev/null
        fi
    done

    if [ "$FORWARDING" = dr ]; then
        # The VIP on lo of every real server, so that each accepts the packets the director forwards
        # to it unchanged. Not on the director itself: the reader VIP's agent refuses to start where the
        # address is already on another interface, and the director needs no alias (IPVS delivers to a
        # local real server directly). Hence the -INFINITY colocation, and the order that takes the
        # alias off a node before the reader VIP starts there (and, symmetrically, brings it back after
        # the reader VIP has left).
        "${P[@]}" resource create lvs-rs-vip ocf:heartbeat:IPaddr2 "ip=$VIP" cidr_netmask=32 nic=lo \
            op monitor interval=10s timeout=20s clone
        "${P[@]}" constraint colocation add lvs-rs-vip-clone with "$READER" -- -INFINITY
        "${P[@]}" constraint order stop lvs-rs-vip-clone then start "$READER"
    fi

    # The director runs where the reader VIP is, after it; influence=false: a pool that cannot run (no
    # IPVS on a node) never moves the VIP, so readers keep the VIP even without the pool.
    local params=()
    read -r -a params <<<"$LVS_PARAMS"
    "${P[@]}" resource create read-pool ocf:mysqlha:lvs "virtual_service=$VIP:$PORT" \
        "node_addresses=$NODE_ADDRESSES" "forwarding=$FORWARDING" "mysql_resource=$MYSQL" "${params[@]}" \
        op start timeout=20s op stop timeout=20s op monitor "interval=$INTERVAL" timeout=20s "${FORCE[@]}"
    "${P[@]}" constraint colocation add read-pool with "$READER" INFINITY influence=false
    "${P[@]}" constraint order start "$READER" then start read-pool

    if ! crm_verify --xml-file "$new" -V >"$work/verify" 2>&1; then
        cat "$work/verify" >&2
        die "the new configuration does not verify; nothing applied"
    fi
    [ -s "$work/verify" ] && cat "$work/verify" >&2
    if [ -n "$CIB_FILE" ]; then
        cp "$new" "$CIB_FILE"
        say "written to $CIB_FILE (verified)"
        return 0
    fi
    if [ $DRY_RUN = 1 ]; then
        "${P[@]}" config
        say "dry run: configuration verified, nothing applied"
        return 0
    fi
    if [ "$MODE" = live ]; then
        pcs cluster cib-push "$new" diff-against="$orig"
    else
        cibadmin --replace --xml-file "$new"
    fi
    local alias=""
    [ "$FORWARDING" = dr ] && alias=", lvs-rs-vip (the VIP on lo) on the other nodes"
    say "applied ($MODE): read-pool $VIP:$PORT ($FORWARDING) with $READER$alias"
    [ "$FORWARDING" = dr ] && say "reminder: run 'pcs-config/lvs.sh sysctl' on every node"
    return 0
}

case "${1:-}" in
    sysctl) shift; sysctl_cmd "$@";;
    resources) shift; resources_cmd "$@";;
    -h|--help|"") usage; [ -n "${1:-}" ] || exit 2;;
    *) usage >&2; die "unknown command $1";;
esac
