#!/bin/bash
# gen-suites.sh: a test file build/vm-tests/NAME-KERNEL.t for every kernel
# of every line of tests/vm/suites.list (the format is described there).
# gen-suites.sh --list: only print the files' paths, from the top of the clone.
# A file is rewritten only when its text changes; files of lines that are
# gone are removed.  Exit 2 on a malformed line, naming it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
list=${SUITES_LIST:-$here/suites.list}	# SUITES_LIST: for tests/host/suite-table.t
only_list=0
if [ "${1:-}" = --list ]; then only_list=1; shift; fi
[ $# = 0 ] || { echo "usage: gen-suites.sh [--list]" >&2; exit 2; }
rel=build/vm-tests
out=$top/$rel
[ "$only_list" = 1 ] || mkdir -p "$out" || exit 2

declare -A seen=()
comments=() n=0
while IFS= read -r line || [ -n "$line" ]; do
	n=$((n + 1))
	case $line in
	'#'*) comments+=("$line"); continue ;;
	'') comments=(); continue ;;
	esac
	read -r name kernels cmd <<<"$line"
	if ! [[ $name =~ ^[a-z0-9][a-z0-9-]*$ && $kernels =~ ^(series|none)(,(series|none))?$ && -n $cmd ]]; then
		echo "gen-suites: $list:$n: want NAME KERNELS COMMAND: $line" >&2
		exit 2
	fi
	# VAR=value words, then the script
	env_words=() rest=$cmd
	while [[ $rest =~ ^([A-Z_][A-Z0-9_]*=[^ ]*)\ +(.*)$ ]]; do
		env_words+=("${BASH_REMATCH[1]}")
		rest=${BASH_REMATCH[2]}
	done
	script=${rest%% *} args=
	[ "$script" = "$rest" ] || args=${rest#* }
	dir=
	for d in tests/vm vm; do
		[ -f "$top/$d/$script" ] && [ -x "$top/$d/$script" ] && { dir=$d; break; }
	done
	if [ -z "$dir" ]; then
		echo "gen-suites: $list:$n: $script is not an executable script of tests/vm/ or vm/" >&2
		exit 2
	fi
	for k in ${kernels//,/ }; do
		f=$out/$name-$k.t
		if [ -n "${seen[$f]:-}" ]; then
			echo "gen-suites: $list:$n: $name-$k.t again (first on line ${seen[$f]})" >&2
			exit 2
		fi
		seen[$f]=$n
		if [ "$only_list" = 1 ]; then
			echo "$rel/$name-$k.t"
			continue
		fi
		e=${env_words[*]:+${env_words[*]//\{k\}/$k} }
		text=$(printf '#!/bin/bash\n# Made by tests/vm/gen-suites.sh from tests/vm/suites.list, line %d.\n' "$n"
			[ ${#comments[@]} = 0 ] || printf '%s\n' "${comments[@]}"
			printf 'top=$(cd "$(dirname "$0")/../.." && pwd)\n'
			printf '%sexec "$top/%s/%s"%s\n' "$e" "$dir" "$script" "${args:+ ${args//\{k\}/$k}}")
		if [ "$(cat "$f" 2>/dev/null)" != "$text" ]; then
			printf '%s\n' "$text" > "$f.tmp" && chmod +x "$f.tmp" && mv "$f.tmp" "$f" || exit 2
		fi
	done
	comments=()
done < "$list"
if [ "$only_list" = 0 ]; then
	for f in "$out"/*.t; do
		[ -e "$f" ] && [ -z "${seen[$f]:-}" ] && rm -f "$f"
	done
fi
exit 0
