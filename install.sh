#!/usr/bin/env bash
# Install Relay on this host (run as root from the repository root). Idempotent: running it
# again republishes the binary and refreshes the unit, and never overwrites /etc/relay/mesh.yaml.
#
#   sudo ./install.sh [--jit]
#
# Installs the NativeAOT build (one executable, /opt/relay/relay; needs clang, lld and zlib1g-dev,
# which it installs from scripts/packages.txt group aot). --jit installs the self-contained JIT
# build with ReadyToRun instead (no native toolchain; ~3x the memory, docs/performance.md).
#
# DOTNET overrides the dotnet executable (default: the one on PATH).
set -euo pipefail

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SRC_DIR
readonly INSTALL_DIR=/opt/relay
readonly CONFIG_DIR=/etc/relay
readonly UNIT_PATH=/etc/systemd/system/relay.service
readonly DOTNET="${DOTNET:-dotnet}"
native=true

log() { echo "install: $*"; }
die() { echo "install: $*" >&2; exit 1; }

ensure_iptables() {
    if command -v iptables-restore >/dev/null 2>&1 && command -v ip6tables-restore >/dev/null 2>&1; then
        return
    fi
    log "installing iptables"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y iptables || { apt-get update && apt-get install -y iptables; }
}

# Publish into a staging directory, then swap it in, so a failed build never leaves a half-written
# /opt/relay and files from an older version never linger next to the new ones.
publish() {
    local staging
    staging=$(mktemp -d)
    local args=(publish "$SRC_DIR/Relay.Daemon" -c Release -r linux-x64 -o "$staging/relay")
    if $native; then
        # shellcheck disable=SC1091 # scripts/packages.sh: the one package list's installer (test.sh, demo.sh)
        . "$SRC_DIR/scripts/packages.sh"
        relay_install_packages aot || die "the NativeAOT build needs clang, lld and zlib1g-dev (or use --jit)"
        "$DOTNET" "${args[@]}" || die "dotnet publish (NativeAOT) failed"
        # The debug symbols stay out of /opt/relay: 30 MB nobody on the host reads.
        rm -f "$staging/relay/"*.dbg "$staging/relay/"*.pdb
        log "published the NativeAOT build"
    else
        "$DOTNET" "${args[@]}" --self-contained -p:PublishAot=false -p:PublishReadyToRun=true || die "dotnet publish (JIT) failed"
        log "published the JIT build with ReadyToRun"
    fi
    rm -rf "$INSTALL_DIR.new" "$INSTALL_DIR.old"
    cp -a "$staging/relay" "$INSTALL_DIR.new"
    rm -rf "$staging"
    chown -R root:root "$INSTALL_DIR.new"
    chmod -R go-w "$INSTALL_DIR.new"
    if [[ -e $INSTALL_DIR ]]; then mv "$INSTALL_DIR" "$INSTALL_DIR.old"; fi
    mv "$INSTALL_DIR.new" "$INSTALL_DIR"
    rm -rf "$INSTALL_DIR.old"
    log "installed $INSTALL_DIR/relay"
}

ensure_user() {
    if getent passwd relay >/dev/null; then
        log "user relay exists"
        return
    fi
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin relay
    log "created system user relay (uid $(id -u relay))"
}

install_files() {
    install -D -m 0644 "$SRC_DIR/systemd/relay.service" "$UNIT_PATH"
    install -d -m 0750 -o root -g relay "$CONFIG_DIR"
    if [[ -e $CONFIG_DIR/mesh.yaml ]]; then
        # Only the group changes: after uninstall + reinstall the relay group may have a new gid.
        chgrp relay "$CONFIG_DIR/mesh.yaml"
        log "$CONFIG_DIR/mesh.yaml exists; left unchanged"
    else
        [[ -f $SRC_DIR/systemd/mesh.yaml ]] || die "$SRC_DIR/systemd/mesh.yaml is missing from the source tree"
        install -m 0640 -o root -g relay "$SRC_DIR/systemd/mesh.yaml" "$CONFIG_DIR/mesh.yaml"
        log "installed example $CONFIG_DIR/mesh.yaml: edit it before starting relay"
    fi
}

# /run/systemd/system exists only when systemd is PID 1 (sd_booted(3)); containers often lack it.
reload_systemd() {
    if [[ -d /run/systemd/system ]]; then
        systemctl daemon-reload
        log "unit installed; start with: systemctl enable --now relay"
    else
        log "systemd is not running here; skipped daemon-reload (unit is in $UNIT_PATH)"
    fi
}

main() {
    for arg in "$@"; do
        case "$arg" in
            --jit) native=false ;;
            *) die "unknown argument: $arg (usage: $0 [--jit])" ;;
        esac
    done
    [[ $(id -u) -eq 0 ]] || die "run as root"
    command -v "$DOTNET" >/dev/null 2>&1 || die "dotnet not found (set DOTNET=/path/to/dotnet)"
    ensure_iptables
    ensure_user
    publish
    install_files
    reload_systemd
}

main "$@"
