#!/bin/bash
# The procedure "Enabling appraisal on Debian 12" in ima-fput.rst is the one
# the Debian-kernel system test runs: for each boot N, the literal block
# between ".. debian-procedure-begin N" and ".. debian-procedure-end N"
# (and README.md's copy) holds, line for line, the commands between "# procedure-begin N" and
# "# procedure-end N" in tests/system/guest/debian-probe.sh.  A negative
# control changes one command of a copy of the probe and must be caught.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
rst=$top/Documentation/security/ima-fput.rst
probe=$top/tests/system/guest/debian-probe.sh

# doc N: the commands of boot N in the document (a continued line, ending
# in "|" or "\", is joined with the next)
doc() {
	awk -v n="$1" '
		$0 == ".. debian-procedure-begin " n { on = 1; next }
		$0 == ".. debian-procedure-end " n { on = 0 }
		on && /^   / { sub(/^   /, ""); print }' "$rst" | join_lines
}
# readme N: the same in README.md, in a fenced block between HTML comments
readme() {
	awk -v n="$1" '
		$0 == "<!-- debian-procedure-begin " n " -->" { on = 1; next }
		$0 == "<!-- debian-procedure-end " n " -->" { on = 0 }
		on && !/^```/ { print }' "$top/README.md" | join_lines
}
# script N FILE: the commands of boot N in the probe
script() {
	awk -v n="$1" '
		$0 ~ "^\t*# procedure-begin " n "$" { on = 1; next }
		$0 ~ "^\t*# procedure-end " n "$" { on = 0 }
		on { sub(/^\t+/, ""); print }' "$2" | join_lines
}
join_lines() { sed -e ':a' -e '/[|\\]$/{N;s/\n[ \t]*/ /;ba' -e '}'; }

blocks=$(sed -n 's/^\t*# procedure-begin \([0-9]*\)$/\1/p' "$probe")
check "the probe marks the procedure's commands of boots $(echo $blocks)" test -n "$blocks"
for n in $blocks; do
	d=$(doc $n) s=$(script $n "$probe")
	check "boot $n: the document gives the procedure ($(grep -c . <<<"$d") commands)" test -n "$d"
	if [ -n "$d" ] && [ "$d" = "$s" ]; then
		ok "boot $n: the probe runs exactly the document's commands"
	else
		not_ok "boot $n: the probe runs exactly the document's commands"
		diff <(echo "$d") <(echo "$s") | sed 's/^/# /'
	fi
	# README.md gives the main procedure (boots 0 and 1)
	[ $n -le 1 ] || continue
	r=$(readme $n)
	if [ -n "$r" ] && [ "$r" = "$d" ]; then
		ok "boot $n: README.md gives the same commands"
	else
		not_ok "boot $n: README.md gives the same commands"
		diff <(echo "$d") <(echo "$r") | sed 's/^/# /'
	fi
done
# negative control: a probe whose dpkg -i names another file
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed 's/^\tdpkg -i ima-test_\*\.deb$/\tdpkg -i ima-test.deb/' "$probe" > "$tmp"
check "negative control: a changed command in the probe is caught" \
	test "$(doc 0)" != "$(script 0 "$tmp")"
# the procedure's commands exist where the test runs them: each is a shell
# keyword or builtin, a command of the Debian 12 system this test runs on,
# or one that the guest's packages provide (initramfs-tools, keyutils, the
# package itself, and the update-grub stand-in of debian.sh)
provided() {
	case $1 in
	update-grub|update-initramfs|keyctl|ima-test) echo "a command of the guest's packages" ;;
	*)	t=$(type -t "$1") || return 1
		if [ "$t" = file ]; then echo "a command of Debian 12"; else echo "a shell $t"; fi ;;
	esac
}
for cmd in $(for n in $blocks; do doc $n; done | tr '|' '\n' | awk '{ print $1 }' | sort -u); do
	case $cmd in
	*\)) continue ;;		# a pattern of a case statement
	\(*) cmd=${cmd#(} ;;		# a subshell
	esac
	if what=$(provided "$cmd"); then
		ok "the procedure uses '$cmd', $what"
	else
		not_ok "the procedure uses '$cmd', which neither the shell nor Debian 12 nor the guest's packages provide"
	fi
done
check "negative control: a command no system provides is refused" eval '! provided frobnicate-ima'
finish
