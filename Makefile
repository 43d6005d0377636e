# coinsim — hand-written Makefile. `make run` and `make test` install their
# own missing Debian packages first (tools/deps.sh).

CC      ?= cc
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS  ?= -O2 -g
# sim/ sees only GSL; ncurses' flags are for tui/ alone.
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -MMD -MP $(SAN) $(shell pkg-config --cflags gsl 2>/dev/null)
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

.PHONY: all deps run test tests-build clean asan bench

all: $(BIN)

deps:
	@sh tools/deps.sh

$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TUI_CFLAGS) $(shell pkg-config --cflags gsl 2>/dev/null) -c $< -o $@

$(LIB): $(SIM_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(TUI_OBJ) $(LIB)
	$(CC) $(SAN) -o $@ $(TUI_OBJ) $(LIB) $(LDLIBS_TUI)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isim -o $@ $< $(LIB) $(LDLIBS_TEST)

# The main job: the baseline scenario.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) run scenarios/baseline

# Every test: unit tests (cmocka) and end-to-end tests of the binary.
test: deps
	@$(MAKE) --no-print-directory all tests-build
	@sh tests/run.sh $(BUILD) ./$(BIN)

tests-build: $(TESTS)

# The benchmark (not a test): wall time, events a second, peak memory and the
# floor of each bench scenario; bench-mc on one thread and on two.
bench: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) bench --threads 1 scenarios/baseline scenarios/bench-1m scenarios/bench-idle scenarios/bench-10m scenarios/bench-mc \
	    --threads 2 scenarios/bench-mc

# The whole suite under AddressSanitizer and UBSan, in build-asan/.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/coinsim \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    CFLAGS="-O1 -g" all tests-build
	@ASAN_OPTIONS=detect_leaks=1 sh tests/run.sh build-asan build-asan/coinsim

clean:
	rm -rf build build-asan $(BIN)

-include $(SIM_OBJ:.o=.d) $(TUI_OBJ:.o=.d)
