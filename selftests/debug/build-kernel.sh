#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel of `make check-debug` from Debian's
# linux-source-6.1: tinyconfig, plus selftests/vm/guest-kernel.config (what
# the guest needs), plus selftests/debug/kernel.config (KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, DEBUG_LIST and the rest).
#
#   selftests/debug/build-kernel.sh [CACHE]
#
# CACHE (default build/debug-kernel, or $TLSMON_DEBUG_KERNEL_CACHE) keeps
# the tree, its bzImage and a module root with net/tls. The build is reused
# while the fragments and the source package are unchanged; a full build
# takes about 10 minutes on two cores, a rebuild nothing. Prints the tree's
# path on its last line.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${1:-${TLSMON_DEBUG_KERNEL_CACHE:-$top/build/debug-kernel}}
tarball=/usr/src/linux-source-6.1.tar.xz
base=$top/selftests/vm/guest-kernel.config
fragment=$here/kernel.config

if [ ! -r "$tarball" ]; then
	echo "build-kernel: $tarball is missing (apt-get install linux-source-6.1)" >&2
	exit 1
fi
for tool in flex bison bc gcc make; do
	if ! command -v $tool >/dev/null; then
		echo "build-kernel: $tool is missing (make deps)" >&2
		exit 1
	fi
done

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
want="$srcver $(cat "$base" "$fragment" "$0" | sha256sum | cut -d' ' -f1)"
tree=$cache/linux-source-6.1
stamp=$cache/stamp

if [ -r "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
   [ -r "$tree/arch/x86/boot/bzImage" ]; then
	echo "build-kernel: cached debug kernel is current"
	echo "$tree"
	exit 0
fi

mkdir -p "$cache"
rm -f "$stamp"
if [ ! -r "$tree/Makefile" ] || [ "$(cat "$cache/source" 2>/dev/null)" != "$srcver" ]; then
	echo "build-kernel: extracting linux-source-6.1 $srcver"
	rm -rf "$tree"
	tar -C "$cache" -xf "$tarball"
	echo "$srcver" >"$cache/source"
fi

start=$(date +%s)
cd "$tree"
make -s ARCH=x86_64 tinyconfig
scripts/kconfig/merge_config.sh -m -O . .config "$base" "$fragment" >/dev/null
make -s ARCH=x86_64 olddefconfig

# Every symbol the fragments set (the debug one's value where both name
# it) must have survived olddefconfig: a symbol that Kconfig dropped (a
# missing dependency) would quietly weaken the run.
missing=0
while IFS= read -r line; do
	grep -qxF "$line" .config || { echo "build-kernel: not set: $line" >&2; missing=1; }
done < <(awk '/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym); val[sym] = $0 }
	      /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { delete val[$2] }
	      END { for (sym in val) print val[sym] }' "$base" "$fragment")
[ $missing -eq 0 ] || exit 1

echo "build-kernel: building (about 10 minutes on two cores)"
make -s ARCH=x86_64 -j"$(nproc)" bzImage modules
rm -rf "$cache/modroot"
make -s ARCH=x86_64 INSTALL_MOD_PATH="$cache/modroot" modules_install
echo "$want" >"$stamp"
echo "build-kernel: built in $(( $(date +%s) - start )) s"
echo "$tree"
