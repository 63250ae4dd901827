#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The other Debian kernels the guest suites run on besides the default
# one (selftests/vm/run.sh boots that one), and the module built for
# each against its own headers.
#
#   selftests/vm/kernels.sh list           releases, one per line: every
#                                          /boot/vmlinuz-6.12.* of Debian
#                                          with headers installed
#   selftests/vm/kernels.sh build RELEASE  build/kernels/RELEASE/module/tlsmon.ko
#                                          (TLSMON_KERNEL_KDIR overrides the
#                                          header tree)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)

case ${1:-} in
list)
	for img in /boot/vmlinuz-6.12.*-amd64; do
		[ -r "$img" ] || continue
		rel=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$rel/build" ] && echo "$rel"
	done
	;;
build)
	rel=${2:?release}
	# Not KDIR: make check runs under the top Makefile, which exports
	# the default kernel's KDIR.
	kdir=${TLSMON_KERNEL_KDIR:-/lib/modules/$rel/build}
	out=$top/build/kernels/$rel
	if [ ! -d "$kdir" ]; then
		echo "kernels.sh: no header tree for $rel (apt-get install linux-headers-$rel)" >&2
		exit 1
	fi
	# A copy, so that the default kernel's objects in module/ stay.
	rm -rf "$out"
	mkdir -p "$out"
	cp -r "$top/Kbuild" "$top/module" "$top/uapi" "$out/"
	find "$out/module" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name 'probed.h' -o -name 'modules.order' \) -delete
	# nothing of the calling make (its KDIR, its command line) may reach
	# this one
	env -u KDIR -u KVER -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -C "$kdir" M="$out" modules || exit 1
	# a module built for another kernel would only fail at insmod
	if ! modinfo -F vermagic "$out/module/tlsmon.ko" | grep -q "^$rel "; then
		echo "kernels.sh: $out/module/tlsmon.ko is not built for $rel" >&2
		exit 1
	fi
	;;
*)
	echo "usage: $0 list | build RELEASE" >&2
	exit 2
	;;
esac
