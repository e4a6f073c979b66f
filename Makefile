# socklab - GNU make: Linux, macOS, MinGW, and cross-builds for Windows.
#
#   make                 build every lesson and the tools/ (binaries land next to their sources)
#   make hello | echo | daytime | chat | doctor | chatroom | find    one lesson
#   make steps           the step-by-step versions of lessons 04-06 (lessons/NN-*/steps/*.c)
#   make step-diffs      rewrite lessons/NN-*/steps/K-*.diff, what each step adds
#                        to the one before (committed; a test checks they are current)
#   make test            the behaviour tests (the one test command)
#   make test SANITIZE=1 the same, built with AddressSanitizer + UBSan
#   make STRICT=1 ...    warnings are errors (-Werror), as CI builds; without
#                        it a warning is shown and the program is still built;
#                        make test STRICT=1 also checks the code rules (t_rules.c)
#   make check-setup     is this laptop ready for class? (run it first)
#   make exercises       list the lessons' exercises (id, difficulty, time, checked?)
#   make check EX=02.2   is exercise 02.2 done? rebuilds that lesson, then checks it
#   make check-solutions every check fails on its lesson and passes on its model
#                        solution (solutions/), in a copy of the tree (CI runs it);
#                        check-solutions-wine: the same with the Windows build
#   make test-windows    cross-build with mingw-w64, run the same tests under wine
#   make test-lan        a class of 30 on a LAN of network namespaces (root; else skips)
#   make test-msvc-makefile   drive Makefile.win with a cl-style compiler shim
#   make fuzz            run the libFuzzer targets for a bounded time (clang)
#   make bench           the chat room load benchmark
#   make mutate          would the tests see a broken program? (SAMPLE=N: N edits)
#   make slides          rebuild the slide decks in slides/
#   make clean
#
# Windows: under MinGW (OS=Windows_NT) or with CC=x86_64-w64-mingw32-gcc the
# programs are .exe files linked with -lws2_32. For MSVC use Makefile.win.

CC      ?= cc
HOSTCC  ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c99 -Wall -Wextra -Wpedantic
# A student's half-done exercise (an unused variable) must still build;
# CI and developers build with STRICT=1, where no warning gets through.
ifeq ($(STRICT),1)
  WARN  += -Werror
endif
LDLIBS  :=

ifneq ($(or $(filter Windows_NT,$(OS)),$(findstring mingw,$(CC))),)
  EXE    := .exe
  LDLIBS += -lws2_32
else
  # The servers' log writer is a thread (common/log.h, common/thread.h):
  # glibc before 2.34 keeps pthreads in a library of its own.
  LDLIBS += -pthread
endif
ifeq ($(SANITIZE),1)
  CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
endif

