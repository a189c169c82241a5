# SPDX-License-Identifier: GPL-2.0-or-later
# vswitch - top-level build. `make` builds everything, `make check` runs the unit
# tests (no root needed), `make test` runs every suite (tests/run), `make demo`
# shows the switch working, `make asan` builds with ASan/UBSan into build-asan/
# (`make test` builds it too and runs the hostile suites against it).

CC	?= cc
BUILD	?= build
PKGS	:= libmnl libnftnl jansson libpcap yaml-0.1
CFLAGS_BASE := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	-Wstrict-prototypes -Wmissing-prototypes -D_FORTIFY_SOURCE=2 \
	-fstack-protector-strong -fPIE -g
OPT	?= -O2
CFLAGS	?=
CFLAGS	+= $(CFLAGS_BASE) $(OPT) -Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lmnl -lnftnl -ljansson -lpcap -lyaml) -lpthread

LIB_SRCS	:= $(wildcard lib/*.c)
VSWITCHD_SRCS	:= $(wildcard vswitch/*.c)
NETCTL_SRCS	:= $(wildcard netctl/*.c)
LAB_SRCS	:= $(wildcard lab/*.c)
VMM_SRCS	:= $(wildcard vmm/*.c)
DHCP_SRCS	:= $(wildcard dhcp/*.c)
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)

OBJ	:= $(BUILD)/obj
LIB_OBJS	:= $(LIB_SRCS:%.c=$(OBJ)/%.o)
VSWITCHD_OBJS	:= $(VSWITCHD_SRCS:%.c=$(OBJ)/%.o)
# vswitchd's objects minus main(), so unit tests can link switch modules.
VSWITCH_CORE_OBJS := $(filter-out $(OBJ)/vswitch/main.o,$(VSWITCHD_OBJS))
NETCTL_OBJS	:= $(NETCTL_SRCS:%.c=$(OBJ)/%.o)
LAB_OBJS	:= $(LAB_SRCS:%.c=$(OBJ)/%.o)
VMM_OBJS	:= $(VMM_SRCS:%.c=$(OBJ)/%.o)
DHCP_OBJS	:= $(DHCP_SRCS:%.c=$(OBJ)/%.o)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
FUZZ_BINS	:= $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)

PROGS := $(BUILD)/vswitchd $(BUILD)/netctl $(if $(VMM_SRCS),$(BUILD)/vmm)

.PHONY: all check test fuzz asan demo deps clean bench
all: $(PROGS) $(UNIT_BINS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Unit tests reach the modules of every program.
$(OBJ)/tests/unit/%.o: CFLAGS += -Ivswitch -Inetctl -Idhcp -Ivmm -Ilab
$(OBJ)/netctl/%.o: CFLAGS += -Ilab
$(OBJ)/vswitch/%.o: CFLAGS += -Idhcp

$(BUILD)/libvswitch.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# vswitchd's modules (and the DHCP engine it embeds) as an archive, so unit
# tests pull in only what they use.
$(BUILD)/libvswitchd.a: $(VSWITCH_CORE_OBJS) $(DHCP_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/vswitchd: $(VSWITCHD_OBJS) $(DHCP_OBJS) $(BUILD)/libvswitch.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The lab orchestrator (lab/): part of netctl, an archive for unit tests.
$(BUILD)/liblab.a: $(LAB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/netctl: $(NETCTL_OBJS) $(BUILD)/liblab.a $(BUILD)/libvswitch.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/vmm: $(VMM_OBJS) $(BUILD)/libvswitch.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# vmm's modules minus main(), for its unit tests (tests/unit/test_vmm_*.c).
$(BUILD)/libvmm.a: $(filter-out $(OBJ)/vmm/main.o,$(VMM_OBJS))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/unit/test_vmm_%: $(OBJ)/tests/unit/test_vmm_%.o $(BUILD)/libvmm.a $(BUILD)/libvswitch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Unit tests link every library and switch module; the linker keeps what is used.
$(BUILD)/tests/unit/%: $(OBJ)/tests/unit/%.o $(BUILD)/liblab.a $(BUILD)/libvswitchd.a $(BUILD)/libvswitch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# libFuzzer targets need clang; they build into their own tree with sanitizers.
FUZZ_CC	?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Ilib -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
$(BUILD)/tests/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(LDLIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		n=$$(basename $$f); echo "== $$n (60 s)"; \
		mkdir -p $(BUILD)/fuzz-corpus/$$n; \
		$$f -max_total_time=60 $(BUILD)/fuzz-corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

check: $(UNIT_BINS)
	@tests/run --unit-only

test: all $(FUZZ_BINS) asan
	@tests/run

# The sanitizer build, in its own tree. Two jobs unless make already runs
# parallel (then the sub-make shares its job slots), so `make test` after a
# plain `make` does not pay for it serially.
ASAN_BUILD := build-asan
asan:
	$(MAKE) $(if $(findstring -j,$(MAKEFLAGS)),,-j2) BUILD=$(ASAN_BUILD) \
		OPT="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -U_FORTIFY_SOURCE" \
		LDFLAGS="-fsanitize=address,undefined" all

deps:
	scripts/install-deps

demo:
	scripts/demo

bench:
	scripts/bench/datapath

clean:
	rm -rf build $(ASAN_BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
