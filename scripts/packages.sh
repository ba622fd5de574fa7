#!/usr/bin/env bash
# Sourced by test.sh and demo.sh: installs the Debian packages that scripts/packages.txt names for the
# given groups, for whichever of their commands is not on PATH yet. One list, so a new tool cannot be
# installed by one script and forgotten by another (that is how shellcheck once went missing).
#   relay_install_packages test bench   # returns non-zero when something is still missing

relay_packages_file() { printf '%s/packages.txt\n' "$(dirname "${BASH_SOURCE[0]}")"; }

# Prints "command package" for every line of the list that belongs to one of the groups "$@".
relay_packages_for() {
  local cmd pkg groups g want
  while read -r cmd pkg groups; do
    case "$cmd" in '' | '#'*) continue ;; esac
    for g in $groups; do
      for want in "$@"; do
        [ "$g" = "$want" ] && { printf '%s %s\n' "$cmd" "$pkg"; continue 3; }
      done
    done
  done <"$(relay_packages_file)"
}

relay_install_packages() {
  local missing=() cmd pkg
  while read -r cmd pkg; do
    case "$cmd" in
      /*) [ -e "$cmd" ] && continue ;;
      *) command -v "$cmd" >/dev/null 2>&1 && continue ;;
    esac
    case " ${missing[*]} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
  done < <(relay_packages_for "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "packages.sh: missing ${missing[*]} and not root: install them with apt-get" >&2
    return 1
  fi
  echo "packages.sh: installing ${missing[*]}"
  if ! apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    echo "packages.sh: apt-get install ${missing[*]} failed" >&2
    return 1
  fi
}
