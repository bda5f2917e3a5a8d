# SPDX-License-Identifier: GPL-2.0-only
# eunomia: learn what a container needs from the kernel, then hold it to that.
#
#   make deps      install the Debian packages needed to build and test (root)
#   make           build ./build/eunomia
#   make test      unit tests (cmocka), fuzzing corpora and regressions, integration tests
#                  (bats, root), the monitor's and learn's suites again with each fallback
#                  forced (test-fallbacks), VM tests, then unit and integration again
#                  under ASan+UBSan
#   make fuzz      libFuzzer on each parser of outside input, FUZZ_SECONDS (60) each
#   make lint      clang-tidy, cppcheck and a -Werror build of the user-space C
#   make bench     benchmarks (learn, enforce, monitor, the monitor as seccomp agent, the OCI hook,
#                  profile sizes); writes bench/results/*.md
#   make policies  learn the shipped policies (policies/*.yaml) again from their workloads (root)
#   make install   PREFIX=/usr/local DESTDIR=

OUTPUT ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec
# podman and CRI-O read /usr/share/containers/oci/hooks.d and /etc/containers/oci/hooks.d
HOOKSDIR ?= $(PREFIX)/share/containers/oci/hooks.d
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/eunomia

include tools.mk
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PKGS := libbpf libseccomp libcap yaml-0.1 json-c libmicrohttpd
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter
CFLAGS ?= -O2 -g
# EUNOMIA_SRCDIR: a binary still inside this tree reads its data (policies/) from
# here, so the build works without make install (lib/allowance.c).
ALL_CFLAGS := $(CFLAGS) -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -DEUNOMIA_VERSION='"$(VERSION)"' \
	-I$(OUTPUT) -I. -Ibpf -Ilib -Iprofiler -Ienforcer -DEUNOMIA_SBINDIR='"$(SBINDIR)"' \
	-DEUNOMIA_LIBEXECDIR='"$(LIBEXECDIR)"' \
	-DEUNOMIA_DATADIR='"$(DATADIR)"' -DEUNOMIA_SRCDIR='"$(CURDIR)"' $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS) -lelf -lz -lm $(EXTRA_LDLIBS)

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf

# The kernel's own type information; a checked-in copy where the kernel has none.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_FALLBACK := bpf/vmlinux/$(ARCH)/vmlinux.h

