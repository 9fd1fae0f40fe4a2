# ima-fput: one entry point.  Plain `make` builds the tool and installs
# nothing.  `make deps`, and the targets that need more than a compiler
# (`make demo`, `make check`, ...), install the Debian packages they use and
# build what they need; the kernel build is cached outside the clone.
SHELL := /bin/bash
PATCHES ?= series
PROVE ?= prove
# Two tests at a time (one per CPU of the 2-CPU machine the suite is timed
# on; bench/NOTES.md has the measurement), the longest first so that no
# long test starts last: the real system, the fuzzers, then the order of
# the directories.  PROVE_FLAGS= runs them one at a time.
PROVE_FLAGS ?= -j2
RESULTS := build/test-results
TESTS_FIRST := tests/system/debian-6.1.t tests/system/system.t tests/system/debian-6.12.t tests/vm/negctl-sqpoll.t tests/tool/fuzz.t tests/vm/demo.t tests/vm/enforce.t
# The VM suites' test files are made from tests/vm/suites.list.
VM_SUITES := $(shell tests/vm/gen-suites.sh --list)
TESTS := $(TESTS_FIRST) $(filter-out $(TESTS_FIRST),$(wildcard tests/host/*.t \
	tests/tool/*.t tests/vm/*.t) $(VM_SUITES) $(wildcard tests/system/*.t))

.PHONY: all deps tool tool-check kernel kernels vm vm-tests check check-host check-vm \
	demo bench stress system clean install uninstall deb

# Steps run in the order written, so that `deps` comes before what needs it
# even under -j; the parallelism is inside each step.
.NOTPARALLEL:

all: tool

deps:
	@scripts/install-deps.sh

# Installs nothing: says which packages are missing, if any.
tool:
	@scripts/install-deps.sh --check-tool
	$(MAKE) -C tools/ima-test

# PREFIX (default /usr/local) and DESTDIR are passed on.
install: tool
	$(MAKE) -C tools/ima-test install

uninstall:
	$(MAKE) -C tools/ima-test uninstall

# The ima-test Debian package, lintian-checked, in build/deb/.
deb: deps
	@scripts/make-deb.sh

tool-check: deps
	$(MAKE) -C tools/ima-test check-build

# One kernel: PATCHES=series (default) or PATCHES=none (the baseline).
kernel: deps
	@PATCHES=$(PATCHES) vm/build-kernel.sh >/dev/null

kernels: deps
	@PATCHES=series vm/build-kernel.sh >/dev/null
	@PATCHES=none vm/build-kernel.sh >/dev/null

# Kernels, static guest tool and an initramfs per kernel, rebuilt from the clone.
vm: kernels
	$(MAKE) -C tools/ima-test static
	@for k in series none; do \
		kdir=$$(PATCHES=$$k vm/build-kernel.sh 2>/dev/null) && \
		mkdir -p build/vm/$$(basename $$kdir) && \
		vm/mkinitramfs.sh "$$kdir" build/vm/$$(basename $$kdir)/initramfs.cpio.gz || exit 1; \
	done

# The VM suites' test files, from tests/vm/suites.list.
vm-tests:
	@tests/vm/gen-suites.sh

check: deps tool-check vm vm-tests
	@mkdir -p $(RESULTS)
	@rm -f $(RESULTS)/prove-state.yml
	$(PROVE) -v $(PROVE_FLAGS) --state=save --statefile=$(RESULTS)/prove-state.yml \
		$(TESTS) 2>&1 | \
		tests/timing-table.pl $(RESULTS)/prove-state.yml | tee $(RESULTS)/prove.log; \
		exit $${PIPESTATUS[0]}

# The real Debian 12 system under enforce, on both kernels (tests/system/).
system: deps tool kernels
	$(MAKE) -C tools/ima-test static
	$(PROVE) -v tests/system/*.t

check-host: deps tool-check kernels
	$(PROVE) -v tests/host/*.t tests/tool/*.t

check-vm: deps vm vm-tests
	$(PROVE) -v tests/vm/*.t $(VM_SUITES)

# Targets whose scripts live beside their tests; each says so if missing.
define run-script
	@[ -x $(1) ] || { echo "make $@: $(1) is not built yet" >&2; exit 1; }
	$(1)
endef

demo: deps tool vm
	$(call run-script,demo/run.sh)

# The build pipeline: sign a manifest through a SoftHSM token on the host,
# apply it in the guest, run the programs under enforce.
.PHONY: demo-pipeline
demo-pipeline: deps tool vm
	$(call run-script,tests/vm/pkcs11.sh)

bench: deps tool vm
	$(call run-script,bench/run.sh)

# STRESS_CLOSES: total final closes (default 100000; CI runs fewer via check)
stress: deps vm
	$(call run-script,tests/vm/stress.sh)

clean:
	rm -rf build
	$(MAKE) -C tools/ima-test clean
