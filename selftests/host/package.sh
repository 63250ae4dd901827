#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, built with Debian's tooling (make deb): the split
# into tlsmon-dkms, tlsmon-tools, libtlsmon0 and libtlsmon-dev, lintian
# --pedantic, the library's symbols file and dependencies, the hardening
# of every ELF file, and the module rebuilt from tlsmon-dkms's source by
# dkms itself. The DKMS-built module is left in build/dkms/tlsmon.ko,
# where the guest's "dkms" suite loads it.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"

ktap_header "Debian packages and DKMS"
for tool in dpkg-buildpackage dh_dkms dkms; do
	if ! command -v $tool >/dev/null; then
		skip_test "package" "$tool is not installed (make deps)"
		ktap_finish
		exit $?
	fi
done

out=$top/build/dkms
rm -rf "$out"
mkdir -p "$out/root" "$out/tree" "$out/x"
log=$out/build.log
make -s -C "$top" deb >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -20 "$log" | sed 's/^/# /'
log_test $rc "make deb builds the packages with dpkg-buildpackage"

deb_dir=$top/build/deb
version=$(cd "$top" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
dkms_deb=$deb_dir/tlsmon-dkms_${version}_all.deb
tools_deb=$deb_dir/tlsmon-tools_${version}_${arch}.deb
lib_deb=$deb_dir/libtlsmon0_${version}_${arch}.deb
dev_deb=$deb_dir/libtlsmon-dev_${version}_${arch}.deb
for d in "$dkms_deb" "$tools_deb" "$lib_deb" "$dev_deb"; do
	[ -f "$d" ] || { diag "not built: ${d##*/}"; ktap_finish; exit $?; }
done

# a package's regular files and links, one a line
files_of() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}'; }
# every line of $2 (a pattern each, whole line) matches some file of $1,
# and every file of $1 matches a line of $2
split_check() {
	local name=$1 files=$2 want=$3 rc=0 w
	while read -r w; do
		printf '%s\n' "$files" | grep -qx "$w" || { diag "$name lacks $w"; rc=1; }
	done <<<"$want"
	printf '%s\n' "$files" | grep -vx -f <(printf '%s\n' "$want") |
		grep -v '^\./usr/share/doc/' | sed "s|^|# $name should not hold |" | grep . && rc=1
	return $rc
}

src=./usr/src/tlsmon-${version%%-*}
split_check tlsmon-dkms "$(files_of "$dkms_deb")" "$(cat <<EOF
$src/dkms.conf
$src/Kbuild
$src/module/Kbuild
$src/module/main\\.c
$src/module/[a-z_]*\\.[ch]
$src/module/compat/probe\\.sh
$src/module/compat/[a-z_0-9]*\\.c
$src/module/compat/[a-z_0-9]*\\.export
$src/uapi/linux/tlsmon\\.h
EOF
)"
rc=$?
files_of "$dkms_deb" | grep -q 'probed\.h$\|\.mod\.c$\|\.o$\|\.ko$\|\.cmd$' && { diag "build products in tlsmon-dkms"; rc=1; }
# the probes as the source tree has them, every one
for p in "$top"/module/compat/*.c "$top"/module/compat/*.export; do
	files_of "$dkms_deb" | grep -qx "$src/module/compat/${p##*/}" || { diag "probe ${p##*/} missing"; rc=1; }
done
log_test $rc "tlsmon-dkms holds the module source, probes and dkms.conf, nothing built"

split_check tlsmon-tools "$(files_of "$tools_deb")" "$(cat <<'EOF'
\./usr/sbin/monctl
\./usr/s\?bin/[a-z0-9_-]*
\./usr/share/man/man[178]/[a-z0-9_-]*\.[178]\.gz
\./usr/share/man/man8/monctl\.8\.gz
\./usr/share/man/man7/tlsmon\.7\.gz
\./usr/share/bash-completion/completions/monctl
\./usr/share/bash-completion/completions/[a-z0-9_-]*
\./lib/systemd/system/tlsmon\.service
\./lib/systemd/system/tlsmon[a-z0-9_@-]*\.\(service\|socket\|timer\)
\./etc/tlsmon/policy\.conf
\./etc/tlsmon/[a-z]*\.conf
\./etc/modprobe\.d/tlsmon\.conf
EOF
)"
rc=$?
# every unit of the source tree is installed
for u in "$top"/tools/systemd/*.service; do
	files_of "$tools_deb" | grep -qx "\./lib/systemd/system/${u##*/}" || { diag "unit ${u##*/} missing"; rc=1; }
done
log_test $rc "tlsmon-tools holds the programs, man pages, completion, every unit, the policy and modprobe.d files"

split_check libtlsmon0 "$(files_of "$lib_deb")" "./usr/lib/$multiarch/libtlsmon\\.so\\.0"
log_test $? "libtlsmon0 holds the shared object alone, in the multiarch directory"

split_check libtlsmon-dev "$(files_of "$dev_deb")" "$(cat <<EOF
\\./usr/include/libtlsmon\\.h
\\./usr/include/tlsmon/linux/tlsmon\\.h
\\./usr/lib/$multiarch/libtlsmon\\.a
\\./usr/lib/$multiarch/libtlsmon\\.so
\\./usr/lib/$multiarch/pkgconfig/libtlsmon\\.pc
\\./usr/share/man/man3/libtlsmon\\.3\\.gz
EOF
)"
log_test $? "libtlsmon-dev holds the headers, static library, link, .pc and man page"

