#!/usr/bin/env bash
# Remove Relay from this host (run as root). Idempotent: every step skips what is already gone.
#
#   sudo ./uninstall.sh [--purge]
#
# Stops and disables the service, removes the capture rules, the unit, /opt/relay and the relay
# user. /etc/relay (config, keys) and /var/lib/relay are kept unless --purge is given.
set -euo pipefail

readonly INSTALL_DIR=/opt/relay
readonly CONFIG_DIR=/etc/relay
readonly STATE_DIR=/var/lib/relay
readonly UNIT_PATH=/etc/systemd/system/relay.service
purge=false

log() { echo "uninstall: $*"; }
die() { echo "uninstall: $*" >&2; exit 1; }

systemd_running() { [[ -d /run/systemd/system ]]; }

stop_service() {
    if systemd_running && [[ -e $UNIT_PATH ]]; then
        systemctl disable --now relay.service || log "could not stop/disable relay.service; continuing"
    elif ! systemd_running; then
        log "systemd is not running here; nothing to stop"
    fi
}

# Same plan as Relay.Core/Iptables/RemovalPlan.cs, for when the relay binary is already gone:
# delete every jump into a RELAY_ chain, then flush and delete the RELAY_ chains, per table.
remove_rules_without_relay() {
    local family=$1
    command -v "$family-save" >/dev/null 2>&1 || return 0
    local plan
    plan=$("$family-save" | awk '
        /^\*/ { table = $0; n = 0; m = 0; next }
        /^:RELAY_/ { chains[++m] = substr($1, 2); next }
        /^-A / && $2 !~ /^RELAY_/ && / -[jg] RELAY_/ { sub(/^-A /, "-D "); deletes[++n] = $0; next }
        /^COMMIT/ {
            if (n + m == 0) next
            print table
            for (i = 1; i <= n; i++) print deletes[i]
            for (i = 1; i <= m; i++) print "-F " chains[i]
            for (i = 1; i <= m; i++) print "-X " chains[i]
            print "COMMIT"
        }')
    if [[ -n $plan ]]; then
        printf '%s\n' "$plan" | "$family-restore" -w 10 --noflush
    fi
}

remove_rules() {
    if [[ -x $INSTALL_DIR/relay ]]; then
        # --force: a broken or missing mesh.yaml must not strand the rules during uninstall.
        if "$INSTALL_DIR/relay" iptables remove --config "$CONFIG_DIR/mesh.yaml" --force; then
            log "capture rules removed"
            return
        fi
        log "relay iptables remove failed; removing the rules from iptables-save output instead"
    fi
    remove_rules_without_relay iptables
    remove_rules_without_relay ip6tables
    log "capture rules removed"
}

remove_files() {
    rm -f "$UNIT_PATH"
    if systemd_running; then systemctl daemon-reload; fi
    rm -rf "$INSTALL_DIR" "$INSTALL_DIR.new" "$INSTALL_DIR.old"
    if getent passwd relay >/dev/null; then userdel relay; log "removed user relay"; fi
    if getent group relay >/dev/null; then groupdel relay; fi
    if $purge; then
        rm -rf "$CONFIG_DIR" "$STATE_DIR"
        log "purged $CONFIG_DIR and $STATE_DIR"
    elif [[ -e $CONFIG_DIR ]]; then
        log "kept $CONFIG_DIR (use --purge to delete it)"
    fi
}

main() {
    for arg in "$@"; do
        case "$arg" in
            --purge) purge=true ;;
            *) die "unknown argument: $arg (usage: $0 [--purge])" ;;
        esac
    done
    [[ $(id -u) -eq 0 ]] || die "run as root"
    stop_service
    remove_rules
    remove_files
}

main "$@"
