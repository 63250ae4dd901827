# SPDX-License-Identifier: GPL-2.0
#
# tlsmon top-level Makefile.
#
#   make            build module/tlsmon.ko and every directory of tools/
#                   with a Makefile (monctl with tlsmon-forward and
#                   tlsmon-decrypt, libtlsmon...)
#   make deps       install every Debian package the project needs (root)
#   make demo       the demonstration, in a QEMU guest
#   make check      host unit tests, 60 s of fuzzing, style checks and the
#                   guest suites
#   make check-debug  the guest suites on a debug kernel (KASAN, lockdep,
#                   kmemleak, UBSAN...), built once into build/debug-kernel
#   make check-kernel KTREE=DIR  the guest suites on a kernel built in DIR
#                   (any version), the module built against DIR; on
#                   kernels whose kTLS rekeys, the rekey suite too
#   make check-ktls   the kernel's kTLS selftest with and without tlsmon
#                   (about an hour)
#   make check-build KTREES="DIR..."  the module built with W=1 against
#                   each prepared kernel tree; a warning fails the tree
#   make check-matrix  the guest suites on Debian 6.1's rt (PREEMPT_RT) and
#                   cloud kernels (make deps-matrix installs them)
#   make bench      throughput, connection rate, event latency and scale
#                   with the module absent, loaded and enabled (guest);
#                   BENCH_CLOCK=icount counts instructions instead of time
#   make bench-ab   the connection rate of module builds AB="NAME=KO..."
#                   against the module absent, short interleaved rounds;
#                   AB_CLOCK=icount counts instructions instead of time
#   make fuzz       the handshake parser under libFuzzer for FUZZ_TIME
#                   seconds (default 600), corpus kept in build/fuzz
#   make install    install the module (modules_install + depmod), monctl
#                   and libtlsmon
#   make install-tools  install every program and library of tools/, the
#                   systemd units, the policy file and modprobe.d file
#   make install-dkms   install the module's source for DKMS
#                   (/usr/src/tlsmon-VERSION)
#   make uninstall  remove what make install put in place
#   make deb        the Debian packages (tlsmon-dkms, tlsmon-tools,
#                   libtlsmon0, libtlsmon-dev) in build/deb
#   make clean      remove everything the build made
#
# KDIR selects the kernel tree the module builds against: the running
# kernel's when it has one, otherwise the tree of the kernel the test guest
# boots (the one linux-image-amd64 depends on), never merely the newest
# headers installed: with 6.12's headers beside 6.1's, a module built for
# 6.12 would not load in the 6.1 guest.

GUEST_ABI ?= $(shell dpkg-query -W -f='$${Depends}' linux-image-amd64 2>/dev/null | \
	       grep -o 'linux-image-[0-9][^ ,]*-amd64' | head -n1 | sed 's/^linux-image-//')
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(if $(GUEST_ABI),$(wildcard /lib/modules/$(GUEST_ABI)/build /usr/src/linux-headers-$(GUEST_ABI))))
KVER ?= $(if $(KDIR),$(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null))
PREFIX ?= /usr/local
DESTDIR ?=

export KDIR

.PHONY: print-kdir print-kver all module monctl libtlsmon tools install-tools install-dkms tests deps demo check check-host check-guest bench-profile \
	check-style check-debug check-kernel check-ktls check-reload bench bench-ab fuzz install install-config uninstall deb clean

all: module tools

