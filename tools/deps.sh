#!/bin/sh
# Install the Debian packages coinsim needs, if any is missing; packages
# named as arguments are needed too (make lint adds its checkers).
# As root it runs apt-get; with password-less sudo, sudo apt-get; otherwise
# it prints the exact command and fails, so nothing half-builds.
#
# tools/deps.sh mpi: the build's packages and Open MPI's (make mpi).
#
# tools/deps.sh --check WHAT: install nothing; if a package that WHAT
# needs is missing, say which and how to get it, and fail. WHAT is "build"
# (plain make: the compiler and the libraries), "test" (the unit-test
# library and tmux as well) or "browser" (the optional group below). The
# Makefile runs this before compiling, so that a missing library is named
# instead of showing as a compiler error.
#
# tools/deps.sh --browser: install the optional group the browser test of
# the HTML reports needs (headless Chromium, its WebDriver, python3 for the
# harness, xmllint for the strict parse, a font for the screenshots), the
# same way; make test tries it and carries on if it fails, and the browser
# test then reports itself skipped.
set -u
build_pkgs="make gcc pkg-config libncurses-dev libgsl-dev libcsv-dev"
test_pkgs="libcmocka-dev tmux"
browser_pkgs="chromium chromium-driver python3 libxml2-utils fonts-dejavu-core"
# tools/deps.sh mpi: Open MPI for make mpi (mpicc, mpirun), on top of the
# build's packages.
mpi_pkgs="libopenmpi-dev openmpi-bin"

# installed PKG: whether dpkg has PKG installed.
installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
# works PKG: whether what the build wants of PKG is there, however it got
# there (a library built from source, another compiler in CC).
works() {
    case $1 in
    gcc) command -v "${CC:-cc}" >/dev/null 2>&1 ;;
    make | pkg-config | tmux | python3) command -v "$1" >/dev/null 2>&1 ;;
    chromium) command -v chromium >/dev/null 2>&1 ;;
    chromium-driver) command -v chromedriver >/dev/null 2>&1 ;;
    libxml2-utils) command -v xmllint >/dev/null 2>&1 ;;
    libncurses-dev) pkg-config --exists ncursesw 2>/dev/null ;;
    libgsl-dev) pkg-config --exists gsl 2>/dev/null ;;
    libcmocka-dev) pkg-config --exists cmocka 2>/dev/null ;;
    libcsv-dev) echo '#include <csv.h>' | "${CC:-cc}" -E -x c - >/dev/null 2>&1 ;;
    *) return 1 ;;
    esac
}
# missing PKG...: those of PKG... that dpkg does not have installed.
missing() {
    for p; do
        installed "$p" || printf ' %s' "$p"
    done
}

if [ "${1:-}" = --check ]; then
    # Without dpkg this is not Debian: the compiler will have its say.
    command -v dpkg-query >/dev/null 2>&1 || exit 0
    case ${2:-build} in
    build) need=$build_pkgs ;;
    test) need="$build_pkgs $test_pkgs" ;;
    browser) need=$browser_pkgs ;;
    *) echo "usage: tools/deps.sh --check build|test|browser" >&2; exit 2 ;;
    esac
    # A package is missing when dpkg lacks it and what it provides does not
    # work either.
    gone=""
    for p in $need; do
        installed "$p" || works "$p" || gone="$gone $p"
    done
    [ -z "$gone" ] && exit 0
    if [ "${2:-}" = browser ]; then
        echo "coinsim: the browser test cannot run: missing Debian packages:$gone" >&2
        echo "coinsim: run 'sh tools/deps.sh --browser' to install them (make test tries it itself)" >&2
        exit 1
    fi
    echo "coinsim: cannot build: missing Debian packages:$gone" >&2
    echo "coinsim: run 'make deps' to install them (make run and make test do it themselves)" >&2
    exit 1
fi

# The group mpi stands for Open MPI's packages.
if [ "${1:-}" = mpi ]; then
    shift
    # shellcheck disable=SC2086
    set -- $mpi_pkgs "$@"
fi
# The browser group alone: make test carries on without it.
if [ "${1:-}" = --browser ]; then
    # shellcheck disable=SC2086
    set -- $browser_pkgs
    base=""
else
    base="$build_pkgs $test_pkgs"
fi
# shellcheck disable=SC2086
gone=$(missing $base "$@")
[ -z "$gone" ] && exit 0
echo "coinsim: installing missing Debian packages:$gone" >&2
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    echo "coinsim: cannot install them without root. Run:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$gone" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2 || exit 1
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $gone >&2 || exit 1
