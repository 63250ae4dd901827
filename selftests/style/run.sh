#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Style and static checks of the kernel code, as TAP test cases:
# checkpatch --strict on every module and uapi file, a W=1 build without
# warnings, sparse (C=2) without findings, kernel-doc without warnings, the
# uapi header compiling on its own in userspace, an SPDX line on every
# source file, the documentation parsing as reStructuredText, every
# function the text names existing, design.rst naming every module file,
# the kselftest Makefile listing every guest suite, and the branch's new
# commits: checkpatch on their patches and their subjects
# (TLSMON_STYLE_BASE, below).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/lib/ktap.sh"
cd "$top" || exit 1

kdir=${KDIR:-$(make -s -C "$top" --no-print-directory print-kdir 2>/dev/null)}
lsrc=$top/build/linux-src
checkpatch=$lsrc/scripts/checkpatch.pl
work=$top/build/style
rm -rf "$work"
mkdir -p "$work"

ktap_header "style and static checks"

files=$(git ls-files 'module/*.[ch]' 'uapi/*.h' 2>/dev/null || ls module/*.[ch] uapi/linux/*.h)
for f in $files; do
	if [ ! -r "$checkpatch" ]; then
		skip_missing "checkpatch $f" "checkpatch.pl not extracted (make tests)"
		continue
	fi
	out=$(perl "$checkpatch" --strict --no-tree --terse --show-types -f "$f" 2>&1 |
	      grep -E ': (ERROR|WARNING|CHECK):')
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	log_test $([ -z "$out" ]; echo $?) "checkpatch --strict $f"
done

# Build a copy so that the checks do not disturb the tree's own objects.
mkdir -p "$work/tree"
cp -r Kbuild module uapi "$work/tree/"
rm -f "$work/tree/module/"*.o "$work/tree/module/"*.ko "$work/tree/module/".*.cmd
if [ -z "$kdir" ] || [ ! -d "$kdir" ]; then
	skip_missing "make W=1" "no kernel build tree"
	skip_missing "sparse" "no kernel build tree"
else
	make -C "$kdir" M="$work/tree" W=1 modules >"$work/w1.log" 2>&1
	rc=$?
	grep -E 'warning:|error:' "$work/w1.log" | sed 's/^/# /'
	! grep -qE 'warning:|error:' "$work/w1.log" && [ $rc -eq 0 ]
	log_test $? "make W=1 builds without a warning"

	if command -v sparse >/dev/null; then
		make -C "$kdir" M="$work/tree" C=2 modules >"$work/sparse.log" 2>&1
		rc=$?
		grep -E "^$work/tree/.*(warning|error):" "$work/sparse.log" | sed 's/^/# /'
		! grep -qE "^$work/tree/.*(warning|error):" "$work/sparse.log" && [ $rc -eq 0 ]
		log_test $? "sparse (C=2) finds nothing"
	else
		skip_missing "sparse" "sparse is not installed (make deps)"
	fi
fi

kdoc=$(ls "$kdir"/scripts/kernel-doc /usr/src/linux-headers-*-common/scripts/kernel-doc 2>/dev/null | head -n1)
if [ -n "$kdoc" ]; then
	out=$(perl "$kdoc" -none module/*.[ch] uapi/linux/tlsmon.h 2>&1)
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	log_test $([ -z "$out" ]; echo $?) "kernel-doc comments are well formed"
else
	skip_missing "kernel-doc" "scripts/kernel-doc not found"
fi

printf '#include <linux/tlsmon.h>\nint main(void) { return TLSMON_A_MAX + TLSMON_CMD_MAX; }\n' >"$work/uapi.c"
${CC:-cc} -std=c99 -Wall -Wextra -pedantic -Werror -Iuapi -o "$work/uapi" "$work/uapi.c" 2>&1 | sed 's/^/# /'
log_test "${PIPESTATUS[0]}" "the uapi header compiles on its own in userspace"

missing=
for f in $(git ls-files 2>/dev/null | grep -E '\.(c|h|sh|S)$|Makefile$|Kbuild$'); do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' || missing="$missing $f"
done
for f in $(git ls-files 'module/*' 2>/dev/null); do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0$\|SPDX-License-Identifier: GPL-2.0 \*/$' || missing="$missing $f(license)"
done
head -n 1 uapi/linux/tlsmon.h | grep -q 'GPL-2.0 WITH Linux-syscall-note' || missing="$missing uapi(license)"
[ -n "$missing" ] && diag "no or wrong SPDX line:$missing"
log_test $([ -z "$missing" ]; echo $?) "every source file has its SPDX line"

# The documentation parses as reStructuredText without a warning (a
# malformed table or title renders as raw text, or not at all).
py=
for c in python3 /usr/bin/python3; do
	"$c" -c 'import docutils' 2>/dev/null && py=$c && break
done
if [ -n "$py" ]; then
	out=$("$py" - Documentation/*.rst <<-'EOF'
	import io, sys
	import docutils.core
	for f in sys.argv[1:]:
	    err = io.StringIO()
	    docutils.core.publish_doctree(open(f).read(), source_path=f,
	        settings_overrides={"warning_stream": err, "report_level": 2,
		                    "halt_level": 5})
	    sys.stdout.write(err.getvalue())
	EOF
	)
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	log_test $([ -z "$out" ]; echo $?) "Documentation/*.rst parses without a warning"
else
	skip_missing "Documentation/*.rst" "docutils is not installed (make deps)"
fi

# Where key material lives (a captured copy, a session, a queued event, a
# netlink message being built) it is freed by kfree_sensitive() and
# wiped by memzero_explicit(). The files are every module file that names
# the key structure, not a list that a new file could miss.
keyfiles=$(grep -l 'tlsmon_dir_keys' "$top"/module/*.c)
plain=$(grep -n '\bkfree(' $keyfiles 2>/dev/null)
[ -z "$plain" ] || printf '%s\n' "$plain" | sed 's/^/# /'
log_test $([ -z "$plain" ]; echo $?) "no plain kfree() where keys are held"

# A wipe covers the whole object it names: memzero_explicit(X, sizeof(*X)),
# memzero_explicit(X, sizeof(X)) or memzero_explicit(&X, sizeof(X)), never a length of another object or a
# number ("memzero_explicit(s->keys, 1)" wipes one byte).
short=$(grep -n 'memzero_explicit(' $keyfiles | grep -v '^[^:]*:[0-9]*: *\*' |
	perl -ne 'if (/memzero_explicit\(\s*([^,]+?)\s*,\s*(.+?)\s*\);/) {
		my ($obj, $len) = ($1, $2);
		(my $ref = $obj) =~ s/^&//;
		print unless $len eq "sizeof(*$obj)" || $len eq "sizeof($obj)" ||
			($obj =~ /^&/ && $len eq "sizeof($ref)");
	} else { print }')
[ -z "$short" ] || printf '%s\n' "$short" | sed 's/^/# /'
log_test $([ -z "$short" ]; echo $?) "every wipe of key material covers its whole object"

# Sessions come from their own slab cache: every kmem_cache_free() in the
# files that hold keys follows a memzero_explicit() of the keys (the handshake
# table's caches hold handshake bytes seen on the wire, no key material).
unwiped=$(awk '/kmem_cache_free\(/ && prev !~ /memzero_explicit\(/ { print FILENAME ":" FNR ": " $0 }
	{ prev = $0 }' $keyfiles)
[ -z "$unwiped" ] || printf '%s\n' "$unwiped" | sed 's/^/# /'
log_test $([ -z "$unwiped" ]; echo $?) "no slab object freed unwiped where keys are held"

# Every tlsmon_*() that a document or a comment names exists: a function
# renamed or removed leaves no sentence about the old name behind. A name
# exists when the C code calls, declares or defines it with arguments
# ("name(" not followed by ")") or #defines it; a bare "name()" is how
# the text names a function, so it does not count.
code=$(git ls-files '*.c' '*.h' 2>/dev/null)
text=$(git ls-files 'Documentation/*' 'module/*' 'uapi/*' 'tools/*' 'selftests/*' README.md 2>/dev/null |
       grep -E '\.(c|h|rst|md|sh|yaml|[0-9])$')
stale=$(perl -e '
	my ($ncode, @files) = @ARGV;
	my @code = splice(@files, 0, $ncode);
	my %def;
	for my $f (@code) {
		open(my $h, "<", $f) or next;
		while (<$h>) {
			$def{$1} = 1 while /\b(tlsmon_\w+)\s*\((?!\))/g;
			$def{$1} = 1 if /#\s*define\s+(tlsmon_\w+)/;
		}
	}
	for my $f (@files) {
		open(my $h, "<", $f) or next;
		while (<$h>) {
			while (/\b(tlsmon_\w+)\(\)/g) {
				print "$f:$.: $1()\n" unless $def{$1};
			}
		}
	}' $(printf '%s\n' $code | wc -l) $code $text)
[ -z "$stale" ] || printf '%s\n' "$stale" | sed 's/^/# /'
log_test $([ -z "$stale" ]; echo $?) "every tlsmon_*() named in a document or comment exists"

# Every module/*.c is named in design.rst's list of files ("Files, one
# job each"), and every file that list names exists: a file added or
# removed without the design saying so fails. An entry names its files
# in ``...``; a bare name is in the directory of the path before it.
listed=$(perl -ne '
	if (/^Files, one job each/) { $in = 1; next }
	next unless $in;
	last if /^={3,}$/;
	next unless /^``/;
	for my $t (/``([^`]+)``/g) {
		if ($t =~ m{/}) { ($dir) = $t =~ m{^(.*/)} } else { $t = $dir . $t }
		print "$t\n";
	}' Documentation/design.rst)
