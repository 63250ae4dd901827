#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl_src.sh DIR: extract the kernel's netlink spec schemas
# (Documentation/netlink/genetlink*.yaml), YNL's Python client
# (tools/net/ynl/cli.py and lib/) and its C generator (ynl-gen-c.py, which
# finds the tree's top by its MAINTAINERS file) from Debian's
# linux-source-6.12 into DIR, once. They are taken at test time and never
# copied into this tree. Exit status 1 when the source package is not
# installed.
set -euf  # -f: the file patterns below are for tar

dir=$1
src=${TLSMON_LINUX_SRC_612:-/usr/src/linux-source-6.12.tar.xz}
stamp=$dir/.extracted

# the stamp names what was extracted: a longer list extracts again
files="Documentation/netlink/genetlink*.yaml tools/net/ynl/cli.py tools/net/ynl/lib/*
tools/net/ynl/ynl-gen-c.py MAINTAINERS"
if [ -e "$stamp" ] && [ "$stamp" -nt "$src" ] && [ "$(cat "$stamp")" = "$files" ]; then
	touch "$stamp"  # up to date for make too
	exit 0
fi
if [ ! -r "$src" ]; then
	echo "ynl_src: $src is missing: install linux-source-6.12 (scripts/install-deps.sh)" >&2
	exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
# shellcheck disable=SC2046,SC2086
tar -C "$dir" --strip-components=1 --wildcards -xf "$src" \
	$(printf 'linux-source-6.12/%s\n' $files)
printf '%s\n' "$files" >"$stamp"
