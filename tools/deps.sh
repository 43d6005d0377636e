#!/bin/sh
# Install the Debian packages coinsim needs, if any is missing; packages
# named as arguments are needed too (make lint adds its checkers).
# As root it runs apt-get; with password-less sudo, sudo apt-get; otherwise
# it prints the exact command and fails, so nothing half-builds.
set -u
pkgs="make gcc pkg-config libncurses-dev libgsl-dev libcsv-dev libcmocka-dev tmux $*"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "coinsim: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "coinsim: cannot install them without root. Run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2 || exit 1
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $missing >&2 || exit 1