L := lessons
HELLO    := $(L)/01-hello/server$(EXE) $(L)/01-hello/client$(EXE)
ECHO     := $(L)/02-echo/server$(EXE) $(L)/02-echo/client$(EXE)
DAYTIME  := $(L)/03-daytime/server$(EXE) $(L)/03-daytime/client$(EXE)
CHAT     := $(L)/04-chat/server$(EXE) $(L)/04-chat/client$(EXE)
DOCTOR   := $(L)/05-doctor/server$(EXE) $(L)/05-doctor/client$(EXE)
CHATROOM := $(L)/06-chatroom/server$(EXE) $(L)/06-chatroom/client$(EXE)
FIND     := $(L)/07-find/server$(EXE) $(L)/07-find/client$(EXE)
PROGRAMS := $(HELLO) $(ECHO) $(DAYTIME) $(CHAT) $(DOCTOR) $(CHATROOM) $(FIND)
# Lessons 04-06 in steps: the bare program, then one defence at a time. Each
# step is one .c file on common/ (built by the lessons' pattern rule below).
STEPS    := $(patsubst %.c,%$(EXE),$(sort $(wildcard $(L)/*/steps/*.c)))
# Helpers the "Things to try" use in place of Unix-only tools, and the setup check.
TOOLS    := $(addsuffix $(EXE),$(addprefix tools/,flood hexdump slowreader idle check-setup))

COMMON   := common/net.h common/errors.h common/sockopt.h common/args.h common/addresses.h common/console.h common/tcp.h common/telnet.h common/text.h common/trace.h common/udp.h $(L)/04-chat/chat.h $(L)/04-chat/line.h $(L)/07-find/find.h $(L)/07-find/probe.h $(L)/07-find/tally.h
# The servers' log (a writer thread) and their door (joins per machine and room).
COMMON   += common/log.h common/thread.h common/joins.h
ELIZA    := $(addprefix $(L)/05-doctor/,eliza.c text.c match.c memory.c script.c keys.c patterns.c)
# The doctor server beyond server.c: replies that wait, and who may sit.
DOCTOR_C := $(addprefix $(L)/05-doctor/,outbox.c admission.c)
ELIZA_H  := $(addprefix $(L)/05-doctor/,eliza.h conversation.h script.h parse.h)
# A change of compiler or flags (a sanitizer run, a cross-build) rebuilds.
STAMP    := .build-flags$(EXE)
BUILD_ID := $(CC) $(WARN) $(CFLAGS) $(LDFLAGS) $(LDLIBS)

.PHONY: all hello echo daytime chat doctor chatroom find steps step-diffs test test-windows test-lan \
        test-msvc-makefile fuzz bench slides clean FORCE tools check-setup \
        exercises check check-solutions check-solutions-wine

all: $(PROGRAMS) $(STEPS) $(TOOLS)
steps: $(STEPS)
tools: $(TOOLS)
hello: $(HELLO)
echo: $(ECHO)
daytime: $(DAYTIME)
chat: $(CHAT)
doctor: $(DOCTOR)
chatroom: $(CHATROOM)
find: $(FIND)

$(STAMP): FORCE
	@echo '$(BUILD_ID)' | cmp -s - $@ || echo '$(BUILD_ID)' > $@

# Each program is one .c file plus the common/ headers.
$(L)/%$(EXE): $(L)/%.c $(COMMON) $(STAMP)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# Each tool is one .c file plus the common/ headers, like a lesson program.
tools/%$(EXE): tools/%.c $(COMMON) common/system.h $(STAMP)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# The pre-flight check for class: the compiler, a build, then tools/check-setup
# (a loopback round trip, this machine's addresses, the firewall step).
check-setup:
	@$(CC) --version >/dev/null 2>&1 || { echo "compiler: '$(CC)' not found: install gcc (Debian: apt-get install build-essential)"; echo "NOT READY: no C compiler"; exit 1; }
	@$(MAKE) --no-print-directory all || { echo "NOT READY: the build failed: read its first error above"; exit 1; }
	@./tools/check-setup$(EXE) --compiler "$(CC)"

# Lesson 05 is lesson 04's client, unchanged (built from 04's source), and a
# server with the ELIZA engine beside it.
$(L)/05-doctor/client$(EXE): $(L)/04-chat/client.c $(COMMON) $(STAMP)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)
$(L)/05-doctor/server$(EXE): $(L)/05-doctor/server.c $(DOCTOR_C) $(L)/05-doctor/patient.h $(ELIZA) $(ELIZA_H) $(COMMON) $(STAMP)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $(L)/05-doctor/server.c $(DOCTOR_C) $(ELIZA) $(LDLIBS)

# What each step changes, as a .diff beside it that a student can read on
# any machine (GitHub shows it coloured): step K-1 to step K, in file order.
step-diffs:
	@for d in $(L)/*/steps; do prev=; for f in $$d/*.c; do f=$${f##*/}; \
	    [ -n "$$prev" ] && (cd $$d && diff -u --label $$prev --label $$f $$prev $$f > $${f%.c}.diff); \
	    prev=$$f; done; done; true

# Lesson 05's steps are one .c file each plus the ELIZA engine: a rule more
# specific than the lessons' pattern rule, so make prefers it.
$(L)/05-doctor/steps/%$(EXE): $(L)/05-doctor/steps/%.c $(ELIZA) $(ELIZA_H) $(COMMON) $(STAMP)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ELIZA) $(LDLIBS)

# Lesson 06: the networking (server.c, clients.c) and the room's rules (room.c,
# commands.c, names.c) apart, so the rules can be fuzzed without sockets.
# unicode/unicode.c looks up names' and lines' Unicode facts in unicode/tables.h,
# which unicode/make-tables.py generated.
UNICODE06 := $(L)/06-chatroom/unicode/unicode.c
$(L)/06-chatroom/server$(EXE): $(L)/06-chatroom/server.c $(L)/06-chatroom/clients.c $(L)/06-chatroom/room.c $(L)/06-chatroom/commands.c $(L)/06-chatroom/names.c $(L)/06-chatroom/door.c $(UNICODE06) $(L)/06-chatroom/unicode/unicode.h $(L)/06-chatroom/unicode/tables.h $(L)/06-chatroom/server.h $(L)/06-chatroom/room.h $(COMMON) $(STAMP)
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $(L)/06-chatroom/server.c $(L)/06-chatroom/clients.c $(L)/06-chatroom/room.c $(L)/06-chatroom/commands.c $(L)/06-chatroom/names.c $(L)/06-chatroom/door.c $(UNICODE06) $(LDLIBS)

# ---- tests: a Linux program that drives the real binaries ---------------

TEST_SRC := $(wildcard tests/*.c)
TEST_BIN := tests/run
TEST_CFLAGS := $(WARN) -O1 -g -D_GNU_SOURCE
ifeq ($(SANITIZE),1)
  TEST_CFLAGS += -fsanitize=address,undefined
endif

$(TEST_BIN): $(TEST_SRC) tests/harness.h tests/datagram.h tests/steps.h $(ELIZA) $(ELIZA_H) $(STAMP)
	$(HOSTCC) $(TEST_CFLAGS) -o $@ $(TEST_SRC) $(ELIZA) -lm

# STRICT=1 also holds the project's own files to its code rules (line
# budget, no platform #if: tests/t_rules.c); a student's make test leaves
# them out, so a longer but correct exercise never fails it.
test: all $(TEST_BIN)
	./$(TEST_BIN) $(if $(filter 1,$(STRICT)),--strict)

# The Windows build under wine: see tests/wine.sh for the environment.
test-windows:
	$(MAKE) all CC=x86_64-w64-mingw32-gcc
	$(MAKE) $(TEST_BIN) CC=cc
	sh tests/wine.sh ./$(TEST_BIN) --wine

test-msvc-makefile:
	sh tests/msvc-makefile.sh

# A teacher, 30 students and a router, each a network namespace (tests/lan.sh).
test-lan: all
	sh tests/lan.sh

# ---- exercises that check themselves ----------------------------------------
# The READMEs' "## Exercises" are the list (tests/exercises/list.awk reads
# it); the checks are tests on the same harness (tests/exercises/ex_NN.c), in
# a program of their own so that tests/run stays the suite of the lessons as
# they are. `make check` builds the lesson with plain warnings (a student's
# unused variable must not stop the check), then runs the exercise's check;
# CC=x86_64-w64-mingw32-gcc runs it against the Windows build under wine.

EXERCISE_BIN := tests/exercises/check
EXERCISE_SRC := $(wildcard tests/exercises/*.c) tests/harness.c
EX_LESSON     = $(filter $(L)/$(firstword $(subst ., ,$(EX)))-%,$(PROGRAMS))

$(EXERCISE_BIN): $(EXERCISE_SRC) tests/exercises/exercise.h tests/harness.h tests/datagram.h
	$(HOSTCC) $(TEST_CFLAGS) -o $@ $(EXERCISE_SRC)

exercises:
	@awk -f tests/exercises/list.awk $(L)/*/README.md

ifeq ($(OS),Windows_NT)
check check-solutions check-solutions-wine:
	@echo "make $@ needs Linux (or WSL, or a Linux machine in the room): its checks start the"
	@echo "programs and watch them with Linux calls. Build and run your code here as the README"
	@echo "says; on Linux, make check EX=NN.K CC=x86_64-w64-mingw32-gcc checks the Windows build."
	@exit 1
else
check:
	@[ -n "$(EX)" ] || { echo "usage: make check EX=NN.K   (make exercises lists them)"; exit 2; }
	@[ -n "$(EX_LESSON)" ] || { echo "no lesson $(firstword $(subst ., ,$(EX))): make exercises lists the exercises"; exit 2; }
	@$(MAKE) --no-print-directory $(EX_LESSON) || { echo "$(EX): your code does not build yet: read the first error above"; exit 1; }
	@$(MAKE) --no-print-directory $(EXERCISE_BIN) CC=$(HOSTCC) >/dev/null
ifneq ($(EXE),)
	@sh tests/wine.sh ./$(EXERCISE_BIN) --wine $(EX)
else
	@./$(EXERCISE_BIN) $(EX)
endif

check-solutions:
	sh tests/check-solutions.sh

# The same against the mingw build under wine (slow: pick some with
# EXERCISES="01.3 04.2"; SOCKLAB_WINEPREFIX=DIR for a wine of your own).
check-solutions-wine:
	sh tests/wine.sh sh tests/check-solutions.sh --wine
endif

# ---- fuzzing (clang + libFuzzer), bounded in time --------------------------

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_BIN     := tests/fuzz/bin

$(FUZZ_BIN)/fuzz_eliza: tests/fuzz/fuzz_eliza.c $(ELIZA) $(ELIZA_H)
	@mkdir -p $(FUZZ_BIN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(L)/05-doctor -o $@ $< $(ELIZA)
$(FUZZ_BIN)/fuzz_script: tests/fuzz/fuzz_script.c $(ELIZA) $(ELIZA_H)
	@mkdir -p $(FUZZ_BIN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(L)/05-doctor -o $@ $< $(ELIZA)
$(FUZZ_BIN)/fuzz_chatroom: tests/fuzz/fuzz_chatroom.c $(L)/06-chatroom/room.c $(L)/06-chatroom/commands.c $(L)/06-chatroom/names.c $(UNICODE06) $(L)/06-chatroom/unicode/tables.h $(L)/06-chatroom/room.h $(COMMON)
	@mkdir -p $(FUZZ_BIN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(L)/06-chatroom -I$(L)/04-chat -Icommon -o $@ $< $(L)/06-chatroom/room.c $(L)/06-chatroom/commands.c $(L)/06-chatroom/names.c $(UNICODE06)

$(FUZZ_BIN)/fuzz_line: tests/fuzz/fuzz_line.c $(COMMON)
	@mkdir -p $(FUZZ_BIN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(L)/04-chat -Icommon -o $@ $<

$(FUZZ_BIN)/fuzz_find: tests/fuzz/fuzz_find.c $(L)/07-find/find.h
	@mkdir -p $(FUZZ_BIN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(L)/07-find -o $@ $<

FUZZERS := $(FUZZ_BIN)/fuzz_eliza $(FUZZ_BIN)/fuzz_script $(FUZZ_BIN)/fuzz_chatroom $(FUZZ_BIN)/fuzz_line $(FUZZ_BIN)/fuzz_find
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
	    echo "== $$f for $(FUZZ_SECONDS) s"; \
	    mkdir -p $$f.corpus; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$f.corpus > $$f.log 2>&1; \
	    rc=$$?; tail -n 12 $$f.log; [ $$rc -eq 0 ] || exit 1; \
	done

# ---- mutation check: would the behaviour tests see a broken program? ---------
# tests/mutations.txt lists small edits; each is made in a copy of the tree,
# built and tested (see tests/mutate.sh). SAMPLE=N runs N of them (CI).

.PHONY: mutate
mutate:
	sh tests/mutate.sh $(SAMPLE)

# ---- benchmark (figures, never a pass/fail timing) ---------------------------

# make bench BENCH=quick (shorter), BENCH=flood (only the flood runs), or both.
bench: chatroom
	$(HOSTCC) -std=c99 -O2 -Wall -Wextra -D_GNU_SOURCE -o tests/bench/load tests/bench/load.c tests/bench/flood.c tests/bench/squat.c
	tests/bench/load $(addprefix --,$(BENCH))

# Lesson 06's steps: each one's diff against the step before, kept beside it
# (lessons/06-chatroom/steps/N-name.diff), so that the README can link what a
# step adds and a browser shows it; tests/t_steps06.c fails while one is stale.

# The programs this file builds, one line (tests/msvc-makefile.sh compares
# Makefile.win against it).
print-programs:
	@echo $(PROGRAMS) $(STEPS) $(TOOLS)

# ---- slides: slides/src/*.md -> slides/*.html (slides/build.c) --------------
# Each deck is one self-contained HTML file; its code is copied from the
# lesson sources. The built decks are committed (they are what an instructor
# opens); `make test` fails when one differs from what the sources give now.

SLIDES_BIN := slides/build
SLIDES_SRC := $(wildcard slides/src/*.md)

$(SLIDES_BIN): slides/build.c
	$(HOSTCC) $(WARN) -O2 -o $@ slides/build.c

slides: $(SLIDES_BIN)
	./$(SLIDES_BIN) $(SLIDES_SRC)

clean:
	rm -f $(PROGRAMS) $(addsuffix .exe,$(PROGRAMS)) $(STEPS) $(addsuffix .exe,$(STEPS)) $(TOOLS) $(addsuffix .exe,$(TOOLS)) $(TEST_BIN) $(EXERCISE_BIN) .build-flags* $(SLIDES_BIN)
	rm -f $(L)/*/*.obj $(L)/*/*.o
	rm -rf tests/fuzz/bin

FORCE:
