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
#                                          (KDIR overrides the header tree)
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
	kdir=${KDIR:-/lib/modules/$rel/build}
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
	make -C "$kdir" M="$out" modules
	;;
*)
	echo "usage: $0 list | build RELEASE" >&2
	exit 2
	;;
esac
