#!/bin/bash
# kernel-code.sh [--all] KDIR_PATCHED KDIR_BASELINE [FUNCTION...]: compare the machine
# code of the functions on the timed close paths in two built kernel trees,
# instruction by instruction, with addresses taken out (a function that only
# moved is the same code).  Prints one line per function:
#   FUNCTION  same|differs|missing  N instructions (patched) / M (baseline)
# and, for a function that differs, the instructions only one side has.
# This is what a timing difference between two kernels can come from: code
# the patches change, or (where every function on the path is the same)
# only where the code was placed.
# --all compares every function of the two images instead and prints
#   functions: N the same of M in both; differing: F...; only patched: F...; only baseline: F...
# Exit status: 0 compared, 2 a tree or its vmlinux is missing.
set -uo pipefail
all=
[ "${1:-}" = --all ] && { all=1; shift; }
[ $# -ge 2 ] || { echo "usage: $0 [--all] KDIR_PATCHED KDIR_BASELINE [FUNCTION...]" >&2; exit 2; }
a=$1 b=$2
shift 2
for d in "$a" "$b"; do
	[ -s "$d/vmlinux" ] || { echo "kernel-code: no $d/vmlinux" >&2; exit 2; }
done
# The close paths the bench times (tests/vm/helpers/bench-close.c):
# close() -> fput() -> task_work -> ____fput() -> __fput() -> ima_file_free()
# -> ima_check_last_writer() -> ima_update_xattr(); and open().
funcs=("$@")
[ ${#funcs[@]} -gt 0 ] || funcs=(fput ____fput __fput __x64_sys_close file_close_fd
	filp_flush ima_file_free ima_check_last_writer ima_update_xattr ima_fix_xattr
	ima_file_check process_measurement do_sys_openat2 do_filp_open path_openat)

# normalise: objdump's lines with addresses, RIP-relative displacements
# (the symbol they reach is kept) and symbol offsets taken out; a function's
# header line becomes "<NAME>:", an instruction loses its address.
normalise() {
	sed -E -e 's/^[0-9a-f]+ (<[^>]*>:)$/\1/' -e 's/^ *[0-9a-f]+:\t//' \
		-e 's/-?0x[0-9a-f]+\(%rip\)/DISP(%rip)/g' \
		-e 's/\b(0x)?[0-9a-f]{8,16}\b/ADDR/g' -e 's/<([^>+]*)\+0x[0-9a-f]+>/<\1>/g' \
		-e 's/[[:space:]]+/ /g'
}

# code KDIR FUNCTION: the function's instructions, one per line
code() {
	objdump -d --no-show-raw-insn --disassemble="$2" "$1/vmlinux" 2>/dev/null |
		sed -n '/^[0-9a-f]* <'"$2"'>:$/,/^$/p' | normalise | sed -e '/^<.*>:$/d' -e '/^ *$/d'
}

# functions KDIR: the whole image, normalised
functions() {
	objdump -d --no-show-raw-insn "$1/vmlinux" 2>/dev/null | normalise
}

if [ -n "$all" ]; then
	python3 - <(functions "$a") <(functions "$b") <<'PY'
import sys


def functions(path):
    """{name: [instruction, ...]} from normalise's output."""
    out, body = {}, None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("<") and line.endswith(">:"):
                body = out.setdefault(line[1:-2], [])
            elif body is not None and line.strip() and not line.startswith("Disassembly"):
                body.append(line)
    return out


a, b = functions(sys.argv[1]), functions(sys.argv[2])
both = [n for n in a if n in b]
diff = sorted(n for n in both if a[n] != b[n])
print("functions: %d the same of %d in both; differing: %s; only patched: %s; only baseline: %s"
      % (len(both) - len(diff), len(both), " ".join(diff) or "none",
         " ".join(sorted(n for n in a if n not in b)) or "none",
         " ".join(sorted(n for n in b if n not in a)) or "none"))
PY
	exit
fi

for f in "${funcs[@]}"; do
	ca=$(code "$a" "$f") cb=$(code "$b" "$f")
	na=$(grep -c . <<<"$ca") nb=$(grep -c . <<<"$cb")
	if [ "$na" = 0 ] || [ "$nb" = 0 ]; then
		printf '%-24s missing  %d instructions (patched) / %d (baseline): not a function of its own in one of them (inlined or absent)\n' "$f" "$na" "$nb"
	elif [ "$ca" = "$cb" ]; then
		printf '%-24s same     %d instructions\n' "$f" "$na"
	else
		printf '%-24s differs  %d instructions (patched) / %d (baseline)\n' "$f" "$na" "$nb"
		diff <(printf '%s\n' "$cb") <(printf '%s\n' "$ca") | sed -n 's/^[<>] /&/p' |
			sed -e 's/^< /    baseline only: /' -e 's/^> /    patched only:  /' | head -n 12
	fi
done
