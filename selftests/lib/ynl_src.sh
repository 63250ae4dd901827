#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl_src.sh DIR: extract the kernel's netlink spec schemas
# (Documentation/netlink/genetlink*.yaml) and YNL's Python client
# (tools/net/ynl/cli.py and lib/) from Debian's linux-source-6.12 into DIR,
# once. They are taken at test time and never copied into this tree.
# Exit status 1 when the source package is not installed.
set -eu

dir=$1
src=${TLSMON_LINUX_SRC_612:-/usr/src/linux-source-6.12.tar.xz}
stamp=$dir/.extracted

[ -e "$stamp" ] && [ "$stamp" -nt "$src" ] && exit 0
if [ ! -r "$src" ]; then
	echo "ynl_src: $src is missing: install linux-source-6.12 (scripts/install-deps.sh)" >&2
	exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
tar -C "$dir" --strip-components=1 --wildcards -xf "$src" \
	'linux-source-6.12/Documentation/netlink/genetlink*.yaml' \
	'linux-source-6.12/tools/net/ynl/cli.py' \
	'linux-source-6.12/tools/net/ynl/lib/*'
touch "$stamp"
