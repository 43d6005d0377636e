#!/bin/sh
# End-to-end: the build itself. Plain make on a machine without a needed
# Debian package names the package and the command that installs it,
# before any compiler runs; the unit tests' header dependencies are
# followed, so a change to tests/unit/testutil.h rebuilds the tests.
# Run from the repository root (make test passes BUILD, the build
# directory its tests were built in):
#   BUILD=build COINSIM=./coinsim sh tests/e2e/build.sh
set -u
: "${COINSIM:?set COINSIM to the coinsim binary}"
. tests/e2e/lib.sh
BUILD=${BUILD:-build}
unset MAKEFLAGS MFLAGS MAKELEVEL    # not the outer make's

# A dpkg-query that reports every package installed but libgsl-dev.
mkdir -p "$T/bin"
cat >"$T/bin/dpkg-query" <<'EOS'
#!/bin/sh
for a; do last=$a; done
[ "$last" = libgsl-dev ] && exit 1
printf 'install ok installed'
EOS
# and a pkg-config that does not find GSL either (else the check would
# rightly take GSL as there, built from source, say).
cat >"$T/bin/pkg-config" <<EOS
#!/bin/sh
case "\$*" in *gsl*) exit 1 ;; esac
exec $(command -v pkg-config) "\$@"
EOS
chmod +x "$T/bin/dpkg-query" "$T/bin/pkg-config"

PATH="$T/bin:$PATH" run make --no-print-directory BUILD="$T/nb" BIN="$T/nb/coinsim" all
name="make without libgsl-dev: names the package and make deps, compiles nothing"
if [ "$rc" -eq 0 ]; then
    notok "$name" "make succeeded"
elif [ "$(sed -n 1p "$T/err")" != "coinsim: cannot build: missing Debian packages: libgsl-dev" ]; then
    notok "$name" "first line on stderr"
elif ! grep -q "run 'make deps'" "$T/err"; then
    notok "$name" "no word of make deps"
elif [ -n "$(find "$T/nb" -name '*.o' 2>/dev/null)" ]; then
    notok "$name" "objects were compiled: $(find "$T/nb" -name '*.o' | head -3 | tr '\n' ' ')"
else
    ok "$name"
fi

# What dpkg does not know but works is there: GSL found by pkg-config.
rm -f "$T/bin/pkg-config"
PATH="$T/bin:$PATH" run sh tools/deps.sh --check build
if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ]; then
    ok "tools/deps.sh --check build: a library dpkg lacks but pkg-config finds counts as there"
else
    notok "tools/deps.sh --check build: a library dpkg lacks but pkg-config finds counts as there"
fi

# With every package there, the check is silent.
rm -f "$T/bin/dpkg-query"
run sh tools/deps.sh --check test
if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ]; then
    ok "tools/deps.sh --check test: silent and 0 with every package installed"
else
    notok "tools/deps.sh --check test: silent and 0 with every package installed"
fi

# -W makes make take testutil.h as changed without touching it: the tests
# that include it must be rebuilt, the ones that do not must not.
name="a change to tests/unit/testutil.h rebuilds the tests that include it"
if [ ! -x "$BUILD/tests/test_report" ]; then
    notok "$name" "$BUILD/tests/test_report is not built (run make tests-build)"
else
    # What -W adds to what make would do anyway (a test may be stale for
    # another reason; the library is taken as old, it is not the question).
    make --no-print-directory -n -o "$BUILD/libcoinsim.a" BUILD="$BUILD" "$BUILD/tests/test_report" "$BUILD/tests/test_num" 2>&1 |
        grep -o -- "-o $BUILD/tests/test_[a-z]*" >"$T/plain"
    run make --no-print-directory -n -o "$BUILD/libcoinsim.a" -W tests/unit/testutil.h BUILD="$BUILD" \
        "$BUILD/tests/test_report" "$BUILD/tests/test_num"
    grep -o -- "-o $BUILD/tests/test_[a-z]*" "$T/out" | grep -vxF -f "$T/plain" >"$T/added"
    if grep -qxF -- "-o $BUILD/tests/test_report" "$T/added" && ! grep -q test_num "$T/added"; then
        ok "$name"
    else
        notok "$name" "make -n printed: $(tr '\n' ' ' <"$T/out" | cut -c1-300); without -W: $(tr '\n' ' ' <"$T/plain")"
    fi
fi

[ "$fails" -eq 0 ]