rc=0
for d in "$dkms_deb" "$tools_deb" "$lib_deb" "$dev_deb"; do
	files_of "$d" | grep '^\./usr/include/linux/' | sed "s|^|# ${d##*/}: |" | grep . && rc=1
done
log_test $rc "no package puts a file in /usr/include/linux (linux-libc-dev's)"

# control fields and maintainer scripts
ctl() { dpkg-deb --ctrl-tarfile "$1" | tar -xO "./$2" 2>/dev/null; }
rc=0
[ "$(dpkg-deb -f "$dkms_deb" Architecture)" = all ] || { diag "tlsmon-dkms is not Architecture: all"; rc=1; }
dpkg-deb -f "$dkms_deb" Depends | grep -q 'dkms (>= 3' || { diag "tlsmon-dkms: no dkms (>= 3...) dependency"; rc=1; }
ctl "$dkms_deb" postinst | grep -q "DKMS_NAME=tlsmon" || { diag "tlsmon-dkms: postinst does not register with dkms"; rc=1; }
ctl "$dkms_deb" prerm | grep -q "dkms remove" || { diag "tlsmon-dkms: prerm does not remove from dkms"; rc=1; }
[ "$(dpkg-deb -f "$lib_deb" Multi-Arch)" = same ] || { diag "libtlsmon0 is not Multi-Arch: same"; rc=1; }
dpkg-deb -f "$dev_deb" Depends | grep -q "libtlsmon0 (= $version)" || { diag "libtlsmon-dev: no strict libtlsmon0 dependency"; rc=1; }
for c in /etc/tlsmon/policy.conf /etc/tlsmon/export.conf /etc/tlsmon/collect.conf \
	/etc/modprobe.d/tlsmon.conf; do
	ctl "$tools_deb" conffiles | grep -qx "$c" || { diag "tlsmon-tools: $c is not a conffile"; rc=1; }
done
log_test $rc "dkms registration, architectures, library dependency, conffiles"

# the units are shipped disabled: monitoring stays opt-in
# (dh_installsystemd --no-enable: a unit is only re-enabled if the
# operator had enabled it, and never started)
postinst=$(ctl "$tools_deb" postinst)
rc=0
for u in "$top"/tools/systemd/*.service; do
	printf '%s\n' "$postinst" | grep -q "if deb-systemd-helper debian-installed '${u##*/}'" ||
		{ diag "${u##*/}: not handled as a disabled unit"; rc=1; }
