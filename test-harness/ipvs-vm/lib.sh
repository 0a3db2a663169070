# Shared by build-image and run-in-vm (sourced, POSIX sh).
#
# Exit status 77 means "the IPVS VM cannot be had on this machine" (no qemu, no kernel with IPVS
# modules, no JDK): callers such as the integration tests skip instead of failing. Every other
# non-zero status is a real failure.

VM_UNAVAILABLE=77
# One cache per user, so that a build as root does not leave others an unwritable directory.
if [ "$(id -u)" = 0 ]; then
    VM_CACHE=${MYSQLHA_VM_CACHE:-/var/tmp/mysqlha-ipvs-vm}
else
    VM_CACHE=${MYSQLHA_VM_CACHE:-/var/tmp/mysqlha-ipvs-vm-$(id -u)}
fi
# Modules of the JVM inside the guest: what the agent jar needs (JDBC, JMX-free logging, XML meta-data).
VM_JAVA_MODULES=java.base,java.sql,java.naming,java.management,jdk.unsupported,java.xml,java.logging
VM_PACKAGES="qemu-system-x86 linux-image-amd64 busybox-static ipvsadm cpio"

vm_unavailable() {
    echo "IPVS VM unavailable: $*" >&2
    exit "$VM_UNAVAILABLE"
}

vm_log() {
    [ -n "${MYSQLHA_VM_QUIET:-}" ] || echo "ipvs-vm: $*" >&2
}

# The newest installed kernel that ships the IPVS modules (or the one named by $MYSQLHA_VM_KERNEL).
vm_kernel_version() {
    pattern=${MYSQLHA_VM_KERNEL:-*}
    # shellcheck disable=SC2086
    for z in $(ls -1 /boot/vmlinuz-$pattern 2>/dev/null | sort -rV); do
        v=${z#/boot/vmlinuz-}
        if [ -r "$z" ] && [ -f "/lib/modules/$v/kernel/net/netfilter/ipvs/ip_vs.ko" ]; then
            echo "$v"; return 0
        fi
    done
    return 1
}

vm_busybox_is_static() {
    bb=$(command -v busybox 2>/dev/null) || return 1
    ! ldd "$bb" >/dev/null 2>&1
}

vm_missing_packages() {
    missing=
    command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
    vm_kernel_version >/dev/null || missing="$missing linux-image-amd64"
    vm_busybox_is_static || missing="$missing busybox-static"
    [ -x /sbin/ipvsadm ] || [ -x /usr/sbin/ipvsadm ] || missing="$missing ipvsadm"
    command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
    echo "$missing"
}

# Installs what is missing with apt-get when we may; otherwise reports the VM unavailable.
vm_ensure_packages() {
    if [ -n "${MYSQLHA_VM_KERNEL:-}" ] && ! vm_kernel_version >/dev/null; then
        vm_unavailable "no readable /boot/vmlinuz-$MYSQLHA_VM_KERNEL with IPVS modules (MYSQLHA_VM_KERNEL)"
    fi
    missing=$(vm_missing_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        vm_unavailable "missing packages:$missing (install them as root: apt-get install$missing)"
    fi
    vm_log "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! timeout 600 apt-get install -y --no-install-recommends $missing >&2; then
        timeout 300 apt-get update >&2 || true
        # shellcheck disable=SC2086
        timeout 600 apt-get install -y --no-install-recommends $missing >&2 \
            || vm_unavailable "apt-get install$missing failed"
    fi
    missing=$(vm_missing_packages)
    [ -z "$missing" ] || vm_unavailable "still missing after apt-get:$missing"
}

vm_java_home() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ]; then echo "$JAVA_HOME"; return 0; fi
    j=$(command -v jlink 2>/dev/null) || return 1
    j=$(readlink -f "$j")
    dirname "$(dirname "$j")"
}
