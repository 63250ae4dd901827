#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package, built with Debian's tooling (make deb), and the
# module rebuilt from the package's DKMS source by dkms itself. The
# DKMS-built module is left in build/dkms/tlsmon.ko, where the guest's
# "dkms" suite loads it.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"

ktap_header "Debian package and DKMS"
for tool in dpkg-buildpackage dh_dkms dkms; do
	if ! command -v $tool >/dev/null; then
		skip_missing "package" "$tool is not installed (make deps)"
		ktap_finish
		exit $?
	fi
done

out=$top/build/dkms
rm -rf "$out"
mkdir -p "$out/root" "$out/tree"
log=$out/build.log
make -s -C "$top" deb >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -20 "$log" | sed 's/^/# /'
log_test $rc "make deb builds the package with dpkg-buildpackage"
deb=$(ls "$top"/build/deb/tlsmon_*_amd64.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	ktap_finish
	exit $?
fi

rc=0
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/src/tlsmon-0.1/dkms.conf ./usr/src/tlsmon-0.1/Kbuild ./usr/src/tlsmon-0.1/module/main.c \
	./usr/src/tlsmon-0.1/uapi/linux/tlsmon.h ./usr/sbin/monctl ./usr/bin/tlsmon-decrypt ./usr/lib/libtlsmon.so.0 \
	./usr/sbin/tlsmon-forward ./usr/include/libtlsmon.h ./usr/lib/pkgconfig/libtlsmon.pc ./usr/share/man/man8/monctl.8.gz \
	./usr/share/man/man7/tlsmon.7.gz ./usr/share/man/man3/libtlsmon.3.gz \
	./usr/share/bash-completion/completions/monctl ./lib/systemd/system/tlsmon.service \
	./lib/systemd/system/tlsmon-export.service ./lib/systemd/system/tlsmon-collect.service \
	./etc/tlsmon/policy.conf ./etc/tlsmon/export.conf ./etc/tlsmon/collect.conf; do
	printf '%s\n' "$files" | grep -qxF "$f" || { diag "missing from the package: $f"; rc=1; }
done
printf '%s\n' "$files" | grep -q '\.o$\|\.ko$\|\.cmd$' && { diag "build products in the package"; rc=1; }
log_test $rc "the package holds the DKMS source, monctl, libtlsmon, man pages, completion, unit, policy"

dpkg-deb -f "$deb" Depends | grep -q 'dkms' &&
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst | grep -q 'dkms' &&
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/tlsmon/policy.conf
log_test $? "depends on dkms, registers the module with it on install, the policy is a conffile"

# the unit is shipped disabled: monitoring stays opt-in
# (dh_installsystemd --no-enable: the unit is only re-enabled if the
# operator had enabled it, and never started)
postinst=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst)
rc=0
for u in tlsmon tlsmon-export tlsmon-collect; do
	printf '%s\n' "$postinst" | grep -q "if deb-systemd-helper debian-installed '$u.service'" ||
		{ diag "$u.service: not handled as a disabled unit"; rc=1; }
done
printf '%s\n' "$postinst" | grep -q 'deb-systemd-invoke .*start' && rc=1
log_test $rc "the systemd units are not enabled by installing the package"

# the key forwarding services are sandboxed: systemd rates their exposure
# no worse than MEDIUM
rc=0
for u in tlsmon-export tlsmon-collect; do
	unit=$out/$u.service
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./lib/systemd/system/$u.service" >"$unit"
	level=$(systemd-analyze security --offline=true "$unit" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: [0-9.]* \([A-Z]*\).*/\1/p')
	case $level in
	OK|MEDIUM) ;;
	*) diag "$u.service: exposure '$level'"; rc=1 ;;
	esac
done
log_test $rc "the export and collect services are sandboxed (systemd-analyze security: MEDIUM or better)"

if command -v lintian >/dev/null; then
	errs=$(lintian "$deb" 2>/dev/null | grep '^E:')
	[ -z "$errs" ] || printf '%s\n' "$errs" | sed 's/^/# /'
	[ -z "$errs" ]
	log_test $? "lintian reports no error"
else
	skip_missing "lintian" "lintian is not installed"
fi

# dkms, as the package's postinst would run it, on the package's source
kver=$(make -s -C "$top" --no-print-directory print-kver)
dpkg -x "$deb" "$out/root"
dkms add -m tlsmon -v 0.1 --sourcetree "$out/root/usr/src" --dkmstree "$out/tree" >>"$log" 2>&1 &&
	dkms build -m tlsmon -v 0.1 -k "$kver" --sourcetree "$out/root/usr/src" \
		--dkmstree "$out/tree" >>"$log" 2>&1
rc=$?
ko=$(find "$out/tree" -name tlsmon.ko | head -1)
if [ $rc -eq 0 ] && [ -n "$ko" ]; then
	cp "$ko" "$out/tlsmon.ko"
	modinfo -F vermagic "$out/tlsmon.ko" | grep -q "^$kver "
	rc=$?
else
	tail -20 "$log" | sed 's/^/# /'
	rc=1
fi
log_test $rc "dkms builds the module for $kver from the package's source"

ktap_finish