unlisted=
cfiles=$(git ls-files 'module/*.c' 2>/dev/null)
[ -n "$cfiles" ] || cfiles=$(ls module/*.c | grep -v '\.mod\.c$')
for f in $(printf '%s\n' "$cfiles" | grep -v '^module/.*/'); do
	printf '%s\n' "$listed" | grep -qxF "$f" || unlisted="$unlisted $f"
done
for f in $listed; do
	[ -e "$f" ] || unlisted="$unlisted $f(named, does not exist)"
done
[ -z "$listed" ] && unlisted=" (no file list found in design.rst)"
[ -n "$unlisted" ] && diag "design.rst's file list and module/ differ:$unlisted"
log_test $([ -z "$unlisted" ]; echo $?) "design.rst's file list names every module/*.c, and only files that exist"

# Every guest shell suite is in the kselftest Makefile's TEST_PROGS, so
# that kselftest's runner runs what selftests/guest_suites.sh does.
if [ -r "$lsrc/tools/testing/selftests/kselftest_harness.h" ]; then
	progs=$(make -s --no-print-directory -C selftests/tlsmon emit_tests 2>&1 | sed -n 's/^[^:]*://p')
	missing=
	for f in selftests/tlsmon/*.sh; do
		printf '%s\n' "$progs" | grep -qxF "$(basename "$f")" || missing="$missing $f"
	done
	[ -n "$progs" ] || missing=" (make emit_tests listed nothing)"
	[ -n "$missing" ] && diag "not in selftests/tlsmon/Makefile's TEST_PROGS:$missing"
	log_test $([ -z "$missing" ]; echo $?) "every guest shell suite is in the kselftest Makefile"
else
	skip_missing "the kselftest Makefile" "the kselftest harness is not extracted (make tests)"
fi

# The branch's new commits as git format-patch sends them: checkpatch
# --strict on each patch (no sign-off check, no MAINTAINERS), for its
# commit message and for the module and uapi files it touches (the files
# the per-file run covers), and every subject "subsystem: summary" of at
# most 75 characters.
#
# New commits are those after TLSMON_STYLE_BASE when it is set (CI of a
# pull request sets it to the target branch), else after the merge base
# with the branch's upstream, origin/main or main when the branch has
# commits of its own, else HEAD's own (HEAD^1..HEAD: a commit, or what a
# merge brought in; a clean clone of main checks its last change, as
# commits already on main are not rewritten). commit_floor is the last
# commit written before these rules; it and its ancestors, many with
# longer subjects, are never checked.
commit_floor=9dbcc0aefa721e7bb4a54c21746d32f4ae66732a
head=$(git rev-parse -q --verify 'HEAD^{commit}' 2>/dev/null)
base= why=
if [ -z "$head" ]; then
	why="not a git checkout"
elif [ -n "${TLSMON_STYLE_BASE:-}" ]; then
	base=$(git merge-base HEAD "$TLSMON_STYLE_BASE" 2>/dev/null)
	why="since TLSMON_STYLE_BASE ($TLSMON_STYLE_BASE)"
	[ -n "$base" ] || { diag "TLSMON_STYLE_BASE=$TLSMON_STYLE_BASE: no common commit with HEAD"; log_test 1 "TLSMON_STYLE_BASE names a commit"; }
else
	for ref in '@{upstream}' origin/main main; do
		b=$(git merge-base HEAD "$ref" 2>/dev/null) || continue
		[ "$b" = "$head" ] && continue
		base=$b why="since the merge base with $ref"
		break
	done
	if [ -z "$base" ]; then
		base=$(git rev-parse -q --verify 'HEAD^1' 2>/dev/null)
		why="HEAD's own (HEAD^1..HEAD)"
		[ -n "$base" ] || why="HEAD's parent is not in this clone (a root commit or a shallow clone)"
	fi
fi
# never before the floor (a shallow clone may not have it: then what it
# holds is newer)
if [ -n "$base" ] && [ "$base" != "$commit_floor" ] &&
   git cat-file -e "$commit_floor^{commit}" 2>/dev/null &&
   git merge-base --is-ancestor "$base" "$commit_floor"; then
	base=$commit_floor
	why="$why, from the commit floor on"
fi
commits=
[ -n "$base" ] && commits=$(git rev-list --no-merges --reverse "$base..HEAD")
if [ -z "$base" ]; then
	skip_test "commits" "no range to check: $why"
elif [ -z "$commits" ]; then
	skip_test "commits" "no new commit $why"
else
	diag "commits checked: $(printf '%s\n' $commits | wc -l), $why"
	bad=
	for c in $commits; do
		subj=$(git log -1 --format=%s "$c")
		if [ ${#subj} -gt 75 ] || ! [[ $subj =~ ^[a-z0-9][a-z0-9_./-]*:\ [^\ ] ]]; then
			bad="$bad ${c:0:12}"
			diag "${c:0:12} ${#subj} characters: $subj"
		fi
	done
	log_test $([ -z "$bad" ]; echo $?) "commit subjects are \"subsystem: summary\" of at most 75 characters"

	if [ ! -r "$checkpatch" ]; then
		skip_missing "checkpatch of the new commits" "checkpatch.pl not extracted (make tests)"
	else
		for c in $commits; do
			git format-patch -1 --stdout "$c" >"$work/commit.patch"
			# keep findings on the message (before the first diff) and on
			# module/ and uapi/ files
			out=$(perl "$checkpatch" --strict --no-tree --no-signoff \
					--ignore FILE_PATH_CHANGES --terse --show-types \
					"$work/commit.patch" 2>&1 |
			      perl -e '
				open(my $p, "<", $ARGV[0]) or die;
				my ($cur, @file) = ("");
				while (<$p>) {
					$cur = $1 if m{^diff --git a/(\S+)};
					$file[$.] = $cur;
				}
				while (<STDIN>) {
					next unless /^[^:]*:(\d+): (ERROR|WARNING|CHECK):/;
					my $f = $file[$1] // "";
					print if $f eq "" || $f =~ m{^(module|uapi)/};
				}' "$work/commit.patch")
			[ -n "$out" ] && printf '%s\n' "$out" | sed "s|^$work/commit.patch|# ${c:0:12}|"
			log_test $([ -z "$out" ]; echo $?) "checkpatch --strict on commit ${c:0:12} $(git log -1 --format=%s "$c")"
		done
	fi
fi

ktap_finish
