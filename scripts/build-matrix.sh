#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the module against each kernel tree given, with W=1, and report
# per tree: the kernel's release, the feature probes' results and whether
# the build was clean. A warning fails the tree as an error does.
#
#   scripts/build-matrix.sh DIR...
#
# Each DIR is a kernel tree prepared for out-of-tree modules (a
# linux-headers package's tree, or a source tree after `make
# modules_prepare`; such a tree has no Module.symvers, so the module's
# symbols are not checked against it). Objects go to
# build/matrix/RELEASE/, never into module/.
# Exit status: 0 if every tree built clean, 1 otherwise, 2 on bad usage.
set -u

if [ $# -eq 0 ]; then
	echo "usage: $0 DIR..." >&2
	exit 2
fi

top=$(cd "$(dirname "$0")/.." && pwd)
failed=0
n=0
for tree in "$@"; do
	n=$((n + 1))
	if [ ! -d "$tree" ]; then
		echo "not ok $n $tree: no such directory"
		failed=1
		continue
	fi
	kdir=$(cd "$tree" && pwd)
	rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
		"$kdir/include/generated/utsrelease.h" 2>/dev/null)
	if [ -z "$rel" ]; then
		echo "not ok $n $kdir: not prepared (make modules_prepare)"
		failed=1
		continue
	fi
	out=$top/build/matrix/$rel
	rm -rf "$out"
	mkdir -p "$out"
	cp -r "$top/Kbuild" "$top/module" "$top/uapi" "$out/"
	find "$out/module" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name 'probed.h' -o -name 'modules.order' \) -delete
	# A source tree after modules_prepare has no Module.symvers (only a
	# full kernel build writes it): the module's symbols cannot be
	# checked against it, which is said, not counted as a warning.
	expected='^$'
	nosyms=
	if [ ! -s "$kdir/Module.symvers" ]; then
		echo "# $rel: no Module.symvers in the tree: compiled, symbols not checked"
		expected='Module.symvers.* is missing|modpost: .* undefined!|modpost: suppressed [0-9]+ unresolved symbol'
		nosyms=KBUILD_MODPOST_WARN=1
	fi
	# nothing of a calling make may reach this one
	env -u KDIR -u KVER -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -C "$kdir" M="$out" W=1 $nosyms modules >"$out/build.log" 2>&1
	rc=$?
	sed -n "s/^  PROBE   //p" "$out/build.log" | sed "s/^/# $rel: /"
	grep -E 'warning:|error:|WARNING:|ERROR:' "$out/build.log" | grep -v -E "$expected" \
		>"$out/warnings.txt"
	# a tree that turns warnings off (-w) would hide what this checks
	if tr ' ' '\n' <"$out/module/.main.o.cmd" 2>/dev/null | grep -qx -- -w; then
		echo "the tree compiles with -w: warnings are not shown" >>"$out/warnings.txt"
	fi
	warnings=$(wc -l <"$out/warnings.txt")
	if [ $rc -ne 0 ] || [ "$warnings" -ne 0 ] || [ ! -s "$out/module/tlsmon.ko" ]; then
		head -n 20 "$out/warnings.txt" | sed 's/^/# /'
		echo "not ok $n $rel ($kdir): make exit $rc, $warnings warnings or errors, log $out/build.log"
		failed=1
	else
		echo "ok $n $rel ($kdir)"
	fi
done
echo "1..$n"
exit $failed