BPF_APPS := learn monitor
BPF_OBJS := $(patsubst %,$(OUTPUT)/%.bpf.o,$(BPF_APPS))
SKELS := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_APPS))

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst lib/%.c,$(OUTPUT)/lib/%.o,$(LIB_SRCS))
CMD_SRCS := main.c $(wildcard profiler/*.c) $(wildcard enforcer/*.c)
CMD_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(CMD_SRCS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

.PHONY: FORCE all clean deps test test-unit test-integration test-fallbacks test-vm test-sanitizers bench install uninstall check-deps

all: $(OUTPUT)/eunomia $(OUTPUT)/eunomia-oci-hook $(OUTPUT)/eunomia-runtime

# Keep the BPF objects between builds (they are intermediate to the skeletons);
# only these: a global .SECONDARY lets make skip a missing object file.
.SECONDARY: $(BPF_OBJS)

$(OUTPUT) $(OUTPUT)/lib $(OUTPUT)/profiler $(OUTPUT)/enforcer $(OUTPUT)/oci-hooks $(OUTPUT)/tests:
	$(Q)mkdir -p $@

# Regenerate vmlinux.h only when the kernel's BTF changed (cmp -s), so a rebuild
# does not rebuild everything.
$(OUTPUT)/vmlinux.h: FORCE | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)if [ -r $(VMLINUX_BTF) ]; then \
		$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp; \
	else \
		echo "eunomia: $(VMLINUX_BTF) is not readable; using $(VMLINUX_FALLBACK)" >&2; \
		cp $(VMLINUX_FALLBACK) $@.tmp; \
	fi
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o | $(OUTPUT)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/lib/%.o: lib/%.c $(wildcard lib/*.h) bpf/common.h bpf/monitor.h | $(OUTPUT)/lib
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/profiler/%.o: profiler/%.c $(SKELS) $(wildcard lib/*.h profiler/*.h bpf/*.h) | $(OUTPUT)/profiler
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/enforcer/%.o: enforcer/%.c $(SKELS) $(wildcard lib/*.h enforcer/*.h bpf/*.h) | $(OUTPUT)/enforcer
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/oci-hooks/%.o: oci-hooks/%.c $(wildcard lib/*.h oci-hooks/*.h) | $(OUTPUT)/oci-hooks
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

HOOK_OBJS := $(patsubst %,$(OUTPUT)/oci-hooks/%.o,eunomia-oci-hook hook_learn hook_monitor)

$(OUTPUT)/eunomia-oci-hook: $(HOOK_OBJS) $(OUTPUT)/libeunomia.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/eunomia-runtime: $(OUTPUT)/oci-hooks/eunomia-runtime.o $(OUTPUT)/libeunomia.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/main.o: main.c $(wildcard lib/*.h profiler/*.h) | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/libeunomia.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/eunomia: $(CMD_OBJS) $(OUTPUT)/libeunomia.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# ---- tests -------------------------------------------------------------------

$(OUTPUT)/tests/%: tests/unit/%.c $(OUTPUT)/libeunomia.a | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/fixtures"' $< $(OUTPUT)/libeunomia.a \
		$(LDLIBS) -lcmocka -o $@

# Static helpers of the bats tests, so that they run in a busybox container too.
TEST_HELPERS := $(OUTPUT)/tests/storm $(OUTPUT)/tests/sysprobe $(OUTPUT)/tests/churn

$(OUTPUT)/tests/%: tests/integration/%.c | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static -pthread $(WARNINGS) -D_GNU_SOURCE $< -o $@

test-unit: $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do echo "== $$t"; $$t || exit 1; done

INTEGRATION_ENV = EUNOMIA=$(CURDIR)/$(OUTPUT)/eunomia HOOK=$(CURDIR)/$(OUTPUT)/eunomia-oci-hook \
	SHIM=$(CURDIR)/$(OUTPUT)/eunomia-runtime \
	EUNOMIA_DATADIR=$(CURDIR)/policies TEST_BIN=$(CURDIR)/$(OUTPUT)/tests

test-integration: $(OUTPUT)/eunomia $(OUTPUT)/eunomia-oci-hook $(OUTPUT)/eunomia-runtime $(TEST_HELPERS)
	$(Q)$(INTEGRATION_ENV) bats tests/integration

# The monitor's and learn's suites again with each fallback forced (EUNOMIA_REFUSE, see
# lib/bpf_probe.h), so that each is tested on a kernel that has the real thing: every
# leg runs the suites whose mechanism it replaces.
#   no map iterator        the rate limit's flush: a sweep from user space
#   no tp_btf on syscalls  raw_tp for sys_enter, sys_exit and signal_generate
#   no task iterator       a running container's tasks from /proc and pidfds
#   no cap_capable         capabilities not learned nor checked (this kernel has no other way)
FALLBACK_LEGS := \
	'iter/bpf_map_elem monitor denials faults' \
	'tp_btf/sys_enter,tp_btf/sys_exit,tp_btf/signal_generate learn monitor denials tracking' \
	'iter/task learn monitor tracking hook serve' \
	'tp_btf/cap_capable learn monitor'

test-fallbacks: $(OUTPUT)/eunomia $(OUTPUT)/eunomia-oci-hook $(OUTPUT)/eunomia-runtime $(TEST_HELPERS)
	$(Q)for leg in $(FALLBACK_LEGS); do \
		set -- $$leg; refuse=$$1; shift; \
		echo "== EUNOMIA_REFUSE=$$refuse: $$*"; \
		$(INTEGRATION_ENV) EUNOMIA_REFUSE=$$refuse bats $$(printf 'tests/integration/%s.bats ' "$$@") \
			|| exit 1; \
	done

test-vm: $(OUTPUT)/eunomia
	$(Q)tests/vm/run.sh $(OUTPUT)

test: test-unit test-fuzz test-integration test-fallbacks test-vm test-sanitizers

# ---- sanitizers --------------------------------------------------------------
#
# The unit and integration suites again, on a build under AddressSanitizer
# (leaks included) and UndefinedBehaviorSanitizer, in its own output directory:
# any report fails the test that ran the binary.

SAN_OUTPUT ?= $(OUTPUT)/sanitizers
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

test-sanitizers:
	$(Q)EUNOMIA_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(MAKE) --no-print-directory OUTPUT=$(SAN_OUTPUT) \
		EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDLIBS="$(SAN_FLAGS)" test-unit test-integration

# ---- fuzzing -----------------------------------------------------------------
#
# libFuzzer targets (tests/fuzz/fuzz_*.c) for every parser of outside input,
# built with clang (libFuzzer: libclang-rt-14-dev) against lib/ compiled again
# with the sanitizers, apart from the normal objects.
#   make fuzz        run each target for FUZZ_SECONDS on a scratch copy of its
#                    corpus; any crash, leak, undefined behaviour or timeout fails
#                    (the input is left in $(OUTPUT)/fuzz/artifacts/TARGET/)
#   make test-fuzz   replay tests/fuzz/corpus/TARGET and tests/fuzz/regressions/TARGET
#                    once each (seconds; for make test)
# A crash found is kept in tests/fuzz/regressions/TARGET/, named for what it shows.

FUZZ_TARGETS := profile_yaml oci_state oci_config seccomp_json hook_conf cgroup denials \
	learn_request listener
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(OUTPUT)/fuzz
FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS))
FUZZ_LIB_OBJS := $(patsubst lib/%.c,$(FUZZ_DIR)/lib/%.o,$(LIB_SRCS))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -DEUNOMIA_VERSION='"$(VERSION)"' \
	-I. -Ibpf -Ilib -DEUNOMIA_SBINDIR='"$(SBINDIR)"' -DEUNOMIA_DATADIR='"$(DATADIR)"' \
	-DEUNOMIA_SRCDIR='"$(CURDIR)"' $(PKG_CFLAGS)
# Largest input each target is given: a little above the largest real document.
FUZZ_MAX_LEN_profile_yaml := 16384
FUZZ_MAX_LEN_oci_state := 4096
FUZZ_MAX_LEN_oci_config := 16384
FUZZ_MAX_LEN_seccomp_json := 32768
FUZZ_MAX_LEN_hook_conf := 4096
FUZZ_MAX_LEN_cgroup := 4096
FUZZ_MAX_LEN_denials := 8192
FUZZ_MAX_LEN_learn_request := 4096
FUZZ_MAX_LEN_listener := 8192
FUZZ_RUNS := $(foreach t,$(FUZZ_TARGETS),$(t):$(FUZZ_MAX_LEN_$(t)))

.PHONY: fuzz fuzz-build test-fuzz

$(FUZZ_DIR) $(FUZZ_DIR)/lib:
	$(Q)mkdir -p $@

$(FUZZ_DIR)/lib/%.o: lib/%.c $(wildcard lib/*.h) bpf/common.h bpf/monitor.h | $(FUZZ_DIR)/lib
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

$(FUZZ_DIR)/libeunomia.a: $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libeunomia.a | $(FUZZ_DIR)
	$(call msg,LD-FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $< $(FUZZ_DIR)/libeunomia.a \
		$(LDLIBS) -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)for run in $(FUZZ_RUNS); do \
		t=$${run%%:*}; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
		rm -rf $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t; \
		mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t; \
		cp tests/fuzz/corpus/$$t/* $(FUZZ_DIR)/corpus/$$t/; \
		$(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$${run#*:} \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ $(FUZZ_DIR)/corpus/$$t \
			> $(FUZZ_DIR)/fuzz_$$t.log 2>&1 \
			|| { tail -n 60 $(FUZZ_DIR)/fuzz_$$t.log; echo "fuzz_$$t failed: see" \
				"$(FUZZ_DIR)/fuzz_$$t.log and $(FUZZ_DIR)/artifacts/$$t/"; exit 1; }; \
		grep -E '^stat::(number_of_executed_units|new_units_added)' $(FUZZ_DIR)/fuzz_$$t.log; \
	done

test-fuzz: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
		echo "== fuzz_$$t: corpus and regressions"; \
		mkdir -p $(FUZZ_DIR)/artifacts/test-$$t; \
		$(FUZZ_DIR)/fuzz_$$t -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_DIR)/artifacts/test-$$t/ $$(find tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t -type f \
				2>/dev/null | sort) > $(FUZZ_DIR)/test-fuzz_$$t.log 2>&1 \
			|| { tail -n 60 $(FUZZ_DIR)/test-fuzz_$$t.log; exit 1; }; \
	done

# ---- benchmarks --------------------------------------------------------------

bench: $(OUTPUT)/eunomia $(OUTPUT)/eunomia-oci-hook
	$(Q)bench/learn-overhead.sh $(OUTPUT)
	$(Q)bench/enforce-overhead.sh $(OUTPUT)
	$(Q)bench/hook-overhead.sh $(OUTPUT)
	$(Q)bench/monitor-overhead.sh $(OUTPUT)
	$(Q)bench/notify-overhead.sh $(OUTPUT)
	$(Q)bench/profile-size.sh $(OUTPUT)

# ---- shipped policies -------------------------------------------------------

.PHONY: policies

# nginx, redis-server and postgresql learned again in runc containers under their
# workloads; writes policies/*.yaml and the numbers in policies/README.md (root).
policies: $(OUTPUT)/eunomia $(OUTPUT)/eunomia-oci-hook
	$(Q)policies/learn.sh $(OUTPUT)

# ---- alerting rules ----------------------------------------------------------

.PHONY: monitoring

# The PrometheusRule of deploy/monitoring/ from monitoring/eunomia-rules.yml (alerts.bats
# checks that they agree, and runs promtool's checks and tests on the rules).
monitoring: deploy/monitoring/prometheusrule.yaml

deploy/monitoring/prometheusrule.yaml: monitoring/eunomia-rules.yml monitoring/prometheusrule.py
	$(call msg,GEN,$@)
	$(Q)/usr/bin/python3 monitoring/prometheusrule.py $< >$@.tmp && mv $@.tmp $@

# ---- lint --------------------------------------------------------------------
#
# The user-space C (not bpf/*.bpf.c, which builds against the kernel's headers):
# clang-tidy with .clang-tidy, cppcheck with tests/lint/ (libbpf's macros, and the
# false positives it reports, each with its reason), and a -Werror build (of the
# programs and the unit tests) in $(OUTPUT)/werror. The tools print only what they
# find, and any finding fails; make -j runs clang-tidy on several files at once.

# .clang-tidy is written for clang-tidy 14 (Debian 12's); later ones add checks.
CLANG_TIDY ?= clang-tidy
CPPCHECK ?= cppcheck
LINT_SRCS := main.c $(LIB_SRCS) $(wildcard profiler/*.c enforcer/*.c oci-hooks/*.c) $(UNIT_SRCS)
LINT_TIDY := $(addprefix lint-tidy/,$(LINT_SRCS))
# The build's -I and -D, the unit tests' FIXTURES; cppcheck is not shown the system headers.
LINT_FLAGS := $(filter -std=% -I% -D%,$(ALL_CFLAGS)) -DFIXTURES='"$(CURDIR)/tests/fixtures"'
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --inline-suppr \
	--error-exitcode=1 --std=c11 --quiet --template=gcc -j$(shell nproc 2>/dev/null || echo 1) \
	--library=posix --library=gnu --library=tests/lint/libbpf.cfg \
	--suppressions-list=tests/lint/cppcheck.supp $(filter-out -std=% -I/usr/%,$(LINT_FLAGS))

.PHONY: lint lint-werror lint-cppcheck $(LINT_TIDY)

lint: lint-werror lint-cppcheck $(LINT_TIDY)

lint-werror:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(OUTPUT)/werror EXTRA_CFLAGS="$(EXTRA_CFLAGS) -Werror" \
		all $(patsubst $(OUTPUT)/%,$(OUTPUT)/werror/%,$(UNIT_BINS))

lint-cppcheck: $(SKELS)
	$(call msg,CPPCHECK,$(words $(LINT_SRCS)) files)
	$(Q)$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_SRCS)

# The output only when there is something to say (clang-tidy counts the system headers' warnings).
$(LINT_TIDY): lint-tidy/%: % $(SKELS)
	$(call msg,TIDY,$*)
	$(Q)out=$$($(CLANG_TIDY) --quiet $* -- $(WARNINGS) $(LINT_FLAGS) 2>&1) || \
		{ printf '%s\n' "$$out" | grep -v 'warnings\? generated\.$$'; exit 1; }

# ---- installation ------------------------------------------------------------

DEB_PACKAGES := build-essential clang llvm pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev \
	libseccomp-dev libcap-dev libyaml-dev libjson-c-dev libcmocka-dev bats jq \
	runc podman golang-github-containers-common busybox-static gcc-multilib qemu-system-x86 cpio \
	libbpf-tools nginx wrk redis-server redis-tools postgresql-15 postgresql-client-15 \
	libmicrohttpd-dev prometheus prometheus-alertmanager docker.io \
	cppcheck clang-tidy libclang-rt-14-dev python3-yaml groff-base curl

# No service is started while the packages install (policy-rc.d, when the machine has
# none of its own): Docker's would make a bridge and iptables rules on the host, and
# the tests start every server they use themselves.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "make deps: all packages are installed"; \
	else echo "make deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		made=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && \
			chmod 0755 /usr/sbin/policy-rc.d && made=1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing; st=$$?; \
		if [ -n "$$made" ]; then rm -f /usr/sbin/policy-rc.d; fi; exit $$st; fi

# The alerting rules, their tests and the Grafana dashboard, into DATADIR/monitoring.
MONITORING_FILES := monitoring/eunomia-rules.yml monitoring/eunomia-rules.test.yml \
	monitoring/grafana/eunomia-dashboard.json

HOOK_PATH := $(LIBEXECDIR)/eunomia/eunomia-oci-hook
SHIM_PATH := $(LIBEXECDIR)/eunomia/eunomia-runtime

install: $(OUTPUT)/eunomia $(OUTPUT)/eunomia-oci-hook $(OUTPUT)/eunomia-runtime
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(LIBEXECDIR)/eunomia $(DESTDIR)$(HOOKSDIR) $(DESTDIR)$(DATADIR)/runtimes \
		$(DESTDIR)$(DATADIR)/policies $(DESTDIR)$(DATADIR)/monitoring
	install -m 0755 $(OUTPUT)/eunomia $(DESTDIR)$(SBINDIR)/eunomia
	install -m 0755 $(OUTPUT)/eunomia-oci-hook $(DESTDIR)$(HOOK_PATH)
	install -m 0755 $(OUTPUT)/eunomia-runtime $(DESTDIR)$(SHIM_PATH)
	sed 's|@HOOK@|$(HOOK_PATH)|' oci-hooks/eunomia-hook.json.in > $(DESTDIR)$(HOOKSDIR)/eunomia.json
	chmod 0644 $(DESTDIR)$(HOOKSDIR)/eunomia.json
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 policies/runtimes/*.yaml $(DESTDIR)$(DATADIR)/runtimes/
	install -m 0644 policies/*.yaml $(DESTDIR)$(DATADIR)/policies/
	install -m 0644 $(MONITORING_FILES) $(DESTDIR)$(DATADIR)/monitoring/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/eunomia $(DESTDIR)$(HOOK_PATH) $(DESTDIR)$(SHIM_PATH) \
		$(DESTDIR)$(HOOKSDIR)/eunomia.json
	-rmdir $(DESTDIR)$(LIBEXECDIR)/eunomia 2>/dev/null
	for m in man/*.8; do rm -f $(DESTDIR)$(MANDIR)/man8/$$(basename $$m); done
	for m in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	for f in policies/runtimes/*.yaml; do rm -f $(DESTDIR)$(DATADIR)/runtimes/$$(basename $$f); done
	for f in policies/*.yaml; do rm -f $(DESTDIR)$(DATADIR)/policies/$$(basename $$f); done
	for f in $(MONITORING_FILES); do rm -f $(DESTDIR)$(DATADIR)/monitoring/$$(basename $$f); done
	-rmdir $(DESTDIR)$(DATADIR)/runtimes $(DESTDIR)$(DATADIR)/policies \
		$(DESTDIR)$(DATADIR)/monitoring $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf $(OUTPUT)
