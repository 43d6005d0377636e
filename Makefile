# coinsim — hand-written Makefile. `make run` and `make test` install their
# own missing Debian packages first (tools/deps.sh).

CC      ?= cc
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS  ?= -O2 -g
# sim/ sees only GSL; ncurses' flags are for tui/ alone.
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(MPI_DEFS) -MMD -MP $(SAN) $(shell pkg-config --cflags gsl 2>/dev/null)
TUI_CFLAGS = $(shell pkg-config --cflags ncursesw 2>/dev/null)
LDLIBS_SIM = $(shell pkg-config --libs gsl 2>/dev/null || echo -lgsl -lgslcblas -lm) -lcsv -lm -lpthread
LDLIBS_TUI = $(LDLIBS_SIM) $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
LDLIBS_TEST = $(LDLIBS_SIM) $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# Sanitizer builds live in their own directory so they never mix objects.
BUILD   ?= build
SIM_SRC := $(wildcard sim/*.c)
TUI_SRC := $(wildcard tui/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
SIM_OBJ := $(SIM_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
TESTS   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB     := $(BUILD)/libcoinsim.a
BIN     ?= coinsim

.PHONY: all deps deps-browser screenshots run test tests-build clean asan bench lint fuzz have-build have-test \
    mpi test-mpi bench-mpi

all: $(BIN)

deps:
	@sh tools/deps.sh

# Optional: never fails; tests/e2e/browser.sh says why it skips.
deps-browser: deps
	@sh tools/deps.sh --browser || \
	    echo "coinsim: the browser group is not installed; the browser test will skip unless it finds Chromium" >&2

# Before compiling, the packages a build needs are checked, so that one that
# is missing is named (with the command that installs it) rather than
# showing as a compiler error. Order-only: they never make a file stale.
have-build:
	@CC="$(CC)" sh tools/deps.sh --check build
have-test:
	@CC="$(CC)" sh tools/deps.sh --check test

$(BUILD)/sim/%.o: sim/%.c | have-build
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tui/%.o: tui/%.c | have-build
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) $(shell pkg-config --cflags gsl 2>/dev/null) -c $< -o $@

$(LIB): $(SIM_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(TUI_OBJ) $(LIB)
	$(CC) $(SAN) -o $@ $(TUI_OBJ) $(LIB) $(LDLIBS_TUI)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) | have-test
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isim -o $@ $< $(LIB) $(LDLIBS_TEST)

# The main job: the baseline scenario.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) run scenarios/baseline

# Every test: unit tests (cmocka) and end-to-end tests of the binary.
# The browser group (headless Chromium for tests/e2e/browser.sh) is tried
# too; if it cannot be installed the suite goes on and that test reports
# itself skipped.
test: deps deps-browser
	@$(MAKE) --no-print-directory all tests-build
	@sh tests/run.sh $(BUILD) ./$(BIN)

tests-build: $(TESTS)

# The README's screenshots of the run, compare and sweep reports, in docs/
# (tools/screenshots.sh: headless Chromium, which this tries to install).
screenshots: deps-browser
	@$(MAKE) --no-print-directory all
	@sh tools/screenshots.sh ./$(BIN)

# The benchmark (not a test): wall time, events a second, peak memory and the
# floor of each bench scenario; bench-mc on one thread and on two; then how
# long a signal takes to stop a job (tools/stop-bench.sh).
bench: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) bench --threads 1 scenarios/baseline scenarios/bench-1m scenarios/bench-idle scenarios/bench-10m scenarios/bench-mc \
	    --threads 2 scenarios/bench-mc
	@sh tools/stop-bench.sh ./$(BIN)

# The MPI build (docs/cluster.md): the same program built with Open MPI's
# mpicc, in build-mpi/, as ./coinsim-mpi. Under mpirun its run, compare,
# sweep and fit spread their runs over the ranks; without mpirun it is
# ./coinsim. Installs Open MPI first if it is missing.
mpi:
	@sh tools/deps.sh mpi
	@$(MAKE) --no-print-directory BUILD=build-mpi BIN=coinsim-mpi CC=mpicc MPI_DEFS=-DCOINSIM_MPI all

# The MPI tests (not part of make test, which needs no MPI): clang-tidy on
# the code only the MPI build compiles, then every output byte-identical
# to ./coinsim at 1, 2 and 3 ranks, a failing rank, a dying rank, SIGINT
# on mpirun (tests/mpi/mpi.sh).
test-mpi: mpi
	@$(MAKE) --no-print-directory all
	@sh tools/deps.sh clang-tidy
	clang-tidy -quiet sim/dist.c sim/pool_ranks.c -- -std=c11 -D_POSIX_C_SOURCE=200809L -DCOINSIM_MPI \
	    $$(mpicc --showme:compile) $(shell pkg-config --cflags gsl)
	@sh tests/mpi/run.sh ./$(BIN) ./coinsim-mpi

# bench-mc under mpirun on 1 and 2 ranks of one thread each: wall time,
# speed-up and efficiency (tools/bench-mpi.sh).
bench-mpi: mpi
	@sh tools/bench-mpi.sh ./coinsim-mpi scenarios/bench-mc

# The whole suite under AddressSanitizer and UBSan, in build-asan/.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/coinsim \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    CFLAGS="-O1 -g" all tests-build
	@ASAN_OPTIONS=detect_leaks=1 sh tests/run.sh build-asan build-asan/coinsim

# libFuzzer on every parser (tests/fuzz/fuzz_*.c), built with clang in
# build-fuzz/; each harness runs FUZZ_SECONDS (default 60) on its seeds in
# tests/fuzz/corpus/NAME/, with the dictionary tests/fuzz/NAME.dict if there
# is one (new inputs go to build-fuzz/corpus/NAME/, findings
# to build-fuzz/findings/NAME/). Fails if any harness finds a crash, a leak
# or a hang.
fuzz:
	@sh tools/deps.sh clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CFLAGS="-O1 -g" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    build-fuzz/libcoinsim.a
	@set -e; for h in $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)); do \
	    echo "clang -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_$$h.c -o build-fuzz/fuzz_$$h"; \
	    clang -std=c11 $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	        -fno-sanitize-recover=all $(shell pkg-config --cflags gsl 2>/dev/null) -Isim -DCOINSIM_ROOT='"$(CURDIR)"' \
	        -o build-fuzz/fuzz_$$h tests/fuzz/fuzz_$$h.c build-fuzz/libcoinsim.a $(LDLIBS_SIM); \
	done
	@fail=0; for h in $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)); do \
	    rm -rf build-fuzz/findings/$$h; mkdir -p build-fuzz/corpus/$$h build-fuzz/findings/$$h; \
	    dict=""; if [ -f tests/fuzz/$$h.dict ]; then dict="-dict=tests/fuzz/$$h.dict"; fi; \
	    echo "fuzz_$$h: $(or $(FUZZ_SECONDS),60) s on tests/fuzz/corpus/$$h$${dict:+ with $$dict}"; \
	    if ./build-fuzz/fuzz_$$h -max_total_time=$(or $(FUZZ_SECONDS),60) -timeout=10 -print_final_stats=1 $$dict \
	            -artifact_prefix=build-fuzz/findings/$$h/ build-fuzz/corpus/$$h tests/fuzz/corpus/$$h \
	            >build-fuzz/fuzz_$$h.log 2>&1; then rc=0; else rc=$$?; fi; \
	    grep -aE '^stat::(number_of_executed_units|new_units_added)' build-fuzz/fuzz_$$h.log | sed 's/^/    /'; \
	    if [ $$rc -ne 0 ] || [ -n "$$(ls build-fuzz/findings/$$h)" ]; then \
	        fail=1; grep -aE '^(==[0-9]+==ERROR|SUMMARY)|ERROR: libFuzzer|runtime error' build-fuzz/fuzz_$$h.log | sed 's/^/    /'; \
	        for f in build-fuzz/findings/$$h/*; do [ -e "$$f" ] && echo "    finding: $$f"; done; \
	        echo "    FAILED (exit $$rc; log build-fuzz/fuzz_$$h.log)"; \
	    else echo "    no findings"; fi; \
	done; exit $$fail

# Static checks and a leak check: cppcheck and clang-tidy (.clang-tidy) on
# sim/ and tui/, then valgrind on a small scenario with --check.
lint: deps
	@sh tools/deps.sh cppcheck clang-tidy clang-format valgrind
	sh tools/layout.sh
	sh tools/layers.sh
	@$(MAKE) --no-print-directory all
	cppcheck --enable=warning,performance,portability --std=c11 --error-exitcode=1 --inline-suppr -q sim tui
	clang-tidy -quiet sim/*.c tui/*.c -- -std=c11 -D_POSIX_C_SOURCE=200809L $(shell pkg-config --cflags gsl ncursesw)
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	    ./$(BIN) run tests/fixtures/e2e/small --headless --check --runs 2 --threads 2 >/dev/null

clean:
	rm -rf build build-asan build-fuzz build-mpi $(BIN) coinsim-mpi

-include $(SIM_OBJ:.o=.d) $(TUI_OBJ:.o=.d) $(TESTS:=.d)
