#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package tlsmon needs to build, run the demonstration
# and run the tests. Idempotent: installs only what is missing, and reads
# the package lists only when something is. Run as root on Debian 12.
#
#   scripts/install-deps.sh            what make, make check and CI need
#   scripts/install-deps.sh --matrix   also what make check-matrix needs:
#                                      Debian 6.1's rt and cloud kernels
#                                      and their headers

set -eu

PACKAGES="
	make gcc libc6-dev pkg-config git perl
	libmnl-dev libpcap-dev libssl-dev libjansson-dev openssl tcpdump tshark
	python3-cryptography python3-jsonschema python3-yaml
	linux-headers-amd64 linux-image-amd64 linux-source-6.1 linux-source-6.12 kmod
	linux-headers-6.12-amd64 linux-image-6.12-amd64
	sparse clang-14 libfuzzer-14-dev
	qemu-system-x86 busybox-static cpio gzip xz-utils
	iproute2 ethtool util-linux procps python3 python3-docutils linux-perf iperf3
	bash-completion man-db systemd
	dpkg-dev debhelper dh-dkms dkms lintian
	flex bison bc libelf-dev dwarves
"
if [ "${1:-}" = --matrix ]; then
	PACKAGES="$PACKAGES
	linux-image-rt-amd64 linux-headers-rt-amd64
	linux-image-cloud-amd64 linux-headers-cloud-amd64
"
fi

missing=
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "install-deps: every package is installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run this script as root" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# --no-install-recommends keeps QEMU's graphical front ends out.
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