module:
	@test -n "$(KDIR)" || { echo "no kernel build tree found: run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

monctl:
	$(MAKE) -C tools/monctl

libtlsmon:
	$(MAKE) -C tools/libtlsmon

# Every directory of tools/ with a Makefile: its default target builds it,
# its install target installs it (PREFIX, DESTDIR, LIBDIR...).
TOOL_DIRS := $(patsubst %/Makefile,%,$(wildcard tools/*/Makefile))

tools:
	set -e; for d in $(TOOL_DIRS); do $(MAKE) -C $$d; done

tests: all
	$(MAKE) -C selftests

print-kdir:
	@echo $(KDIR)

print-kver:
	@echo $(KVER)

deps:
	scripts/install-deps.sh

demo: tests
	selftests/vm/run.sh -t 600 -- scripts/demo.sh

check: tests
	selftests/run_all.sh

check-debug: tests
	selftests/debug/check.sh

check-kernel: tests
	@test -n "$(KTREE)" || { echo "usage: make check-kernel KTREE=DIR (a built kernel tree)" >&2; exit 2; }
	selftests/vm/check-kernel.sh $(KTREE)

check-ktls: tests
	selftests/ktls/check.sh

check-reload: tests
	selftests/reload/check.sh

.PHONY: check-build check-matrix deps-matrix

# Kernel trees prepared with `make modules_prepare`, or header packages'.
KTREES ?=
check-build:
	@test -n "$(KTREES)" || { echo 'check-build: name the trees: make check-build KTREES="DIR..."' >&2; exit 2; }
	scripts/build-matrix.sh $(KTREES)

deps-matrix:
	scripts/install-deps.sh --matrix

check-matrix: tests
	selftests/vm/matrix.sh

bench: tests
	selftests/bench/run.sh

# builds to compare, NAME=MODULE.ko each; copy a build aside to keep it
AB ?= current=module/tlsmon.ko
bench-ab: tests
	selftests/bench/run.sh ab $(AB)

# where a connection's instructions go, by guest function (QEMU plugin)
bench-profile: tests
	selftests/bench/run.sh profile

FUZZ_TIME ?= 600
fuzz: tests
	selftests/host/fuzz.sh $(FUZZ_TIME) $(CURDIR)/build/fuzz/long

check-style:
	selftests/style/run.sh

# The module goes to /lib/modules/KVER/updates/, which depmod ranks above
# the kernel's own tree.
install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KVER)
	$(MAKE) install-tools

install-tools: tools
	set -e; for d in $(TOOL_DIRS); do \
		$(MAKE) -C $$d install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR); done
	$(MAKE) install-config

# The module's source as DKMS builds it (dkms.conf): the Kbuild files,
# the sources, the feature probes and the uapi header. probed.h and the
# other build products are made on the target machine.
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC = $(DESTDIR)/usr/src/tlsmon-$(DKMS_VERSION)
install-dkms:
	install -d $(DKMS_SRC)/module/compat $(DKMS_SRC)/uapi/linux
	install -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	install -m 0644 module/Kbuild $(filter-out %.mod.c,$(wildcard module/*.c)) \
		$(filter-out module/probed.h,$(wildcard module/*.h)) $(DKMS_SRC)/module/
	install -m 0644 $(wildcard module/compat/*.c module/compat/*.export) \
		$(DKMS_SRC)/module/compat/
	install -m 0755 module/compat/probe.sh $(DKMS_SRC)/module/compat/
	install -m 0644 uapi/linux/tlsmon.h $(DKMS_SRC)/uapi/linux/

# Every systemd unit of tools/systemd (policy, key export, key collection),
# configuration files that keep monitoring off and forward nothing, and a
# modprobe.d file that documents the module's parameters (all
# commented out); existing files in /etc are never overwritten.
SYSTEMDUNITDIR ?= /lib/systemd/system
UNITS := $(notdir $(wildcard tools/systemd/*.service tools/systemd/*.socket \
			     tools/systemd/*.timer))
install-config:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)/etc/tlsmon $(DESTDIR)/etc/modprobe.d
	for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@BINDIR@|$(PREFIX)/bin|g' \
			tools/systemd/$$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; done
	install -D -m 0644 Documentation/tlsmon.7 $(DESTDIR)$(PREFIX)/share/man/man7/tlsmon.7
	for f in policy export collect; do \
		test -e $(DESTDIR)/etc/tlsmon/$$f.conf || \
			install -m 0644 tools/systemd/$$f.conf $(DESTDIR)/etc/tlsmon/$$f.conf || exit 1; \
	done
	test -e $(DESTDIR)/etc/modprobe.d/tlsmon.conf || \
		install -m 0644 tools/systemd/modprobe.conf $(DESTDIR)/etc/modprobe.d/tlsmon.conf

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/module/tlsmon.ko
	-rmdir $(DESTDIR)/lib/modules/$(KVER)/updates/module 2>/dev/null
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KVER)
	set -e; for d in $(TOOL_DIRS); do \
		$(MAKE) -C $$d uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR); done
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(UNITS)) \
	      $(DESTDIR)$(PREFIX)/share/man/man7/tlsmon.7

# The Debian source and binary packages, built with Debian's own tooling
# from the tracked files (dpkg-buildpackage, debhelper, dh-dkms), hardened
# (debian/rules): build/deb/*.deb, .dsc and .changes.
deb:
	rm -rf build/deb
	mkdir -p build/deb/tlsmon
	git ls-files -z | tar --null -T - -cf - | tar -x -C build/deb/tlsmon
	cd build/deb/tlsmon && dpkg-buildpackage -us -uc -j2
	@ls build/deb/*.deb

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/monctl clean
	$(MAKE) -C tools/libtlsmon clean
	$(MAKE) -C selftests clean
	rm -rf build