done
printf '%s\n' "$postinst" | grep -q 'deb-systemd-invoke .*start' && rc=1
log_test $rc "no systemd unit is enabled or started by installing tlsmon-tools"

# dpkg-shlibdeps and dpkg-gensymbols: the library links what it uses,
# the symbols file matches
warn=$(grep 'dpkg-shlibdeps: warning\|dpkg-gensymbols: warning' "$log")
[ -z "$warn" ] || printf '%s\n' "$warn" | sed 's/^/# /'
[ -z "$warn" ]
log_test $? "dpkg-shlibdeps and dpkg-gensymbols give no warning"

dpkg -x "$lib_deb" "$out/x"
dpkg -x "$dev_deb" "$out/x"
dpkg -x "$tools_deb" "$out/x"
so=$out/x/usr/lib/$multiarch/libtlsmon.so.0
# a version node is an absolute symbol named after itself (NODE@NODE)
exported=$(readelf --dyn-syms -W "$so" |
	awk '$7 == "ABS" && $8 !~ /@/ {print $8 "@" $8; next}
	     $7 != "UND" && $5 != "LOCAL" && $8 ~ /@/ {print $8}' | sed 's/@@*/@/' | sort -u)
declared=$(sed -n 's/^ \([^ ]*@[^ ]*\) .*/\1/p' "$top/debian/libtlsmon0.symbols" | sort -u)
mapped=$(sed -n 's/^\t\t\(tlsmon_[a-z0-9_]*\);/\1/p' "$top/tools/libtlsmon/libtlsmon.map" | sort -u)
rc=0
[ -n "$exported" ] && [ "$exported" = "$declared" ] ||
	{ diag "exported: $(echo $exported)"; diag "symbols file: $(echo $declared)"; rc=1; }
[ "$mapped" = "$(printf '%s\n' "$exported" | grep '^tlsmon_' | sed 's/@.*//' | sort -u)" ] ||
	{ diag "libtlsmon.map: $(echo $mapped)"; rc=1; }
ctl "$lib_deb" symbols | grep -q '^libtlsmon.so.0 libtlsmon0 #MINVER#' || { diag "no symbols control file"; rc=1; }
log_test $rc "debian/libtlsmon0.symbols lists exactly what libtlsmon.so.0 exports"

needed=$(readelf -d "$so" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
printf '%s\n' "$needed" | grep -qx 'libcrypto.so.3' && printf '%s\n' "$needed" | grep -qx 'libssl.so.3'
log_test $? "libtlsmon.so.0 links libssl and libcrypto, which it calls"

# hardening: every ELF file of the packages (bindnow, RELRO, PIE,
# stack protector; hardening-check too when devscripts is installed)
rc=0
n=0
while read -r f; do
	file -b "$f" | grep -q '^ELF' || continue
	n=$((n + 1))
	name=${f#"$out/x"}
	dyn=$(readelf -d "$f")
	printf '%s\n' "$dyn" | grep -q 'BIND_NOW\|FLAGS_1.*NOW' || { diag "$name: no BIND_NOW"; rc=1; }
	readelf -lW "$f" | grep -q GNU_RELRO || { diag "$name: no RELRO"; rc=1; }
	readelf -hW "$f" | grep -q 'Type:.*DYN' || { diag "$name: not position independent"; rc=1; }
	readelf --dyn-syms -W "$f" | grep -q '__stack_chk_fail' || { diag "$name: no stack protector"; rc=1; }
	if command -v hardening-check >/dev/null; then
		hardening-check -q "$f" | sed 's/^/# /' | grep . && rc=1
	fi
done < <(find "$out/x/usr/sbin" "$out/x/usr/bin" "$out/x/usr/lib" -type f 2>/dev/null)
[ $n -ge 2 ] || { diag "only $n ELF files found"; rc=1; }
log_test $rc "$n ELF files built with bindnow, RELRO, PIE and the stack protector"

# the -dev package as an application uses it: pkg-config finds both
# headers, and the program links to the shared object
cat >"$out/app.c" <<'EOF'
#include <libtlsmon.h>
#include <linux/tlsmon.h>
int main(void) { return TLSMON_A_MAX > 0 && tlsmon_ssl_monitored != 0 ? 0 : 1; }
EOF
flags=$(PKG_CONFIG_SYSROOT_DIR=$out/x PKG_CONFIG_PATH=$out/x/usr/lib/$multiarch/pkgconfig \
	PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 \
	pkg-config --cflags --libs libtlsmon 2>&1) &&
	gcc -o "$out/app" "$out/app.c" $flags -Wl,-rpath,"$out/x/usr/lib/$multiarch" -lssl >>"$log" 2>&1 &&
	"$out/app"
rc=$?
[ $rc -eq 0 ] || { diag "pkg-config: $flags"; tail -5 "$log" | sed 's/^/# /'; }
log_test $rc "an application builds with libtlsmon-dev's pkg-config file and both headers"

if command -v lintian >/dev/null; then
	changes=$(ls "$deb_dir"/tlsmon_"${version}"_"$arch".changes 2>/dev/null)
	tags=$(cd "$deb_dir" && lintian --pedantic --display-info \
		"${changes:-$dkms_deb}" 2>/dev/null)
	printf '%s\n' "$tags" | grep . | sed 's/^/# /'
	! printf '%s\n' "$tags" | grep -q '^[EW]:' && [ -n "$changes" ]
	log_test $? "lintian --pedantic on the .changes (source, .dsc, every .deb): no error, no warning"
else
	skip_test "lintian" "lintian is not installed"
fi

# dkms.conf: what dkms reads, and the kernel it is built for has it all
conf=$top/dkms.conf
rc=0
grep -qx 'PACKAGE_NAME="tlsmon"' "$conf" || { diag "dkms.conf: PACKAGE_NAME"; rc=1; }
grep -qx "PACKAGE_VERSION=\"${version%%-*}\"" "$conf" || { diag "dkms.conf: PACKAGE_VERSION is not $version"; rc=1; }
grep -qx 'BUILT_MODULE_NAME\[0\]="tlsmon"' "$conf" || { diag "dkms.conf: BUILT_MODULE_NAME"; rc=1; }
grep -qx 'AUTOINSTALL="yes"' "$conf" || { diag "dkms.conf: AUTOINSTALL"; rc=1; }
excl=$(sed -n 's/^BUILD_EXCLUSIVE_CONFIG="\(.*\)"/\1/p' "$conf")
for c in CONFIG_TLS CONFIG_KPROBES CONFIG_NETFILTER; do
	printf ' %s ' "$excl" | grep -q " $c " || { diag "dkms.conf: $c not in BUILD_EXCLUSIVE_CONFIG"; rc=1; }
done
log_test $rc "dkms.conf names the module, version, AUTOINSTALL and BUILD_EXCLUSIVE_CONFIG"

# dkms, as the package's postinst would run it, on the package's source
kver=$(make -s -C "$top" --no-print-directory print-kver)
kdir=$(make -s -C "$top" --no-print-directory print-kdir)
rc=0
for c in $excl; do
	grep -q "^$c=[ym]" "$kdir/.config" || { diag "$kver lacks $c: dkms would skip it"; rc=1; }
done
dpkg -x "$dkms_deb" "$out/root"
[ $rc -eq 0 ] &&
	dkms add -m tlsmon -v "${version%%-*}" --sourcetree "$out/root/usr/src" --dkmstree "$out/tree" >>"$log" 2>&1 &&
	dkms build -m tlsmon -v "${version%%-*}" -k "$kver" --sourcetree "$out/root/usr/src" \
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
log_test $rc "dkms builds the module for $kver from tlsmon-dkms's source"

ktap_finish
