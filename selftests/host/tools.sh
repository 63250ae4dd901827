#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host checks of what an operator installs besides the module: the man
# pages, the bash completion of monctl, the systemd units and the shipped
# policy and modprobe.d files. No module is needed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
monctl=$top/tools/monctl/monctl

ktap_header "operator tools on the host"

for page in tools/monctl/monctl.8 Documentation/tlsmon.7 tools/libtlsmon/libtlsmon.3; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$top/$page" 2>&1 >/dev/null)
	[ -z "$out" ] && LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$top/$page" 2>/dev/null | grep -q '^NAME'
	rc=$?
	[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
	log_test $rc "man page $page renders without a warning"
done

# Every object and command monctl knows is in its man page.
rc=0
for word in "policy set" "policy load" "policy save" "policy check" "policy unload" "sessions" "stats" "keys" "monitor" "decrypt keys" \
	"export --to" "collect --listen"; do
	LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$top/tools/monctl/monctl.8" 2>/dev/null | grep -q "monctl $word" ||
		{ diag "monctl.8 does not describe 'monctl $word'"; rc=1; }
done
log_test $rc "monctl.8 describes every command"

# --- bash completion ------------------------------------------------------
if [ -r /usr/share/bash-completion/bash_completion ]; then
	got=$(PATH=$top/tools/monctl:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1/tools/monctl/completion/monctl"
		t() {
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _monctl monctl; printf "%s\n" "${COMPREPLY[*]}"
		}
		t monctl ""
		t monctl po
		t monctl -j policy ""
		t monctl pol c
		t monctl policy set ""
		t monctl policy set consent ""
		t monctl policy set enabled on export ""
		t monctl policy set suites TLS_AES_128_G
		t monctl sessions show ""
		t monctl --ver
		t monctl s sh ""
		t monctl p set en
		t monctl decrypt ""
		t monctl monitor ""
		t monctl monitor sessions ""
		t monctl monitor keys count ""
		t monctl -n
		t monctl export --to 10.0.0.2:7000 ""
		t monctl collect --c' _ "$top")
	expected='policy sessions stats keys monitor decrypt export collect help
policy
show set load save check unload help
check
enabled suites consent consent-ext mark export links
off accept require
on off
TLS_AES_128_GCM_SHA256_MON
cookie
--version
cookie
enabled
keys capture out pcap pcapng help
sessions policy keys count help
policy keys count

-n
--to --ca --cert --key --name --count help
--cert --client-ca --count'
	rc=0
	[ "$got" = "$expected" ] || { diag "completions:"; printf '%s\n' "$got" | sed 's/^/#   /'; rc=1; }
	log_test $rc "bash completion of objects, commands, settings, values and suite names"

	# Every argument of every command, in a directory of known files;
	# 'monctl sessions' is a stand-in that prints 'ss -e' cookies, others
	# under -n ns1, so that the cookies offered are shown to come from it.
	cdir=$(mktemp -d)
	mkdir "$cdir/bin" "$cdir/plain"
	touch "$cdir/pol.conf" "$cdir/plain.pcapng"
	cat >"$cdir/bin/monctl" <<-EOF
	#!/bin/bash
	case "\$*" in
	sessions) printf '%s\n' "1 inet 10.0.0.1:443 uid:0 ino:7 sk:1001" "2 inet 10.0.0.1:443 uid:0 ino:8 sk:1002" ;;
	"-n ns1 sessions") echo "1 inet 10.0.0.1:443 uid:0 ino:9 sk:2002" ;;
	*) exec "$monctl" "\$@" ;;
	esac
	EOF
	chmod +x "$cdir/bin/monctl"
	got=$(cd "$cdir" && PATH=$cdir/bin:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1/tools/monctl/completion/monctl"
		t() {
			COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _monctl monctl; printf "%s\n" "${COMPREPLY[*]}"
		}
		# tl LINE: as readline splits LINE, ":" a word of its own
		tl() {
			local w
			COMP_WORDS=()
			for w in $1; do
				while [[ $w == *:* ]]; do
					[[ -n ${w%%:*} ]] && COMP_WORDS+=("${w%%:*}")
					COMP_WORDS+=(:)
					w=${w#*:}
				done
				[[ -n $w ]] && COMP_WORDS+=("$w")
			done
			[[ $1 == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$1 COMP_POINT=${#1}
			COMPREPLY=(); _monctl monctl; printf "%s\n" "${COMPREPLY[*]}"
		}
		t monctl decrypt keys k.jsonl ""
		t monctl decrypt keys k.jsonl capture c.pcap ""
		t monctl decrypt keys k.jsonl capture c.pcap pcapng pl
		t monctl decrypt keys k.jsonl capture c.pcap pcap pl
		t monctl decrypt keys k.jsonl capture c.pcap out pl
		t monctl decrypt keys k.jsonl capture c.pcap pcapng o.pcapng ""
		t monctl stats ""
		t monctl stats all ""
		t monctl stats -o ""
		t monctl stats all -o pro
		t monctl stats show -o prometheus ""
		t monctl policy check po
		t monctl policy unload po
		t monctl pol u
		t monctl monitor ""
		t monctl monitor sessions ""
		t monctl -n ns1 monitor policy keys ""
		t monctl monitor keys count ""
		t monctl sessions ""
		tl "monctl sessions sk:"
		tl "monctl -n ns1 sessions sk:"
		t monctl sessions cookie ""
		tl "monctl s show sk:100"
		tl "monctl sessions cookie sk:1001 "
		tl "monctl export --to 10.83.0.2:7000 --c"
	' _ "$top")
	rm -rf "$cdir"
	expected='keys capture out pcap pcapng
keys out pcap pcapng
plain plain.pcapng
plain plain.pcapng
plain
keys out
all -o show help
-o
prometheus json text
prometheus
all
pol.conf
pol.conf
unload
sessions policy keys count help
policy keys count
sessions count

show cookie help
1001 1002
2002
sk:1001 sk:1002
1001 1002

--ca --cert --count'
	rc=0
	[ "$got" = "$expected" ] || { diag "completions:"; printf '%s\n' "$got" | sed 's/^/#   /'; rc=1; }
	log_test $rc "bash completion of every command's arguments: decrypt pcap|pcapng, stats all and -o, policy check|unload FILE, monitor objects, session cookies"

	# Each object 'monctl help' lists, and each command or first option
	# 'monctl OBJECT help' shows, is completed.
	rc=0
	objs=$("$monctl" help 2>&1 | sed -n '/^OBJECT :=/,/^OPTIONS/p' | sed '$d' |
		sed 's/^OBJECT :=//' | tr '|' '\n' | tr -d ' ')
	[ "$(printf '%s\n' "$objs" | wc -l)" -ge 8 ] || { diag "no objects in 'monctl help': $objs"; rc=1; }
	for obj in $objs; do
		[ "$obj" = help ] && continue
		words=$("$monctl" "$obj" help 2>&1 | sed -n '/^Usage:/,/^$/p' |
			sed -n "s/^.*monctl \(\[[^]]*\]\]* \)*$obj \[*\([a-z-][a-z-]*\).*/\2/p" | sort -u)
		[ -n "$words" ] || { diag "no commands in 'monctl $obj help'"; rc=1; }
		offered=" $(PATH=$top/tools/monctl:$PATH bash -c '
			. /usr/share/bash-completion/bash_completion
			. "$1/tools/monctl/completion/monctl"
			COMP_WORDS=(monctl "$2" ""); COMP_CWORD=2
			COMP_LINE="monctl $2 "; COMP_POINT=${#COMP_LINE}
			_monctl monctl; echo "${COMPREPLY[*]}"' _ "$top" "$obj") "
		for w in $words; do
			[[ $offered == *" $w "* ]] || { diag "monctl $obj <TAB> does not offer '$w' ($offered)"; rc=1; }
		done
	done
	log_test $rc "bash completion offers every object of 'monctl help' and every command of 'monctl OBJECT help'"
else
	skip_missing "bash completion" "the bash-completion package is not installed"
fi

# --- monctl monitor's command line, read whole before the kernel is asked ---
rc=0
for args in "frob" "count" "count x" "count 0" "sessions count -1" "keys help"; do
	# shellcheck disable=SC2086
	out=$("$monctl" monitor $args 2>&1)
	got=$?
	[ $got -eq 2 ] || { diag "monctl monitor $args: exit $got ($out), expected 2"; rc=1; }
done
out=$("$monctl" monitor sessions policy keys count 3 2>&1)
[ "$out" = 'monctl: the tlsmon module is not loaded (no generic netlink family "tlsmon")' ] ||
	{ diag "monctl monitor sessions policy keys count 3: $out"; rc=1; }
log_test $rc "monctl monitor: usage errors exit 2 before the kernel is asked; objects and count parse"

# --- systemd unit and policy file -----------------------------------------
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make -s -C "$top" install-config DESTDIR="$stage" PREFIX=/usr >/dev/null
unitdir=$stage/lib/systemd/system
unit=$unitdir/tlsmon.service
units=$(cd "$top/tools/systemd" && ls -- *.service)
if command -v systemd-analyze >/dev/null; then
	for u in $units; do
		# monctl and the man pages exist only once installed: exactly
		# those messages are expected, any other one (modprobe's too) fails
		out=$(systemd-analyze verify "$unitdir/$u" 2>&1 | grep -vxE \
			-e "$u: Command /usr/sbin/monctl is not executable: No such file or directory" \
			-e "$u: Command 'man (monctl\\(8\\)|tlsmon\\(7\\))' failed with code 16")
		rc=0
		[ -z "$out" ] || { printf '%s\n' "$out" | sed 's/^/# /'; rc=1; }
		log_test $rc "systemd-analyze verify $u"
		# no worse than MEDIUM: EXPOSED, UNSAFE and DANGEROUS fail
		level=$(systemd-analyze security --offline=true "$unitdir/$u" 2>&1 |
			sed -n 's/^.*Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')
		diag "$u: exposure ${level:-unknown}"
		case $level in
		*" PERFECT" | *" SAFE" | *" OK" | *" MEDIUM") rc=0 ;;
		*) rc=1 ;;
		esac
		log_test $rc "systemd-analyze security $u is MEDIUM or better"
	done
	rc=0
	for u in tlsmon-export tlsmon-collect; do
		grep -q "^ExecStart=/usr/sbin/monctl ${u#tlsmon-} " "$unitdir/$u.service" ||
			{ diag "$u.service does not run the installed monctl"; rc=1; }
		# Type=notify: readiness comes from monctl itself
		grep -qx 'Type=notify' "$unitdir/$u.service" || rc=1
	done
	log_test $rc "tlsmon-export.service and tlsmon-collect.service run monctl, Type=notify"
else
	skip_missing "systemd units" "systemd-analyze is not installed"
fi
grep -qx 'ExecStart=/usr/sbin/monctl policy load /etc/tlsmon/policy.conf' "$unit" &&
	grep -qx 'ExecStop=/usr/sbin/monctl policy unload /etc/tlsmon/policy.conf' "$unit"
log_test $? "the unit applies /etc/tlsmon/policy.conf with the installed monctl, unloads it when stopped"
# the sandbox leaves monctl what it needs: netlink, setns into /run/netns
grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_SYS_ADMIN' "$unit" &&
	grep -q '^RestrictAddressFamilies=.*AF_NETLINK' "$unit" &&
	grep -qx 'RestrictNamespaces=net' "$unit" &&
	! grep -q '^PrivateNetwork=yes\|^PrivateUsers=yes\|^InaccessiblePaths=.*/run' "$unit" &&
	grep -qx 'ExecStartPre=+/sbin/modprobe tlsmon' "$unit"
log_test $? "the sandbox keeps netlink, setns and the module load"
rc=0
for u in $units; do
	grep -q '@[A-Z]*@' "$unitdir/$u" && { diag "$u: unsubstituted @VAR@"; rc=1; }
done
[ -n "$units" ] || rc=1
log_test $rc "every unit of tools/systemd is installed with its paths filled in"
# the shipped file is valid (checked before the module is asked: without
# the module, load fails only at the kernel)
out=$("$monctl" policy load "$stage/etc/tlsmon/policy.conf" 2>&1)
[ "$out" = 'monctl: the tlsmon module is not loaded (no generic netlink family "tlsmon")' ]
log_test $? "the shipped policy file passes every check"
echo "# a local change" >>"$stage/etc/tlsmon/policy.conf"
make -s -C "$top" install-config DESTDIR="$stage" PREFIX=/usr >/dev/null
grep -q "a local change" "$stage/etc/tlsmon/policy.conf"
log_test $? "installing again keeps the operator's policy file"
out=$("$monctl" policy unload "$stage/etc/tlsmon/policy.conf" 2>&1)
log_test $? "policy unload of the shipped file succeeds with no module loaded${out:+: $out}"

# /etc/modprobe.d/tlsmon.conf: every parameter of the module documented
# with its default, nothing set
conf=$stage/etc/modprobe.d/tlsmon.conf
rc=0
[ -f "$conf" ] || rc=1
params=$(sed -n 's/^module_param(\([a-z_0-9]*\),.*/\1/p' "$top"/module/*.c)
[ -n "$params" ] || rc=1
for p in $params; do
	def=$(sed -n "s/^static [a-z ]* $p = \([^;]*\);/\1/p; s/^static bool $p;/N/p" "$top"/module/*.c | head -1)
	case $def in
	true) def=Y ;;
	false) def=N ;;
	esac
	grep -qx "#options tlsmon $p=$def" "$conf" || { diag "modprobe.d: no '#options tlsmon $p=$def'"; rc=1; }
done
grep -v '^#' "$conf" | grep -q . && { diag "modprobe.d: an uncommented line"; rc=1; }
log_test $rc "the modprobe.d file documents every module parameter, all commented out"
echo "options tlsmon max_pending=64" >>"$conf"
make -s -C "$top" install-config DESTDIR="$stage" PREFIX=/usr >/dev/null
grep -qx "options tlsmon max_pending=64" "$conf"
log_test $? "installing again keeps the operator's modprobe.d file"

# --- readiness and the collector's file, without the module -----------------
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=col \
		-days 2 -keyout "$stage/col.key" -out "$stage/col.pem" 2>/dev/null
	port=$((20000 + $$ % 20000))
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(20)
print(s.recv(100).decode(), flush=True)' "$stage/notify" >"$stage/notify.out" &
	npid=$!
	busywait 60000 test -S "$stage/notify"
	NOTIFY_SOCKET=$stage/notify "$monctl" collect --listen 127.0.0.1:$port --cert "$stage/col.pem" \
		--key "$stage/col.key" --client-ca "$stage/col.pem" --out "$stage/keys.jsonl" \
		2>"$stage/collect.err" &
	cpid=$!
	wait $npid
	kill -TERM $cpid; wait $cpid
	rc=$?
	out="$rc $(cat "$stage/notify.out") $(stat -c %a "$stage/keys.jsonl") $(tail -1 "$stage/collect.err")"
	[ "$out" = "0 READY=1 600 monctl: collect: 0 records written, 0 already stored, 0 refused; 0 connections refused" ]
	rc=$?
	[ $rc -eq 0 ] || diag "got: $out"
	log_test $rc "monctl collect tells systemd it is ready, ends on SIGTERM with its counts"

	# --retain: one file per day; older ones overwritten, then removed
	mkdir -m 0700 "$stage/days"
	printf 'old keys\n' >"$stage/days/keys.jsonl.2020-01-01"
	ln "$stage/days/keys.jsonl.2020-01-01" "$stage/old-inode"
	yesterday=$(date -u -d yesterday +%F)
	printf '{"exporter_subject":"CN=x","id":1,"direction":"tx","installed_ns":5}\n' \
		>"$stage/days/keys.jsonl.$yesterday"
	chmod 0600 "$stage/days/"*
	"$monctl" collect --listen 127.0.0.1:$port --cert "$stage/col.pem" --key "$stage/col.key" \
		--client-ca "$stage/col.pem" --out "$stage/days/keys.jsonl" --retain 2 \
		2>"$stage/collect.err" &
	cpid=$!
	busywait 60000 grep -q collecting "$stage/collect.err"
	kill -TERM $cpid; wait $cpid
	rc=0
	got=$(cd "$stage/days" && ls | tr '\n' ' ')
	[ "$got" = "keys.jsonl.$yesterday keys.jsonl.$(date -u +%F) " ] || { diag "files: $got"; rc=1; }
	[ "$(tr -d '\0' <"$stage/old-inode" | wc -c) $(stat -c %s "$stage/old-inode")" = "0 9" ] ||
		{ diag "the removed file was not overwritten"; rc=1; }
	grep -q '(1 records already stored)' "$stage/collect.err" ||
		{ diag "yesterday's file not read back: $(cat "$stage/collect.err")"; rc=1; }
	log_test $rc "monctl collect --retain: a file per day, older ones overwritten then removed"
else
	skip_test "monctl collect readiness" "no openssl"
fi

ktap_finish
